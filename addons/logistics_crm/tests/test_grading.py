from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.logistics_crm.models.grading_policy import BATCH_SIZE_PARAM

from .common import LogisticsCrmCase
from .test_security_partner import lock_tier, unlock_tier


@tagged("post_install", "-at_install")
class TestGradingCriteria(LogisticsCrmCase):
    def _complaint(self, partner):
        return self.env["logistics.complaint"].create(
            {"name": "Parcel late", "partner_id": partner.id}
        )

    def test_revenue_percent_rank_and_tiers(self):
        self._set_weights(revenue=1)
        low, mid, top = (self._customer(n) for n in ("Low", "Mid", "Top"))
        self._orders([(low, 100, 5), (mid, 200, 5), (top, 300, 5)])
        self._grade()
        self.assertEqual(
            [p.customer_score for p in (low, mid, top)], [0.0, 50.0, 100.0]
        )
        self.assertEqual(top.customer_revenue, 300.0)
        self.assertEqual(top.customer_revenue_score, 100.0)
        self.assertEqual(low.customer_tier_id, self.tier_d)
        self.assertEqual(mid.customer_tier_id, self.tier_b)
        self.assertEqual(top.customer_tier_id, self.tier_a)
        self.assertEqual(top.customer_tier_computed_id, self.tier_a)
        self.assertTrue(top.customer_graded_on)

    def test_ties_share_the_mean_of_their_ranks(self):
        self._set_weights(revenue=1)
        a, b, c, d = (self._customer(n) for n in "ABCD")
        self._orders([(a, 100, 5), (b, 200, 5), (c, 200, 5), (d, 400, 5)])
        self._grade()
        self.assertEqual(
            [p.customer_score for p in (a, b, c, d)], [0.0, 50.0, 50.0, 100.0]
        )
        self.assertEqual(b.customer_revenue_score, 50.0)

    def test_all_tied_customers_score_the_middle(self):
        self._set_weights(revenue=1)
        a, b, c = (self._customer(n) for n in "ABC")
        self._orders([(a, 100, 5), (b, 100, 5), (c, 100, 5)])
        self._grade()
        self.assertEqual([p.customer_score for p in (a, b, c)], [50.0] * 3)

    def test_lone_customer_scores_100(self):
        only = self._customer("Only")
        self._orders([(only, 50, 200)])
        self._grade()
        self.assertEqual(only.customer_score, 100.0)
        self.assertEqual(only.customer_tier_id, self.tier_a)
        self.assertEqual(only.customer_rfm, "5-5-5")
        self.assertEqual(only.customer_rfm_segment, "champions")

    def test_margin(self):
        self._set_weights(margin=1)
        thin, fat = self._customer("Thin"), self._customer("Fat")
        self._orders([(thin, 100, 5, 90), (fat, 100, 5, 60)])
        self._grade()
        self.assertEqual(fat.customer_margin, 40.0)
        self.assertEqual(thin.customer_margin, 10.0)
        self.assertEqual((thin.customer_score, fat.customer_score), (0.0, 100.0))

    def test_frequency_counts_window_orders_only(self):
        self._set_weights(frequency=1)
        often, old = self._customer("Often"), self._customer("Old timer")
        self._orders(
            [
                (often, 10, 5),
                (often, 10, 50),
                (often, 10, 100),
                (old, 10, 5),
                (old, 10, 400),
                (old, 10, 500),
            ]
        )
        self._grade()
        self.assertEqual(often.customer_order_count, 3)
        self.assertEqual(old.customer_order_count, 1)
        self.assertEqual(old.customer_revenue, 10.0)
        self.assertEqual((old.customer_score, often.customer_score), (0.0, 100.0))

    def test_recency_ranks_in_reverse(self):
        self._set_weights(recency=1)
        fresh, stale = self._customer("Fresh"), self._customer("Stale")
        self._orders([(fresh, 10, 10), (stale, 10, 100)])
        self._grade()
        self.assertEqual(fresh.customer_recency_days, 10)
        self.assertEqual(stale.customer_recency_days, 100)
        self.assertEqual((fresh.customer_score, stale.customer_score), (100.0, 0.0))

    def test_growth_compares_window_halves(self):
        self._set_weights(growth=1)
        up, down, newcomer = (self._customer(n) for n in ("Up", "Down", "Newcomer"))
        self._orders(
            [
                (up, 100, 300),
                (up, 300, 10),
                (down, 300, 300),
                (down, 100, 10),
                (newcomer, 50, 10),
            ]
        )
        self._grade()
        self.assertAlmostEqual(up.customer_growth, 2.0)
        self.assertAlmostEqual(down.customer_growth, -2 / 3, places=4)
        self.assertAlmostEqual(newcomer.customer_growth, 50.0)
        self.assertEqual(
            [p.customer_score for p in (down, up, newcomer)], [0.0, 50.0, 100.0]
        )

    def test_payment_is_scored_on_the_customer_own_invoices(self):
        self._set_weights(payment=1)
        late, punctual, cash = (self._customer(n) for n in ("Late", "Punctual", "Cash"))
        self._orders([(late, 10, 5), (punctual, 10, 5), (cash, 10, 5)])
        self._invoice(late, 500, 40, 10)
        self._invoice(late, 500, 5, -25)
        self._invoice(punctual, 1000, 5, -25)
        self._grade()
        self.assertAlmostEqual(late.customer_overdue_ratio, 0.5)
        self.assertEqual(punctual.customer_overdue_ratio, 0.0)
        self.assertEqual(cash.customer_overdue_ratio, 0.0)
        # 100 x (1 - overdue / invoiced), and 100 when nothing was invoiced:
        # other customers' payments do not matter
        self.assertEqual(late.customer_payment_score, 50.0)
        self.assertEqual(late.customer_score, 50.0)
        self.assertEqual((punctual.customer_score, cash.customer_score), (100.0, 100.0))

    def test_complaints_are_scored_against_the_policy_ratio(self):
        self._set_weights(complaints=1)
        self.policy.complaint_ratio_zero = 0.5
        clean, some, many = (self._customer(n) for n in ("Clean", "Some", "Many"))
        self._orders([(clean, 10, 5), (some, 10, 5), (some, 10, 6)] + [(many, 10, 5)])
        self._complaint(some)
        self._complaint(many)
        self._complaint(many)
        self._grade()
        # 0.5 complaints per order scores 0; 2 complaints on 1 order too
        self.assertEqual(clean.customer_complaint_score, 100.0)
        self.assertEqual(some.customer_complaint_ratio, 0.5)
        self.assertEqual(some.customer_complaint_score, 0.0)
        self.assertEqual(many.customer_complaint_score, 0.0)
        self.policy.complaint_ratio_zero = 1.0
        self._grade()
        self.assertEqual(some.customer_complaint_score, 50.0)
        self.assertEqual(many.customer_complaint_score, 0.0)
        with self.assertRaises(ValidationError):
            self.policy.complaint_ratio_zero = 0

    def test_perfect_payer_without_complaints_scores_100_on_both(self):
        self._set_weights(payment=1, complaints=1)
        perfect, bad = self._customer("Perfect"), self._customer("Bad")
        self._orders([(perfect, 10, 5), (bad, 10, 5)])
        self._invoice(perfect, 100, 5, -25)
        self._complaint(bad)
        self._grade()
        self.assertEqual(perfect.customer_payment_score, 100.0)
        self.assertEqual(perfect.customer_complaint_score, 100.0)
        self.assertEqual(perfect.customer_score, 100.0)
        self.assertEqual(bad.customer_complaint_score, 0.0)

    def test_potential_is_the_salespeople_estimate(self):
        self._set_weights(potential=1)
        high, low = self._customer("High"), self._customer("Low")
        high.customer_potential = "high"
        low.customer_potential = "low"
        self._orders([(high, 10, 5), (low, 10, 5)])
        self._grade()
        self.assertEqual((low.customer_score, high.customer_score), (0.0, 100.0))

    def test_zero_weights_ignore_a_criterion(self):
        self._set_weights(recency=1, revenue=0)
        big_old, small_new = self._customer("Big old"), self._customer("Small new")
        self._orders([(big_old, 10000, 100), (small_new, 10, 5)])
        self._grade()
        self.assertEqual(big_old.customer_revenue_score, 100.0)
        self.assertEqual(big_old.customer_score, 0.0)
        self.assertEqual(small_new.customer_score, 100.0)

    def test_weighted_mean_of_sub_scores(self):
        self._set_weights(revenue=3, recency=1)
        big_old, small_new = self._customer("Big old"), self._customer("Small new")
        self._orders([(big_old, 10000, 100), (small_new, 10, 5)])
        self._grade()
        self.assertEqual(big_old.customer_score, 75.0)
        self.assertEqual(small_new.customer_score, 25.0)
        self.assertEqual(big_old.customer_tier_id, self.tier_b)
        self.assertEqual(small_new.customer_tier_id, self.tier_c)

    def test_only_customers_with_confirmed_orders_are_graded(self):
        buyer, prospect = self._customer("Buyer"), self._customer("Prospect")
        self._orders([(buyer, 10, 5)])
        self.env["sale.order"].create(
            {
                "partner_id": prospect.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 1})
                ],
            }
        )
        self._grade()
        self.assertEqual(buyer.customer_score, 100.0)
        self.assertFalse(prospect.customer_tier_id)
        self.assertFalse(prospect.customer_graded_on)

    def test_contacts_show_and_feed_their_company_grade(self):
        self._set_weights(revenue=1)
        company = self._customer("Company")
        buyer = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": company.id}
        )
        other = self._customer("Other")
        self._orders([(buyer, 500, 5), (other, 100, 5)])
        self._grade()
        self.assertEqual(company.customer_revenue, 500.0)
        self.assertEqual(company.customer_tier_id, self.tier_a)
        self.assertEqual(buyer.customer_tier_id, self.tier_a)
        self.assertEqual(buyer.customer_score, 100.0)
        late_contact = self.env["res.partner"].create(
            {"name": "New colleague", "parent_id": company.id}
        )
        self.assertEqual(late_contact.customer_tier_id, self.tier_a)

    def test_company_specific_tiers_replace_shared_ones(self):
        self._set_weights(revenue=1)
        gold = self.Tier.create(
            {
                "name": "Gold",
                "code": "G",
                "min_score": 60,
                "company_id": self.company.id,
            }
        )
        basic = self.Tier.create(
            {
                "name": "Basic",
                "code": "Z",
                "min_score": 0,
                "company_id": self.company.id,
            }
        )
        low, top = self._customer("Low"), self._customer("Top")
        self._orders([(low, 1, 5), (top, 2, 5)])
        self._grade()
        self.assertEqual(top.customer_tier_id, gold)
        self.assertEqual(low.customer_tier_id, basic)


