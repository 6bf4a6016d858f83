from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LogisticsComplaintType(models.Model):
    _name = "logistics.complaint.type"
    _description = "Complaint Type"
    _order = "sequence, id"
    _check_company_auto = True

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
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Handles the complaints of this type that arrive without a "
        "responsible, when the customer has no key-account manager or "
        "salesperson. Empty: the company's default complaint responsible.",
    )

    @api.constrains("user_id")
    def _check_user_id(self):
        for complaint_type in self:
            if complaint_type.user_id.share:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not an employee: the responsible of complaint "
                        "type %(type)s must be an internal user.",
                        user=complaint_type.user_id.name,
                        type=complaint_type.name,
                    )
                )
