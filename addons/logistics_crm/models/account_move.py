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

    # the partner form counts and lists a customer's invoices by commercial
    # partner (account's own query, unindexed upstream); reflected as this
    # addon's, so the uninstall drops it
    _commercial_partner_id_idx = models.Index("(commercial_partner_id)")

    def _complaint_defaults(self):
        return {
            "partner_id": self.partner_id.id,
            "invoice_id": self.id,
            "company_id": self.company_id.id,
        }
