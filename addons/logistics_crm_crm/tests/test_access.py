"""Who sees the cross-sell suggestions and makes opportunities of them:
Logistics CRM users and administrators read them, salespeople make
opportunities, those on their own documents of their own customers only;
portal users, employees without the app and other companies get nothing."""

import inspect

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PopulationCase

# (model, method) of the bridge -> who may call it
PUBLIC_METHODS = {
    # salespeople (crm.lead create right), on suggestions they can read
    ("logistics.cross.sell.suggestion", "action_create_opportunity"): "salesperson",
    # Logistics CRM users; returns an action
    ("res.partner", "action_view_cross_sell_suggestions"): "user",
}


@tagged("post_install", "-at_install")
class TestCrossSellAccess(PopulationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "Other Freight"})
        cls.own = new_test_user(
            cls.env, "cs_own", groups="sales_team.group_sale_salesman", name="Own"
        )
        cls.other_seller = new_test_user(
            cls.env, "cs_other", groups="sales_team.group_sale_salesman"
        )
        # A3 and A4 are Own's, A5 another salesperson's, the rest unassigned
        cls.a[3].user_id = cls.own
        cls.a[4].key_account_manager_id = cls.own
        cls.a[4].user_id = cls.other_seller
        cls.a[5].user_id = cls.other_seller
        portal_contact = cls.env["res.partner"].create(
            {"name": "A3 buyer", "parent_id": cls.a[3].id, "email": "b@a3.example.com"}
        )
        cls.users = {
            "user": new_test_user(
                cls.env, "cs_user", groups="logistics_crm.logistics_crm_group_user"
            ),
            "manager": new_test_user(
                cls.env,
                "cs_manager",
                groups="logistics_crm.logistics_crm_group_manager",
            ),
            "sales_manager": new_test_user(
                cls.env, "cs_sales_manager", groups="sales_team.group_sale_manager"
            ),
            "own": cls.own,
            "portal": new_test_user(
                cls.env,
                "cs_portal",
                groups="base.group_portal",
                partner_id=portal_contact.id,
            ),
            "employee": new_test_user(cls.env, "cs_employee", groups="base.group_user"),
            "other_co": new_test_user(
                cls.env,
                "cs_other_co",
                groups="sales_team.group_sale_manager",
                company_id=cls.company2.id,
                company_ids=[Command.set(cls.company2.ids)],
            ),
        }
        cls._regrade()
        cls.all = cls.env["logistics.cross.sell.suggestion"].search([])

    def _visible(self, role):
        return self.Suggestion.with_user(self.users[role]).search([])

    def _create(self, role, suggestions):
        """Whether ``role`` may make opportunities of ``suggestions``; the
        database is left as it was."""
        try:
            with self.env.cr.savepoint() as savepoint:
                suggestions.with_user(self.users[role]).action_create_opportunity()
                savepoint.rollback()
            return True
        except AccessError:
            return False
        finally:
            self.env.invalidate_all()

    def test_who_reads_the_suggestions(self):
        self.assertEqual(len(self.all), 16)
        for role in ("user", "manager", "sales_manager"):
            with self.subTest(role=role):
                self.assertEqual(self._visible(role), self.all)
        # own documents: own customers (salesperson or key-account manager)
        # and unassigned ones, not A5's
        own = self._visible("own")
        self.assertEqual(own, self.all.filtered(lambda s: s.partner_id != self.a[5]))
        self.assertIn(self.a[4], own.partner_id)
        for role in ("portal", "employee"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self._visible(role)
        self.assertFalse(self._visible("other_co"))
        # the figures on the customer form are internal
        partner = self.a[5].with_user(self.users["employee"])
        with self.assertRaises(AccessError):
            partner.cross_sell_suggestion_count  # noqa: B018
        with self.assertRaises(AccessError):
            partner.action_view_cross_sell_suggestions()
        report = self.env["logistics.cross.sell.report"]
        self.assertEqual(
            report.with_user(self.own).search_count(
                [("partner_id", "=", self.a[5].id)]
            ),
            0,
        )
        with self.assertRaises(AccessError):
            report.with_user(self.users["portal"]).search([])

    def test_nobody_writes_suggestions(self):
        suggestion = self.all[:1]
        for role in self.users:
            with self.subTest(role=role), self.assertRaises(AccessError):
                suggestion.with_user(self.users[role]).write({"score": 1.0})
                suggestion.flush_recordset()
        for role in ("user", "manager", "own", "portal"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.Suggestion.with_user(self.users[role]).create(
                    {
                        "partner_id": self.a[0].id,
                        "company_id": self.company.id,
                        "categ_id": self.categ["cold"].id,
                    }
                )

    def test_who_makes_opportunities(self):
        by_customer = {
            s.partner_id: s for s in self.all if s.categ_id == self.categ["cold"]
        }
        own_customer, others, unassigned = (
            by_customer[self.a[3]],
            by_customer[self.a[5]],
            by_customer[self.a[9]],
        )
        self.assertTrue(self._create("sales_manager", others))
        self.assertTrue(self._create("own", own_customer))
        self.assertTrue(self._create("own", unassigned))
        # another salesperson's customer, alone or in a selection
        self.assertFalse(self._create("own", others))
        self.assertFalse(self._create("own", own_customer | others))
        # Logistics CRM users and administrators without the Sales rights,
        # portal users, employees, another company's salespeople
        for role in ("user", "manager", "portal", "employee", "other_co"):
            with self.subTest(role=role):
                self.assertFalse(self._create(role, own_customer))
        self.assertFalse(
            self.Lead.with_context(active_test=False).search_count(
                [("logistics_cross_sell_categ_id", "!=", False)]
            ),
            "refused calls made no opportunity",
        )

    def test_own_salesperson_makes_the_key_account_managers_opportunity(self):
        # A4 is Own's as key-account manager; its salesperson is another
        suggestion = self.all.filtered(
            lambda s: s.partner_id == self.a[4] and s.categ_id == self.categ["cold"]
        )
        suggestion.with_user(self.own).action_create_opportunity()
        self.assertEqual(suggestion.lead_id.user_id, self.own)
        # the customer of another salesperson, A5, keeps its own opportunity
        # out of Own's sight
        other = self.all.filtered(
            lambda s: s.partner_id == self.a[5] and s.categ_id == self.categ["cold"]
        )
        other.with_user(self.users["sales_manager"]).action_create_opportunity()
        self.assertEqual(other.lead_id.user_id, self.other_seller)
        self.assertFalse(
            self.Lead.with_user(self.own).search([("id", "=", other.lead_id.id)])
        )

    def test_every_public_method_is_audited(self):
        found = set()
        for name in self.env.registry:
            for cls in self.env.registry[name].__mro__:
                if getattr(cls, "_module", None) != "logistics_crm_crm":
                    continue
                for attr, value in vars(cls).items():
                    if not attr.startswith("_") and inspect.isfunction(value):
                        found.add((name, attr))
        self.assertEqual(found, set(PUBLIC_METHODS))
