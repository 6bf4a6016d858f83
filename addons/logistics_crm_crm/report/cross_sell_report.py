from odoo import fields, models
from odoo.tools import SQL


class LogisticsCrossSellReport(models.Model):
    """What cross-selling yields: one row per event, dated when it happened
    (a suggestion made, an opportunity created, an opportunity won), with
    the customer's tier, the category and the salesperson, so that any
    grouping (tier, category, salesperson, month) sums the events.

    Opportunities are the leads with a cross-sell category, made from a
    suggestion or by hand; their tier is the suggestion's, else the
    customer's tier in the lead's company now."""

    _name = "logistics.cross.sell.report"
    _description = "Cross-sell Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    categ_id = fields.Many2one("product.category", string="Category", readonly=True)
    tier_id = fields.Many2one("logistics.customer.tier", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    suggestion_count = fields.Integer(string="Suggestions Made", readonly=True)
    opportunity_count = fields.Integer(string="Opportunities Created", readonly=True)
    expected_revenue = fields.Monetary(
        readonly=True,
        help="Expected revenue of the opportunities created.",
    )
    won_count = fields.Integer(string="Opportunities Won", readonly=True)
    won_revenue = fields.Monetary(
        readonly=True,
        help="Expected revenue of the opportunities won, in the month they were won.",
    )

    _depends = {
        "logistics.cross.sell.suggestion": [
            "date",
            "company_id",
            "partner_id",
            "categ_id",
            "tier_id",
            "user_id",
            "lead_id",
        ],
        "crm.lead": [
            "create_date",
            "date_closed",
            "company_id",
            "partner_id",
            "logistics_cross_sell_categ_id",
            "user_id",
            "expected_revenue",
            "won_status",
        ],
        "res.partner": ["commercial_partner_id", "customer_tier_id"],
        "res.company": ["currency_id"],
    }

    @property
    def _table_query(self):
        return SQL(
            "%s UNION ALL %s UNION ALL %s",
            self._suggestions_query(),
            self._leads_query(won=False),
            self._leads_query(won=True),
        )

    def _suggestions_query(self):
        return SQL(
            """
SELECT s.id * 3 AS id, s.date, s.company_id, c.currency_id, s.partner_id,
       s.categ_id, s.tier_id, s.user_id,
       1 AS suggestion_count, 0 AS opportunity_count,
       0::numeric AS expected_revenue, 0 AS won_count, 0::numeric AS won_revenue
  FROM logistics_cross_sell_suggestion s
  JOIN res_company c ON c.id = s.company_id
"""
        )

    def _leads_query(self, won):
        """One row per cross-sell lead: when it was created or, with
        ``won``, when it was won."""
        return SQL(
            """
SELECT l.id * 3 + %(offset)s AS id, %(date)s AS date, l.company_id,
       c.currency_id, cp.id AS partner_id, l.logistics_cross_sell_categ_id,
       COALESCE(s.tier_id, (cp.customer_tier_id ->> l.company_id::text)::int),
       l.user_id,
       0, %(created)s, %(expected)s, %(won)s, %(won_revenue)s
  FROM crm_lead l
  JOIN res_partner p ON p.id = l.partner_id
  JOIN res_partner cp ON cp.id = p.commercial_partner_id
  LEFT JOIN res_company c ON c.id = l.company_id
  LEFT JOIN LATERAL (
       SELECT tier_id FROM logistics_cross_sell_suggestion s
        WHERE s.lead_id = l.id
        ORDER BY s.id DESC LIMIT 1
  ) s ON TRUE
 WHERE l.logistics_cross_sell_categ_id IS NOT NULL %(filter)s
""",
            offset=2 if won else 1,
            date=SQL("l.date_closed" if won else "l.create_date"),
            created=0 if won else 1,
            expected=SQL("0::numeric" if won else "l.expected_revenue"),
            won=1 if won else 0,
            won_revenue=SQL("l.expected_revenue" if won else "0::numeric"),
            filter=SQL("AND l.won_status = 'won'" if won else ""),
        )
