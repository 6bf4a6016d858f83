from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .scorecard_report import TARGETS, kpi_labels, kpi_met

LOGISTICS_USER = "logistics_crm.logistics_crm_group_user"
# rate field -> (numerator, denominator, factor)
RATES = {
    "on_time_rate": ("on_time_count", "delivery_count", 100.0),
    "otif_rate": ("otif_count", "delivery_count", 100.0),
    "fill_rate": ("qty_delivered", "qty_ordered", 100.0),
    "damage_rate": ("damage_complaint_count", "delivery_count", 100.0),
    "complaint_rate": ("complaint_count", "order_count", 100.0),
    "sla_compliance": ("sla_reached_count", "sla_closed_count", 100.0),
    "satisfaction": ("rating_satisfied_count", "rating_count", 100.0),
    "avg_cycle_days": ("cycle_days_sum", "delivery_count", 1.0),
    "avg_resolution_hours": ("resolution_hours_sum", "resolved_count", 1.0),
}
# rates of the form (a - b) / c x factor: rate field -> ((a, b), c, factor).
# Not among the SLA KPIs of the panels (RATES): the survey bridge fills the
# counts, 0 without it.
SPREAD_RATES = {
    "nps": (("nps_promoter_count", "nps_detractor_count"), "nps_response_count", 100.0),
}
COUNTS = (
    "order_count",
    "revenue",
    "margin",
    "delivery_count",
    "on_time_count",
    "in_full_count",
    "otif_count",
    "qty_ordered",
    "qty_delivered",
    "complaint_count",
    "damage_complaint_count",
    "resolution_hours_sum",
    "resolved_count",
    "sla_reached_count",
    "sla_closed_count",
    "rating_count",
    "rating_satisfied_count",
    "cycle_days_sum",
    "nps_response_count",
    "nps_promoter_count",
    "nps_detractor_count",
)


