from odoo import api, fields, models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "logistics.complaint.document.mixin"]

    customer_tier_id = fields.Many2one(
        related="partner_id.commercial_partner_id.customer_tier_id",
        string="Customer Tier",
    )
    customer_tier_color = fields.Integer(
        related="customer_tier_id.color", string="Tier Color"
    )

    @api.model_create_multi
    def create(self, vals_list):
        pickings = super().create(vals_list)
        pickings._star_priority_deliveries()
        return pickings

    def _star_priority_deliveries(self):
        """Star outgoing deliveries of customers whose tier asks for priority."""
        to_star = self.browse()
        for company, pickings in (
            self.filtered(
                lambda p: (
                    p.picking_type_code == "outgoing"
                    and p.priority == "0"
                    and p.partner_id
                )
            )
            .grouped("company_id")
            .items()
        ):
            to_star |= (
                pickings.with_company(company)
                .sudo()
                .filtered(
                    lambda p: (
                        p.partner_id.commercial_partner_id.customer_tier_id.priority_delivery
                    )
                )
            )
        if to_star:
            to_star.with_env(self.env).priority = "1"

    sla_deadline = fields.Datetime(
        related="sale_id.sla_deadline", string="SLA Deadline", store=True
    )
    sla_state = fields.Selection(related="sale_id.sla_state", string="SLA State")

    def _action_done(self):
        result = super()._action_done()
        self._sla_check_orders()
        return result

    def action_cancel(self):
        result = super().action_cancel()
        self._sla_check_orders()
        return result

    def _sla_check_orders(self):
        outgoing = self.filtered(lambda p: p.picking_type_code == "outgoing")
        if outgoing.sale_id:
            outgoing.sale_id.sudo()._sla_check_delivered()

    def _complaint_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "picking_id": self.id,
            "sale_order_id": self.sale_id.id,
            "company_id": self.company_id.id,
        }
