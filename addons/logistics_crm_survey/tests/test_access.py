"""Who may see and run the survey campaigns: Logistics CRM users read them,
administrators manage and run them, in their companies; portal users and
other companies get nothing."""

import inspect

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import SurveyCampaignCase

# (model, method) of the bridge -> who may call it
PUBLIC_METHODS = {
    ("logistics.survey.campaign", "action_run"): "manager",
    ("logistics.survey.campaign", "action_view_answers"): "read",
    ("survey.question", "write"): "odoo",
}


@tagged("post_install", "-at_install")
class TestSurveyCampaignAccess(HttpCase, SurveyCampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "Other Freight"})
        portal_contact = cls.env["res.partner"].create(
            {"name": "Key buyer", "parent_id": cls.key.id, "email": "b@k.example.com"}
        )
        cls.users = {
            "user": new_test_user(
                cls.env, "sc_user", groups="logistics_crm.logistics_crm_group_user"
            ),
            "manager": new_test_user(
                cls.env,
                "sc_manager",
                groups="logistics_crm.logistics_crm_group_manager",
            ),
            "portal": new_test_user(
                cls.env,
                "sc_portal",
                groups="base.group_portal",
                partner_id=portal_contact.id,
            ),
            "no_app": new_test_user(cls.env, "sc_no_app", groups="base.group_user"),
            "other_co": new_test_user(
                cls.env,
                "sc_other_co",
                groups="logistics_crm.logistics_crm_group_manager",
                company_id=cls.company2.id,
                company_ids=[Command.set(cls.company2.ids)],
            ),
        }

    def _can(self, role, operation):
        env = self.env(user=self.users[role])
        Campaign = env["logistics.survey.campaign"]
        try:
            with self.env.cr.savepoint(flush=False) as savepoint:
                if operation == "read":
                    Campaign.browse(self.campaign.id).name  # noqa: B018
                elif operation == "create":
                    Campaign.create(
                        {"name": "New", "survey_id": self.survey.id}
                    ).flush_recordset()
                elif operation == "write":
                    Campaign.browse(self.campaign.id).write({"interval_days": 7})
                    Campaign.flush_model()
                elif operation == "unlink":
                    Campaign.browse(self.campaign.id).unlink()
                elif operation == "run":
                    Campaign.browse(self.campaign.id).action_run()
                savepoint.rollback()
            return True
        except AccessError:
            return False
        finally:
            self.env.invalidate_all()

    def test_campaign_rights(self):
        expected = {
            "user": {"read"},
            "manager": {"read", "create", "write", "unlink", "run"},
            "portal": set(),
            "no_app": set(),
            "other_co": set(),
        }
        for role, allowed in expected.items():
            for operation in ("read", "create", "write", "unlink", "run"):
                if role == "other_co" and operation == "create":
                    continue  # creates in its own company: see below
                with self.subTest(role=role, operation=operation):
                    self.assertEqual(self._can(role, operation), operation in allowed)
        self.assertFalse(self._invitations(), "refused runs invite nobody")
        # another company's manager sees its own campaigns only
        other = self.env(user=self.users["other_co"])["logistics.survey.campaign"]
        self.assertFalse(other.search([("id", "=", self.campaign.id)]))

    def test_nps_figures_are_internal(self):
        Scorecard = self.env(user=self.users["portal"])["logistics.customer.scorecard"]
        with self.assertRaises(AccessError):
            Scorecard._read_group([], [], ["nps:sum"])
        partner = self.env(user=self.users["no_app"])["res.partner"].browse(self.key.id)
        with self.assertRaises(AccessError):
            partner.nps_12m  # noqa: B018

    def test_every_public_method_is_audited(self):
        found = set()
        for name in self.env.registry:
            for cls in self.env.registry[name].__mro__:
                if getattr(cls, "_module", None) != "logistics_crm_survey":
                    continue
                for attr, value in vars(cls).items():
                    if not attr.startswith("_") and inspect.isfunction(value):
                        found.add((name, attr))
        self.assertEqual(found, set(PUBLIC_METHODS))

    def test_send_now_over_rpc_is_refused_to_users_and_portal(self):
        for role in ("user", "portal", "no_app"):
            login = self.users[role].login
            self.authenticate(login, login)
            with (
                self.subTest(role=role),
                self.assertRaisesRegex(JsonRpcException, "AccessError"),
            ):
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {
                        "model": "logistics.survey.campaign",
                        "method": "action_run",
                        "args": [self.campaign.ids],
                        "kwargs": {},
                    },
                )
        self.assertFalse(self._invitations())
