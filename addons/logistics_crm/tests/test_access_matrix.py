"""Who may do what: every model of the addon, its buttons and its pages, for
six kinds of user. Each cell is tried for real, as that user, and rolled back.
"""

import logging
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import LogisticsCrmCase

_logger = logging.getLogger(__name__)

ROLES = ("no_app", "user", "manager", "portal_a", "portal_b", "other_co")
OPERATIONS = {"r": "read", "c": "create", "w": "write", "u": "unlink"}

# The operations each role may perform on one record of company 1 that
# belongs to customer A (where a model has customers); every other operation
# must be refused with an AccessError.
MATRIX = {
    #                                 no_app  user   manager portal_a portal_b other_co
    "logistics.customer.tier": ("r", "r", "rcwu", "", "", ""),
    "logistics.grading.policy": ("", "r", "rcwu", "", "", ""),
    "logistics.grade.history": ("", "r", "ru", "", "", ""),
    # the grade's figures are written by the grading engine only
    "logistics.customer.grade": ("", "r", "r", "", "", ""),
    # customers file complaints through the portal form only (see
    # test_security_complaint.py), never through the ORM
    "logistics.complaint": ("", "rcw", "rcwu", "r", "", ""),
    "logistics.complaint.type": ("r", "r", "rcwu", "r", "r", ""),
    # the sample stage and cause are company 1's: company 2 neither sees nor
    # changes them
    "logistics.complaint.stage": ("r", "r", "rcwu", "r", "r", ""),
    "logistics.complaint.cause": ("r", "r", "rcwu", "", "", ""),
    "logistics.sla.policy": ("r", "r", "rcwu", "", "", ""),
    "logistics.sla.target": ("r", "r", "rcwu", "", "", ""),
    "logistics.sla.escalation": ("r", "r", "rcwu", "", "", ""),
    "logistics.sla.status": ("", "r", "rwu", "", "", ""),
    "logistics.customer.scorecard": ("", "r", "r", "r", "", ""),
    # the scorecard's monthly facts are written by the engine only
    "logistics.customer.scorecard.fact": ("", "r", "r", "", "", ""),
    # churn analysis: read by the scorecard's users, computed from the orders
    "logistics.retention.report": ("", "r", "r", "", "", ""),
    # the sample export is the manager's: other users create their own only
    "logistics.scorecard.export": ("", "c", "rcwu", "", "", ""),
    # the sample lock and potential wizards are the manager's, in company 1:
    # administrators lock tiers, users set potentials, each in his own wizard
    "logistics.tier.lock.wizard": ("", "", "rcw", "", "", ""),
    "logistics.customer.potential.wizard": ("", "c", "rcw", "", "", ""),
    # retention: users work the cases, managers set the rules and reasons
    "logistics.churn.reason": ("r", "r", "rcwu", "", "", ""),
    "logistics.retention.rule": ("", "r", "rcwu", "", "", ""),
    "logistics.retention.case": ("", "rcw", "rcwu", "", "", ""),
    # tier benefits: proposed by the regrade, decided by the managers' buttons
    # (never written through the ORM)
    "logistics.tier.benefit.change": ("", "r", "ru", "", "", ""),
}

# The buttons: which roles may use them (everyone else gets an AccessError or
# a UserError, and nothing changes).
ACTIONS = {
    # other_co regrades its own company only: customer A's orders are in
    # company 1, which that user cannot work in
    "partner_compute_grades": ("manager", "other_co"),
    "policy_compute_grades": ("manager",),
    "tier_lock": ("manager", "other_co"),
    "tier_unlock": ("manager", "other_co"),
    # a credit note is an accounting document, a return a stock one: the
    # complaint's rights alone are not enough (see test_*_needs_*_rights)
    "credit_note": (),
    "return": (),
    # other_co: "Nothing to export", company 1's figures are not theirs
    "export_xlsx": ("user", "manager"),
    "export_pdf": ("user", "manager", "other_co"),
}


# Cells that fail for a known bug, asserted as such so that the fix shows:
# {(url, role): status}. None at present.
KNOWN_BUGS = {}


class _Undo(Exception):
    """Raised to roll a cell back once it succeeded."""


