from odoo import fields, models


class LogisticsComplaintType(models.Model):
    _name = "logistics.complaint.type"
    _description = "Complaint Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_damage = fields.Boolean(
        string="Damage",
        help="Complaints of this type count as damage in the logistics KPIs.",
    )
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the type with every company; only settings "
        "administrators change shared types.",
    )
