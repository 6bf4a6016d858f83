from odoo import api, models


class LogisticsGradingEngine(models.AbstractModel):
    _inherit = "logistics.grading.engine"

    @api.model
    def _after_regrade(self, policy, result_table, now, today):
        result = super()._after_regrade(policy, result_table, now, today)
        self.env["logistics.cross.sell.suggestion"]._refresh_from_results(
            policy, result_table, now, today
        )
        return result
