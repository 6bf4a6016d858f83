from datetime import timedelta

from odoo import Command, api, fields, models

# (customer, subject, type, stage, days ago, cause, resolution, rating)
DEMO_COMPLAINTS = [
    (
        "Pacific Electronics Distribution",
        "Two pallets crushed on arrival",
        "damaged",
        "closed",
        200,
        "carrier",
        "Carrier claim filed, goods replaced",
        5,
    ),
    (
        "Pacific Electronics Distribution",
        "Invoice charged twice for storage",
        "billing",
        "resolved",
        90,
        "order_entry",
        "Duplicate line credited",
        3,
    ),
    (
        "Atlas Machinery Parts",
        "Delivery three days late",
        "late",
        "closed",
        170,
        "carrier",
        "Apologised; carrier penalty applied",
        1,
    ),
    (
        "Atlas Machinery Parts",
        "Short shipment: 4 cartons missing",
        "short",
        "in_progress",
        20,
        False,
        False,
        False,
    ),
    (
        "Delta Textile Export",
        "Customs documents incomplete",
        "documentation",
        "waiting",
        15,
        False,
        False,
        False,
    ),
    (
        "Northwind Retail Group",
        "Wrong SKU delivered to Shanghai store",
        "wrong_item",
        "resolved",
        60,
        "warehouse",
        "Correct SKU delivered next day",
        5,
    ),
    (
        "Lotus Cosmetics Trading",
        "Driver refused to unload",
        "attitude",
        "new",
        3,
        False,
        False,
        False,
    ),
    (
        "Bright Home Furnishings",
        "Sofa scratched during handling",
        "damaged",
        "in_progress",
        8,
        False,
        False,
        False,
    ),
    (
        "Summit Outdoor Gear",
        "Filed by mistake",
        "other",
        "cancelled",
        25,
        False,
        False,
        False,
    ),
]

# (name, city, potential, [(days ago, amount, delivered, paid)])
# A year and more of a third-party logistics provider's shippers, written so
# that the grading spreads them over every tier and lifecycle.
DEMO_CUSTOMERS = [
    (
        "Northwind Retail Group",
        "Shanghai",
        "high",
        [(d, 18000 + 40 * (360 - d), True, True) for d in range(350, 0, -25)],
    ),
    (
        "Pacific Electronics Distribution",
        "Shenzhen",
        "medium",
        [(d, 21000, True, d > 120) for d in range(340, 0, -30)],
    ),
    (
        "GreenLeaf Fresh Foods",
        "Guangzhou",
        "high",
        [(d, 4000 + 30 * (300 - d), True, True) for d in range(300, 0, -35)],
    ),
    (
        "Metro Pharma Supply",
        "Beijing",
        "medium",
        [(d, 7500, True, True) for d in range(330, 0, -45)],
    ),
    (
        "Atlas Machinery Parts",
        "Tianjin",
        "low",
        [(d, 9000, True, True) for d in (360, 330, 300, 270, 240, 150)],
    ),
    (
        "Harbor Chemicals",
        "Ningbo",
        "none",
        [(d, 15000, True, True) for d in (700, 620, 540, 460, 400)],
    ),
    (
        "Summit Outdoor Gear",
        "Chengdu",
        "medium",
        [(560, 6000, True, True), (520, 6000, True, True), (30, 8000, True, False)],
    ),
    (
        "Bright Home Furnishings",
        "Hangzhou",
        "high",
        [(45, 5000, True, False), (12, 6500, False, False)],
    ),
    (
        "Delta Textile Export",
        "Xiamen",
        "low",
        [(d, 1800, True, False) for d in (250, 190, 130, 70)],
    ),
    (
        "Corner Bookshop",
        "Suzhou",
        "none",
        [(d, 450, True, True) for d in (280, 200, 110, 40)],
    ),
    (
        "Yangtze Auto Components",
        "Wuhan",
        "medium",
        [(d, 12000, True, True) for d in range(365, 180, -30)],
    ),
    (
        "Lotus Cosmetics Trading",
        "Kunming",
        "low",
        [(d, 2500, d > 20, d > 60) for d in (200, 150, 100, 60, 15)],
    ),
]


