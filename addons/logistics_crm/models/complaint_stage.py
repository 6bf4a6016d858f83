from odoo import fields, models


class LogisticsComplaintStage(models.Model):
    _name = "logistics.complaint.stage"
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Complaints in this stage are finished: a root cause and a "
        "resolution are required, the closing date is set and the customer is "
        "asked to rate the handling.",
    )
    is_cancelled = fields.Boolean(
        string="Cancelling Stage",
        help="A closing stage for complaints withdrawn or filed by mistake: no "
        "root cause, resolution or rating is asked.",
    )
    sla_paused = fields.Boolean(
        string="Pauses the SLA Clock",
        help="While a complaint is in this stage (e.g. waiting on the customer), "
        "its SLA clocks stop; the deadline moves out when they resume.",
    )
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the stage with every company; only settings "
        "administrators change shared stages.",
    )
