from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    is_nps = fields.Boolean(
        string="NPS Question",
        help="The answers to this question, on a 0-10 scale, count in the "
        "Net Promoter Score of the customers of the survey campaigns: 9-10 "
        "promoters, 0-6 detractors.",
    )

    @api.constrains("is_nps", "question_type", "scale_min", "scale_max")
    def _check_nps_scale(self):
        for question in self.filtered("is_nps"):
            if (question.question_type, question.scale_min, question.scale_max) != (
                "scale",
                0,
                10,
            ):
                raise ValidationError(
                    self.env._(
                        "The NPS question %(question)s must be a 0 to 10 scale.",
                        question=question.display_name,
                    )
                )

    def write(self, vals):
        if "is_nps" not in vals:
            return super().write(vals)
        # the answers already given move in or out of the NPS
        Fact = self.env["logistics.customer.scorecard.fact"]
        answers = self._campaign_answers()
        Fact._mark_keys(answers._scorecard_fact_keys())
        result = super().write(vals)
        Fact._mark_records(answers)
        return result

    def _campaign_answers(self):
        return (
            self.env["survey.user_input.line"]
            .sudo()
            .search(
                [
                    ("question_id", "in", self.ids),
                    ("user_input_id.logistics_campaign_id", "!=", False),
                ]
            )
            .user_input_id
        )
