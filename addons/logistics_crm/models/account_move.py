from odoo import fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "logistics.complaint.document.mixin"]

    customer_tier_id = fields.Many2one(
        related="commercial_partner_id.customer_tier_id",
        string="Customer Tier",
    )
    customer_tier_color = fields.Integer(
        related="customer_tier_id.color", string="Tier Color"
    )

    def _complaint_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "invoice_id": self.id,
            "company_id": self.company_id.id,
        }
