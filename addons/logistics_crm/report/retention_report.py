from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# rate field -> (numerator, denominator, factor), ratios of sums for any grouping
RATES = {
    "churn_rate": ("churned_count", "active_start_count", 100.0),
    "retention_rate": ("retained_count", "active_start_count", 100.0),
}
COUNTS = (
    "active_start_count",
    "retained_count",
    "churned_count",
    "won_back_count",
    "new_count",
    "revenue",
    "revenue_retained",
)
# months kept before the current one
HISTORY_MONTHS = 23


class LogisticsRetentionReport(models.Model):
    """Churn and retention by company, customer and month.

    A row exists for a customer and a month when the customer is active at the
    start of the month (its last earlier order is less than the policy's
    ``lifecycle_lost_days`` before it), or orders in it. The lifecycle rules
    are the grading engine's: a customer becomes lost ``lifecycle_lost_days``
    after its last order, and an order after such a gap wins it back."""

    _name = "logistics.retention.report"
    _inherit = ["logistics.ratio.report"]
    _ratio_rates = RATES
    _description = "Churn and Retention Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc, partner_id"

    date = fields.Date(string="Month", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    tier_id = fields.Many2one(
        "logistics.customer.tier",
        readonly=True,
        help="The customer's current tier in the company.",
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    active_start_count = fields.Integer(
        string="Active at Start",
        readonly=True,
        help="Customers whose last order before the month is less than the "
        "'Lost after' days of the grading policy before its first day.",
    )
    retained_count = fields.Integer(
        string="Retained",
        readonly=True,
        help="Customers active at the start of the month who did not become "
        "lost during it.",
    )
    churned_count = fields.Integer(
        string="Churned",
        readonly=True,
        help="Customers active at the start of the month who became lost "
        "during it: the 'Lost after' days since their last order ran out "
        "without a new order.",
    )
    won_back_count = fields.Integer(
        string="Won Back",
        readonly=True,
        help="Customers who ordered in the month after a gap of at least the "
        "'Lost after' days.",
    )
    new_count = fields.Integer(
        string="New", readonly=True, help="Customers whose first order is in the month."
    )
    revenue = fields.Float(readonly=True, help="Untaxed confirmed orders of the month.")
    revenue_retained = fields.Float(
        readonly=True,
        help="Revenue of the month from the customers active at its start.",
    )
    churn_rate = fields.Float(
        string="Churn Rate (%)",
        readonly=True,
        aggregator="avg",
        help="100 x churned / active at start, over the whole group.",
    )
    retention_rate = fields.Float(
        string="Retention Rate (%)",
        readonly=True,
        aggregator="avg",
        help="100 x retained / active at start, over the whole group.",
    )

    _depends = {
        "sale.order": [
            "state",
            "date_order",
            "partner_id",
            "company_id",
            "amount_untaxed",
            "currency_rate",
        ],
        "res.partner": ["commercial_partner_id", "customer_tier_id", "user_id"],
        "logistics.grading.policy": ["company_id", "lifecycle_lost_days"],
    }

    def _today(self):
        # the engine asks for the churn of another day than today
        return self.env.context.get(
            "logistics_retention_today"
        ) or fields.Date.context_today(self)

    def _lost_days_default(self):
        Policy = self.env["logistics.grading.policy"]
        return Policy.default_get(["lifecycle_lost_days"])["lifecycle_lost_days"]

    def _with(self):
        """The confirmed order days of each commercial customer and company,
        with the order day before and after."""
        return SQL(
            """
policy AS (
    SELECT c.id AS company_id,
           COALESCE(gp.lifecycle_lost_days, %(lost_days)s) AS lost_days
      FROM res_company c
      LEFT JOIN logistics_grading_policy gp ON gp.company_id = c.id
), days AS (
    SELECT o.company_id, p.commercial_partner_id AS partner_id,
           o.date_order::date AS day,
           sum(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1.0))
               AS revenue
      FROM sale_order o
      JOIN res_partner p ON p.id = o.partner_id
     WHERE o.state = 'sale' AND o.date_order::date <= %(today)s
     GROUP BY o.company_id, p.commercial_partner_id, o.date_order::date
), seq AS (
    SELECT d.*, pol.lost_days,
           lag(d.day) OVER w AS prev_day,
           lead(d.day) OVER w AS next_day
      FROM days d
      JOIN policy pol ON pol.company_id = d.company_id
    WINDOW w AS (PARTITION BY d.company_id, d.partner_id ORDER BY d.day)
), events AS (
    -- one scan of the order days (so that filters on the company and the
    -- customer reach the orders): each gives the month of the order, with
    -- its revenue, new and won back customers, and the months whose first
    -- day (m0) follows it as the last order (m0 <= next order day) by less
    -- than lost_days: active at the start; churned when lost_days after it
    -- falls in the month, by today, before any next order
    SELECT s.company_id, s.partner_id, e.*
      FROM seq s
     CROSS JOIN LATERAL (
        SELECT date_trunc('month', s.day::timestamp)::date AS month,
               0 AS active_start, 0 AS churned,
               (s.day - s.prev_day >= s.lost_days)::int AS won_back,
               (s.prev_day IS NULL)::int AS new,
               s.revenue
         WHERE s.day >= %(start)s
        UNION ALL
        SELECT m0::date, 1,
               (s.day + s.lost_days < m0 + interval '1 month'
                AND s.day + s.lost_days <= %(today)s
                AND (s.next_day IS NULL
                     OR s.next_day >= s.day + s.lost_days))::int,
               0, 0, 0
          FROM generate_series(
               GREATEST(date_trunc('month', s.day::timestamp) + interval '1 month',
                        %(start)s::timestamp),
               LEAST(COALESCE(s.next_day, %(today)s), s.day + s.lost_days - 1,
                     %(today)s)::timestamp,
               interval '1 month') m0
     ) e
     WHERE s.day > %(start)s::date - s.lost_days
), per_month AS (
    SELECT company_id, partner_id, month,
           max(active_start) AS active_start_count,
           max(churned) AS churned_count,
           COALESCE(max(won_back), 0) AS won_back_count,
           max(new) AS new_count,
           sum(revenue) AS revenue
      FROM events
     GROUP BY company_id, partner_id, month
)""",
            lost_days=self._lost_days_default(),
            today=self._today(),
            start=self._start(),
        )

    def _start(self):
        return self._today().replace(day=1) - relativedelta(months=HISTORY_MONTHS)

    def _select(self):
        return SQL(
            """%(id)s AS id,
       r.month AS date, r.company_id, r.partner_id,
       %(tier)s AS tier_id,
       rp.user_id,
       r.active_start_count,
       r.active_start_count - r.churned_count AS retained_count,
       r.churned_count, r.won_back_count, r.new_count,
       r.revenue,
       r.revenue * r.active_start_count AS revenue_retained,
       %(churn)s AS churn_rate,
       %(retention)s AS retention_rate""",
            id=self._id_sql(),
            tier=self._tier_sql(),
            churn=SQL("100.0 * r.churned_count / NULLIF(r.active_start_count, 0)"),
            retention=SQL(
                "100.0 * (r.active_start_count - r.churned_count) "
                "/ NULLIF(r.active_start_count, 0)"
            ),
        )

    def _tier_sql(self):
        """The customer's current tier; during a regrade (context key
        ``logistics_retention_tier_table``, the engine's result table) the
        tier that regrade gives it, so that the churn rates its lifetime values
        use are those of the tiers it writes (a second regrade then finds the
        same rates and writes nothing)."""
        current = SQL("(rp.customer_tier_id ->> r.company_id::text)::int")
        table = self.env.context.get("logistics_retention_tier_table")
        if not table:
            return current
        return SQL(
            "COALESCE(CASE WHEN g.locked THEN g.previous_tier_id "
            "ELSE g.computed_tier_id END, %s)",
            current,
        )

    def _id_sql(self):
        # a stable id of (customer, company, month) that keeps filters on
        # the company and customer pushed down to the orders (a window
        # function over the rows would not)
        return SQL(
            "r.partner_id::bigint * 100000000 + r.company_id * 100000 "
            "+ (extract(year FROM r.month) * 12 + extract(month FROM r.month))::int"
        )

    def _from(self):
        table = self.env.context.get("logistics_retention_tier_table")
        return SQL(
            "per_month r JOIN res_partner rp ON rp.id = r.partner_id%s",
            SQL(" LEFT JOIN %s g ON g.partner_id = r.partner_id", SQL.identifier(table))
            if table
            else SQL(),
        )

    @property
    def _table_query(self):
        return SQL(
            "WITH %s SELECT %s FROM %s", self._with(), self._select(), self._from()
        )

    @api.model
    def _annual_churn_rates(self, company, today, tier_table=None):
        """The observed annual churn rate (a fraction) of each current tier of
        ``company``: 12 x churned / active at start, summed over the 12
        complete months before ``today``. Tiers without customers active at
        the start of those months are left out."""
        first = today.replace(day=1) - relativedelta(months=12)
        last = today.replace(day=1) - relativedelta(days=1)
        report = self.sudo().with_context(
            logistics_retention_today=today,
            logistics_retention_tier_table=tier_table,
        )
        groups = report._read_group(
            [
                ("company_id", "=", company.id),
                ("date", ">=", first),
                ("date", "<=", last),
                ("active_start_count", ">", 0),
            ],
            ["tier_id"],
            ["churned_count:sum", "active_start_count:sum"],
        )
        return {
            tier.id: 12.0 * churned / active
            for tier, churned, active in groups
            if tier and active
        }
