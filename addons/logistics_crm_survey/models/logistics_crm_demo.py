from odoo import api, models


class LogisticsCrmDemo(models.AbstractModel):
    _inherit = "logistics.crm.demo"

    @api.model
    def _load_survey_demo(self):
        """Run the demo NPS campaign and answer it (demo data only)."""
        from ..demo import survey_demo

        survey_demo.load(self.env)