@tagged("post_install", "-at_install")
class TestLifecycleAndRfm(LogisticsCrmCase):
    def test_lifecycle_cases(self):
        cases = {
            "new": [10],
            "lost": [500, 400],
            "won_back": [600, 20],
            "at_risk": [300, 250, 200],
            "active": [120, 60, 20],
        }
        partners = {}
        specs = []
        for lifecycle, days in cases.items():
            partners[lifecycle] = self._customer(lifecycle)
            specs += [(partners[lifecycle], 10, d) for d in days]
        single_risk, single_ok = self._customer("One old"), self._customer("One")
        specs += [(single_risk, 10, 200), (single_ok, 10, 150)]
        self._orders(specs)
        self._grade()
        for lifecycle, partner in partners.items():
            self.assertEqual(partner.customer_lifecycle, lifecycle, partner.name)
        self.assertEqual(single_risk.customer_lifecycle, "at_risk")
        self.assertEqual(single_ok.customer_lifecycle, "active")

    def test_lifecycle_thresholds_live_on_the_policy(self):
        partner = self._customer("Quarterly")
        self._orders([(partner, 10, 200), (partner, 10, 100)])
        self._grade()
        self.assertEqual(partner.customer_lifecycle, "active")
        self.policy.lifecycle_at_risk_factor = 0.5
        self.policy.lifecycle_at_risk_min_days = 60
        self._grade()
        self.assertEqual(partner.customer_lifecycle, "at_risk")

    def test_rfm_quintiles_and_segments(self):
        best, worst = self._customer("Best"), self._customer("Worst")
        self._orders([(best, 500, 3), (best, 500, 20), (worst, 10, 300)])
        self._grade()
        self.assertEqual(best.customer_rfm, "5-5-5")
        self.assertEqual(best.customer_rfm_segment, "champions")
        self.assertEqual(worst.customer_rfm, "1-1-1")
        self.assertEqual(worst.customer_rfm_segment, "lost")


