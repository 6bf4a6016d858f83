"""Churn and retention by month, against a hand count.

The population (company 1, 'Lost after' = 60 days, today 2026-07-15):

=========  ====  ===========================================================
customer   tier  confirmed orders
=========  ====  ===========================================================
Steady     A     2026-02-10 (100), 2026-03-20 (200), 2026-05-05 (300)
Fading     A     2026-01-05 (50)
Comeback   B     2025-12-01 (400), 2026-04-10 (500): won back after 130 days
Newcomer   B     2026-05-20 (600)
Seasonal   B     2026-03-01 (700), 2026-04-15 (800)
=========  ====  ===========================================================

A customer is active at the start of a month when its last earlier order is
less than 60 days before the 1st; it churns in the month where those 60 days
run out without a new order.
"""

from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import LogisticsCrmCase

TODAY = date(2026, 7, 15)


class RetentionReportCase(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(freeze_time("2026-07-15 12:00:00"))
        cls.today = TODAY
        cls.policy.lifecycle_lost_days = 60
        cls.Report = cls.env["logistics.retention.report"]
        cls.steady = cls._tiered("Steady", cls.tier_a)
        cls.fading = cls._tiered("Fading", cls.tier_a)
        cls.comeback = cls._tiered("Comeback", cls.tier_b)
        cls.newcomer = cls._tiered("Newcomer", cls.tier_b)
        cls.seasonal = cls._tiered("Seasonal", cls.tier_b)
        cls.population = (
            cls.steady | cls.fading | cls.comeback | cls.newcomer | cls.seasonal
        )
        cls._dated_orders(
            [
                (cls.steady, 100, date(2026, 2, 10)),
                (cls.steady, 200, date(2026, 3, 20)),
                (cls.steady, 300, date(2026, 5, 5)),
                (cls.fading, 50, date(2026, 1, 5)),
                (cls.comeback, 400, date(2025, 12, 1)),
                (cls.comeback, 500, date(2026, 4, 10)),
                (cls.newcomer, 600, date(2026, 5, 20)),
                (cls.seasonal, 700, date(2026, 3, 1)),
                (cls.seasonal, 800, date(2026, 4, 15)),
            ]
        )

    @classmethod
    def _tiered(cls, name, tier, company=None, **vals):
        partner = cls._customer(name, **vals)
        partner.with_company(company or cls.company).write(
            {"customer_tier_computed_id": tier.id, "customer_tier_id": tier.id}
        )
        return partner

    @classmethod
    def _dated_orders(cls, specs, company=None):
        return cls._orders(
            [(partner, amount, (TODAY - day).days) for partner, amount, day in specs],
            company=company,
        )

    def _domain(self, first, last, company=None):
        return [
            ("company_id", "=", (company or self.company).id),
            ("partner_id", "in", self.population.ids),
            ("date", ">=", first),
            ("date", "<=", last),
        ]

    def _month(self, month, fnames=None):
        """The totals of ``month`` (its 1st day) over the population."""
        fnames = fnames or [
            "active_start_count",
            "retained_count",
            "churned_count",
            "won_back_count",
            "new_count",
            "revenue",
            "revenue_retained",
        ]
        [values] = self.Report._read_group(
            self._domain(month, month), [], [f"{f}:sum" for f in fnames]
        )
        return dict(zip(fnames, values, strict=True))


@tagged("post_install", "-at_install")
class TestRetentionReport(RetentionReportCase):
    def test_monthly_counts_match_the_hand_count(self):
        expected = {
            # active, retained, churned, won back, new, revenue, retained rev.
            date(2026, 1, 1): (1, 0, 1, 0, 1, 50, 0),  # Comeback churns
            date(2026, 2, 1): (1, 1, 0, 0, 1, 100, 0),  # Fading stays, Steady new
            date(2026, 3, 1): (2, 1, 1, 0, 1, 900, 200),  # Fading churns
            date(2026, 4, 1): (2, 2, 0, 1, 0, 1300, 800),  # Comeback won back
            date(2026, 5, 1): (3, 3, 0, 0, 1, 900, 300),  # Newcomer new
            date(2026, 6, 1): (4, 2, 2, 0, 0, 0, 0),  # Comeback, Seasonal churn
            # this month: Steady's 60 days ran out on July 4; Newcomer's run
            # out on July 19, after today
            date(2026, 7, 1): (2, 1, 1, 0, 0, 0, 0),
        }
        for month, counts in expected.items():
            totals = self._month(month)
            self.assertEqual(tuple(totals.values()), counts, month)

    def test_a_customer_row_tells_its_story(self):
        rows = self.Report.search([("partner_id", "=", self.comeback.id)], order="date")
        self.assertEqual(
            [
                (r.date, r.active_start_count, r.churned_count, r.won_back_count)
                for r in rows
            ],
            [
                (date(2025, 12, 1), 0, 0, 0),
                (date(2026, 1, 1), 1, 1, 0),
                (date(2026, 4, 1), 0, 0, 1),
                (date(2026, 5, 1), 1, 0, 0),
                (date(2026, 6, 1), 1, 1, 0),
            ],
            "a row only for the months it is active at the start or orders",
        )
        self.assertEqual(rows.tier_id, self.tier_b)

    def test_rates_by_tier_over_months_are_ratios_of_sums(self):
        groups = self.Report._read_group(
            self._domain(date(2026, 3, 1), date(2026, 6, 1)),
            ["tier_id"],
            [
                "active_start_count:sum",
                "churned_count:sum",
                "churn_rate:avg",
                "retention_rate:avg",
            ],
        )
        by_tier = {tier: values for tier, *values in groups}
        # A: Mar 2 active (1 churned), Apr-Jun 1 each: 1 / 5, not the mean of
        # the monthly rates (50, 0, 0, 0 -> 12.5)
        active, churned, churn, retention = by_tier[self.tier_a]
        self.assertEqual((active, churned), (5, 1))
        self.assertAlmostEqual(churn, 20.0)
        self.assertAlmostEqual(retention, 80.0)
        # B: Apr 1, May 2, Jun 3 active, 2 churned in June: 2 / 6
        active, churned, churn, retention = by_tier[self.tier_b]
        self.assertEqual((active, churned), (6, 2))
        self.assertAlmostEqual(churn, 100 * 2 / 6)
        self.assertAlmostEqual(retention, 100 * 4 / 6)
        # the web client's grouped read (pivot, graph) gives the same ratio
        [total] = self.Report.formatted_read_group(
            self._domain(date(2026, 3, 1), date(2026, 6, 1)),
            [],
            ["churn_rate:avg", "retention_rate:avg"],
        )
        self.assertAlmostEqual(total["churn_rate:avg"], 100 * 3 / 11)
        self.assertAlmostEqual(total["retention_rate:avg"], 100 * 8 / 11)
        # by month, June: 2 of 4
        by_month = self.Report.formatted_read_group(
            self._domain(date(2026, 6, 1), date(2026, 6, 1)),
            ["date:month"],
            ["churn_rate:avg"],
        )
        self.assertAlmostEqual(by_month[0]["churn_rate:avg"], 50.0)

    def test_annual_churn_rate_of_each_tier(self):
        # 12 complete months before today (July 2025 - June 2026):
        # A 1 churned of 6 active at a month start, B 3 of 7
        rates = self.Report._annual_churn_rates(self.company, TODAY)
        self.assertAlmostEqual(rates[self.tier_a.id], 12 * 1 / 6)
        self.assertAlmostEqual(rates[self.tier_b.id], 12 * 3 / 7)
        self.assertNotIn(self.tier_c.id, rates)

    def test_lost_after_days_come_from_the_policy(self):
        # with 90 days, Fading (Jan 5) churns in April, not in March
        self.policy.lifecycle_lost_days = 90
        march = self._month(date(2026, 3, 1), ["churned_count"])
        april = self._month(date(2026, 4, 1), ["churned_count"])
        self.assertEqual(march["churned_count"], 0)
        self.assertEqual(
            self.Report.search(
                self._domain(date(2026, 4, 1), date(2026, 4, 1))
                + [("churned_count", "=", 1)]
            ).partner_id,
            self.fading,
        )
        self.assertEqual(april["churned_count"], 1)


@tagged("post_install", "-at_install")
class TestRetentionReportAccess(RetentionReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "Other Freight"})
        cls.env["logistics.grading.policy"]._get_for_company(
            cls.company2
        ).lifecycle_lost_days = 30
        cls.abroad = cls._tiered("Abroad", cls.tier_a, company=cls.company2)
        cls._dated_orders(
            [
                (cls.abroad, 900, date(2026, 2, 10)),
                (cls.steady, 999, date(2026, 2, 20)),
            ],
            company=cls.company2,
        )
        cls.user = new_test_user(
            cls.env, "ret_user", groups="logistics_crm.logistics_crm_group_user"
        )
        cls.manager = new_test_user(
            cls.env, "ret_manager", groups="logistics_crm.logistics_crm_group_manager"
        )
        cls.portal = new_test_user(cls.env, "ret_portal", groups="base.group_portal")

    def test_companies_are_counted_apart(self):
        # company 1's counts ignore company 2's orders of the same customer
        self.assertEqual(self._month(date(2026, 2, 1))["revenue"], 100.0)
        rows2 = self.Report.search(
            [("company_id", "=", self.company2.id)], order="date"
        )
        # in company 2 each customer has its own life, with 30 days to lose
        # it: both active on March 1, both lost in March
        steady = rows2.filtered(lambda r: r.partner_id == self.steady)
        self.assertEqual(
            [(r.date, r.new_count, r.churned_count) for r in steady],
            [(date(2026, 2, 1), 1, 0), (date(2026, 3, 1), 0, 1)],
        )
        self.assertFalse(steady.tier_id, "no tier in company 2")
        # each company's tier churn is its own: Abroad, tier A in company 2,
        # churned the one month it was active at the start
        self.assertEqual(
            self.Report._annual_churn_rates(self.company2, TODAY),
            {self.tier_a.id: 12.0},
        )
        self.assertAlmostEqual(
            self.Report._annual_churn_rates(self.company, TODAY)[self.tier_a.id],
            2.0,
        )
        # a user of company 1 does not see company 2's rows
        mine = self.Report.with_user(self.user).search([])
        self.assertFalse(mine.filtered(lambda r: r.company_id == self.company2))
        self.assertIn(self.steady, mine.partner_id)
        self.assertNotIn(self.abroad, mine.partner_id)

    def test_users_and_managers_read_portal_is_refused(self):
        for user in (self.user, self.manager):
            rows = self.Report.with_user(user).search(
                [("partner_id", "=", self.steady.id)]
            )
            self.assertTrue(rows, user.login)
            rows.read(["churn_rate", "revenue"])
        with self.assertRaises(AccessError):
            self.Report.with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            self.Report.with_user(self.user).create({"new_count": 1})

    def test_own_documents_salespeople_see_their_customers(self):
        own = new_test_user(
            self.env,
            "ret_own",
            groups="sales_team.group_sale_salesman,logistics_crm.logistics_crm_group_user",
        )
        self.steady.user_id = own
        self.seasonal.user_id = self.manager
        rows = self.Report.with_user(own).search(
            [("partner_id", "in", self.population.ids)]
        )
        self.assertIn(self.steady, rows.partner_id)
        self.assertIn(self.fading, rows.partner_id, "unassigned customers too")
        self.assertNotIn(self.seasonal, rows.partner_id)
