from odoo import api, models


class LogisticsCrmDemo(models.AbstractModel):
    _inherit = "logistics.crm.demo"

    @api.model
    def _load_loyalty_demo(self):
        """Tie the key-account rewards to the key-account tier and enrol the
        key accounts (demo data only)."""
        from ..demo import loyalty_demo

        loyalty_demo.load(self.env)