@tagged("post_install", "-at_install")
class TestTierLockAndHistory(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "lcrm_manager", groups="logistics_crm.logistics_crm_group_manager"
        )
        cls.low, cls.top = cls._customer("Low"), cls._customer("Top")
        cls._orders([(cls.low, 100, 5), (cls.top, 300, 5)])

    def setUp(self):
        super().setUp()
        self._set_weights(revenue=1)
        self._grade()

    def test_locked_tier_survives_regrade_and_shows_mismatch(self):
        lock_tier(self.low, self.manager, self.tier_a, "Strategic account signed in Q3")
        self._grade()
        self.assertEqual(self.low.customer_tier_id, self.tier_a)
        self.assertEqual(self.low.customer_tier_computed_id, self.tier_d)
        self.assertTrue(self.low.customer_tier_mismatch)
        self.assertIn(
            self.low,
            self.env["res.partner"].search([("customer_tier_mismatch", "=", True)]),
        )
        self.assertNotIn(
            self.top,
            self.env["res.partner"].search([("customer_tier_mismatch", "=", True)]),
        )

    def test_expired_lock_is_lifted_by_the_regrade(self):
        lock_tier(
            self.low,
            self.manager,
            self.tier_a,
            "Trial",
            lock_until=self.today + timedelta(days=1),
        )
        self.policy._compute_grades(today=self.today + timedelta(days=1))
        self.assertEqual(self.low.customer_tier_id, self.tier_a)
        self.policy._compute_grades(today=self.today + timedelta(days=2))
        self.assertFalse(self.low.customer_tier_locked)
        self.assertFalse(self.low.customer_tier_lock_reason)
        self.assertEqual(self.low.customer_tier_id, self.tier_d)
        self.assertFalse(self.low.customer_tier_mismatch)

    def test_unlocking_restores_the_computed_tier(self):
        lock_tier(self.low, self.manager, self.tier_b, "Negotiation")
        self.assertEqual(self.low.customer_tier_id, self.tier_b)
        unlock_tier(self.low, self.manager)
        self.assertEqual(self.low.customer_tier_id, self.tier_d)
        self.assertFalse(self.low.customer_tier_lock_reason)

    def test_lock_needs_a_reason_and_a_lock(self):
        with self.assertRefused(ValidationError, "reason"):
            lock_tier(self.low, self.manager, self.tier_a, False)
        self.assertEqual(self.low.customer_tier_id, self.tier_d)
        with self.assertRefused(ValidationError, "today or later"):
            lock_tier(
                self.low,
                self.manager,
                self.tier_a,
                "Past",
                lock_until=self.today - timedelta(days=1),
            )
        self.assertFalse(self.low.customer_tier_locked)
        # the model holds the same rules, whoever writes the lock fields
        with self.assertRefused(ValidationError, "reason"):
            self.low.write(
                {"customer_tier_locked": True, "customer_tier_id": self.tier_a.id}
            )
        with self.assertRefused(ValidationError, "Lock the tier"):
            self.low.write({"customer_tier_id": self.tier_a.id})
        with self.assertRefused(ValidationError, "today or later"):
            self.low.write(
                {
                    "customer_tier_locked": True,
                    "customer_tier_id": self.tier_a.id,
                    "customer_tier_lock_reason": "Past",
                    "customer_tier_lock_until": self.today - timedelta(days=1),
                }
            )
        self.assertFalse(self.low.customer_tier_locked)

    def test_history_rows_only_for_changes(self):
        History = self.env["logistics.grade.history"]
        rows = History.search([("partner_id", "in", (self.low + self.top).ids)])
        self.assertEqual(len(rows), 2)
        top_row = rows.filtered(lambda r: r.partner_id == self.top)
        self.assertEqual(top_row.tier_id, self.tier_a)
        self.assertFalse(top_row.previous_tier_id)
        self.assertEqual(top_row.revenue, 300.0)
        self.assertEqual(top_row.revenue_score, 100.0)
        self.assertEqual(top_row.company_id, self.company)
        self._grade()
        self.assertEqual(
            History.search_count([("partner_id", "in", (self.low + self.top).ids)]), 2
        )
        # A new, bigger customer pushes Top down from A to B.
        bigger = self._customer("Bigger")
        self._orders([(bigger, 1000, 5)])
        self._grade()
        change = History.search([("partner_id", "=", self.top.id)], limit=1)
        self.assertEqual(change.previous_tier_id, self.tier_a)
        self.assertEqual(change.tier_id, self.tier_b)
        self.assertEqual(change.previous_score, 100.0)
        self.assertEqual(change.score, 50.0)
        self.assertEqual(self.top.customer_grade_history_count, 2)
        note = self.top.message_ids[:1]
        self.assertIn("Key account", note.body)
        self.assertIn("Growth", note.body)

    def test_history_action_opens_the_customer_rows(self):
        action = self.top.action_view_grade_history()
        rows = self.env["logistics.grade.history"].search(action["domain"])
        self.assertEqual(rows.partner_id, self.top)


