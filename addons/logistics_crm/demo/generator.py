"""The demo story of a third-party logistics company, played by the demo
data (``demo/logistics_crm_demo.xml``) through ``logistics.crm.demo``, which
imports this module only then: production never loads it."""

import logging
import random
import time
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tools import SQL

from .demo_data import (
    COMPLAINTS,
    CONSU,
    DEMO_PORTAL_LOGIN,
    FEEDBACK,
    OPEN_STAGES,
    REGRADE_MONTHS,
    RESOLUTIONS,
    SEED,
    SERVICE,
    SHIPPERS,
)

_logger = logging.getLogger(__name__)


def load(env):
    """Play the demo story in ``env`` (see ``DemoStory.load``)."""
    DemoStory(env).load()


class _Year:
    """The demo year as played so far: what is still to come (orders,
    deliveries, backorders, payments, complaints), oldest first."""

    def __init__(self, rng, now, partners):
        self.rng = rng
        self.now = now
        self.partners = partners
        self.orders = []  # plans of the orders still to place
        self.placed = 0  # orders placed so far
        self.deliveries = {}  # sale.order: (shipper, when it leaves or None)
        self.backorders = {}  # stock.picking: when it leaves
        self.to_invoice = []  # (sale.order, shipper)
        self.payments = []  # (statement date, account.move)
        self.complaints = []  # plans of the complaints still to file


