from odoo import fields, models


class LogisticsCustomerGrade(models.Model):
    """The analytic figures of a customer's grade in one company.

    One narrow row per (company, commercial customer), written by the grading
    engine with ``INSERT ... ON CONFLICT DO UPDATE`` and only when a value
    changed. What users search, group and edit (score, tier, computed tier,
    lock, lifecycle, RFM segment) stays on ``res.partner``; the partner shows
    these figures through related fields of ``customer_grade_id``."""

    _name = "logistics.customer.grade"
    _description = "Customer Grade Figures"
    _order = "company_id, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    graded_on = fields.Datetime(
        help="The regrade that last changed these figures; later regrades "
        "found them unchanged."
    )
    rfm = fields.Char(
        string="RFM", help="Recency, frequency and monetary quintiles, 5 the best."
    )
    revenue = fields.Float(string="Revenue (window)")
    margin = fields.Float(string="Margin (window)")
    frequency = fields.Integer(string="Orders (window)")
    recency_days = fields.Integer(string="Days Since Last Order")
    growth = fields.Float(
        string="Revenue Growth",
        help="(second half revenue - first half revenue) / max(first half, 1).",
    )
    overdue_ratio = fields.Float(
        help="Overdue unpaid amount of the window's posted invoices divided by "
        "their invoiced amount."
    )
    complaint_ratio = fields.Float(string="Complaints per Order")
    potential = fields.Integer()
    revenue_score = fields.Float(string="Revenue Sub-score", digits=(5, 2))
    margin_score = fields.Float(string="Margin Sub-score", digits=(5, 2))
    frequency_score = fields.Float(string="Frequency Sub-score", digits=(5, 2))
    recency_score = fields.Float(string="Recency Sub-score", digits=(5, 2))
    growth_score = fields.Float(string="Growth Sub-score", digits=(5, 2))
    payment_score = fields.Float(string="Payment Sub-score", digits=(5, 2))
    potential_score = fields.Float(string="Potential Sub-score", digits=(5, 2))
    complaint_score = fields.Float(string="Complaints Sub-score", digits=(5, 2))
    customer_cost_to_serve = fields.Float(
        string="Cost to Serve (window)",
        help="Compensation credited through complaints (posted credit notes) "
        "+ returns x cost per return + complaints x cost per complaint, over "
        "the window.",
    )
    customer_net_margin = fields.Float(
        string="Net Margin (window)", help="Margin - cost to serve, over the window."
    )
    customer_clv = fields.Float(
        string="Customer Lifetime Value",
        help="Annual net margin x the discounted expected lifetime: "
        "(1 - (1 + r)^-T) / r, r the policy's discount rate, T = min(lifetime "
        "cap, 1 / annual churn rate of the customer's tier).",
    )
    net_margin_score = fields.Float(string="Net Margin Sub-score", digits=(5, 2))

    _partner_company_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id)",
        "A customer has one grade per company.",
    )
