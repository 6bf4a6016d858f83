from odoo import fields, models

LIFECYCLE = [
    ("new", "New"),
    ("active", "Active"),
    ("at_risk", "At risk"),
    ("lost", "Lost"),
    ("won_back", "Won back"),
]


class LogisticsGradeHistory(models.Model):
    _name = "logistics.grade.history"
    _description = "Customer Grade History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade", readonly=True
    )
    date = fields.Datetime(required=True, readonly=True)
    score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    previous_score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    tier_id = fields.Many2one("logistics.customer.tier", readonly=True)
    previous_tier_id = fields.Many2one("logistics.customer.tier", readonly=True)
    computed_tier_id = fields.Many2one("logistics.customer.tier", readonly=True)
    tier_locked = fields.Boolean(readonly=True)
    tier_changed = fields.Boolean(compute="_compute_tier_changed")
    lifecycle = fields.Selection(LIFECYCLE, readonly=True)
    rfm = fields.Char(string="RFM", readonly=True)
    revenue = fields.Float(readonly=True, aggregator="sum")
    margin = fields.Float(readonly=True, aggregator="sum")
    frequency = fields.Integer(string="Orders", readonly=True, aggregator="sum")
    recency_days = fields.Integer(readonly=True, aggregator="avg")
    growth = fields.Float(readonly=True, aggregator="avg")
    overdue_ratio = fields.Float(readonly=True, aggregator="avg")
    potential = fields.Integer(readonly=True, aggregator="avg")
    revenue_score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    margin_score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    frequency_score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    recency_score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    growth_score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    payment_score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    potential_score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    complaint_ratio = fields.Float(
        string="Complaints per Order", readonly=True, aggregator="avg"
    )
    complaint_score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    customer_cost_to_serve = fields.Float(
        string="Cost to Serve", readonly=True, aggregator="sum"
    )
    customer_net_margin = fields.Float(
        string="Net Margin", readonly=True, aggregator="sum"
    )
    customer_clv = fields.Float(
        string="Customer Lifetime Value", readonly=True, aggregator="sum"
    )
    net_margin_score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")

    def _compute_tier_changed(self):
        for row in self:
            row.tier_changed = row.tier_id != row.previous_tier_id
