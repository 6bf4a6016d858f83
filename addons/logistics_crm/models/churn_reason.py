from odoo import fields, models


class LogisticsChurnReason(models.Model):
    """Why a customer left: the reason a retention case was closed as lost."""

    _name = "logistics.churn.reason"
    _description = "Churn Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the reason with every company.",
    )
    case_count = fields.Integer(string="Lost Cases", compute="_compute_case_count")

    def _compute_case_count(self):
        groups = self.env["logistics.retention.case"]._read_group(
            [("churn_reason_id", "in", self.ids), ("state", "=", "lost")],
            ["churn_reason_id"],
            ["__count"],
        )
        counts = {reason.id: count for reason, count in groups}
        for reason in self:
            reason.case_count = counts.get(reason.id, 0)
