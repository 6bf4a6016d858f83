"""Customers' grades under Odoo's own roles: salespeople and Logistics CRM
administrators get no contact rights from the addon, portal customers read no
grading figure, and a tier lock is set through the lock wizard only (issue
#13, findings 1, 2 and 5)."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.logistics_crm.models.res_partner import GRADING_GROUP

from .common import LogisticsCrmCase

# Every field of res.partner that only Logistics CRM users may read.
GRADE_FIELDS = (
    "customer_score",
    "customer_tier_computed_id",
    "customer_tier_locked",
    "customer_tier_lock_reason",
    "customer_tier_lock_until",
    "customer_tier_mismatch",
    "customer_potential",
    "customer_lifecycle",
    "customer_rfm",
    "customer_rfm_segment",
    "customer_graded_on",
    "customer_revenue",
    "customer_margin",
    "customer_order_count",
    "customer_recency_days",
    "customer_growth",
    "customer_overdue_ratio",
    "customer_revenue_score",
    "customer_margin_score",
    "customer_frequency_score",
    "customer_recency_score",
    "customer_growth_score",
    "customer_payment_score",
    "customer_potential_score",
    "customer_complaint_ratio",
    "customer_complaint_score",
    "customer_grading_policy_id",
    "customer_grade_history_count",
    "customer_weight_revenue",
    "customer_weight_margin",
    "customer_weight_frequency",
    "customer_weight_recency",
    "customer_weight_growth",
    "customer_weight_payment",
    "customer_weight_potential",
    "customer_weight_complaints",
    "complaint_count",
    "complaint_satisfaction",
    "complaint_rated_count",
    "scorecard_html",
)
LOCK = "logistics.tier.lock.wizard"
POTENTIAL = "logistics.customer.potential.wizard"


def lock_tier(partner, user, tier, reason, lock_until=None, company=None, mode="lock"):
    """Lock (or unlock) the tier of ``partner`` as ``user`` in ``company``,
    through the wizard that the customer form's Lock Tier button opens."""
    Wizard = partner.env[LOCK].with_user(user)
    if company:
        Wizard = Wizard.with_company(company)
    wizard = Wizard.with_context(
        active_model="res.partner", active_id=partner.id
    ).create(
        {
            "mode": mode,
            "tier_id": tier.id if tier else False,
            "reason": reason,
            "lock_until": lock_until,
        }
    )
    return wizard.action_apply()


def unlock_tier(partner, user, company=None):
    return lock_tier(partner, user, None, False, company=company, mode="unlock")