class AccessMatrixCase(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "Other Freight"})
        cls.customer, cls.contact = {}, {}
        for key, name in (("a", "Alpha Shipper"), ("b", "Beta Shipper")):
            cls.customer[key] = cls._customer(name)
            cls.contact[key] = cls.env["res.partner"].create(
                {
                    "name": f"{name} buyer",
                    "parent_id": cls.customer[key].id,
                    "email": f"buyer@{key}.example.com",
                }
            )
        cls.users = {
            "no_app": new_test_user(cls.env, "acc_no_app", groups="base.group_user"),
            "user": new_test_user(
                cls.env, "acc_user", groups="logistics_crm.logistics_crm_group_user"
            ),
            "manager": new_test_user(
                cls.env,
                "acc_manager",
                groups="logistics_crm.logistics_crm_group_manager",
            ),
            "portal_a": new_test_user(
                cls.env,
                "acc_portal_a",
                groups="base.group_portal",
                partner_id=cls.contact["a"].id,
            ),
            "portal_b": new_test_user(
                cls.env,
                "acc_portal_b",
                groups="base.group_portal",
                partner_id=cls.contact["b"].id,
            ),
            "other_co": new_test_user(
                cls.env,
                "acc_other_co",
                groups="logistics_crm.logistics_crm_group_manager",
                company_id=cls.company2.id,
                company_ids=[Command.set(cls.company2.ids)],
            ),
        }
        cls._orders(
            [
                (cls.customer["a"], 1000, 5),
                (cls.customer["a"], 800, 40),
                (cls.customer["b"], 90, 5),
            ]
        )
        cls.tier = cls.Tier.create(
            {
                "name": "Matrix tier",
                "code": "MX",
                "company_id": cls.company.id,
                "min_score": 99.5,
            }
        )
        cls.history = cls.env["logistics.grade.history"].create(
            {
                "partner_id": cls.customer["a"].id,
                "company_id": cls.company.id,
                "date": fields.Datetime.now(),
                "score": 80.0,
                "tier_id": cls.tier_a.id,
            }
        )
        cls.grade = cls.env["logistics.customer.grade"].create(
            {
                "partner_id": cls.customer["a"].id,
                "company_id": cls.company.id,
                "revenue": 1000.0,
            }
        )
        cls.complaint_type = cls.env["logistics.complaint.type"].create(
            {"name": "Matrix type", "company_id": cls.company.id}
        )
        cls.stage = cls.env["logistics.complaint.stage"].create(
            {"name": "Matrix stage", "sequence": 99, "company_id": cls.company.id}
        )
        cls.cause = cls.env["logistics.complaint.cause"].create(
            {"name": "Matrix cause", "company_id": cls.company.id}
        )
        cls.sla_policy = cls.env["logistics.sla.policy"].create(
            {
                "name": "Matrix SLA",
                "company_id": cls.company.id,
                "partner_ids": [Command.set(cls.customer["a"].ids)],
                "target_ids": [
                    Command.create({"response_hours": 4, "resolution_hours": 16})
                ],
            }
        )
        cls.goods = cls.env["product.product"].create(
            {"name": "Cartons", "type": "consu", "list_price": 50.0}
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer["a"].id,
                "order_line": [
                    Command.create({"product_id": cls.goods.id, "product_uom_qty": 4})
                ],
            }
        )
        order.action_confirm()
        cls.delivery = order.picking_ids
        for move in cls.delivery.move_ids:
            move.quantity = move.product_uom_qty
        cls.delivery.button_validate()
        cls.complaint = cls.env["logistics.complaint"].create(
            {
                "name": "Alpha cartons crushed",
                "partner_id": cls.contact["a"].id,
                "sale_order_id": order.id,
                "picking_id": cls.delivery.id,
                "compensation_amount": 120.0,
            }
        )
        cls.status = cls.env["logistics.sla.status"].search(
            [("complaint_id", "=", cls.complaint.id)], limit=1
        )
        cls.env.flush_all()
        cls.scorecard = cls.env["logistics.customer.scorecard"].search(
            [
                ("partner_id", "=", cls.customer["a"].id),
                ("company_id", "=", cls.company.id),
            ],
            limit=1,
        )
        cls.retention_row = cls.env["logistics.retention.report"].search(
            [
                ("partner_id", "=", cls.customer["a"].id),
                ("company_id", "=", cls.company.id),
            ],
            limit=1,
        )
        # a policy no document uses yet, so that it can be deleted
        cls.spare_sla_policy = cls.env["logistics.sla.policy"].create(
            {
                "name": "Spare SLA",
                "company_id": cls.company.id,
                "partner_ids": [Command.set(cls.customer["b"].ids)],
                "target_ids": [
                    Command.create({"response_hours": 8, "resolution_hours": 24})
                ],
                "escalation_ids": [Command.create({"hours_after": 8})],
            }
        )
        manager_env = cls.env(user=cls.users["manager"])
        cls.lock_wizard = manager_env["logistics.tier.lock.wizard"].create(
            {
                "partner_id": cls.customer["a"].id,
                "tier_id": cls.tier_d.id,
                "reason": "Matrix",
            }
        )
        cls.potential_wizard = manager_env[
            "logistics.customer.potential.wizard"
        ].create({"partner_id": cls.customer["a"].id, "potential": "high"})
        cls.export = manager_env["logistics.scorecard.export"].create(
            {"partner_ids": [Command.set(cls.customer["a"].ids)]}
        )
        cls.churn_reason = cls.env["logistics.churn.reason"].create(
            {"name": "Matrix reason", "company_id": cls.company.id}
        )
        cls.retention_rule = cls.env["logistics.retention.rule"].create(
            {"name": "Matrix rule", "trigger": "lost", "company_id": cls.company.id}
        )
        cls.retention_case = cls.env["logistics.retention.case"].create(
            {
                "partner_id": cls.customer["a"].id,
                "company_id": cls.company.id,
                "rule_id": cls.retention_rule.id,
            }
        )

        cls.benefit_change = cls.env["logistics.tier.benefit.change"].create(
            {
                "partner_id": cls.customer["a"].id,
                "company_id": cls.company.id,
                "new_tier_id": cls.tier_a.id,
            }
        )

    def _as(self, role):
        return self.env(user=self.users[role])

    def _run_cell(self, attempt):
        """True when ``attempt()`` succeeds, False when it is refused with an
        AccessError or UserError; either way nothing it did remains."""
        try:
            with self.env.cr.savepoint():
                attempt()
                self.env.flush_all()
                raise _Undo
        except _Undo:
            return True, None
        except UserError as error:
            return False, error
        finally:
            self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessMatrixCase):
    def _specs(self):
        """model -> (record of company 1, field to read, create values
        (a callable, run as superuser first), write values)."""
        today = fields.Date.context_today(self.policy)
        company = self.company.id

        def create_policy():
            # a company has one policy: creating one means the company had none
            self.policy.unlink()
            return {"company_id": company, "window_days": 180}

        return {
            "logistics.customer.tier": (
                self.tier,
                "name",
                lambda: {"name": "New", "code": "NW", "company_id": company},
                {"min_score": 98.0},
            ),
            "logistics.grading.policy": (
                self.policy,
                "window_days",
                create_policy,
                {"window_days": 200},
            ),
            "logistics.grade.history": (
                self.history,
                "score",
                lambda: {
                    "partner_id": self.customer["a"].id,
                    "company_id": company,
                    "date": fields.Datetime.now(),
                    "score": 1.0,
                },
                {"score": 1.0},
            ),
            "logistics.customer.grade": (
                self.grade,
                "revenue",
                lambda: {"partner_id": self.customer["b"].id, "company_id": company},
                {"revenue": 1.0},
            ),
            "logistics.complaint": (
                self.complaint,
                "name",
                lambda: {
                    "name": "Filed in the matrix",
                    "partner_id": self.contact["a"].id,
                    "company_id": company,
                    "user_id": False,
                },
                {"name": "Renamed"},
            ),
            "logistics.complaint.type": (
                self.complaint_type,
                "name",
                lambda: {"name": "New type", "company_id": company},
                {"name": "Renamed"},
            ),
            "logistics.complaint.stage": (
                self.stage,
                "name",
                lambda: {"name": "New stage", "sequence": 98, "company_id": company},
                {"name": "Renamed"},
            ),
            "logistics.complaint.cause": (
                self.cause,
                "name",
                lambda: {"name": "New cause", "company_id": company},
                {"name": "Renamed"},
            ),
            "logistics.sla.policy": (
                self.spare_sla_policy,
                "on_time_target",
                lambda: {"name": "New SLA", "company_id": company},
                {"on_time_target": 97.0},
            ),
            "logistics.sla.target": (
                self.spare_sla_policy.target_ids,
                "response_hours",
                lambda: {
                    "policy_id": self.sla_policy.id,
                    "response_hours": 1,
                    "resolution_hours": 2,
                },
                {"response_hours": 3.0},
            ),
            "logistics.sla.escalation": (
                self.spare_sla_policy.escalation_ids,
                "hours_after",
                lambda: {"policy_id": self.sla_policy.id, "hours_after": 4},
                {"hours_after": 16.0},
            ),
            "logistics.sla.status": (
                self.status,
                "state",
                lambda: {
                    "res_model": "logistics.complaint",
                    "res_id": self.complaint.id,
                    "complaint_id": self.complaint.id,
                    "kind": "delivery",
                    "company_id": company,
                    "policy_id": self.sla_policy.id,
                    "date_start": fields.Datetime.now(),
                },
                {"consumed_hours": 1.0},
            ),
            "logistics.customer.scorecard": (
                self.scorecard,
                "order_count",
                lambda: {"partner_id": self.customer["a"].id, "order_count": 1},
                {"order_count": 9},
            ),
            "logistics.customer.scorecard.fact": (
                self.env["logistics.customer.scorecard.fact"].browse(self.scorecard.id),
                "order_count",
                lambda: {
                    "partner_id": self.customer["a"].id,
                    "company_id": company,
                    "month": "2000-01-01",
                },
                {"order_count": 9},
            ),
            "logistics.retention.report": (
                self.retention_row,
                "new_count",
                lambda: {"partner_id": self.customer["a"].id, "new_count": 1},
                {"new_count": 9},
            ),
            "logistics.scorecard.export": (
                self.export,
                "date_from",
                lambda: {
                    "company_id": company,
                    "date_from": today - timedelta(days=60),
                    "date_to": today,
                },
                {"date_to": today},
            ),
            "logistics.tier.lock.wizard": (
                self.lock_wizard,
                "reason",
                lambda: {
                    "partner_id": self.customer["a"].id,
                    "company_id": company,
                    "tier_id": self.tier_d.id,
                    "reason": "Created in the matrix",
                },
                {"reason": "Renamed"},
            ),
            "logistics.customer.potential.wizard": (
                self.potential_wizard,
                "potential",
                lambda: {
                    "partner_id": self.customer["a"].id,
                    "company_id": company,
                    "potential": "low",
                },
                {"potential": "medium"},
            ),
            "logistics.churn.reason": (
                self.churn_reason,
                "name",
                lambda: {"name": "New reason", "company_id": company},
                {"name": "Renamed"},
            ),
            "logistics.retention.rule": (
                self.retention_rule,
                "trigger",
                lambda: {"name": "New rule", "trigger": "lost", "company_id": company},
                {"name": "Renamed"},
            ),
            "logistics.tier.benefit.change": (
                self.benefit_change,
                "new_pricelist_id",
                lambda: {"partner_id": self.customer["b"].id, "company_id": company},
                {"new_payment_term_id": False},
            ),
            "logistics.retention.case": (
                self.retention_case,
                "state",
                lambda: {"partner_id": self.customer["b"].id, "company_id": company},
                {"note": "Called them"},
            ),
        }

    def _try(self, role, op, model, spec):
        record, fname, create_values, write_values = spec
        env = self._as(role)

        def attempt():
            if op == "r":
                env[model].browse(record.id).read([fname])
                self.assertEqual(
                    env[model].search_count([("id", "=", record.id)]),
                    1,
                    f"{role} reads {model} {record.id} but does not find it",
                )
            elif op == "c":
                env[model].create(create_values())
            elif op == "w":
                env[model].browse(record.id).write(write_values)
            else:
                env[model].browse(record.id).unlink()

        allowed, error = self._run_cell(attempt)
        if not allowed and op == "r":
            # refused on read: a search must not reveal the record either
            try:
                found = env[model].search_count([("id", "=", record.id)])
            except AccessError:
                found = 0
            self.assertFalse(found, f"{role} finds {model} {record.id} by search")
        return allowed, error

    def test_crud_matrix(self):
        specs = self._specs()
        self.assertEqual(set(specs), set(MATRIX))
        self.assertEqual(
            set(MATRIX),
            {
                name
                for name, model in self.env.registry.items()
                # the model's defining module: a bridge extending one (the
                # survey bridge's scorecard facts) leaves it the addon's
                if model._original_module == "logistics_crm"
                and not model._abstract
                and name.startswith("logistics.")
            },
            "every model of the addon is in the matrix",
        )
        for model, spec in specs.items():
            self.assertEqual(len(spec[0]), 1, f"no sample record for {model}")
        cells, mismatches, refusals = 0, [], {}
        for model, expected_per_role in MATRIX.items():
            for role, expected in zip(ROLES, expected_per_role, strict=True):
                for op in OPERATIONS:
                    allowed, error = self._try(role, op, model, specs[model])
                    cells += 1
                    if allowed != (op in expected):
                        mismatches.append(
                            f"{model} {OPERATIONS[op]} by {role}: "
                            f"{'allowed' if allowed else f'refused ({error})'}, "
                            f"expected {'allowed' if op in expected else 'refused'}"
                        )
                    elif error is not None:
                        refusals[type(error).__name__] = (
                            refusals.get(type(error).__name__, 0) + 1
                        )
                        if not isinstance(error, AccessError):
                            mismatches.append(
                                f"{model} {OPERATIONS[op]} by {role}: refused by "
                                f"{type(error).__name__} ({error}), not AccessError"
                            )
        _logger.info(
            "access matrix: %s cells checked (%s models x %s roles x %s "
            "operations), %s refusals %s",
            cells,
            len(MATRIX),
            len(ROLES),
            len(OPERATIONS),
            sum(refusals.values()),
            refusals,
        )
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))
        self.assertEqual(cells, len(MATRIX) * len(ROLES) * len(OPERATIONS))

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def _lock_values(self):
        return {
            "customer_tier_locked": True,
            "customer_tier_id": self.tier_d.id,
            "customer_tier_lock_reason": "Matrix",
        }

    def _actions(self):
        """name -> callable(env) pressing the button as that env's user."""
        partner_a = self.customer["a"].id

        def lock_wizard(env, mode):
            # the Lock Tier and Unlock Tier buttons of the customer form
            wizard = (
                env["logistics.tier.lock.wizard"]
                .with_context(active_model="res.partner", active_id=partner_a)
                .create({"mode": mode, "tier_id": self.tier_d.id, "reason": "Matrix"})
            )
            return wizard.action_apply()

        def unlock(env):
            # locked beforehand in the company the user works in
            self.customer["a"].with_company(env.company).write(self._lock_values())
            return lock_wizard(env, "unlock")

        def export(env, method):
            company = env.user.company_id
            wizard = env["logistics.scorecard.export"].create(
                {
                    "company_id": company.id,
                    "partner_ids": [Command.set([partner_a])],
                }
            )
            return getattr(wizard, method)()

        return {
            "partner_compute_grades": lambda env: (
                env["res.partner"].browse(partner_a).action_compute_grades()
            ),
            "policy_compute_grades": lambda env: (
                env["logistics.grading.policy"]
                .browse(self.policy.id)
                .action_compute_grades()
            ),
            "tier_lock": lambda env: lock_wizard(env, "lock"),
            "tier_unlock": unlock,
            "credit_note": lambda env: (
                env["logistics.complaint"]
                .browse(self.complaint.id)
                .action_create_credit_note()
            ),
            "return": lambda env: (
                env["logistics.complaint"]
                .browse(self.complaint.id)
                .action_create_return()
            ),
            "export_xlsx": lambda env: export(env, "action_export_xlsx"),
            "export_pdf": lambda env: export(env, "action_print_pdf"),
        }

    def test_action_matrix(self):
        actions = self._actions()
        self.assertEqual(set(actions), set(ACTIONS))
        cells, mismatches = 0, []
        for name, allowed_roles in ACTIONS.items():
            for role in ROLES:
                env = self._as(role)
                allowed, error = self._run_cell(lambda a=actions[name], e=env: a(e))
                cells += 1
                if allowed != (role in allowed_roles):
                    mismatches.append(
                        f"{name} by {role}: "
                        f"{'allowed' if allowed else f'refused ({error!r})'}"
                    )
        _logger.info(
            "access matrix: %s button cells checked (%s buttons x %s roles)",
            cells,
            len(ACTIONS),
            len(ROLES),
        )
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_credit_note_needs_invoicing_rights(self):
        billing = new_test_user(
            self.env,
            "acc_billing",
            groups="logistics_crm.logistics_crm_group_user,account.group_account_invoice",
        )
        for role in ("user", "manager"):
            allowed, error = self._run_cell(
                lambda r=role: (
                    self._as(r)["logistics.complaint"]
                    .browse(self.complaint.id)
                    .action_create_credit_note()
                )
            )
            self.assertFalse(allowed)
            self.assertIsInstance(error, AccessError)
        self.assertFalse(self.complaint.credit_note_id)
        action = self.complaint.with_user(billing).action_create_credit_note()
        credit_note = self.complaint.credit_note_id
        self.assertEqual(action["res_id"], credit_note.id)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.amount_total, 120.0)

    def test_warehouse_sees_the_delivery_sla_but_not_the_statuses(self):
        clerk = new_test_user(self.env, "acc_wh", groups="stock.group_stock_user")
        self.assertFalse(clerk.has_group("logistics_crm.logistics_crm_group_user"))
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer["b"].id,
                "order_line": [
                    Command.create({"product_id": self.goods.id, "product_uom_qty": 2})
                ],
            }
        )
        order.action_confirm()
        delivery = order.picking_ids.with_user(clerk)
        self.assertEqual(delivery.sla_state, "ongoing")
        self.assertTrue(delivery.sla_deadline)
        for move in delivery.move_ids:
            move.quantity = move.product_uom_qty
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        self.env.invalidate_all()
        self.assertEqual(delivery.sla_state, "reached")
        with self.assertRefused(AccessError, "SLA Status"):
            self.env["logistics.sla.status"].with_user(clerk).search([])

    def test_return_needs_inventory_rights(self):
        clerk = new_test_user(
            self.env,
            "acc_clerk",
            groups="logistics_crm.logistics_crm_group_user,stock.group_stock_user",
        )
        action = self.complaint.with_user(clerk).action_create_return()
        self.assertEqual(action["res_model"], "stock.return.picking")
        wizard = Form(
            self.env["stock.return.picking"]
            .with_user(clerk)
            .with_context(**action["context"])
        ).save()
        wizard.product_return_moves.quantity = 1
        wizard.action_create_returns()
        self.assertEqual(self.complaint.return_picking_id.picking_type_code, "incoming")


