"""The entry points Odoo may serve from a read replica (``--db_replica_host``):
routes declared ``readonly=True`` and methods decorated ``@api.readonly``.
On a replica a write fails, so the list is pinned here, every entry point
not on it must stay on the primary, and the marked ones are run as users run
them, on a read-only cursor as HttpCase opens one for a read-only request."""

import logging

from odoo.tests import HttpCase, new_test_user, tagged

from .common import LogisticsCrmCase
from .test_public_methods import addon_public_methods

ADDON_MODULE = "odoo.addons.logistics_crm."

# the addon's routes served from the replica
READONLY_ROUTES = {"/my/scorecard", "/my/scorecard/pdf"}

# the addon's public methods that the web client may call on the replica:
# buttons that only open a window action
READONLY_METHODS = {
    ("account.move", "action_view_complaints"),
    ("logistics.complaint", "action_open_reported"),
    ("logistics.complaint.document.mixin", "action_view_complaints"),
    ("logistics.customer.tier", "action_view_customers"),
    ("logistics.retention.case", "action_open_customer"),
    ("logistics.retention.rule", "action_view_cases"),
    ("logistics.sla.policy", "action_view_statuses"),
    ("logistics.tier.benefit.change", "action_open_customer"),
    ("res.partner", "action_view_complaints"),
    ("res.partner", "action_view_grade_history"),
    ("res.partner", "action_view_retention_cases"),
    ("res.partner", "action_view_scorecard"),
    ("sale.order", "action_view_complaints"),
    ("stock.picking", "action_view_complaints"),
}


def rpc_readonly(model_class, method_name):
    """Whether /web/dataset/call_kw opens a read-only cursor for the method:
    the rule of web's DataSet._call_kw_readonly."""
    for cls in model_class.mro():
        method = getattr(cls, method_name, None)
        if method is not None and hasattr(method, "_readonly"):
            return method._readonly
    return False


@tagged("post_install", "-at_install")
class TestReadonlyEntryPoints(HttpCase, LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Replica Shipper")
        contact = cls.env["res.partner"].create(
            {"name": "Replica buyer", "parent_id": cls.customer.id}
        )
        new_test_user(
            cls.env, "ro_portal", groups="base.group_portal", partner_id=contact.id
        )
        new_test_user(
            cls.env, "ro_user", groups="logistics_crm.logistics_crm_group_user"
        )
        cls._orders([(cls.customer, 700, 3), (cls.customer, 300, 35)])

    def _addon_routes(self):
        """{url: readonly} of the routes whose code is the addon's."""
        routes = {}
        for rule in self.env["ir.http"].routing_map().iter_rules():
            func = rule.endpoint.func
            if getattr(func, "__module__", "").startswith(ADDON_MODULE):
                routes[rule.rule] = rule.endpoint.routing["readonly"]
        return routes

    def test_readonly_routes_are_the_listed_ones(self):
        routes = self._addon_routes()
        self.assertLessEqual(READONLY_ROUTES, set(routes))
        # a callable would decide per request: none of ours does
        self.assertFalse([url for url, ro in routes.items() if callable(ro)])
        self.assertEqual({url for url, ro in routes.items() if ro}, READONLY_ROUTES)
        # the pages that write (a complaint filed from the portal) stay on the
        # primary
        self.assertFalse(routes["/my/complaints/new"])

    def test_readonly_methods_are_the_listed_ones(self):
        marked = {
            (model, method)
            for model, method in addon_public_methods(self.registry)
            if rpc_readonly(self.registry[model], method)
        }
        self.assertEqual(marked, READONLY_METHODS)
        # buttons that write are never sent to the replica
        for model, method in (
            ("res.partner", "action_compute_grades"),
            ("res.partner", "action_recompute_sla_deadlines"),
            ("logistics.grading.policy", "action_compute_grades"),
            ("res.config.settings", "action_open_logistics_grading_policy"),
            ("sale.order", "action_confirm"),
        ):
            self.assertFalse(rpc_readonly(self.registry[model], method), method)

    def assertServedReadonly(self):
        """Nothing in the block made Odoo retry a read-only request on a
        read/write cursor, which it does when the request writes."""
        return self.assertNoLogs("odoo.http", logging.WARNING)

    def test_portal_scorecard_and_pdf_write_nothing(self):
        self.authenticate("ro_portal", "ro_portal")
        with self.assertServedReadonly():
            page = self.url_open("/my/scorecard")
            pdf = self.url_open("/my/scorecard/pdf")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Replica Shipper", page.text)
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertIn(b"Replica Shipper", pdf.content)

    def test_scorecard_pivot_and_partner_panel_write_nothing(self):
        self.authenticate("ro_user", "ro_user")

        def call(model, method, *args, route="call_kw", **kwargs):
            return self.make_jsonrpc_request(
                f"/web/dataset/{route}/{model}.{method}",
                {"model": model, "method": method, "args": args, "kwargs": kwargs},
            )

        with self.assertServedReadonly():
            [group] = call(
                "logistics.customer.scorecard",
                "formatted_read_group",
                [("partner_id", "=", self.customer.id)],
                ["partner_id"],
                ["revenue:sum", "order_count:sum"],
            )
            [partner] = call(
                "res.partner",
                "web_read",
                [self.customer.id],
                specification={"display_name": {}, "scorecard_html": {}},
            )
            action = call(
                "res.partner",
                "action_view_scorecard",
                [self.customer.id],
                route="call_button",
            )
        self.assertEqual(group["order_count:sum"], 2)
        self.assertGreater(group["revenue:sum"], 0)
        self.assertIn("2 orders", partner["scorecard_html"])
        self.assertEqual(action["res_model"], "logistics.customer.scorecard")
