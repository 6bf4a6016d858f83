import ast
from collections import defaultdict
from datetime import date, datetime, timedelta

from lxml import etree

from odoo import fields
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import convert_file


def _last_wednesday_morning():
    """The last Wednesday before today, 07:30 UTC: a working day whose
    morning has deliveries due later that day, whatever the calendar's
    time zone (UTC to UTC+8)."""
    today = date.today()
    wednesday = today - timedelta(days=(today.weekday() - 2) % 7 or 7)
    return datetime(wednesday.year, wednesday.month, wednesday.day, 7, 30)


@freeze_time(_last_wednesday_morning())
@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    """The demo story, loaded as the install loads it, shows the warehouse
    features, a grade history over the past year and SLA breaches as the
    exception."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo runs on a database with Odoo's demo data: of that, it only
        # uses the demo salesperson
        if not cls.env.ref("base.user_demo", raise_if_not_found=False):
            demo = new_test_user(
                cls.env,
                "demo",
                groups="base.group_user,sales_team.group_sale_salesman",
                context={"no_reset_password": True},
                name="Marc Demo",
            )
            cls.env["ir.model.data"].create(
                {
                    "module": "base",
                    "name": "user_demo",
                    "model": "res.users",
                    "res_id": demo.id,
                    "noupdate": True,
                }
            )
        convert_file(
            cls.env,
            "logistics_crm",
            "demo/logistics_crm_demo.xml",
            {},
            mode="init",
            noupdate=True,
        )
        cls.customers = cls.env["res.partner"].search(
            [("email", "=like", "logistics@%.example.com")]
        )
        search = cls.env["stock.picking"].get_views(
            [(cls.env.ref("stock.view_picking_internal_search").id, "search")]
        )["views"]["search"]["arch"]
        cls.filters = {
            name: ast.literal_eval(
                etree.fromstring(search).xpath(f"//filter[@name='{name}']/@domain")[0]
            )
            for name in ("filter_sla_late", "filter_sla_today")
        }

    def test_key_account_deliveries_due_today_are_starred(self):
        due_today = self.env["stock.picking"].search(
            [*self.filters["filter_sla_today"], ("picking_type_code", "=", "outgoing")]
        )
        key_accounts = due_today.filtered(
            lambda p: (
                p.partner_id.commercial_partner_id.customer_tier_id.priority_delivery
            )
        )
        self.assertTrue(key_accounts, "key-account deliveries are due today")
        self.assertEqual(set(key_accounts.mapped("priority")), {"1"})

    def test_key_accounts_are_cared_for_and_retention_cases_told(self):
        tier_a = self.env.ref("logistics_crm.customer_tier_a")
        key_accounts = self.customers.filtered(lambda p: p.customer_tier_id == tier_a)
        self.assertTrue(key_accounts)
        self.assertEqual(
            key_accounts.key_account_manager_id, self.env.ref("base.user_admin")
        )
        care = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", key_accounts.ids),
                ("activity_plan_id", "=", tier_a.care_plan_id.id),
            ]
        )
        self.assertEqual(set(care.mapped("res_id")), set(key_accounts.ids))
        Case = self.env["logistics.retention.case"]
        open_cases = Case.search([("state", "=", "open")])
        self.assertGreaterEqual(len(open_cases), 2)
        self.assertTrue(
            open_cases.activity_ids, "open cases have their plan's activities"
        )
        self.assertTrue(Case.search([("state", "=", "retained")]))
        lost = Case.search([("state", "=", "lost")])
        self.assertEqual(len(lost), 1)
        self.assertEqual(
            lost.churn_reason_id, self.env.ref("logistics_crm.churn_reason_competitor")
        )
        # opened through the year, by the monthly regrades
        self.assertGreater(len(set(Case.search([]).mapped("date_open"))), 3)

    def test_key_accounts_on_their_pricelist_and_a_move_up_to_review(self):
        tier_a = self.env.ref("logistics_crm.customer_tier_a")
        key_pricelist = self.env.ref("logistics_crm.pricelist_demo_key_account")
        self.assertEqual(tier_a.pricelist_id, key_pricelist)
        Change = self.env["logistics.tier.benefit.change"]
        pending = Change.search([("state", "=", "proposed")])
        self.assertEqual(len(pending), 1)
        self.assertTrue(pending.tier_up, "a customer that moved up")
        self.assertTrue(Change.search_count([("state", "=", "applied")]))
        key_accounts = (
            self.customers.filtered(lambda p: p.customer_tier_id == tier_a)
            - pending.partner_id
        )
        self.assertGreaterEqual(len(key_accounts), 2)
        for partner in key_accounts:
            self.assertEqual(partner.property_product_pricelist, key_pricelist)
            self.assertEqual(
                partner.property_payment_term_id,
                self.env.ref("account.account_payment_term_30days"),
            )
        others = (
            self.customers.filtered(
                lambda p: p.customer_tier_id and p.customer_tier_id != tier_a
            )
            - pending.partner_id
        )
        self.assertTrue(others)
        self.assertNotIn(key_pricelist, others.property_product_pricelist)

    def test_consignee_rated_and_reported_on_the_cold_chain_customer(self):
        pharmacy = self.env["res.partner"].search(
            [("email", "=", "pharmacy@union-hospital.example.com")]
        )
        self.assertEqual(len(pharmacy), 1)
        ratings = self.env["rating.rating"].search(
            [("res_model", "=", "stock.picking"), ("partner_id", "=", pharmacy.id)]
        )
        self.assertEqual(sorted(ratings.mapped("rating")), [2, 4, 5, 5])
        shipper = self.env["stock.picking"].browse(ratings.mapped("res_id")).shipper_id
        self.assertEqual(len(shipper), 1)
        self.assertIn("Jiuzhou", shipper.name)
        complaint = self.env["logistics.complaint"].search(
            [("consignee_id", "=", pharmacy.id)]
        )
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.partner_id.commercial_partner_id, shipper)
        self.assertTrue(complaint.picking_id)

    def test_sla_late_filter_shows_late_deliveries(self):
        late = self.env["stock.picking"].search(self.filters["filter_sla_late"])
        self.assertGreaterEqual(len(late), 2, "a few deliveries are late")
        now = fields.Datetime.now()
        for delivery in late:
            self.assertLess(delivery.sla_deadline, now)
            self.assertNotIn(delivery.state, ("done", "cancel"))

    def test_grade_history_is_a_year_of_regrades(self):
        history = self.env["logistics.grade.history"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        runs = sorted(set(history.mapped("date")))
        self.assertGreater(runs[-1] - runs[0], timedelta(days=183))
        self.assertGreaterEqual(len(runs), 7)
        notes = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", self.customers.ids),
                ("body", "ilike", "Customer tier in"),
            ]
        )
        self.assertTrue(notes)
        self.assertLessEqual(set(notes.mapped("date")), set(runs))
        self.assertGreater(len(set(notes.mapped("date"))), 1)

    def test_grade_history_sees_only_its_past(self):
        """Each regrade as of a past day counts the orders placed by then: the
        days since the last order are measured to an order of that day or
        before."""
        days = defaultdict(set)
        orders = self.env["sale.order"].search(
            [("partner_id", "in", self.customers.ids), ("state", "=", "sale")]
        )
        for order in orders:
            days[order.partner_id.id].add(order.date_order.date())
        history = self.env["logistics.grade.history"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertTrue(history)
        for row in history:
            run = row.date.date()
            placed = [day for day in days[row.partner_id.id] if day <= run]
            self.assertTrue(placed, f"{row.partner_id.name} graded on {run}")
            self.assertEqual(row.recency_days, (run - max(placed)).days)

    def test_open_complaints_are_mostly_within_their_sla(self):
        complaints = self.env["logistics.complaint"].search(
            [("partner_id", "child_of", self.customers.ids)]
        )
        open_complaints = complaints.filtered(lambda c: not c.is_closed)
        breached = open_complaints.filtered("sla_failed")
        self.assertGreaterEqual(len(open_complaints), 6)
        self.assertTrue(breached, "a breach is still shown")
        self.assertLessEqual(3 * len(breached), len(open_complaints))

    def test_deliveries_are_validated_as_of_their_day(self):
        """The story validates each delivery as of the day it was made: the
        order's SLA clock stopped then, on time or late against its deadline,
        with nothing to rewind afterwards."""
        orders = self.env["sale.order"].search(
            [("partner_id", "in", self.customers.ids), ("sla_reached_on", "!=", False)]
        )
        self.assertGreater(len(orders), 200)
        self.assertTrue(orders.filtered("sla_on_time"))
        self.assertTrue(orders.filtered(lambda o: not o.sla_on_time))
        now = fields.Datetime.now()
        for order in orders:
            done = order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing" and p.state == "done"
            )
            self.assertEqual(order.sla_reached_on, max(done.mapped("date_done")))
            self.assertLess(order.sla_reached_on, now)
            self.assertEqual(
                order.sla_on_time, order.sla_reached_on <= order.sla_deadline
            )
            [status] = order.sla_status_ids.filtered(lambda s: s.kind == "delivery")
            self.assertEqual(status.reached_on, order.sla_reached_on)
            self.assertEqual(status.state, "reached" if order.sla_on_time else "failed")