@tagged("post_install", "-at_install")
class TestGradingScale(LogisticsCrmCase):
    def _count_grading_queries(self, customers):
        self._orders([(c, 10 * (i + 1), i + 1) for i, c in enumerate(customers)])
        self.env.flush_all()
        self.env.invalidate_all()
        # settings are cached after their first read, whatever the population
        self.env["ir.config_parameter"].sudo().get_param(BATCH_SIZE_PARAM)
        # and the default pricelists the benefit changes show
        self.env["product.pricelist"]._get_country_pricelist_multi([])
        before = self.env.cr.sql_log_count
        self.policy._compute_grades()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_query_count_does_not_grow_with_customers(self):
        # the second regrade moves the first customers' grades: the retention
        # rules' cases are counted in test_retention.py
        self.env["logistics.retention.rule"].search([]).action_archive()
        small = self._count_grading_queries([self._customer(f"S{i}") for i in range(3)])
        self.env["res.partner"].search([]).invalidate_recordset()
        large = self._count_grading_queries(
            [self._customer(f"L{i}") for i in range(30)]
        )
        self.assertEqual(small, large)


@tagged("post_install", "-at_install")
class TestGradingMultiCompany(LogisticsCrmCase):
    def test_companies_grade_shared_customers_independently(self):
        self._set_weights(revenue=1)
        company_b = self.env["res.company"].create({"name": "B Logistics"})
        policy_b = self.env["logistics.grading.policy"]._get_for_company(company_b)
        policy_b.write(
            {
                "weight_margin": 0,
                "weight_frequency": 0,
                "weight_recency": 0,
                "weight_growth": 0,
                "weight_payment": 0,
                "weight_potential": 0,
            }
        )
        x, y = self._customer("X"), self._customer("Y")
        self._orders([(x, 1000, 5), (y, 100, 5)])
        self._orders([(x, 100, 5), (y, 1000, 5)], company=company_b)
        self.policy._compute_grades()
        self.assertFalse(x.with_company(company_b).customer_tier_id)
        policy_b._compute_grades()
        self.assertEqual(x.customer_tier_id, self.tier_a)
        self.assertEqual(y.customer_tier_id, self.tier_d)
        self.assertEqual(x.with_company(company_b).customer_tier_id, self.tier_d)
        self.assertEqual(y.with_company(company_b).customer_tier_id, self.tier_a)
        self.assertEqual(x.customer_revenue, 1000.0)
        self.assertEqual(x.with_company(company_b).customer_revenue, 100.0)
        in_b = (
            self.env["res.partner"]
            .with_company(company_b)
            .search(
                [("customer_tier_id", "=", self.tier_a.id), ("id", "in", (x + y).ids)]
            )
        )
        self.assertEqual(in_b, y)
