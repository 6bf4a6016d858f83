from odoo import api, models
from odoo.tools import SQL

from ..models.survey_user_input import NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN


class LogisticsCustomerScorecardFact(models.Model):
    _inherit = "logistics.customer.scorecard.fact"

    @api.model
    def _source_branches(self):
        # answers to the NPS questions of the campaigns' surveys, for the
        # customer of the answer (a consignee's shipper), in the campaign's
        # company, by month of submission
        return super()._source_branches() + [
            {
                "company": SQL("cmp.company_id"),
                "partner": SQL("ui.logistics_customer_id"),
                "when": SQL("ui.end_datetime"),
                "values": {
                    "nps_response_count": SQL("1"),
                    "nps_promoter_count": SQL(
                        "(l.value_scale >= %s)::int", NPS_PROMOTER_MIN
                    ),
                    "nps_detractor_count": SQL(
                        "(l.value_scale <= %s)::int", NPS_DETRACTOR_MAX
                    ),
                },
                "from": SQL(
                    """survey_user_input_line l
  JOIN survey_question q ON q.id = l.question_id
  JOIN survey_user_input ui ON ui.id = l.user_input_id
  JOIN logistics_survey_campaign cmp ON cmp.id = ui.logistics_campaign_id"""
                ),
                "where": SQL(
                    "q.is_nps AND ui.state = 'done' AND ui.test_entry IS NOT TRUE"
                    " AND l.answer_type = 'scale' AND l.skipped IS NOT TRUE"
                ),
            }
        ]