class LogisticsCustomerScorecard(models.Model):
    _name = "logistics.customer.scorecard"
    _inherit = ["logistics.ratio.report"]
    _ratio_rates = {**RATES, **SPREAD_RATES}
    _description = "Customer KPI Scorecard"
    _auto = False
    _rec_name = "date"
    _order = "date desc, partner_id"

    date = fields.Date(string="Month", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    tier_id = fields.Many2one("logistics.customer.tier", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    policy_id = fields.Many2one(
        "logistics.sla.policy", string="SLA Policy", readonly=True
    )

    order_count = fields.Integer(string="Orders", readonly=True)
    # the company's internal figures: customers read their service KPIs only
    revenue = fields.Float(
        readonly=True, groups="logistics_crm.logistics_crm_group_user"
    )
    margin = fields.Float(
        readonly=True, groups="logistics_crm.logistics_crm_group_user"
    )
    delivery_count = fields.Integer(string="Deliveries", readonly=True)
    on_time_count = fields.Integer(string="On Time", readonly=True)
    in_full_count = fields.Integer(string="In Full", readonly=True)
    otif_count = fields.Integer(string="OTIF", readonly=True)
    qty_ordered = fields.Float(string="Units Ordered", readonly=True)
    qty_delivered = fields.Float(string="Units Delivered", readonly=True)
    complaint_count = fields.Integer(string="Complaints", readonly=True)
    damage_complaint_count = fields.Integer(string="Damage Complaints", readonly=True)
    resolution_hours_sum = fields.Float(string="Resolution Hours", readonly=True)
    resolved_count = fields.Integer(string="Resolved Complaints", readonly=True)
    sla_reached_count = fields.Integer(string="SLA Met", readonly=True)
    sla_closed_count = fields.Integer(string="SLA Closed", readonly=True)
    rating_count = fields.Integer(string="Ratings", readonly=True)
    rating_satisfied_count = fields.Integer(string="Satisfied Ratings", readonly=True)
    cycle_days_sum = fields.Float(string="Cycle Days", readonly=True)
    # what the customers and their consignees answered: internal figures
    nps_response_count = fields.Integer(
        string="NPS Responses", readonly=True, groups=LOGISTICS_USER
    )
    nps_promoter_count = fields.Integer(
        string="NPS Promoters", readonly=True, groups=LOGISTICS_USER
    )
    nps_detractor_count = fields.Integer(
        string="NPS Detractors", readonly=True, groups=LOGISTICS_USER
    )

    on_time_rate = fields.Float(string="On-time (%)", readonly=True, aggregator="avg")
    otif_rate = fields.Float(string="OTIF (%)", readonly=True, aggregator="avg")
    fill_rate = fields.Float(string="Fill Rate (%)", readonly=True, aggregator="avg")
    damage_rate = fields.Float(
        string="Damage Rate (%)", readonly=True, aggregator="avg"
    )
    complaint_rate = fields.Float(
        string="Complaint Rate (%)", readonly=True, aggregator="avg"
    )
    sla_compliance = fields.Float(
        string="SLA Compliance (%)", readonly=True, aggregator="avg"
    )
    satisfaction = fields.Float(
        string="Satisfaction (%)", readonly=True, aggregator="avg"
    )
    avg_cycle_days = fields.Float(
        string="Avg Cycle (days)", readonly=True, aggregator="avg"
    )
    avg_resolution_hours = fields.Float(
        string="Avg Resolution (h)", readonly=True, aggregator="avg"
    )
    nps = fields.Float(
        string="NPS",
        readonly=True,
        aggregator="avg",
        groups=LOGISTICS_USER,
        help="Net Promoter Score: promoters (9-10) minus detractors (0-6), per "
        "100 answers to the NPS question of the survey campaigns, from -100 "
        "to 100.",
    )

    on_time_target = fields.Float(readonly=True, aggregator="max")
    otif_target = fields.Float(readonly=True, aggregator="max")
    fill_rate_target = fields.Float(readonly=True, aggregator="max")
    damage_rate_max = fields.Float(readonly=True, aggregator="max")

    _depends = {
        "logistics.customer.scorecard.fact": ["company_id", "partner_id", "month"]
        + list(COUNTS),
        "res.partner": ["customer_tier_id", "user_id"],
        "logistics.sla.policy": [
            "active",
            "company_id",
            "sequence",
            "date_start",
            "date_end",
            "tier_ids",
            "partner_ids",
            "on_time_target",
            "otif_target",
            "fill_rate_target",
            "damage_rate_max",
        ],
    }

    @api.model
    def _search(self, domain, *args, **kwargs):
        # every read (search, grouped read, count, export) sees the documents
        # changed earlier in this transaction
        self.env["logistics.customer.scorecard.fact"]._refresh_pending()
        return super()._search(domain, *args, **kwargs)

    def _tier_sql(self, partner_alias, company_column):
        # the company-dependent tier, read as the ORM stores it
        return SQL(
            "(%s.customer_tier_id ->> %s::text)::int",
            SQL.identifier(partner_alias),
            company_column,
        )

    def _select(self):
        return SQL(
            """f.id, f.month AS date, f.partner_id, f.company_id,
       %(tier)s AS tier_id, rp.user_id,
       pol.policy_id, sp.on_time_target, sp.otif_target, sp.fill_rate_target,
       sp.damage_rate_max,
       %(counts)s,
       %(rates)s,
       %(spread_rates)s""",
            tier=self._tier_sql("rp", SQL("f.company_id")),
            counts=SQL(",\n       ").join(
                SQL("f.%s", SQL.identifier(c)) for c in COUNTS
            ),
            rates=SQL(",\n       ").join(
                SQL(
                    "%s * f.%s / NULLIF(f.%s, 0) AS %s",
                    factor,
                    SQL.identifier(num),
                    SQL.identifier(den),
                    SQL.identifier(rate),
                )
                for rate, (num, den, factor) in RATES.items()
            ),
            spread_rates=SQL(",\n       ").join(
                SQL(
                    "%s * (f.%s - f.%s) / NULLIF(f.%s, 0) AS %s",
                    factor,
                    SQL.identifier(plus),
                    SQL.identifier(minus),
                    SQL.identifier(den),
                    SQL.identifier(rate),
                )
                for rate, ((plus, minus), den, factor) in SPREAD_RATES.items()
            ),
        )

    def _policy_targets(self):
        # the customers with facts, in each company, with their tier there
        return SQL(
            """SELECT t.company_id, t.partner_id, %s AS tier_id
  FROM (SELECT DISTINCT company_id, partner_id
          FROM logistics_customer_scorecard_fact) t
  JOIN res_partner tp ON tp.id = t.partner_id""",
            self._tier_sql("tp", SQL("t.company_id")),
        )

    def _from(self):
        # the policy is the one that applies today (the precedence of
        # logistics.sla.policy), joined only when a read asks for it
        return SQL(
            """logistics_customer_scorecard_fact f
  JOIN res_partner rp ON rp.id = f.partner_id
  LEFT JOIN (%s) pol
         ON pol.company_id = f.company_id AND pol.partner_id = f.partner_id
  LEFT JOIN logistics_sla_policy sp ON sp.id = pol.policy_id""",
            self.env["logistics.sla.policy"]._precedence_query(
                self._policy_targets(), fields.Date.context_today(self)
            ),
        )

    @property
    def _table_query(self):
        # the row is the fact row, so its id is the fact's: unique for any
        # company and month
        return SQL("SELECT %s FROM %s", self._select(), self._from())

    @api.model
    def _kpis(self, domain):
        """Every count and rate of the scorecard over ``domain``, in one
        grouped read."""
        fnames = [*COUNTS, *RATES]
        [values] = self._read_group(domain, [], [f"{f}:sum" for f in fnames])
        return dict(zip(fnames, values, strict=True))

    @api.model
    def _trailing_start(self, months=12):
        today = fields.Date.context_today(self)
        return today.replace(day=1) - relativedelta(months=months - 1)

    @api.model
    def _panel_lines(self, partner, company):
        """KPI lines of the partner's trailing-12-month scorecard against the
        SLA policy that applies to it (labels and Met / Missed as everywhere,
        see scorecard_report.kpi_labels and kpi_met)."""
        partner = partner.commercial_partner_id
        kpis = self._kpis(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("date", ">=", self._trailing_start()),
            ]
        )
        policy = partner.with_company(company).sla_policy_id
        fnames = list(RATES)
        labels = kpi_labels(self.env, fnames)
        units = {
            "avg_cycle_days": self.env._("days"),
            "avg_resolution_hours": self.env._("hours"),
        }
        lines = []
        for fname in fnames:
            target_field, higher = TARGETS.get(fname, (None, True))
            target = policy[target_field] if policy and target_field else None
            lines.append(
                {
                    "fname": fname,
                    "label": labels[fname],
                    "value": kpis[fname],
                    "target": target,
                    "met": kpi_met(kpis[fname], target, higher),
                    "unit": units.get(fname, "%"),
                    "higher": higher,
                }
            )
        return kpis, lines