@tagged("post_install", "-at_install")
class TestPartnerRoles(LogisticsCrmCase):
    """Finding 1: the addon widens no standard role; warehouse and invoicing
    users still see the tier badge; administrators lock tiers and salespeople
    set the potential through rights-checked wizards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Polar Freight")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Polar buyer", "parent_id": cls.customer.id}
        )
        cls._orders([(cls.customer, 5000, 3), (cls._customer("Small"), 10, 200)])
        cls._set_weights(revenue=1)
        cls._grade()
        cls.salesperson = new_test_user(
            cls.env, "sec_sales", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, "sec_manager", groups="logistics_crm.logistics_crm_group_manager"
        )
        cls.employee = new_test_user(cls.env, "sec_employee", groups="base.group_user")
        cls.warehouse = new_test_user(
            cls.env, "sec_warehouse", groups="stock.group_stock_user"
        )
        cls.invoicing = new_test_user(
            cls.env, "sec_invoicing", groups="account.group_account_invoice"
        )

    def _partner_rights(self, user):
        Partner = self.env["res.partner"].with_user(user)
        return {
            op: Partner.has_access(op) for op in ("read", "write", "create", "unlink")
        }

    def test_salesperson_has_the_partner_rights_of_base_and_sale_only(self):
        self.assertTrue(
            self.salesperson.has_group("logistics_crm.logistics_crm_group_user")
        )
        self.assertFalse(self.salesperson.has_group("base.group_partner_manager"))
        self.assertNotIn(
            self.env.ref("base.group_partner_manager"),
            self.salesperson.all_group_ids,
        )
        # Odoo's CRM app (installed here with the cross-sell bridge) gives
        # salespeople write and create on contacts; base and sale do not
        crm = "crm.lead" in self.env
        self.assertEqual(
            self._partner_rights(self.salesperson),
            {"read": True, "write": crm, "create": crm, "unlink": False},
        )
        if not crm:
            with self.assertRaises(AccessError):
                self.contact.with_user(self.salesperson).write(
                    {"email": "x@example.com"}
                )

    def test_logistics_administrator_is_no_contact_manager(self):
        self.assertFalse(self.manager.has_group("sales_team.group_sale_manager"))
        self.assertFalse(self.manager.has_group("base.group_partner_manager"))
        self.assertEqual(
            self._partner_rights(self.manager),
            {"read": True, "write": False, "create": False, "unlink": False},
        )
        # a sales administrator keeps what sale gives him, no more
        sale_admin = new_test_user(
            self.env, "sec_sale_admin", groups="sales_team.group_sale_manager"
        )
        self.assertTrue(
            sale_admin.has_group("logistics_crm.logistics_crm_group_manager")
        )
        self.assertFalse(sale_admin.has_group("base.group_partner_manager"))
        self.assertEqual(
            self._partner_rights(sale_admin),
            {"read": True, "write": True, "create": True, "unlink": False},
        )

    def _assert_views_show_the_tier(self, record, user, form_view, list_view):
        """``user`` opens the list and the form of ``record`` and reads its
        customer tier."""
        record = record.with_user(user)
        if form_view:
            form = Form(record, view=form_view)
            self.assertEqual(form.customer_tier_id, self.tier_a)
        views = record.get_views([(self.env.ref(list_view).id, "list")])
        fields = views["models"][record._name]["fields"]
        self.assertIn("customer_tier_id", fields)
        [row] = record.web_search_read(
            [("id", "=", record.id)], {fname: {} for fname in fields}
        )["records"]
        self.assertEqual(row["customer_tier_id"], self.tier_a.id)

    def test_warehouse_and_invoicing_users_see_the_tier(self):
        goods = self.env["product.product"].create(
            {"name": "Crates", "type": "consu", "list_price": 20.0}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact.id,
                "order_line": [
                    Command.create({"product_id": goods.id, "product_uom_qty": 3})
                ],
            }
        )
        order.action_confirm()
        invoice = self._invoice(self.customer, 300, 2, -28)
        # (Odoo's sale order form needs invoice rights, whatever the addon;
        # with Sale Loyalty, whose gift card count the form reads, it needs
        # Sales rights too: Odoo's, the loyalty bridge brings it here)
        self._assert_views_show_the_tier(
            order, self.warehouse, None, "sale.sale_order_tree"
        )
        order_form = None if "loyalty.card" in self.env else "sale.view_order_form"
        self._assert_views_show_the_tier(
            order, self.invoicing, order_form, "sale.sale_order_tree"
        )
        for user in (self.warehouse, self.invoicing):
            self.assertFalse(user.has_group("logistics_crm.logistics_crm_group_user"))
            self._assert_views_show_the_tier(
                self.customer, user, "base.view_partner_form", "base.view_partner_tree"
            )
        self._assert_views_show_the_tier(
            order.picking_ids,
            self.warehouse,
            "stock.view_picking_form",
            "stock.vpicktree",
        )
        self._assert_views_show_the_tier(
            invoice,
            self.invoicing,
            "account.view_move_form",
            "account.view_invoice_tree",
        )

    def test_customer_views_carry_no_grade_for_other_employees(self):
        """The customer views load for employees without the app and name no
        grading field: neither a field they would read nor an expression
        that would need one."""
        for user in (self.warehouse, self.invoicing, self.employee):
            views = (
                self.env["res.partner"]
                .with_user(user)
                .get_views(
                    [
                        (False, "kanban"),
                        (False, "list"),
                        (False, "form"),
                        (False, "search"),
                    ]
                )
            )
            fields = views["models"]["res.partner"]["fields"]
            self.assertIn("customer_tier_id", fields)
            for view_type, view in views["views"].items():
                for fname in GRADE_FIELDS:
                    self.assertNotIn(fname, fields, f"{user.login}: {fname}")
                    self.assertNotIn(
                        fname, view["arch"], f"{user.login}: {view_type} {fname}"
                    )
            Form(self.customer.with_user(user))
        # Logistics CRM users get the grades in the same views
        fields = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .get_views([(False, "form")])["models"]["res.partner"]["fields"]
        )
        self.assertIn("customer_score", fields)
        self.assertIn("customer_margin", fields)

    def test_administrator_locks_and_unlocks_through_the_wizard(self):
        partner = self.customer.with_user(self.manager)
        with self.assertRefused(AccessError, "not allowed to modify|Contact"):
            partner.write(
                {
                    "customer_tier_locked": True,
                    "customer_tier_id": self.tier_c.id,
                    "customer_tier_lock_reason": "Direct",
                }
            )
        until = self.today + timedelta(days=30)
        form = Form(
            self.env[LOCK]
            .with_user(self.manager)
            .with_context(
                active_model="res.partner",
                active_id=self.contact.id,
                default_mode="lock",
            )
        )
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.computed_tier_id, self.tier_a)
        form.tier_id = self.tier_c
        form.reason = "  Disputed invoices  "
        form.lock_until = until
        form.save().action_apply()
        self.assertTrue(self.customer.customer_tier_locked)
        self.assertEqual(self.customer.customer_tier_id, self.tier_c)
        self.assertEqual(self.customer.customer_tier_lock_reason, "Disputed invoices")
        self.assertEqual(self.customer.customer_tier_lock_until, until)
        self.assertTrue(self.customer.customer_tier_mismatch)
        # the contact mirrors its company's lock
        self.assertEqual(self.contact.customer_tier_id, self.tier_c)
        # the chatter says who locked the tier
        self.env.cr.precommit.run()
        tracking = self.customer.message_ids.filtered("tracking_value_ids")[:1]
        self.assertEqual(tracking.author_id, self.manager.partner_id)
        # changing the lock starts from the current one
        form = Form(
            self.env[LOCK]
            .with_user(self.manager)
            .with_context(active_model="res.partner", active_id=self.customer.id)
        )
        self.assertEqual(form.tier_id, self.tier_c)
        self.assertEqual(form.reason, "Disputed invoices")
        form.tier_id = self.tier_b
        form.save().action_apply()
        self.assertEqual(self.customer.customer_tier_id, self.tier_b)
        # unlocking hands the tier back to the grading
        unlock_tier(self.customer, self.manager)
        self.assertFalse(self.customer.customer_tier_locked)
        self.assertFalse(self.customer.customer_tier_lock_reason)
        self.assertEqual(self.customer.customer_tier_id, self.tier_a)

    def test_lock_wizard_checks_rights_and_input(self):
        for user in (self.salesperson, self.employee, self.warehouse):
            with self.assertRefused(AccessError, "Lock Customer Tier"):
                lock_tier(self.customer, user, self.tier_c, "Not mine to lock")
        for tier, reason, until, message in (
            (None, "No tier", None, "Choose the tier"),
            (self.tier_c, "   ", None, "Give a reason"),
            (self.tier_c, "Past", self.today - timedelta(days=1), "today or later"),
        ):
            with self.assertRefused(ValidationError, message):
                lock_tier(self.customer, self.manager, tier, reason, until)
        other = self.env["res.company"].create({"name": "Other Freight"})
        other_tier = self.Tier.create(
            {"name": "Theirs", "code": "T", "company_id": other.id}
        )
        with self.assertRefused(ValidationError, "belongs to another company"):
            lock_tier(self.customer, self.manager, other_tier.sudo(), "Theirs")
        with self.assertRefused(UserError, "is not locked"):
            unlock_tier(self.customer, self.manager)
        self.assertFalse(self.customer.customer_tier_locked)
        self.assertEqual(self.customer.customer_tier_id, self.tier_a)
        # the wizard of one administrator is not another's to apply
        wizard = (
            self.env[LOCK]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.customer.id,
                    "tier_id": self.tier_d.id,
                    "reason": "Mine",
                }
            )
        )
        colleague = new_test_user(
            self.env,
            "sec_manager2",
            groups="logistics_crm.logistics_crm_group_manager",
        )
        with self.assertRaises(AccessError):
            wizard.with_user(colleague).action_apply()
        with self.assertRaises(AccessError):
            wizard.with_user(colleague).write({"tier_id": self.tier_c.id})
        self.assertFalse(self.customer.customer_tier_locked)

    def test_lock_wizard_works_in_the_administrators_companies_only(self):
        company2 = self.env["res.company"].create({"name": "Second Freight"})
        manager2 = new_test_user(
            self.env,
            "sec_manager_c2",
            groups="logistics_crm.logistics_crm_group_manager",
            company_id=company2.id,
            company_ids=[Command.set(company2.ids)],
        )
        lock_tier(self.customer, manager2, self.tier_b, "Company 2 contract")
        self.assertEqual(
            self.customer.with_company(company2).customer_tier_id, self.tier_b
        )
        self.assertEqual(self.customer.customer_tier_id, self.tier_a)
        self.assertFalse(self.customer.customer_tier_locked)
        # a wizard of company 1 is refused to an administrator of company 2
        with self.assertRaises(AccessError):
            self.env[LOCK].with_user(manager2).create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "tier_id": self.tier_d.id,
                    "reason": "Not my company",
                }
            )
        self.assertFalse(self.customer.customer_tier_locked)

    def test_salespeople_set_the_potential_through_the_wizard(self):
        if "crm.lead" not in self.env:
            # (with Odoo's CRM app, salespeople write contacts, the potential
            # included, as the wizard lets them)
            with self.assertRaises(AccessError):
                self.customer.with_user(self.salesperson).write(
                    {"customer_potential": "high"}
                )
        form = Form(
            self.env[POTENTIAL]
            .with_user(self.salesperson)
            .with_context(active_model="res.partner", active_id=self.contact.id)
        )
        self.assertEqual(form.partner_id, self.customer)
        form.potential = "high"
        form.save().action_apply()
        self.assertEqual(self.customer.customer_potential, "high")
        self.assertEqual(self.contact.customer_potential, "high")
        # employees without the app neither read nor set it
        for user in (self.employee, self.warehouse):
            with self.assertRaises(AccessError):
                self.env[POTENTIAL].with_user(user).create(
                    {"partner_id": self.customer.id, "potential": "low"}
                )
            with self.assertRaises(AccessError):
                self.customer.with_user(user).read(["customer_potential"])
        self.assertEqual(self.customer.customer_potential, "high")

    def test_partner_buttons_check_the_app_groups(self):
        customer = self.customer.with_user(self.employee)
        for method in (
            "action_view_scorecard",
            "action_view_complaints",
            "action_view_grade_history",
            "action_recompute_sla_deadlines",
            "action_compute_grades",
        ):
            with self.assertRaises(AccessError, msg=method):
                getattr(customer, method)()
        salesperson = self.customer.with_user(self.salesperson)
        for method in (
            "action_view_scorecard",
            "action_view_complaints",
            "action_view_grade_history",
        ):
            self.assertEqual(
                getattr(salesperson, method)()["type"], "ir.actions.act_window"
            )
        for method in ("action_recompute_sla_deadlines", "action_compute_grades"):
            with self.assertRaises(AccessError, msg=method):
                getattr(salesperson, method)()
        sale_admin = new_test_user(
            self.env, "sec_buttons_admin", groups="sales_team.group_sale_manager"
        )
        self.customer.with_user(sale_admin).action_recompute_sla_deadlines()


@tagged("post_install", "-at_install")
class TestTierLockBypass(LogisticsCrmCase):
    """Finding 5: a salesperson who may create and change contacts still sets
    no tier lock nor grade, at creation or by turning a contact into a
    company; contacts keep mirroring their company's grade."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Glacier Logistics")
        cls._orders([(cls.customer, 5000, 3), (cls._customer("Tiny"), 10, 200)])
        cls._set_weights(revenue=1)
        cls._grade()
        # the contact right given explicitly: only the addon's guard stops him
        cls.salesperson = new_test_user(
            cls.env,
            "sec_bypass_sales",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.Partner = cls.env["res.partner"].with_user(cls.salesperson)

    def _lock(self):
        return {
            "customer_tier_locked": True,
            "customer_tier_id": self.tier_a.id,
            "customer_tier_lock_reason": "Set by myself",
        }

    def test_create_with_a_lock_or_a_grade_is_refused(self):
        with self.assertRefused(AccessError, "Only Logistics CRM administrators"):
            self.Partner.create(
                {"name": "Self-made key account", "is_company": True, **self._lock()}
            )
        with self.assertRefused(AccessError, "computed"):
            self.Partner.create({"name": "Top scorer", "customer_score": 99.0})
        with self.assertRefused(AccessError, "Only Logistics CRM administrators"):
            self.Partner.create([{"name": "Fine"}, {"name": "Sneaky", **self._lock()}])
        self.assertFalse(
            self.env["res.partner"].search(
                [
                    (
                        "name",
                        "in",
                        ("Self-made key account", "Top scorer", "Fine", "Sneaky"),
                    )
                ]
            )
        )
        # an empty grade is no grade, and the potential is his to set
        partner = self.Partner.create(
            {
                "name": "New shipper",
                "is_company": True,
                "customer_tier_locked": False,
                "customer_potential": "medium",
            }
        )
        self.assertFalse(partner.customer_tier_id)
        self.assertEqual(partner.customer_potential, "medium")

    def test_turning_a_contact_into_a_company_with_a_lock_is_refused(self):
        for detach in ({"is_company": True}, {"parent_id": False}):
            contact = self.Partner.create(
                {"name": "Glacier buyer", "parent_id": self.customer.id}
            )
            with self.assertRefused(AccessError, "Only Logistics CRM administrators"):
                contact.write({**detach, **self._lock()})
            self.assertEqual(contact.commercial_partner_id, self.customer)
            self.assertFalse(contact.customer_tier_locked)
            # nor later on the contact itself
            with self.assertRefused(AccessError, "Only Logistics CRM administrators"):
                contact.write(self._lock())

    def test_a_detached_contact_starts_ungraded(self):
        self.customer.write(
            {**self._lock(), "customer_tier_lock_reason": "Board decision"}
        )
        contact = self.Partner.create(
            {"name": "Glacier buyer", "parent_id": self.customer.id}
        )
        self.assertTrue(contact.customer_tier_locked)
        self.assertEqual(contact.customer_tier_id, self.tier_a)
        contact.write({"parent_id": False})
        self.assertEqual(contact.commercial_partner_id, contact)
        self.assertFalse(contact.customer_tier_locked)
        self.assertFalse(contact.customer_tier_lock_reason)
        self.assertFalse(contact.customer_tier_id)
        self.assertFalse(contact.customer_score)
        self.assertFalse(contact.customer_graded_on)
        # the company keeps its own grade and lock
        self.assertTrue(self.customer.customer_tier_locked)
        self.assertEqual(self.customer.customer_tier_id, self.tier_a)
        # same when the contact becomes a company under its parent
        other = self.Partner.create(
            {"name": "Glacier depot", "parent_id": self.customer.id}
        )
        other.write({"company_type": "company"})
        self.assertEqual(other.commercial_partner_id, other)
        self.assertFalse(other.customer_tier_locked)
        self.assertFalse(other.customer_tier_id)

    def test_contacts_still_mirror_their_companys_grade(self):
        lock_tier(
            self.customer,
            new_test_user(
                self.env,
                "sec_bypass_manager",
                groups="logistics_crm.logistics_crm_group_manager",
            ),
            self.tier_b,
            "Strategic",
        )
        contact = self.Partner.create(
            {"name": "Glacier buyer", "parent_id": self.customer.id}
        )
        self.assertEqual(contact.customer_tier_id, self.tier_b)
        self.assertTrue(contact.customer_tier_locked)
        self.assertEqual(contact.customer_score, self.customer.customer_score)
        # an import of contacts by an employee without the app
        accountant = new_test_user(
            self.env,
            "sec_accountant",
            groups="account.group_account_invoice,base.group_partner_manager",
        )
        self.assertFalse(accountant.has_group("logistics_crm.logistics_crm_group_user"))
        result = (
            self.env["res.partner"]
            .with_user(accountant)
            .load(
                ["name", "parent_id/.id"], [["Imported buyer", str(self.customer.id)]]
            )
        )
        self.assertFalse(result["messages"], result["messages"])
        imported = self.env["res.partner"].browse(result["ids"])
        self.assertEqual(imported.customer_tier_id, self.tier_b)
        self.assertTrue(imported.customer_tier_locked)

    def test_administrator_with_contact_rights_still_writes_a_lock(self):
        sale_admin = new_test_user(
            self.env, "sec_bypass_admin", groups="sales_team.group_sale_manager"
        )
        partner = (
            self.env["res.partner"]
            .with_user(sale_admin)
            .create({"name": "Locked at birth", "is_company": True, **self._lock()})
        )
        self.assertTrue(partner.customer_tier_locked)
        with self.assertRefused(AccessError, "computed"):
            partner.write({"customer_score": 50.0})


@tagged("post_install", "-at_install")
class TestPortalGrading(HttpCase, LogisticsCrmCase):
    """Finding 2: a portal customer, over RPC as an attacker would, reads no
    grading figure of its company nor the scorecard's revenue and margin; its
    scorecard page and PDF show the service KPIs only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Aurora Shipping")
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Aurora buyer", "parent_id": cls.customer.id}
        )
        cls.portal = new_test_user(
            cls.env, "sec_portal", groups="base.group_portal", partner_id=cls.buyer.id
        )
        cls._orders([(cls.customer, 4321, 3, 1000), (cls._customer("Dwarf"), 10, 200)])
        cls._set_weights(revenue=1)
        cls._grade()
        cls.customer.write(
            {
                "customer_tier_locked": True,
                "customer_tier_id": cls.tier_a.id,
                "customer_tier_lock_reason": "Renegotiation pending",
                "customer_potential": "high",
            }
        )
        cls.env.flush_all()

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def assertRpcRefused(self, model, method, *args, **kwargs):
        with self.assertRaises(JsonRpcException) as catcher:
            self._rpc(model, method, *args, **kwargs)
        self.assertEqual(str(catcher.exception), "odoo.exceptions.AccessError")

    def test_portal_reads_no_grading_figure_of_its_company(self):
        self.assertEqual(self.customer.customer_revenue, 4321.0)
        self.assertTrue(self.customer.customer_margin)
        self.authenticate(self.portal.login, self.portal.login)
        # the company is the customer's to read
        [row] = self._rpc("res.partner", "read", [self.customer.id], ["name"])
        self.assertEqual(row["name"], "Aurora Shipping")
        internal = [
            "customer_margin",
            "customer_tier_lock_reason",
            "customer_rfm_segment",
            "customer_score",
            "customer_revenue",
        ]
        self.assertRpcRefused("res.partner", "read", [self.customer.id], internal)
        for fname in GRADE_FIELDS:
            self.assertRpcRefused("res.partner", "read", [self.customer.id], [fname])
        for fname in internal:
            self.assertRpcRefused("res.partner", "search", [(fname, "!=", False)])
        # the fields the customer is offered: none is a grading figure; and
        # reading them all returns none either (the stored ones: Odoo itself
        # refuses portal users some relations, such as bank accounts and
        # activities)
        fields = self._rpc("res.partner", "fields_get", [], ["type", "store"])
        self.assertIn("customer_tier_id", fields)
        self.assertFalse(set(GRADE_FIELDS) & set(fields))
        readable = [
            fname
            for fname, info in fields.items()
            if info["store"] and info["type"] not in ("one2many", "many2many")
        ]
        for rows in (
            self._rpc(
                "res.partner",
                "search_read",
                [("id", "=", self.customer.id)],
                readable,
            ),
            self._rpc("res.partner", "read", [self.customer.id], readable),
        ):
            self.assertEqual(len(rows), 1)
            self.assertEqual(rows[0]["name"], "Aurora Shipping")
            self.assertFalse(set(GRADE_FIELDS) & set(rows[0]), rows[0].keys())

    def test_portal_reads_no_revenue_or_margin_of_its_scorecard(self):
        self.authenticate(self.portal.login, self.portal.login)
        Scorecard = "logistics.customer.scorecard"
        self.assertRpcRefused(Scorecard, "search_read", [], ["revenue", "margin"])
        self.assertRpcRefused(Scorecard, "search_read", [], ["margin"])
        self.assertRpcRefused(
            Scorecard, "formatted_read_group", [], [], ["revenue:sum"]
        )
        self.assertRpcRefused(Scorecard, "search", [("margin", ">", 0)])
        rows = self._rpc(Scorecard, "search_read", [])
        self.assertTrue(rows)
        self.assertEqual({row["partner_id"][0] for row in rows}, {self.customer.id})
        for row in rows:
            self.assertNotIn("revenue", row)
            self.assertNotIn("margin", row)
            self.assertIn("on_time_rate", row)
            self.assertIn("otif_rate", row)

    def test_portal_scorecard_page_and_pdf_show_service_kpis_only(self):
        self.authenticate(self.portal.login, self.portal.login)
        page = self.url_open("/my/scorecard")
        self.assertEqual(page.status_code, 200)
        for label in (
            "On-time (%)",
            "OTIF (%)",
            "Fill Rate (%)",
            "Damage Rate (%)",
            "Complaint Rate (%)",
            "SLA Compliance (%)",
            "Satisfaction (%)",
        ):
            self.assertIn(label, page.text)
        # revenue 4,321.00, margin 3,321.00
        for amount in ("4,321.00", "3,321.00"):
            self.assertNotIn(amount, page.text)
        pdf = self.url_open("/my/scorecard/pdf")
        self.assertEqual(pdf.status_code, 200)
        for kpi in (
            "on_time_rate",
            "otif_rate",
            "fill_rate",
            "damage_rate",
            "complaint_rate",
            "sla_compliance",
            "satisfaction",
            "order_count",
        ):
            self.assertIn(f'data-kpi="{kpi}"'.encode(), pdf.content)
        self.assertNotIn(b'data-kpi="revenue"', pdf.content)
        self.assertNotIn(b'data-kpi="margin"', pdf.content)
        for amount in (b"4,321.00", b"3,321.00"):
            self.assertNotIn(amount, pdf.content)
        # the company's own scorecard still shows the revenue
        user = new_test_user(
            self.env,
            "sec_scorecard_user",
            groups="logistics_crm.logistics_crm_group_user",
        )
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(
                "logistics_crm.action_report_customer_scorecard", self.customer.ids
            )
        )
        self.assertIn(b'data-kpi="revenue"', html)
        self.assertIn(b"4,321.00", html)

    def test_every_grading_field_is_restricted(self):
        Partner = self.env["res.partner"]
        for fname in GRADE_FIELDS:
            self.assertEqual(Partner._fields[fname].groups, GRADING_GROUP, fname)
        for fname in ("customer_tier_id", "customer_tier_color"):
            self.assertFalse(Partner._fields[fname].groups, fname)


@tagged("post_install", "-at_install")
class TestTierLockTour(HttpCase, LogisticsCrmCase):
    def test_administrator_without_contact_rights_locks_from_the_form(self):
        manager = new_test_user(
            self.env,
            "sec_tour_manager",
            groups="logistics_crm.logistics_crm_group_manager",
        )
        self.assertFalse(self.env["res.partner"].with_user(manager).has_access("write"))
        customer = self._customer("Tour Reefer Lines")
        self._orders([(customer, 5000, 3), (self._customer("Tiny Vans"), 10, 200)])
        self._set_weights(revenue=1)
        self._grade()
        self.assertEqual(customer.customer_tier_id, self.tier_a)
        self.start_tour(
            f"/odoo/customers-by-tier/{customer.id}",
            "logistics_crm_tier_lock_tour",
            login=manager.login,
        )
        self.assertFalse(customer.customer_tier_locked)
        self.assertEqual(customer.customer_tier_id, self.tier_a)
        messages = customer.message_ids.filtered("tracking_value_ids")
        self.assertEqual(messages.author_id, manager.partner_id)