class DemoStory:
    """The demo story, played in ``env``."""

    def __init__(self, env):
        self.env = env

    def load(self):
        """Create the demo story of a third-party logistics company: thirty
        shippers with a year of orders, deliveries (some late, short or
        damaged), invoices (some overdue), complaints in every stage with
        ratings, a credit note and returns.

        The year is played month by month, and each month ends with a regrade
        as of that day: the grade history and the tier notes are those a year
        of grading leaves, and each order gets the SLA policy and the star of
        its customer's grade when it was placed. Deterministic: a seeded
        random generator, dates relative to today."""
        started = time.monotonic()
        company = self.env.company
        if (
            self.env["res.users"]
            .with_context(active_test=False)
            .search_count([("login", "=", DEMO_PORTAL_LOGIN)])
        ):
            # a reinstall: the story's customers, orders and portal user
            # outlived the uninstall (they belong to Sales, not to this
            # module); grade them again instead of creating them twice
            self.env["logistics.grading.policy"]._get_for_company(
                company
            )._compute_grades()
            _logger.info("Logistics CRM demo: already present, customers regraded")
            return
        now = fields.Datetime.now().replace(microsecond=0)
        self._demo_benefits_setup()
        year = _Year(random.Random(SEED), now, self._demo_partners())
        self._demo_plan_orders(year)
        self._demo_plan_complaints(year)
        policy = self.env["logistics.grading.policy"]._get_for_company(company)
        for months in range(REGRADE_MONTHS, 0, -1):
            run = (now - relativedelta(months=months)).replace(
                hour=20, minute=0, second=0
            )
            self._demo_play(year, run)
            self._demo_grade(policy, run)
        # after last month's regrade, some salespeople lower the potential of
        # customers moving volume elsewhere
        for shipper in SHIPPERS:
            if shipper["downgrade"]:
                partner = year.partners[shipper["key"]]
                partner.customer_potential = shipper["downgrade"]
        self._demo_play(year, now)
        policy._compute_grades()
        self._demo_retention(year)
        self._demo_benefits(year)
        self._demo_consignees(year)
        # what a manager does after a regrade: open deadlines follow the
        # tiers, and the open deliveries of new key accounts get their star
        self._demo_recompute_deadlines()
        self.env["stock.picking"].search(
            [
                ("picking_type_code", "=", "outgoing"),
                ("state", "not in", ("done", "cancel")),
            ]
        )._star_priority_deliveries()
        self.env["logistics.sla.status"]._cron_check_deadlines()
        # the demo customers' addresses are examples: no rating e-mails
        self.env["mail.mail"].search(
            [
                ("model", "in", ("logistics.complaint", "stock.picking")),
                ("state", "=", "outgoing"),
            ]
        ).unlink()
        _logger.info(
            "Logistics CRM demo: %s customers, %s orders in %.0f s",
            len(year.partners),
            year.placed,
            time.monotonic() - started,
        )

    def _demo_play(self, year, until):
        """Play the story up to ``until``: orders placed, deliveries made,
        invoices posted and paid, complaints filed and handled."""
        self._demo_place_orders(year, until)
        self._demo_deliver(year, until)
        self._demo_invoice(year, until)
        self._demo_complaints(year, until)
        self._demo_analyze()

    def _demo_analyze(self):
        """Refresh the planner's statistics: the demo writes a year of orders,
        deliveries and accounting in one transaction, and without them
        PostgreSQL plans Odoo's stock and reconciliation queries for the empty
        tables of a new database (minutes instead of seconds)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
        tables = [SQL.identifier(table) for (table,) in self.env.cr.fetchall()]
        self.env.cr.execute(SQL("ANALYZE %s", SQL(", ").join(tables)))

    def _demo_grade(self, policy, when):
        """Regrade as of ``when``'s day, and date the history rows and the
        tier notes of the run at ``when``."""
        History = self.env["logistics.grade.history"]
        Message = self.env["mail.message"]
        Case = self.env["logistics.retention.case"]
        Activity = self.env["mail.activity"]
        last = History.search([], order="id desc", limit=1).id or 0
        last_message = Message.search([], order="id desc", limit=1).id or 0
        last_case = Case.search([], order="id desc", limit=1).id or 0
        last_activity = Activity.search([], order="id desc", limit=1).id or 0
        Change = self.env["logistics.tier.benefit.change"]
        last_change = Change.search([], order="id desc", limit=1).id or 0
        policy._compute_grades(today=when.date())
        Change.search([("id", ">", last_change)]).write({"date": when})
        History.search([("id", ">", last)]).write({"date": when})
        Message.search(
            [
                ("id", ">", last_message),
                ("model", "in", ("res.partner", "logistics.retention.case")),
            ]
        ).write({"date": when})
        # the retention cases the run opened (or closed), as of that day
        Case.search([("id", ">", last_case)]).write({"date_open": when})
        Case.search([("date_closed", ">", when)]).write({"date_closed": when})
        for activity in Activity.search(
            [("id", ">", last_activity), ("res_model", "=", "logistics.retention.case")]
        ):
            template = activity.activity_plan_id.template_ids.filtered(
                lambda t, a=activity: t.summary == a.summary
            )[:1]
            activity.date_deadline = (
                template._get_date_deadline(when.date()) if template else when.date()
            )

    def _demo_retention(self, year):
        """Key accounts get a manager and their care plan; of the retention
        cases the year's regrades opened, the oldest still open is closed as
        lost (the customer moved to a competitor), and old open cases of
        customers that kept ordering were closed as retained by hand."""
        ref = self.env.ref
        company = self.env.company
        key_accounts = self.env["res.partner"].search(
            [
                ("id", "in", [p.id for p in year.partners.values()]),
                ("customer_tier_id", "=", ref("logistics_crm.customer_tier_a").id),
            ]
        )
        key_accounts.key_account_manager_id = ref("base.user_admin")
        self.env["logistics.customer.tier"]._cron_launch_care_plans()
        Case = self.env["logistics.retention.case"]
        open_cases = Case.search(
            [("company_id", "=", company.id), ("state", "=", "open")],
            order="date_open, id",
        )
        lost = open_cases.filtered(
            lambda case: case.partner_id.customer_lifecycle in ("lost", "at_risk")
        )[:1]
        if lost:
            lost.write(
                {
                    "churn_reason_id": ref("logistics_crm.churn_reason_competitor").id,
                    "note": "<p>Moved its volume to a cheaper regional carrier.</p>",
                }
            )
            lost.action_mark_lost()
        # the account owners closed the older tier-down cases of customers
        # still ordering every month: a tier that slipped, not a customer
        # leaving
        stale = (open_cases - lost).filtered(
            lambda case: case.partner_id.customer_lifecycle == "active"
        )[:-2]
        stale.action_mark_retained()

    def _demo_benefits_setup(self):
        """The company sells with pricelists (the Sales setting), and its
        key-account tier gives a "Key account" pricelist, 5 % off, and 30-day
        payment terms."""
        ref = self.env.ref
        ref("base.group_user").implied_ids = [
            Command.link(ref("product.group_product_pricelist").id)
        ]
        self.env["res.company"]._activate_or_create_pricelists()
        key_pricelist = self.env["product.pricelist"].create(
            {
                "name": "Key account",
                "sequence": 20,
                "company_id": self.env.company.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "3_global",
                            "compute_price": "percentage",
                            "percent_price": 5.0,
                        }
                    )
                ],
            }
        )
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": "logistics_crm.pricelist_demo_key_account",
                    "record": key_pricelist,
                    "noupdate": True,
                }
            ]
        )
        ref("logistics_crm.customer_tier_a").write(
            {
                "pricelist_id": key_pricelist.id,
                "payment_term_id": ref("account.account_payment_term_30days").id,
            }
        )

    def _demo_benefits(self, year):
        """The manager applied the benefit changes the year's regrades
        proposed, except the last move up, still to review; the locked key
        account got its benefits by hand."""
        Change = self.env["logistics.tier.benefit.change"]
        proposed = Change.search([("state", "=", "proposed")], order="date, id")
        pending = proposed.filtered("tier_up")[-1:]
        (proposed - pending).sudo()._apply()
        tier_a = self.env.ref("logistics_crm.customer_tier_a")
        locked = self.env["res.partner"].search(
            [
                ("id", "in", [p.id for p in year.partners.values()]),
                ("customer_tier_id", "=", tier_a.id),
                ("customer_tier_locked", "=", True),
            ]
        )
        locked.write(
            {
                "property_product_pricelist": tier_a.pricelist_id.id,
                "property_payment_term_id": tier_a.payment_term_id.id,
            }
        )

    def _demo_consignees(self, year):
        """The cold-chain customer delivers to a hospital pharmacy, which
        rated its last deliveries on the delivery page and reported a
        problem with one of them."""
        shipper = year.partners["jiuzhou"]
        deliveries = self.env["stock.picking"].search(
            [
                ("sale_id.partner_id", "child_of", shipper.id),
                ("picking_type_code", "=", "outgoing"),
                ("state", "=", "done"),
            ],
            order="date_done desc, id desc",
            limit=4,
        )
        if not deliveries:
            return
        pharmacy = self.env["res.partner"].create(
            {
                "name": "Beijing Union Hospital Pharmacy 协和医院药房",
                "is_company": True,
                "city": "Beijing",
                "country_id": self.env.ref("base.cn").id,
                "email": "pharmacy@union-hospital.example.com",
            }
        )
        deliveries.partner_id = pharmacy
        for delivery, (rating, comment) in zip(
            deliveries,
            (
                (5, "Cold boxes sealed, temperature log complete."),
                (4, ""),
                (2, "Arrived after our receiving hours; the driver had to wait."),
                (5, "On time, as always."),
            ),
            strict=False,
        ):
            delivery._delivery_rate(rating, comment)
        deliveries[2]._delivery_report_problem(
            "The temperature logger of one cold box was missing: we could not "
            "release two cartons of vaccines."
        )

    # ------------------------------------------------------------------
    # Customers and orders
    # ------------------------------------------------------------------

    def _demo_partners(self):
        ref = self.env.ref
        term = ref("account.account_payment_term_30days")
        partners = {}
        for shipper in SHIPPERS:
            domain = shipper["key"]
            partner = self.env["res.partner"].create(
                {
                    "name": shipper["name"],
                    "is_company": True,
                    "city": shipper["city"],
                    "country_id": ref("base.cn").id,
                    "email": f"logistics@{domain}.example.com",
                    "website": f"https://{domain}.example.com",
                    "category_id": [
                        Command.set(
                            ref(f"logistics_crm.partner_tag_{shipper['tag']}").ids
                        )
                    ],
                    "user_id": ref(shipper["user"]).id,
                    "customer_potential": shipper["potential"],
                    "property_payment_term_id": term.id,
                }
            )
            name = shipper["contact"]
            login = ".".join(name.split()[:2]).lower()
            self.env["res.partner"].create(
                {
                    "name": name,
                    "parent_id": partner.id,
                    "type": "contact",
                    "function": "Logistics manager",
                    "email": f"{login}@{domain}.example.com",
                }
            )
            partners[shipper["key"]] = partner
        # a strategic contract: the manager keeps the pharma distributor in A
        partners["jiuzhou"].write(
            {
                "customer_tier_locked": True,
                "customer_tier_id": ref("logistics_crm.customer_tier_a").id,
                "customer_tier_lock_reason": "Strategic cold-chain contract",
                "customer_tier_lock_until": fields.Date.context_today(self.env.user)
                + timedelta(days=180),
            }
        )
        named = [partners[s["key"]].id for s in SHIPPERS if s["policy"]]
        ref("logistics_crm.sla_policy_demo_cold_chain").partner_ids = [
            Command.set(named)
        ]
        portal_contact = partners["greenvalley"].child_ids[:1]
        self.env["res.users"].with_context(no_reset_password=True).create(
            {
                "login": DEMO_PORTAL_LOGIN,
                "password": DEMO_PORTAL_LOGIN,
                "partner_id": portal_contact.id,
                "group_ids": [Command.set(ref("base.group_portal").ids)],
            }
        )
        return partners

    def _order_days(self, rng, shipper):
        days, day = [], shipper["first"]
        while day >= shipper["last"]:
            days.append(day)
            day -= max(1, round(shipper["every"] * rng.uniform(0.6, 1.4)))
        if days[-1] != shipper["last"]:
            days.append(shipper["last"])
        return days + list(shipper["extra"])

    def _order_date(self, rng, now, days_ago):
        date = now - timedelta(days=days_ago)
        # orders come in on working days, in office hours (UTC+8)
        if days_ago and date.weekday() >= 5:
            date -= timedelta(days=date.weekday() - 4)
        return date.replace(hour=rng.randint(0, 7), minute=rng.choice((0, 15, 30, 45)))

    def _demo_plan_orders(self, year):
        """Draw every order of the year: its customer, date and lines."""
        ref = self.env.ref
        products = {
            key: ref(f"logistics_crm.product_demo_{key}")
            for key in ("freight", "cold_chain", "express", "pallet", "parcel")
        }
        rng, plans = year.rng, []
        for shipper in SHIPPERS:
            partner = year.partners[shipper["key"]]
            span = max(shipper["first"] - shipper["last"], 1)
            for days_ago in self._order_days(rng, shipper):
                progress = min(max((shipper["first"] - days_ago) / span, 0.0), 1.0)
                amount = round(
                    shipper["amount"]
                    * (1 + shipper["trend"] * progress)
                    * rng.uniform(0.8, 1.2),
                    -1,
                )
                goods = products[CONSU[shipper["kind"]]]
                if shipper["kind"] == "parcel":
                    units = max(5, round(amount / 60))
                else:
                    units = max(1, round(amount / 900))
                vals = {
                    "partner_id": partner.id,
                    "user_id": partner.user_id.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": products[SERVICE[shipper["kind"]]].id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "purchase_price": round(
                                    amount * (1 - shipper["margin"]), 2
                                ),
                            }
                        ),
                        Command.create(
                            {"product_id": goods.id, "product_uom_qty": units}
                        ),
                    ],
                }
                plans.append(
                    {
                        "shipper": shipper,
                        "date": self._order_date(rng, year.now, days_ago),
                        "pending": days_ago in shipper["pending"],
                        "vals": vals,
                    }
                )
        plans.sort(key=lambda plan: plan["date"])
        for number, plan in enumerate(plans, 1000):
            key = plan["shipper"]["key"][:3].upper()
            plan["vals"]["client_order_ref"] = f"PO-{key}-{number}"
        year.orders = plans

    def _demo_place_orders(self, year, until):
        """Confirm the orders placed up to ``until``, then date them back with
        their SLA clock (the deadline of the policy of the customer's grade
        of the day) and their delivery (planned for the order date, as Odoo
        plans it without a customer lead time)."""
        count = next(
            (i for i, plan in enumerate(year.orders) if plan["date"] > until),
            len(year.orders),
        )
        plans, year.orders = year.orders[:count], year.orders[count:]
        if not plans:
            return
        # no chatter tracking for a year of history: it costs seconds here
        orders = (
            self.env["sale.order"]
            .with_context(tracking_disable=True)
            .create([plan["vals"] for plan in plans])
        )
        orders.action_confirm()
        year.placed += len(orders)
        for order, plan in zip(orders, plans, strict=True):
            date = plan["date"]
            order.date_order = date
            order.sla_status_ids.write({"date_start": date, "resumed_on": date})
            order.picking_ids.move_ids.write({"date": date, "date_deadline": date})
        orders.sla_status_ids._recompute_deadlines()
        for order, plan in zip(orders, plans, strict=True):
            shipper = plan["shipper"]
            leaves = None
            if not plan["pending"]:
                leaves = self._demo_delivery_date(year.rng, order, shipper)
            year.deliveries[order] = (shipper, leaves)
            year.to_invoice.append((order, shipper))

    def _demo_recompute_deadlines(self):
        """Give the open SLA clocks the policy of the customers' grade."""
        self.env["logistics.sla.status"].search(
            [("state", "in", ("ongoing", "warning", "paused"))]
        )._recompute_deadlines()

    # ------------------------------------------------------------------
    # Deliveries
    # ------------------------------------------------------------------

    def _demo_delivery_date(self, rng, order, shipper):
        """When the order's delivery is made: on time or late against the
        order's SLA deadline."""
        deadline = order.sla_deadline or order.date_order + timedelta(days=3)
        if rng.random() < shipper["late"]:
            return deadline + timedelta(hours=rng.uniform(3, 54))
        lead = (deadline - order.date_order).total_seconds()
        return order.date_order + timedelta(seconds=lead * rng.uniform(0.3, 0.9))

    def _demo_deliver(self, year, until):
        """Validate the deliveries made up to ``until``, some short (with or
        without a backorder), and the backorders completed by then, each as of
        the day it was made."""
        rng = year.rng
        Picking = self.env["stock.picking"]
        done_on, short, backorder = {}, [], []
        for order, (shipper, leaves) in list(year.deliveries.items()):
            if not leaves or leaves > until:
                continue
            del year.deliveries[order]
            picking = order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing"
            )
            done_on[picking] = leaves
            is_short = rng.random() < shipper["partial"]
            for move in picking.move_ids:
                ratio = rng.uniform(0.6, 0.9) if is_short else 1.0
                move.quantity = max(1, int(move.product_uom_qty * ratio))
            if is_short:
                (backorder if rng.random() < 0.5 else short).append(picking.id)
        pickings = Picking.union(*done_on)
        if pickings:
            # validated as of the real delivery dates: the SLA clocks stop then
            pickings.with_context(
                skip_backorder=True,
                picking_ids_not_to_backorder=short,
                logistics_crm_as_of={p.id: leaves for p, leaves in done_on.items()},
            ).button_validate()
            for later in Picking.search([("backorder_id", "in", backorder)]):
                year.backorders[later] = done_on[later.backorder_id] + timedelta(
                    days=rng.uniform(1.5, 3)
                )
        completed = Picking.union(
            *(picking for picking, leaves in year.backorders.items() if leaves <= until)
        )
        if completed:
            for move in completed.move_ids:
                move.quantity = move.product_uom_qty
            completed.with_context(
                skip_backorder=True,
                logistics_crm_as_of={p.id: year.backorders.pop(p) for p in completed},
            ).button_validate()

    # ------------------------------------------------------------------
    # Invoices and payments
    # ------------------------------------------------------------------

    def _demo_invoice(self, year, until):
        """Invoice the orders a week old by ``until``, one invoice per order,
        on the delivery date; customers settle their statement once a month,
        on the 25th, around the due dates (some invoices are never paid)."""
        rng = year.rng
        count = next(
            (
                i
                for i, (order, __) in enumerate(year.to_invoice)
                if order.date_order >= until - timedelta(days=7)
            ),
            len(year.to_invoice),
        )
        to_invoice, year.to_invoice = year.to_invoice[:count], year.to_invoice[count:]
        if to_invoice:
            sale_orders = self.env["sale.order"].union(*(o for o, __ in to_invoice))
            sale_orders.with_context(tracking_disable=True)._create_invoices(
                grouped=True
            )
            invoices = self.env["account.move"]
            unpaid = {}
            for order, shipper in to_invoice:
                invoice = order.invoice_ids.with_context(tracking_disable=True)
                invoice.invoice_date = (order.sla_reached_on or order.date_order).date()
                invoices |= invoice
                unpaid[invoice.id] = rng.random() < shipper["unpaid"]
            invoices.sorted("invoice_date").action_post()
            for invoice in invoices:
                if unpaid[invoice.id]:
                    continue
                paid_on = invoice.invoice_date_due + timedelta(days=rng.randint(-12, 9))
                run = paid_on + relativedelta(day=25)
                if run < paid_on:
                    run += relativedelta(months=1)
                year.payments.append((run, invoice))
        today = until.date()
        runs = {}
        for run, invoice in year.payments:
            if run <= today:
                runs.setdefault(run, []).append(invoice.id)
        year.payments = [(run, inv) for run, inv in year.payments if run > today]
        Register = self.env["account.payment.register"].with_context(
            active_model="account.move", tracking_disable=True
        )
        # one payment per customer and statement run
        for date, ids in sorted(runs.items()):
            Register.with_context(active_ids=ids).create(
                {"payment_date": date, "group_payment": True}
            )._create_payments()

    # ------------------------------------------------------------------
    # Complaints
    # ------------------------------------------------------------------

    def _demo_plan_complaints(self, year):
        """Date every complaint of the story: the open ones in working time
        before now, the others in days."""
        calendar = self.env.company.resource_calendar_id
        plans = []
        for customer, type_key, stage_key, days_ago, *handling in COMPLAINTS:
            if stage_key in OPEN_STAGES:
                hours = days_ago * calendar.hours_per_day + year.rng.uniform(1.2, 1.8)
                reported = calendar.plan_hours(-hours, year.now, compute_leaves=True)
            else:
                hours = year.rng.uniform(1, 5)
                reported = year.now - timedelta(days=days_ago, hours=hours)
            plans.append((reported, customer, type_key, stage_key, *handling))
        year.complaints = sorted(plans, key=lambda plan: plan[0])

    def _demo_complaint_order(self, partner, type_key, reported):
        SaleOrder = self.env["sale.order"]
        if type_key == "late":
            # a delivery still not made past its deadline
            held = SaleOrder.search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "=", "sale"),
                    ("sla_reached_on", "=", False),
                    ("sla_deadline", "<", reported),
                ],
                order="sla_deadline desc",
                limit=1,
            )
            if held:
                return held
        orders = SaleOrder.search(
            [
                ("partner_id", "=", partner.id),
                ("sla_reached_on", "<", reported),
            ],
            order="sla_reached_on desc",
            limit=10,
        )
        matching = {
            "late": orders.filtered(lambda o: not o.sla_on_time),
            "short": orders.filtered(lambda o: not o.sla_in_full),
        }.get(type_key)
        return (matching or orders)[:1]

    def _demo_complaints(self, year, until):
        """File the complaints reported up to ``until``, then handle them."""
        ref = self.env.ref
        count = next(
            (i for i, plan in enumerate(year.complaints) if plan[0] > until),
            len(year.complaints),
        )
        plans, year.complaints = year.complaints[:count], year.complaints[count:]
        complaints = []
        for plan in plans:
            reported, customer, type_key, stage_key, cause_key, rating = plan[:6]
            subject, extras = plan[6:]
            partner = year.partners[customer]
            order = self._demo_complaint_order(partner, type_key, reported)
            pickings = order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing"
            )
            picking = pickings.filtered(lambda p: p.state == "done")[:1] or pickings[:1]
            vals = {
                "name": subject,
                "partner_id": partner.child_ids[:1].id or partner.id,
                "user_id": partner.user_id.id,
                "sale_order_id": order.id,
                "picking_id": picking.id,
                "invoice_id": order.invoice_ids.filtered(lambda m: m.state == "posted")[
                    :1
                ].id,
                "complaint_type_id": ref(f"logistics_crm.complaint_type_{type_key}").id,
                "date_reported": reported,
                "description": f"<p>{subject}. Order {order.client_order_ref}.</p>",
                "damaged_qty": extras.get("damaged", 0.0),
                "claim_amount": extras.get("claim", 0.0),
            }
            if "priority" in extras:
                vals["priority"] = extras["priority"]
            complaint = self.env["logistics.complaint"].create(vals)
            complaints.append(
                (complaint, type_key, stage_key, cause_key, rating, extras)
            )
        for complaint, *handling in complaints:
            self._demo_handle(year.rng, complaint, *handling)

    def _demo_handle(
        self, rng, complaint, type_key, stage_key, cause_key, rating, extras
    ):
        """Move the complaint to its stage as the team did, then put the SLA
        clocks and the closing date back to when it happened. The open
        complaints were answered in time; some closed ones were not."""
        ref = self.env.ref
        reported = complaint.date_reported
        now = fields.Datetime.now()
        if stage_key == "new":
            return
        closing = stage_key in ("resolved", "closed")
        if cause_key:
            cause = ref(f"logistics_crm.complaint_cause_{cause_key}")
            complaint.write(
                {
                    "root_cause_id": cause.id,
                    "responsibility": cause.responsibility,
                    "resolution": RESOLUTIONS.get(
                        type_key, "Handled with the customer."
                    ),
                    "corrective_action": "Checked with the team and the carrier.",
                    "compensation_amount": extras.get("compensation", 0.0),
                }
            )
        statuses = complaint.sla_status_ids
        response = statuses.filtered(lambda s: s.kind == "response")
        resolution = statuses.filtered(lambda s: s.kind == "resolution")
        answer_by = response.deadline
        complaint.stage_id = ref(f"logistics_crm.complaint_stage_{stage_key}")
        if stage_key == "cancelled":
            return
        if stage_key in OPEN_STAGES and answer_by:
            answered = reported + (answer_by - reported) * rng.uniform(0.2, 0.8)
        else:
            answered = reported + timedelta(hours=rng.uniform(0.3, 6))
        closed = reported + timedelta(hours=rng.uniform(5, 70))
        self._demo_reach(response, min(answered, now))
        if stage_key == "waiting":
            waiting = answered + timedelta(hours=rng.uniform(1, 4))
            self._demo_pause(resolution, min(waiting, now))
        if closing:
            closed = min(closed, now - timedelta(hours=1))
            self._demo_reach(resolution, closed)
            complaint.date_closed = closed
            if rating:
                complaint.rating_apply(
                    rating,
                    token=complaint._rating_get_access_token(),
                    feedback=FEEDBACK[rating],
                )
        if extras.get("credit"):
            complaint.action_create_credit_note()
            if extras["credit"] == "post":
                complaint.credit_note_id.invoice_date = closed.date()
                complaint.credit_note_id.action_post()
        if extras.get("return"):
            self._demo_return(complaint, extras.get("damaged", 1))

    def _demo_pause(self, statuses, when):
        statuses = statuses.filtered(lambda s: s.state == "paused")
        statuses.write({"state": "ongoing", "consumed_hours": 0.0})
        statuses._pause(when)

    def _demo_reach(self, statuses, when):
        statuses = statuses.filtered(lambda s: s.state in ("reached", "failed"))
        statuses.write({"state": "ongoing", "reached_on": False})
        statuses._reach(when)

    def _demo_return(self, complaint, quantity):
        action = complaint.action_create_return()
        wizard = (
            self.env["stock.return.picking"]
            .with_context(**action["context"])
            .create({})
        )
        line = wizard.product_return_moves.filtered(
            lambda m: m.product_id.type == "consu"
        )[:1]
        line.quantity = min(quantity, line.move_quantity)
        wizard.action_create_returns()
        returned = complaint.return_picking_id
        for move in returned.move_ids:
            move.quantity = move.product_uom_qty
        returned.button_validate()
