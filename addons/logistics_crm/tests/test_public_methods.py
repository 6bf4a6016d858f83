"""Every public method of the addon is callable over RPC by anyone who can
read the record. This file is the audit the README's security section lists:
each method with who may call it, and a call over JSON-RPC by each role that
may not, which must be refused.
"""

import inspect

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import LogisticsCrmCase

ODOO = "odoo"  # an override of Odoo's own method: Odoo's rights apply
READ = "read"  # returns a window action; reads nothing the caller cannot read
USER = "user"  # Logistics CRM users only
MANAGER = "manager"  # Logistics CRM administrators only
EDITOR = "editor"  # needs write access on the record (and the rights it uses)
OWNER = "owner"  # a wizard's creator, with the wizard's group
REPORTER = "reporter"  # users who may create complaints (CRM and inventory users)

# (model, method) -> who may call it. Update the README when this changes.
PUBLIC_METHODS = {
    ("account.move", "action_view_complaints"): READ,
    ("logistics.complaint", "action_confirm_intake"): EDITOR,
    ("logistics.complaint", "action_create_credit_note"): EDITOR,
    ("logistics.complaint", "action_create_return"): EDITOR,
    ("logistics.complaint", "action_open_reported"): READ,
    ("logistics.complaint", "create"): ODOO,
    ("logistics.complaint", "message_new"): ODOO,
    ("logistics.complaint", "write"): ODOO,
    ("logistics.complaint.document.mixin", "action_view_complaints"): READ,
    ("logistics.customer.potential.wizard", "action_apply"): OWNER,
    ("logistics.customer.tier", "action_view_customers"): READ,
    ("logistics.retention.case", "action_mark_lost"): EDITOR,
    ("logistics.retention.case", "action_mark_retained"): EDITOR,
    ("logistics.retention.case", "action_open_customer"): READ,
    ("logistics.retention.case", "action_reopen"): EDITOR,
    ("logistics.retention.case", "create"): ODOO,
    ("logistics.retention.case", "write"): ODOO,
    ("logistics.retention.rule", "action_view_cases"): READ,
    ("logistics.grading.policy", "action_compute_grades"): MANAGER,
    ("logistics.scorecard.export", "action_export_xlsx"): OWNER,
    ("logistics.scorecard.export", "action_print_pdf"): OWNER,
    ("logistics.sla.policy", "action_recompute_deadlines"): MANAGER,
    ("logistics.sla.policy", "action_view_statuses"): READ,
    ("logistics.sla.status", "create"): ODOO,
    ("logistics.sla.status", "write"): ODOO,
    ("logistics.tier.benefit.change", "action_apply"): MANAGER,
    ("logistics.tier.benefit.change", "action_open_customer"): READ,
    ("logistics.tier.benefit.change", "action_reject"): MANAGER,
    ("logistics.tier.lock.wizard", "action_apply"): OWNER,
    ("logistics.tier.lock.wizard", "default_get"): ODOO,
    ("res.config.settings", "action_open_logistics_grading_policy"): READ,
    ("res.partner", "action_compute_grades"): MANAGER,
    ("res.partner", "action_recompute_sla_deadlines"): MANAGER,
    ("res.partner", "action_view_complaints"): USER,
    ("res.partner", "action_view_grade_history"): USER,
    ("res.partner", "action_view_retention_cases"): READ,
    ("rating.rating", "create"): ODOO,
    ("rating.rating", "write"): ODOO,
    ("res.partner", "action_view_scorecard"): USER,
    ("res.partner", "create"): ODOO,
    ("res.partner", "write"): ODOO,
    ("sale.order", "action_confirm"): ODOO,
    ("sale.order", "action_view_complaints"): READ,
    ("sale.order", "create"): ODOO,
    ("sale.order", "write"): ODOO,
    ("sale.order.line", "write"): ODOO,
    ("logistics.scorecard.fact.source", "write"): ODOO,
    ("stock.picking", "action_cancel"): ODOO,
    ("stock.picking", "action_report_complaint"): REPORTER,
    ("stock.picking", "action_view_complaints"): READ,
    ("stock.picking", "create"): ODOO,
}

# who is refused, per kind
REFUSED = {
    USER: ("portal", "no_app"),
    MANAGER: ("portal", "no_app", "user"),
    EDITOR: ("portal", "no_app"),
    OWNER: ("portal", "no_app", "colleague"),
    REPORTER: ("portal", "no_app"),
}


def addon_public_methods(registry):
    """(model, method) for each public method defined by the addon's code."""
    found = set()
    for name in registry:
        for cls in registry[name].__mro__:
            if getattr(cls, "_module", None) != "logistics_crm":
                continue
            for attr, value in vars(cls).items():
                if not attr.startswith("_") and (
                    inspect.isfunction(value)
                    or isinstance(value, staticmethod | classmethod)
                ):
                    found.add((name, attr))
    return found


