from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    logistics_cross_sell_categ_id = fields.Many2one(
        "product.category",
        string="Cross-sell Category",
        index="btree_not_null",
        tracking=True,
        help="The service category this opportunity sells to the customer. "
        "A customer has at most one open opportunity per cross-sell "
        "category: Create opportunity on a cross-sell suggestion opens it "
        "instead of adding a second one.",
    )
