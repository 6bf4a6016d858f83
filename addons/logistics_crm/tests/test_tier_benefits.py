from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import LogisticsCrmCase
from .test_security_partner import lock_tier


class TierBenefitCase(LogisticsCrmCase):
    """Two customers, Big (tier A after a regrade) and Small (tier D); tier A
    gives the "Key account" pricelist and 30-day terms."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Change = cls.env["logistics.tier.benefit.change"]
        # pricelists are a feature of the sales settings
        cls.env.ref("base.group_user").implied_ids = [
            Command.link(cls.env.ref("product.group_product_pricelist").id)
        ]
        cls.manager = new_test_user(
            cls.env,
            "lcrm_benefit_manager",
            name="Mia Manager",
            groups="sales_team.group_sale_manager,"
            "logistics_crm.logistics_crm_group_manager",
        )
        cls.seller = new_test_user(
            cls.env,
            "lcrm_benefit_seller",
            name="Sam Seller",
            groups="sales_team.group_sale_salesman",
        )
        cls.other_seller = new_test_user(
            cls.env,
            "lcrm_benefit_other",
            name="Olga Other",
            groups="sales_team.group_sale_salesman",
        )
        cls.default_pricelist = cls.env["product.pricelist"].create(
            {"name": "Standard rates", "sequence": 1}
        )
        cls.key_pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Key account",
                "sequence": 50,
                "item_ids": [
                    Command.create(
                        {
                            "compute_price": "percentage",
                            "percent_price": 10.0,
                            "applied_on": "3_global",
                        }
                    )
                ],
            }
        )
        cls.terms_30 = cls.env.ref("account.account_payment_term_30days")
        cls.tier_a.write(
            {"pricelist_id": cls.key_pricelist.id, "payment_term_id": cls.terms_30.id}
        )
        cls._set_weights(revenue=1)
        cls.big = cls._customer("Big Freight", user_id=cls.seller.id)
        cls.contact = cls.env["res.partner"].create(
            {"name": "Bea Buyer", "parent_id": cls.big.id}
        )
        cls.small = cls._customer("Small Parcel", user_id=cls.other_seller.id)
        cls.big_orders = cls._orders([(cls.big, 1000, 5), (cls.small, 100, 5)])

    def _change(self, partner, state="proposed"):
        return self.Change.search(
            [("partner_id", "=", partner.id), ("state", "=", state)]
        )


@tagged("post_install", "-at_install")
class TestTierBenefitProposals(TierBenefitCase):
    def test_regrade_proposes_the_new_tiers_benefits(self):
        self.policy._compute_grades()
        self.assertEqual(self.big.customer_tier_id, self.tier_a)
        change = self._change(self.big)
        self.assertEqual(len(change), 1)
        self.assertEqual(change.company_id, self.company)
        self.assertFalse(change.old_tier_id)
        self.assertEqual(change.new_tier_id, self.tier_a)
        self.assertEqual(change.old_pricelist_id, self.default_pricelist)
        self.assertEqual(change.new_pricelist_id, self.key_pricelist)
        self.assertFalse(change.old_payment_term_id)
        self.assertEqual(change.new_payment_term_id, self.terms_30)
        self.assertEqual(change.user_id, self.seller, "the account owner")
        self.assertTrue(change.tier_up)
        # nothing changes for the customer until the change is applied
        self.assertEqual(self.big.property_product_pricelist, self.default_pricelist)
        self.assertFalse(self.big.property_payment_term_id)
        # the small customer's new tier gives nothing: its own stays proposed
        small = self._change(self.small)
        self.assertEqual(small.new_tier_id, self.tier_d)
        self.assertEqual(small.new_pricelist_id, small.old_pricelist_id)
        self.assertFalse(small.pricelist_changed or small.payment_term_changed)
        # an unchanged regrade proposes nothing more
        self.policy._compute_grades()
        self.assertEqual(self.Change.search_count([]), 2)

    def test_locked_tier_gets_no_proposal(self):
        self.policy._compute_grades()
        self._change(self.big).action_reject()
        lock_tier(self.big, self.manager, self.tier_a, "Strategic account")
        self._orders([(self.small, 50000, 2)])
        self.policy._compute_grades()
        self.assertEqual(self.big.customer_tier_id, self.tier_a, "locked")
        self.assertFalse(self._change(self.big), "a locked tier gets no proposal")
        self.assertEqual(self._change(self.small).new_tier_id, self.tier_a)

    def test_newer_proposal_replaces_the_open_one(self):
        self.policy._compute_grades()
        first = self._change(self.big)
        self._orders([(self.small, 50000, 2)])
        self.policy._compute_grades(today=self.today + timedelta(days=1))
        self.assertNotEqual(self.big.customer_tier_id, self.tier_a)
        self.assertFalse(first.exists(), "replaced")
        change = self._change(self.big)
        self.assertEqual(len(change), 1)
        self.assertEqual(change.old_tier_id, self.tier_a, "the tier it had")
        self.assertEqual(change.new_tier_id, self.big.customer_tier_id)
        # the customer never had the key-account terms: it keeps its own
        self.assertEqual(change.new_pricelist_id, self.default_pricelist)
        self.assertFalse(change.new_payment_term_id)


@tagged("post_install", "-at_install")
class TestTierBenefitDecisions(TierBenefitCase):
    def test_apply_sets_pricelist_and_terms_and_keeps_documents(self):
        self.policy._compute_grades()
        invoice = self._invoice(self.big, 500, 2, -28)
        change = self._change(self.big)
        change.with_user(self.manager).action_apply()
        self.assertEqual(change.state, "applied")
        self.assertEqual(change.decided_uid, self.manager)
        self.assertEqual(self.big.property_product_pricelist, self.key_pricelist)
        self.assertEqual(self.big.property_payment_term_id, self.terms_30)
        self.assertEqual(self.contact.property_product_pricelist, self.key_pricelist)
        self.assertEqual(self.contact.property_payment_term_id, self.terms_30)
        note = self.big.message_ids[0]
        self.assertIn("Tier benefits applied", note.body)
        self.assertIn("Key account", note.body)
        # confirmed orders and posted invoices keep what they were sold with
        order = self.big_orders.filtered(lambda o: o.partner_id == self.big)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.pricelist_id, self.default_pricelist)
        self.assertEqual(order.amount_untaxed, 1000.0)
        self.assertFalse(invoice.invoice_payment_term_id)
        self.assertEqual(invoice.amount_total, 500.0)
        # the next quotation is priced with the key-account pricelist
        with Form(self.env["sale.order"].with_user(self.seller)) as quotation:
            quotation.partner_id = self.big
            with quotation.order_line.new() as line:
                line.product_id = self.product
        quotation = quotation.save()
        self.assertEqual(quotation.pricelist_id, self.key_pricelist)
        self.assertEqual(quotation.payment_term_id, self.terms_30)
        self.assertEqual(quotation.order_line.price_unit, 90.0)

    def test_reject_keeps_the_customer_as_it_is(self):
        self.policy._compute_grades()
        change = self._change(self.big)
        change.with_user(self.manager).action_reject()
        self.assertEqual(change.state, "rejected")
        self.assertEqual(self.big.property_product_pricelist, self.default_pricelist)
        self.assertFalse(self.big.property_payment_term_id)
        self.assertIn("rejected", self.big.message_ids[0].body)
        with self.assertRefused(UserError, "already decided: Big Freight"):
            change.with_user(self.manager).action_apply()

    def test_apply_a_selection_and_moving_down_resets_the_benefits(self):
        self.policy._compute_grades()
        self.Change.search([("state", "=", "proposed")]).with_user(
            self.manager
        ).action_apply()
        self.assertEqual(self.big.property_product_pricelist, self.key_pricelist)
        self.assertEqual(self.small.property_product_pricelist, self.default_pricelist)
        # the big customer falls out of tier A: back to the default terms
        self._orders([(self.small, 50000, 2)])
        self.policy._compute_grades(today=self.today + timedelta(days=1))
        change = self._change(self.big)
        self.assertEqual(change.old_tier_id, self.tier_a)
        self.assertEqual(change.old_pricelist_id, self.key_pricelist)
        self.assertEqual(change.new_pricelist_id, self.default_pricelist)
        self.assertEqual(change.old_payment_term_id, self.terms_30)
        self.assertFalse(change.new_payment_term_id)
        self.assertFalse(change.tier_up)
        change.with_user(self.manager).action_apply()
        self.assertEqual(self.big.property_product_pricelist, self.default_pricelist)
        self.assertFalse(self.big.property_payment_term_id)
        # and the small one, now in tier A, gets them
        self._change(self.small).with_user(self.manager).action_apply()
        self.assertEqual(self.small.property_product_pricelist, self.key_pricelist)

    def test_auto_apply(self):
        self.company.tier_benefits_auto_apply = True
        self.policy._compute_grades()
        self.assertFalse(self._change(self.big))
        change = self._change(self.big, "applied")
        self.assertEqual(change.new_pricelist_id, self.key_pricelist)
        self.assertEqual(self.big.property_product_pricelist, self.key_pricelist)
        self.assertEqual(self.big.property_payment_term_id, self.terms_30)
        self.assertIn("Tier benefits applied", self.big.message_ids[0].body)

    def test_settings_and_tier_form(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.tier_benefits_auto_apply = True
        self.assertTrue(self.company.tier_benefits_auto_apply)
        with Form(self.tier_b.with_user(self.manager)) as tier:
            tier.pricelist_id = self.key_pricelist
            tier.payment_term_id = self.terms_30
        self.assertEqual(self.tier_b.pricelist_id, self.key_pricelist)


@tagged("post_install", "-at_install")
class TestTierBenefitCompanies(TierBenefitCase):
    def test_benefits_are_per_company(self):
        company_b = self.env["res.company"].create({"name": "Benefits B"})
        self.manager.company_ids = [Command.link(company_b.id)]
        pricelist_b = self.env["product.pricelist"].create(
            {"name": "Key account B", "company_id": company_b.id}
        )
        self.tier_a.with_company(company_b).pricelist_id = pricelist_b
        self.assertEqual(self.tier_a.pricelist_id, self.key_pricelist)
        policy_b = self.env["logistics.grading.policy"]._get_for_company(company_b)
        policy_b.write(
            {
                f"weight_{c}": 0
                for c in (
                    "margin",
                    "frequency",
                    "recency",
                    "growth",
                    "payment",
                    "potential",
                )
            }
        )
        self._orders([(self.big, 1000, 5), (self.small, 10, 5)], company=company_b)
        policy_b._compute_grades()
        change_b = self.Change.search(
            [("partner_id", "=", self.big.id), ("company_id", "=", company_b.id)]
        )
        self.assertEqual(change_b.new_pricelist_id, pricelist_b)
        self.assertFalse(change_b.new_payment_term_id, "no terms in company B")
        change_b.with_user(self.manager).with_company(company_b).action_apply()
        self.assertEqual(
            self.big.with_company(company_b).property_product_pricelist, pricelist_b
        )
        self.assertNotEqual(self.big.property_product_pricelist, pricelist_b)
        # a user of the first company only does not see company B's changes
        self.assertNotIn(change_b, self.Change.with_user(self.seller).search([]))


@tagged("post_install", "-at_install")
class TestTierBenefitAccess(TierBenefitCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy._compute_grades()
        cls.user = new_test_user(
            cls.env,
            "lcrm_benefit_user",
            groups="sales_team.group_sale_salesman_all_leads,"
            "logistics_crm.logistics_crm_group_user",
        )
        cls.portal = new_test_user(
            cls.env, "lcrm_benefit_portal", groups="base.group_portal"
        )

    def test_salesperson_sees_own_customers_only(self):
        changes = self.Change.with_user(self.seller).search([])
        self.assertIn(self._change(self.big), changes)
        self.assertNotIn(self._change(self.small), changes)
        with self.assertRaises(AccessError):
            self._change(self.small).with_user(self.seller).read(["new_pricelist_id"])

    def test_only_managers_decide(self):
        change = self._change(self.big)
        self.assertTrue(change.with_user(self.user).read(["new_pricelist_id"]))
        for user in (self.user, self.seller):
            with self.assertRaises(AccessError):
                change.with_user(user).action_apply()
            with self.assertRaises(AccessError):
                change.with_user(user).action_reject()
            with self.assertRaises(AccessError):
                change.with_user(user).write({"new_pricelist_id": False})
        self.assertEqual(change.state, "proposed")
        self.assertEqual(self.big.property_product_pricelist, self.default_pricelist)
        # the buttons are shown to managers only
        arch = self.Change.with_user(self.user).get_views([(False, "list")])["views"][
            "list"
        ]["arch"]
        self.assertNotIn("action_apply", arch)
        arch = self.Change.with_user(self.manager).get_views([(False, "list")])[
            "views"
        ]["list"]["arch"]
        self.assertIn("action_apply", arch)

    def test_portal_and_employees_refused(self):
        employee = new_test_user(
            self.env, "lcrm_benefit_employee", groups="base.group_user"
        )
        for user in (self.portal, employee):
            with self.assertRaises(AccessError):
                self.Change.with_user(user).search([])
            with self.assertRaises(AccessError):
                self._change(self.big).with_user(user).action_apply()
        with self.assertRaises(AccessError):
            self.Change.with_user(self.manager).create(
                {"partner_id": self.big.id, "company_id": self.company.id}
            )


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestTierBenefitScale(TierBenefitCase):
    def _regrade_queries(self, count):
        """Queries of a regrade that moves ``count`` new customers into tiers
        and applies their benefits at once, rolled back."""
        try:
            with self.env.cr.savepoint():
                customers = [self._customer(f"Scale {count}-{i}") for i in range(count)]
                self._orders([(c, 100 * (i + 1), 3) for i, c in enumerate(customers)])
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                self.policy._compute_grades()
                self.env.flush_all()
                queries = self.env.cr.sql_log_count - before
                applied = self.Change.search_count(
                    [
                        ("partner_id", "in", [c.id for c in customers]),
                        ("state", "=", "applied"),
                    ]
                )
                raise _Rollback(queries, applied)
        except _Rollback as done:
            self.env.invalidate_all()
            return done.args

    def test_benefits_in_constant_queries(self):
        self.env["logistics.retention.rule"].search([]).action_archive()
        self.company.tier_benefits_auto_apply = True
        self._regrade_queries(2)  # caches
        small, applied_small = self._regrade_queries(3)
        large, applied_large = self._regrade_queries(30)
        self.assertEqual((applied_small, applied_large), (3, 30))
        self.assertEqual(small, large)


@tagged("post_install", "-at_install")
class TestTierBenefitTour(HttpCase, TierBenefitCase):
    def test_manager_applies_and_rejects_in_the_browser(self):
        self.policy._compute_grades()
        big, small = self._change(self.big), self._change(self.small)
        self.start_tour(
            "/odoo/action-logistics_crm.logistics_tier_benefit_change_action",
            "logistics_crm_benefit_tour",
            login="lcrm_benefit_manager",
        )
        self.assertEqual(big.state, "applied")
        self.assertEqual(self.big.property_product_pricelist, self.key_pricelist)
        self.assertEqual(self.big.property_payment_term_id, self.terms_30)
        self.assertEqual(small.state, "rejected")
        self.assertEqual(small.decided_uid, self.manager)