class LogisticsCrmDemo(models.AbstractModel):
    _name = "logistics.crm.demo"
    _description = "Logistics CRM demo story"

    @api.model
    def _load_demo(self):
        """Create the demo shippers with a history of confirmed orders,
        deliveries and invoices, then grade them."""
        company = self.env.company
        freight = self.env.ref("logistics_crm.product_demo_freight")
        storage = self.env.ref("logistics_crm.product_demo_pallet")
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        for name, city, potential, orders in DEMO_CUSTOMERS:
            partner = self.env["res.partner"].create(
                {
                    "name": name,
                    "is_company": True,
                    "city": city,
                    "country_id": self.env.ref("base.cn").id,
                    "customer_potential": potential,
                }
            )
            self.env["res.partner"].create(
                {
                    "name": f"Logistics desk, {name}",
                    "parent_id": partner.id,
                    "type": "contact",
                    "function": "Logistics manager",
                }
            )
            for days_ago, amount, delivered, paid in orders:
                order = self.env["sale.order"].create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": freight.id,
                                    "product_uom_qty": 1,
                                    "price_unit": amount,
                                }
                            ),
                            Command.create(
                                {"product_id": storage.id, "product_uom_qty": 4}
                            ),
                        ],
                    }
                )
                order.action_confirm()
                order.date_order = now - timedelta(days=days_ago)
                if delivered:
                    self._demo_deliver(order, late=order.id % 5 == 0)
                invoice = order._create_invoices()
                invoice.invoice_date = today - timedelta(days=max(days_ago - 1, 0))
                invoice.invoice_date_due = invoice.invoice_date + timedelta(days=30)
                invoice.action_post()
                if paid:
                    self.env["account.payment.register"].with_context(
                        active_model="account.move", active_ids=invoice.ids
                    ).create(
                        {"payment_date": invoice.invoice_date_due}
                    )._create_payments()
        policy = self.env["logistics.grading.policy"]._get_for_company(company)
        policy._compute_grades()
        # complaints take their priority from the tier, then count in the grade
        self._load_demo_complaints(now)
        policy._compute_grades()

    @api.model
    def _demo_deliver(self, order, late=False):
        """Deliver the order as it happened: backdate its SLA clock to the
        order date, and deliver one to six days later."""
        status = order.sla_status_ids.filtered(lambda s: s.kind == "delivery")
        if status:
            deadline = status.policy_id._delivery_deadline(order.date_order)
            order.sla_deadline = deadline
            status.write(
                {
                    "date_start": order.date_order,
                    "resumed_on": order.date_order,
                    "deadline": deadline,
                }
            )
        for picking in order.picking_ids:
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.button_validate()
        reached = order.date_order + timedelta(days=6 if late else 1)
        order.picking_ids.date_done = reached
        order.sla_reached_on = False
        status.write({"state": "ongoing", "reached_on": False})
        order._sla_check_delivered()

    @api.model
    def _load_demo_complaints(self, now):
        ref = self.env.ref
        for (
            customer,
            subject,
            type_key,
            stage_key,
            days_ago,
            cause_key,
            resolution,
            rating,
        ) in DEMO_COMPLAINTS:
            partner = self.env["res.partner"].search(
                [("name", "=", customer), ("is_company", "=", True)], limit=1
            )
            order = self.env["sale.order"].search(
                [("partner_id", "=", partner.id), ("state", "=", "sale")], limit=1
            )
            complaint = self.env["logistics.complaint"].create(
                {
                    "name": subject,
                    "partner_id": partner.id,
                    "sale_order_id": order.id,
                    "picking_id": order.picking_ids[:1].id,
                    "invoice_id": order.invoice_ids[:1].id,
                    "complaint_type_id": ref(
                        f"logistics_crm.complaint_type_{type_key}"
                    ).id,
                    "date_reported": now - timedelta(days=days_ago),
                    "description": f"<p>{subject}.</p>",
                    "claim_amount": 500.0 if type_key == "damaged" else 0.0,
                }
            )
            if cause_key:
                complaint.write(
                    {
                        "root_cause_id": ref(
                            f"logistics_crm.complaint_cause_{cause_key}"
                        ).id,
                        "resolution": resolution,
                        "compensation_amount": 300.0 if type_key == "damaged" else 0.0,
                    }
                )
            complaint.stage_id = ref(f"logistics_crm.complaint_stage_{stage_key}")
            if rating:
                complaint.rating_apply(
                    rating, token=complaint._rating_get_access_token()
                )
