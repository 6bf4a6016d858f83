from odoo import api, fields, models

from .sla_status import STATES

# what places an order in the scorecard facts: company, customer, months
SCORECARD_KEY_FIELDS = {"company_id", "partner_id", "date_order", "sla_reached_on"}
# what changes its figures there
SCORECARD_FIELDS = SCORECARD_KEY_FIELDS | {
    "state",
    "amount_untaxed",
    "currency_rate",
    "margin",
    "sla_on_time",
    "sla_in_full",
    "sla_otif",
}


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = [
        "sale.order",
        "logistics.complaint.document.mixin",
        "logistics.scorecard.fact.source",
    ]
    _scorecard_key_fields = SCORECARD_KEY_FIELDS
    _scorecard_fields = SCORECARD_FIELDS

    customer_tier_id = fields.Many2one(
        related="partner_id.commercial_partner_id.customer_tier_id",
        string="Customer Tier",
    )
    customer_tier_color = fields.Integer(
        related="customer_tier_id.color", string="Tier Color"
    )

    sla_policy_id = fields.Many2one(
        "logistics.sla.policy", string="SLA Policy", readonly=True, copy=False
    )
    sla_deadline = fields.Datetime(
        string="SLA Deadline",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The customer's commitment date when set, else the confirmation "
        "plus the policy's delivery lead time in working days.",
    )
    sla_status_ids = fields.One2many(
        "logistics.sla.status", "sale_order_id", string="SLA Statuses"
    )
    sla_state = fields.Selection(
        STATES,
        string="SLA State",
        compute="_compute_sla_state",
        search="_search_sla_state",
    )
    sla_reached_on = fields.Datetime(
        string="Delivered On", readonly=True, copy=False, index="btree_not_null"
    )
    sla_on_time = fields.Boolean(string="On Time", readonly=True, copy=False)
    sla_in_full = fields.Boolean(string="In Full", readonly=True, copy=False)
    sla_otif = fields.Boolean(string="OTIF", readonly=True, copy=False)

    @api.depends("sla_status_ids.state")
    def _compute_sla_state(self):
        for order in self:
            status = order.sudo().sla_status_ids.filtered(
                lambda s: s.kind == "delivery"
            )
            order.sla_state = status[:1].state

    def _search_sla_state(self, operator, value):
        return [
            (
                "sla_status_ids",
                "any",
                [("kind", "=", "delivery"), ("state", operator, value)],
            )
        ]

    def action_confirm(self):
        result = super().action_confirm()
        self.env["logistics.sla.status"]._start_deliveries(
            self.filtered(lambda o: o.state == "sale" and not o.sla_status_ids)
        )
        return result

    def _sla_check_delivered(self):
        """Reach the delivery status of orders whose outgoing deliveries are all
        done or cancelled: on time when the last one was done by the deadline,
        in full when the delivered quantities cover the ordered ones. Orders
        without an SLA deadline count as on time."""
        for order in self:
            outgoing = order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing"
            )
            done = outgoing.filtered(lambda p: p.state == "done")
            if not done or outgoing.filtered(
                lambda p: p.state not in ("done", "cancel")
            ):
                continue
            reached_on = max(done.mapped("date_done"))
            goods = order.order_line.filtered(
                lambda line: line.product_id.type == "consu" and not line.display_type
            )
            in_full = all(line.qty_delivered >= line.product_uom_qty for line in goods)
            on_time = not order.sla_deadline or reached_on <= order.sla_deadline
            order.write(
                {
                    "sla_reached_on": reached_on,
                    "sla_on_time": on_time,
                    "sla_in_full": in_full,
                    "sla_otif": on_time and in_full,
                }
            )
            order.sla_status_ids.filtered(lambda s: s.kind == "delivery")._reach(
                reached_on
            )

    def _complaint_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "sale_order_id": self.id,
            "company_id": self.company_id.id,
        }

    # ------------------------------------------------------------------
    # Scorecard facts: the keys an order counts in, queued for a refresh
    # ------------------------------------------------------------------

    def _scorecard_fact_keys(self):
        month = self.env["logistics.customer.scorecard.fact"]._month
        return {
            (
                order.company_id.id,
                order.partner_id.commercial_partner_id.id,
                month(when),
            )
            for order in self.filtered(lambda o: o.state not in ("draft", "sent"))
            for when in (order.date_order, order.sla_reached_on)
            if when
        }

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.env["logistics.customer.scorecard.fact"]._mark_records(
            orders.filtered(lambda o: o.state not in ("draft", "sent"))
        )
        return orders

    def _scorecard_fact_keys_on_unlink(self):
        # the order's SLA statuses go with it (cascade), without unlink()
        return self._scorecard_fact_keys() | self.sla_status_ids._scorecard_fact_keys()
