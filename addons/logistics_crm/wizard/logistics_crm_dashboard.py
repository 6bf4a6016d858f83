from odoo import api, fields, models
from odoo.tools import SQL


class LogisticsCrmDashboard(models.TransientModel):
    _name = "logistics.crm.dashboard"
    _description = "Logistics CRM management dashboard"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda s: s.env.company
    )
    tier_html = fields.Html(compute="_compute_dashboard", sanitize=False)
    at_risk_html = fields.Html(compute="_compute_dashboard", sanitize=False)
    worst_on_time_html = fields.Html(compute="_compute_dashboard", sanitize=False)

    def _compute_display_name(self):
        for dashboard in self:
            dashboard.display_name = self.env._("Dashboard")

    @api.model
    def _action_open(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Logistics CRM Dashboard"),
            "res_model": self._name,
            "res_id": self.create({}).id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _compute_dashboard(self):
        render = self.env["ir.qweb"]._render
        # a customer's name opens the customer in the web client
        customers_path = (
            self.env.ref("logistics_crm.res_partner_action_customer_value").sudo().path
        )
        for dashboard in self:
            company = dashboard.company_id
            dashboard.tier_html = render(
                "logistics_crm.dashboard_tiers",
                {"rows": dashboard._tier_rows(), "currency": company.currency_id},
            )
            dashboard.at_risk_html = render(
                "logistics_crm.dashboard_at_risk",
                {
                    "rows": dashboard._at_risk_rows(company),
                    "customers_path": customers_path,
                },
            )
            dashboard.worst_on_time_html = render(
                "logistics_crm.dashboard_worst_on_time",
                {
                    "rows": dashboard._worst_on_time_rows(),
                    "customers_path": customers_path,
                },
            )

    def _tier_rows(self):
        """Customers and trailing-12-month revenue per tier, with the
        cumulative share of revenue (a Pareto by tier)."""
        Scorecard = self.env["logistics.customer.scorecard"].with_company(
            self.company_id
        )
        domain = [
            ("company_id", "=", self.company_id.id),
            ("date", ">=", Scorecard._trailing_start()),
        ]
        revenue = dict(Scorecard._read_group(domain, ["tier_id"], ["revenue:sum"]))
        customers = dict(
            self.env["res.partner"]
            .with_company(self.company_id)
            ._read_group(
                [("customer_tier_id", "!=", False), ("is_company", "=", True)],
                ["customer_tier_id"],
                ["__count"],
            )
        )
        tiers = self.env["logistics.customer.tier"]._for_company(self.company_id)
        total = sum(revenue.values()) or 0.0
        rows, cumulative = [], 0.0
        for tier in tiers.sorted(lambda t: -t.min_score):
            tier_revenue = revenue.get(tier, 0.0)
            share = 100.0 * tier_revenue / total if total else 0.0
            cumulative += share
            rows.append(
                {
                    "tier": tier.display_name,
                    "customers": customers.get(tier, 0),
                    "revenue": tier_revenue,
                    "share": share,
                    "cumulative": cumulative,
                }
            )
        return rows

    def _at_risk_rows(self, company, limit=10):
        """At-risk customers whose last regrade lowered their score, among the
        grade history the user may read."""
        self.env.flush_all()
        visible = self.env["logistics.grade.history"]._search(
            [("company_id", "=", company.id)]
        )
        self.env.cr.execute(
            SQL(
                """
SELECT DISTINCT ON (h.partner_id) h.partner_id, h.score, h.previous_score
  FROM logistics_grade_history h
  JOIN res_partner p ON p.id = h.partner_id
 WHERE h.id IN %(visible)s
   AND p.customer_lifecycle ->> %(key)s = 'at_risk'
 ORDER BY h.partner_id, h.date DESC, h.id DESC
""",
                visible=visible.subselect(),
                key=str(company.id),
            )
        )
        falling = [row for row in self.env.cr.fetchall() if row[2] and row[1] < row[2]]
        falling.sort(key=lambda row: row[1] - row[2])
        partners = self.env["res.partner"].with_company(company)
        return [
            {
                "partner": partners.browse(partner_id),
                "score": score,
                "previous": previous,
            }
            for partner_id, score, previous in falling[:limit]
        ]

    def _worst_on_time_rows(self, limit=10):
        Scorecard = self.env["logistics.customer.scorecard"]
        groups = Scorecard._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("date", ">=", Scorecard._trailing_start()),
                ("delivery_count", ">", 0),
            ],
            ["partner_id"],
            ["on_time_rate:avg", "delivery_count:sum"],
            order="on_time_rate:avg asc, partner_id",
            limit=limit,
        )
        return [
            {"partner": partner, "on_time": rate, "deliveries": deliveries}
            for partner, rate, deliveries in groups
        ]