@tagged("post_install", "-at_install")
class TestPublicMethods(HttpCase, LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Audit Shipper")
        contact = cls.env["res.partner"].create(
            {"name": "Audit buyer", "parent_id": cls.customer.id}
        )
        cls.users = {
            "portal": new_test_user(
                cls.env, "pm_portal", groups="base.group_portal", partner_id=contact.id
            ),
            "no_app": new_test_user(cls.env, "pm_no_app", groups="base.group_user"),
            "user": new_test_user(
                cls.env, "pm_user", groups="logistics_crm.logistics_crm_group_user"
            ),
            "colleague": new_test_user(
                cls.env,
                "pm_colleague",
                groups="logistics_crm.logistics_crm_group_manager",
            ),
            "manager": new_test_user(
                cls.env,
                "pm_manager",
                groups="logistics_crm.logistics_crm_group_manager",
            ),
        }
        order = cls._orders([(cls.customer, 500, 3)])
        cls.complaint = cls.env["logistics.complaint"].create(
            {
                "name": "Audit: pallet crushed",
                "partner_id": contact.id,
                "sale_order_id": order.id,
                "compensation_amount": 50.0,
            }
        )
        goods = cls.env["product.product"].create(
            {"name": "Audit cartons", "type": "consu", "list_price": 10.0}
        )
        shipment = cls.env["sale.order"].create(
            {
                "partner_id": contact.id,
                "order_line": [
                    Command.create({"product_id": goods.id, "product_uom_qty": 2})
                ],
            }
        )
        shipment.action_confirm()
        cls.delivery = shipment.picking_ids
        cls.sla_policy = cls.env.ref("logistics_crm.sla_policy_standard")
        manager_env = cls.env(user=cls.users["manager"])
        cls.lock_wizard = (
            manager_env["logistics.tier.lock.wizard"]
            .with_context(active_model="res.partner", active_id=cls.customer.id)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "tier_id": cls.tier_a.id,
                    "reason": "Audit",
                }
            )
        )
        Potential = manager_env["logistics.customer.potential.wizard"]
        cls.potential_wizard = Potential.create(
            {"partner_id": cls.customer.id, "potential": "high"}
        )
        cls.export = manager_env["logistics.scorecard.export"].create(
            {"partner_ids": [Command.set(cls.customer.ids)]}
        )
        cls.retention_case = cls.env["logistics.retention.case"].create(
            {"partner_id": cls.customer.id}
        )
        cls.benefit_change = cls.env["logistics.tier.benefit.change"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "new_tier_id": cls.tier_a.id,
            }
        )
        cls.records = {
            "logistics.tier.benefit.change": cls.benefit_change,
            "logistics.complaint": cls.complaint,
            "logistics.retention.case": cls.retention_case,
            "logistics.customer.potential.wizard": cls.potential_wizard,
            "logistics.grading.policy": cls.policy,
            "logistics.scorecard.export": cls.export,
            "logistics.sla.policy": cls.sla_policy,
            "logistics.tier.lock.wizard": cls.lock_wizard,
            "res.partner": cls.customer,
            "stock.picking": cls.delivery,
        }

    def test_every_public_method_is_audited(self):
        found = addon_public_methods(self.env.registry)
        self.assertEqual(
            found - set(PUBLIC_METHODS),
            set(),
            "public methods nobody audited: add them to PUBLIC_METHODS and the "
            "README's security section, or make them private",
        )
        self.assertEqual(set(PUBLIC_METHODS) - found, set(), "stale audit entries")

    def _call(self, role, model, method, ids):
        login = self.users[role].login
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": [ids], "kwargs": {}},
        )

    def test_guarded_methods_refuse_other_roles(self):
        calls = 0
        for (model, method), who in sorted(PUBLIC_METHODS.items()):
            if who not in REFUSED:
                continue
            record = self.records[model]
            for role in REFUSED[who]:
                with (
                    self.subTest(model=model, method=method, role=role),
                    self.assertRaisesRegex(
                        JsonRpcException, "AccessError|MissingError"
                    ),
                ):
                    self._call(role, model, method, record.ids)
                calls += 1
        self.assertGreaterEqual(calls, 25)
        # nothing the refused calls tried is left behind
        self.assertFalse(self.complaint.credit_note_id)
        self.assertFalse(self.customer.customer_tier_locked)
        self.assertFalse(self.customer.customer_potential)
        self.assertEqual(self.retention_case.state, "open")
        self.assertEqual(self.benefit_change.state, "proposed")
        self.assertEqual(
            self.env["logistics.complaint"].search_count(
                [("picking_id", "=", self.delivery.id)]
            ),
            0,
        )

    def test_private_methods_are_out_of_reach(self):
        for model, method in (
            ("logistics.sla.status", "_recompute_deadlines"),
            ("logistics.grading.policy", "_cron_compute_grades"),
            ("logistics.complaint", "_on_closed"),
        ):
            with (
                self.subTest(method=method),
                self.assertRaisesRegex(JsonRpcException, "AccessError"),
            ):
                self._call("manager", model, method, [])

    def test_allowed_roles_can_call(self):
        action = self._call(
            "user", "res.partner", "action_view_scorecard", self.customer.ids
        )
        self.assertEqual(action["res_model"], "logistics.customer.scorecard")
        action = self._call(
            "manager",
            "logistics.sla.policy",
            "action_recompute_deadlines",
            self.sla_policy.ids,
        )
        self.assertEqual(action["tag"], "display_notification")
