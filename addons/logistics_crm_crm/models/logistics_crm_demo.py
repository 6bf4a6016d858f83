from odoo import api, models


class LogisticsCrmDemo(models.AbstractModel):
    _inherit = "logistics.crm.demo"

    @api.model
    def _load_cross_sell_demo(self):
        """Regrade with the demo services in their categories, and win one
        cross-sell opportunity (demo data only)."""
        from ..demo import cross_sell_demo

        cross_sell_demo.load(self.env)
