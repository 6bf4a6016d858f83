"""Nobody enrols a customer but through an applied benefit change: Logistics
CRM users, salespeople, portal users and another company's administrators
cannot apply changes nor create cards, and the enrolment hooks are not
callable over RPC."""

import inspect

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import LoyaltyTierCase


@tagged("post_install", "-at_install")
class TestLoyaltyAccess(HttpCase, LoyaltyTierCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy._compute_grades()
        cls.company2 = cls.env["res.company"].create({"name": "Other Freight"})
        portal_contact = cls.env["res.partner"].create(
            {"name": "Big buyer", "parent_id": cls.big.id, "email": "b@big.example.com"}
        )
        cls.users = {
            "user": new_test_user(
                cls.env,
                "lcrm_loy_user",
                groups="logistics_crm.logistics_crm_group_user",
            ),
            "salesperson": cls.seller,
            "portal": new_test_user(
                cls.env,
                "lcrm_loy_portal",
                groups="base.group_portal",
                partner_id=portal_contact.id,
            ),
            "other_co": new_test_user(
                cls.env,
                "lcrm_loy_other_co",
                groups="logistics_crm.logistics_crm_group_manager,"
                "sales_team.group_sale_manager",
                company_id=cls.company2.id,
                company_ids=[Command.set(cls.company2.ids)],
            ),
        }

    def test_only_an_applied_change_enrols(self):
        change = self._change(self.big)
        for role, user in self.users.items():
            with self.subTest(role=role), self.assertRaises(AccessError):
                change.with_user(user).action_apply()
        for role in ("user", "salesperson", "portal"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.Card.with_user(self.users[role]).create(
                    {"program_id": self.program.id, "partner_id": self.big.id}
                )
        self.assertFalse(self._cards(self.big))
        self.assertEqual(change.state, "proposed")
        # the administrator, though no Sales manager, enrols through the change
        change.with_user(self.manager).action_apply()
        self.assertEqual(len(self._cards(self.big)), 1)

    def test_rpc_refused_to_salespeople_and_portal(self):
        change = self._change(self.big)
        calls = [
            ("logistics.tier.benefit.change", "action_apply", [change.ids]),
            ("logistics.tier.benefit.change", "_apply_benefits", [change.ids]),
            (
                "loyalty.card",
                "_logistics_enrol",
                [[], {str(self.program.id): [self.big.id]}],
            ),
            (
                "loyalty.card",
                "create",
                [[{"program_id": self.program.id, "partner_id": self.big.id}]],
            ),
        ]
        for role in ("salesperson", "portal"):
            login = self.users[role].login
            self.authenticate(login, login)
            for model, method, args in calls:
                with (
                    self.subTest(role=role, method=method),
                    self.assertRaises(JsonRpcException),
                ):
                    self.make_jsonrpc_request(
                        "/web/dataset/call_kw",
                        {"model": model, "method": method, "args": args, "kwargs": {}},
                    )
        self.assertFalse(self._cards(self.big))
        self.assertEqual(change.state, "proposed")

    def test_no_public_method_added(self):
        found = {
            (name, attr)
            for name in self.env.registry
            for cls in self.env.registry[name].__mro__
            if getattr(cls, "_module", None) == "logistics_crm_loyalty"
            for attr, value in vars(cls).items()
            if not attr.startswith("_") and inspect.isfunction(value)
        }
        self.assertEqual(found, set())
