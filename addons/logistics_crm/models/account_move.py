from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    customer_tier_id = fields.Many2one(
        related="commercial_partner_id.customer_tier_id",
        string="Customer Tier",
    )
    customer_tier_color = fields.Integer(related="customer_tier_id.color")
