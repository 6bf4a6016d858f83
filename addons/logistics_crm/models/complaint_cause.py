from odoo import fields, models

RESPONSIBILITY = [
    ("internal", "Internal"),
    ("carrier", "Carrier"),
    ("customer", "Customer"),
    ("supplier", "Supplier"),
    ("other", "Other"),
]


class LogisticsComplaintCause(models.Model):
    _name = "logistics.complaint.cause"
    _description = "Complaint Root Cause"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    responsibility = fields.Selection(
        RESPONSIBILITY,
        help="Who usually bears this cause; proposed on complaints that use it.",
    )
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the cause with every company; only settings "
        "administrators change shared causes.",
    )
