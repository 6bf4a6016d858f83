from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .complaint import PRIORITIES


class LogisticsSlaTarget(models.Model):
    _name = "logistics.sla.target"
    _description = "SLA Complaint Target"
    _order = "policy_id, sequence, id"

    policy_id = fields.Many2one(
        "logistics.sla.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    priority = fields.Selection(
        PRIORITIES, help="Complaints of this priority; empty for any priority."
    )
    complaint_type_ids = fields.Many2many(
        "logistics.complaint.type",
        string="Complaint Types",
        help="Complaints of these types; empty for every type.",
    )
    response_hours = fields.Float(
        help="Working hours to the first answer to the customer."
    )
    resolution_hours = fields.Float(help="Working hours to a closing stage.")

    @api.constrains("response_hours", "resolution_hours")
    def _check_hours(self):
        for target in self:
            if target.response_hours < 0 or target.resolution_hours < 0:
                raise ValidationError(
                    self.env._("Response and resolution hours cannot be negative.")
                )
            if (
                target.response_hours
                and target.resolution_hours
                and target.resolution_hours < target.response_hours
            ):
                raise ValidationError(
                    self.env._(
                        "A complaint cannot be resolved before it is answered: "
                        "resolution hours must cover the response hours."
                    )
                )

    @api.depends("priority", "complaint_type_ids", "response_hours", "resolution_hours")
    def _compute_display_name(self):
        priorities = dict(PRIORITIES)
        for target in self:
            scope = priorities.get(target.priority) or self.env._("Any priority")
            if target.complaint_type_ids:
                scope += " / " + ", ".join(target.complaint_type_ids.mapped("name"))
            target.display_name = self.env._(
                "%(scope)s: answer in %(response)sh, resolve in %(resolution)sh",
                scope=scope,
                response=target.response_hours,
                resolution=target.resolution_hours,
            )