@tagged("post_install", "-at_install")
class TestAccessMatrixHttp(HttpCase, AccessMatrixCase):
    """The portal pages and the downloads, as each role and as a visitor."""

    DENIED = (302, 303, 403, 404)

    def _get(self, role, url):
        if role == "public":
            self.authenticate(None, None)
        else:
            self.authenticate(self.users[role].login, self.users[role].login)
        return self.url_open(url, allow_redirects=False)

    def _xlsx_url(self):
        action = self.export.with_user(self.users["manager"]).action_export_xlsx()
        self.assertRegex(action["url"], r"^/web/content/\d+\?download=true$")
        return action["url"]

    def test_pages_and_downloads(self):
        complaint_url = f"/my/complaints/{self.complaint.id}"
        report_url = (
            "/report/pdf/logistics_crm.report_customer_scorecard/"
            f"{self.customer['a'].id}"
        )
        ok, deny = "ok", "deny"
        # url -> expected per role: no_app, user, manager, portal_a, portal_b,
        # other_co, public visitor
        pages = {
            "/my/complaints": (deny, ok, ok, ok, ok, ok, deny),
            complaint_url: (deny, ok, ok, ok, deny, deny, deny),
            "/my/complaints/new": (deny, ok, ok, ok, ok, ok, deny),
            "/my/scorecard": (deny, ok, ok, ok, ok, ok, deny),
            "/my/scorecard/pdf": (deny, ok, ok, ok, ok, ok, deny),
            report_url: (deny, ok, ok, deny, deny, ok, deny),
            # the manager's export: the file is the manager's alone
            self._xlsx_url(): (deny, deny, ok, deny, deny, deny, deny),
            # the consignee's delivery page: its token is the only key, for
            # whoever holds the link (the delivery e-mails), logged in or not
            f"/my/deliveries/{self.delivery.id}": (deny,) * 7,
            f"/my/deliveries/{self.delivery.id}?access_token=forged": (deny,) * 7,
            self.delivery.get_portal_url(): (ok,) * 7,
        }
        secret = self.complaint.reference
        cells, mismatches = 0, []
        for url, expected_per_role in pages.items():
            for role, expected in zip(
                (*ROLES, "public"), expected_per_role, strict=True
            ):
                response = self._get(role, url)
                cells += 1
                status = response.status_code
                if (url, role) in KNOWN_BUGS:
                    if status != KNOWN_BUGS[url, role]:
                        mismatches.append(f"{url} as {role}: fixed, update KNOWN_BUGS")
                    continue
                self.assertNotIn("Traceback", response.text)
                got = ok if status == 200 else deny if status in self.DENIED else None
                if got != expected:
                    mismatches.append(f"{url} as {role}: {status}, expected {expected}")
                    continue
                if status in (302, 303):
                    location = response.headers["Location"]
                    self.assertRegex(location, r"(/my|/web/login\?.*)$")
                if got == ok and role in ("portal_b", "other_co"):
                    # customer A's complaint is company 1's and A's only
                    self.assertNotIn(secret, response.text, f"{url} as {role}")
        _logger.info(
            "access matrix: %s page cells checked (%s URLs x %s roles)",
            cells,
            len(pages),
            len(ROLES) + 1,
        )
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_delivery_page_posts_need_the_token(self):
        url = f"/my/deliveries/{self.delivery.id}"
        Rating = self.env["rating.rating"]
        Complaint = self.env["logistics.complaint"]
        before = Complaint.search_count([])
        for role in (*ROLES, "public"):
            # the page with its token gives the session's CSRF token
            page = self._get(role, self.delivery.get_portal_url())
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            for action, data in (
                ("rate", {"rating": "1"}),
                ("problem", {"description": "Forged"}),
            ):
                for token in (None, "forged"):
                    response = self.url_open(
                        f"{url}/{action}",
                        data={
                            "csrf_token": csrf,
                            **({"access_token": token} if token else {}),
                            **data,
                        },
                        allow_redirects=False,
                    )
                    self.assertIn(response.status_code, self.DENIED, role)
        self.assertFalse(Rating.search([("res_model", "=", "stock.picking")]))
        self.assertEqual(Complaint.search_count([]), before)

    def test_portal_users_write_no_rating_complaint_or_delivery(self):
        for role in ("portal_a", "portal_b", "public"):
            env = (
                self.env(user=self.env.ref("base.public_user"))
                if role == "public"
                else self._as(role)
            )
            for attempt in (
                lambda e=env: e["rating.rating"].create(
                    {
                        "res_model_id": self.env["ir.model"]._get_id("stock.picking"),
                        "res_id": self.delivery.id,
                        "rating": 5,
                        "consumed": True,
                    }
                ),
                lambda e=env: e["logistics.complaint"].create(
                    {"name": "Forged", "partner_id": self.contact["a"].id}
                ),
                lambda e=env: (
                    e["stock.picking"]
                    .browse(self.delivery.id)
                    .write({"note": "Forged"})
                ),
            ):
                allowed, error = self._run_cell(attempt)
                self.assertFalse(allowed, role)
                self.assertIsInstance(error, AccessError, role)

    def test_portal_pages_show_the_customers_own_data(self):
        response = self._get("portal_a", "/my/complaints")
        self.assertIn(self.complaint.reference, response.text)
        response = self._get("portal_a", f"/my/complaints/{self.complaint.id}")
        self.assertIn("Alpha cartons crushed", response.text)
        response = self._get("portal_b", "/my/scorecard")
        self.assertIn("Beta Shipper", response.text)
        self.assertNotIn("Alpha Shipper", response.text)
        response = self._get("portal_b", "/my/scorecard/pdf")
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn(b"Beta Shipper", response.content)
        self.assertNotIn(b"Alpha Shipper", response.content)

    def test_report_of_another_customer_is_refused_to_portal_users(self):
        for ids in (
            self.customer["b"].ids,
            (self.customer["a"] | self.customer["b"]).ids,
        ):
            response = self._get(
                "portal_a",
                "/report/pdf/logistics_crm.report_customer_scorecard/"
                + ",".join(map(str, ids)),
            )
            self.assertIn(response.status_code, self.DENIED)
            self.assertNotIn(b"Beta Shipper", response.content)

    def test_xlsx_is_the_exporters_companys(self):
        url = self._xlsx_url()
        response = self._get("manager", url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            re.search(r"\.xlsx", response.headers["Content-Disposition"]),
            response.headers["Content-Disposition"],
        )
        self.assertEqual(response.content[:2], b"PK")
