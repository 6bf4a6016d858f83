from odoo import api, models


class LogisticsCrmDemo(models.AbstractModel):
    _name = "logistics.crm.demo"
    _description = "Logistics CRM demo story"

    @api.model
    def _load_demo(self):
        """Play the demo story (demo data only). The generator is imported
        here, not with the addon, so production never loads it."""
        from ..demo import generator

        generator.load(self.env)
