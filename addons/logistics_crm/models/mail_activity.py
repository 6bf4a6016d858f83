from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    activity_plan_id = fields.Many2one(
        "mail.activity.plan",
        readonly=True,
        ondelete="set null",
        help="The plan that scheduled this activity, kept once it is done, so "
        "that a recurring plan knows when it last ran for a record.",
    )

    # a recurring plan looks up, per record, its open and recently done
    # activities (done ones are archived rows)
    _activity_plan_res_idx = models.Index(
        "(activity_plan_id, res_id) WHERE activity_plan_id IS NOT NULL"
    )
