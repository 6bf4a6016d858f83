from odoo import api, fields, models

from .sla_status import STATES


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "logistics.complaint.document.mixin"]

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
