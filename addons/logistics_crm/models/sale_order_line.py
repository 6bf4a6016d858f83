from odoo import models

# what changes the ordered and delivered units of a delivered order
SCORECARD_FIELDS = frozenset(
    {"qty_delivered", "product_uom_qty", "product_id", "display_type"}
)


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "logistics.scorecard.fact.source"]
    # delivered quantities are stored computes: they never pass write()
    _scorecard_fields = SCORECARD_FIELDS

    def _scorecard_fact_keys(self):
        return self.order_id._scorecard_fact_keys()
