import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CRITERIA = (
    "revenue",
    "margin",
    "frequency",
    "recency",
    "growth",
    "payment",
    "potential",
    "complaints",
)

# Partner columns written by a regrade (all company-dependent jsonb columns),
# mapped to the column of the temporary result table that feeds them.
PARTNER_COLUMNS = {
    "customer_score": "score",
    "customer_tier_id": "tier_id",
    "customer_tier_computed_id": "computed_tier_id",
    "customer_tier_locked": "locked",
    "customer_tier_lock_reason": "lock_reason",
    "customer_tier_lock_until": "lock_until",
    "customer_lifecycle": "lifecycle",
    "customer_rfm": "rfm",
    "customer_rfm_segment": "rfm_segment",
    "customer_graded_on": "graded_on",
    "customer_revenue": "revenue",
    "customer_margin": "margin",
    "customer_order_count": "frequency",
    "customer_recency_days": "recency",
    "customer_growth": "growth",
    "customer_overdue_ratio": "payment",
    "customer_revenue_score": "s_revenue",
    "customer_margin_score": "s_margin",
    "customer_frequency_score": "s_frequency",
    "customer_recency_score": "s_recency",
    "customer_growth_score": "s_growth",
    "customer_payment_score": "s_payment",
    "customer_potential_score": "s_potential",
    "customer_complaint_ratio": "complaints",
    "customer_complaint_score": "s_complaints",
}

RESULT_TABLE = "logistics_crm_grade_result"

# Partner columns that a manager's tier lock owns. A regrade writes them from
# the row as it is when the batch is written, not from the snapshot the scores
# were computed from, so a lock set or lifted during a regrade is kept.
LOCK_COLUMNS = (
    "customer_tier_id",
    "customer_tier_locked",
    "customer_tier_lock_reason",
    "customer_tier_lock_until",
)

# Session-level advisory lock key (first half) that serialises the regrades of
# one company across workers and processes; the second half is the company id.
GRADING_LOCK_KEY = 0x4C43524D  # "LCRM"

# Populations above this many customers are regraded in the background by the
# cron when a user asks for it (ir.config_parameter overrides the default).
SYNC_LIMIT_PARAM = "logistics_crm.grading_sync_limit"
SYNC_LIMIT_DEFAULT = 5000
BATCH_SIZE_PARAM = "logistics_crm.grading_batch_size"
BATCH_SIZE_DEFAULT = 5000


class LogisticsGradingPolicy(models.Model):
    _name = "logistics.grading.policy"
    _description = "Customer Grading Policy"
    _rec_name = "company_id"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    window_days = fields.Integer(
        string="Window (days)",
        default=365,
        help="Trailing window, ending today, over which revenue, margin, "
        "frequency, growth and payment behaviour are measured.",
    )
    weight_revenue = fields.Float(string="Revenue weight", default=30.0)
    weight_margin = fields.Float(string="Margin weight", default=20.0)
    weight_frequency = fields.Float(string="Frequency weight", default=15.0)
    weight_recency = fields.Float(string="Recency weight", default=10.0)
    weight_growth = fields.Float(string="Growth weight", default=10.0)
    weight_payment = fields.Float(string="Payment weight", default=5.0)
    weight_potential = fields.Float(string="Potential weight", default=5.0)
    weight_complaints = fields.Float(
        string="Complaints weight",
        default=5.0,
        help="Complaints per confirmed order in the window; fewer is better.",
    )
    weight_total = fields.Float(compute="_compute_weight_total")
    lifecycle_new_days = fields.Integer(
        string="New customer (days)",
        default=90,
        help="A customer whose first order is this recent is New; a customer who "
        "ordered this recently after a long gap is Won back.",
    )
    lifecycle_lost_days = fields.Integer(
        string="Lost after (days)",
        default=365,
        help="A customer without an order for this long is Lost; a gap this long "
        "before a recent order makes the customer Won back.",
    )
    lifecycle_at_risk_min_days = fields.Integer(
        string="At risk after at least (days)", default=30
    )
    lifecycle_at_risk_factor = fields.Float(
        string="At risk gap factor",
        default=2.0,
        help="A customer is At risk when the days since the last order exceed "
        "this factor times the customer's median gap between orders.",
    )
    lifecycle_single_order_days = fields.Integer(
        string="At risk, one-order customers (days)", default=180
    )
    last_run = fields.Datetime(readonly=True, copy=False)
    last_run_count = fields.Integer(
        string="Customers graded in last run", readonly=True, copy=False
    )
    regrade_requested_uid = fields.Many2one(
        "res.users",
        string="Regrade requested by",
        readonly=True,
        copy=False,
        help="Set while a regrade asked for from the screen runs in the "
        "background; this user is notified when it is done.",
    )
    regrade_requested_on = fields.Datetime(readonly=True, copy=False)

    _company_uniq = models.Constraint(
        "UNIQUE(company_id)", "A company has one grading policy."
    )

    @api.depends(*(f"weight_{c}" for c in CRITERIA))
    def _compute_weight_total(self):
        for policy in self:
            policy.weight_total = sum(policy[f"weight_{c}"] for c in CRITERIA)

    @api.constrains(
        "window_days",
        "lifecycle_new_days",
        "lifecycle_lost_days",
        "lifecycle_at_risk_min_days",
        "lifecycle_at_risk_factor",
        "lifecycle_single_order_days",
        *(f"weight_{c}" for c in CRITERIA),
    )
    def _check_values(self):
        for policy in self:
            labels = {
                name: field.get_description(self.env)["string"]
                for name, field in self._fields.items()
            }
            negative = [
                labels[f"weight_{c}"] for c in CRITERIA if policy[f"weight_{c}"] < 0
            ]
            if negative:
                raise ValidationError(
                    self.env._(
                        "Grading weights cannot be negative: %(weights)s.",
                        weights=", ".join(negative),
                    )
                )
            if policy.weight_total <= 0:
                raise ValidationError(
                    self.env._(
                        "At least one grading weight must be positive: the score "
                        "is the weighted mean of the criteria."
                    )
                )
            if policy.window_days < 2:
                raise ValidationError(
                    self.env._("The grading window must be at least 2 days.")
                )
            if (
                min(
                    policy.lifecycle_new_days,
                    policy.lifecycle_lost_days,
                    policy.lifecycle_at_risk_min_days,
                    policy.lifecycle_single_order_days,
                )
                < 1
                or policy.lifecycle_at_risk_factor <= 0
            ):
                raise ValidationError(
                    self.env._("Lifecycle thresholds must be positive.")
                )

    @api.model
    def _get_for_company(self, company):
        """The grading policy of ``company``, created with defaults if missing."""
        policy = self.sudo().search([("company_id", "=", company.id)], limit=1)
        return policy or self.sudo().create({"company_id": company.id})

    def _check_can_grade(self):
        if not (
            self.env.su
            or self.env.user.has_group("logistics_crm.logistics_crm_group_manager")
        ):
            raise AccessError(
                self.env._("Only Logistics CRM administrators can regrade customers.")
            )

    def action_compute_grades(self):
        """Regrade every customer of the policies' companies.

        Small populations are regraded at once. Larger ones are handed to the
        regrade cron, which commits batch by batch and notifies the user when
        it is done, so the screen never freezes on a long regrade."""
        self._check_can_grade()
        limit = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(SYNC_LIMIT_PARAM, SYNC_LIMIT_DEFAULT)
        )
        sizes = self._population_sizes()
        background = self.filtered(lambda p: sizes.get(p.company_id.id, 0) > limit)
        count = sum(policy.sudo()._compute_grades() for policy in self - background)
        if background:
            background.sudo().write(
                {
                    "regrade_requested_uid": self.env.uid,
                    "regrade_requested_on": fields.Datetime.now(),
                }
            )
            self.env.ref("logistics_crm.ir_cron_compute_grades").sudo()._trigger()
            message = self.env._(
                "%(count)s customers are being regraded in the background. You "
                "will be notified when it is done.",
                count=sum(sizes.get(p.company_id.id, 0) for p in background),
            )
            if count:
                message = "%s %s" % (
                    self.env._("%(count)s customers were graded.", count=count),
                    message,
                )
            return self._notification(self.env._("Regrade started"), message, "info")
        return self._notification(
            self.env._("Customers regraded"),
            self.env._("%(count)s customers were graded.", count=count),
            "success",
        )

    def _notification(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "title": title,
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _population_sizes(self):
        """Number of customers a regrade of each policy's company grades."""
        groups = (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [("state", "=", "sale"), ("company_id", "in", self.company_id.ids)],
                ["company_id"],
                ["partner_id:count_distinct"],
            )
        )
        return {company.id: count for company, count in groups}

    @api.model
    def _cron_compute_grades(self):
        """Regrade the customers of every company with confirmed orders; when
        users asked for regrades, only the companies they asked for."""
        requested = self.sudo().search([("regrade_requested_uid", "!=", False)])
        if requested:
            policies = requested
        else:
            companies = {
                company
                for (company,) in self.env["sale.order"]._read_group(
                    [("state", "=", "sale")], ["company_id"]
                )
            }
            policies = self.browse()
            for company in companies:
                policies |= self._get_for_company(company)
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        for policy in policies:
            try:
                count = policy._compute_grades(commit=in_cron)
            except UserError as error:
                # another worker is regrading this company right now
                _logger.info("Regrade of %s skipped: %s", policy.company_id.name, error)
                continue
            requester = policy.regrade_requested_uid
            if requester:
                policy.write({"regrade_requested_uid": False})
                env = policy.with_context(lang=requester.lang).env
                requester._bus_send(
                    "simple_notification",
                    {
                        "type": "success",
                        "title": env._("Customers regraded"),
                        "message": env._(
                            "%(count)s customers of %(company)s were graded.",
                            count=count,
                            company=policy.company_id.name,
                        ),
                    },
                )
                if in_cron:
                    self.env["ir.cron"]._commit_progress()

    # ------------------------------------------------------------------
    # Grading engine
    # ------------------------------------------------------------------

    def _compute_grades(self, today=None, commit=False, batch_size=None):
        """Grade the whole customer population of the policy's company.

        The computation is a fixed number of SQL statements: one statement
        builds every customer's criteria, sub-scores, tier, lifecycle and RFM
        into a temporary table, then the results are written in batches of
        ``batch_size`` customers (history rows, chatter notes, partner values).
        With ``commit`` each batch is committed, so partner rows are never
        locked for the whole run. A run killed after some batches leaves those
        customers graded; the next run finds their scores unchanged and adds
        no second history row or chatter note for them.

        Two regrades of one company never run at once (in any worker or
        process): the second one is refused with a UserError, and a cron run
        stops when a regrade from the screen takes over between two batches.

        :return: number of customers graded
        """
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        batch_size = batch_size or int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(BATCH_SIZE_PARAM, BATCH_SIZE_DEFAULT)
        )
        cr = self.env.cr
        self.env.flush_all()
        self._acquire_grading_lock()
        self._build_results(today)
        cr.execute(
            SQL(
                "SELECT partner_id FROM %s ORDER BY partner_id",
                SQL.identifier(RESULT_TABLE),
            )
        )
        partner_ids = [row[0] for row in cr.fetchall()]
        total = len(partner_ids)
        now = fields.Datetime.now()
        for start in range(0, total, batch_size):
            chunk = partner_ids[start : start + batch_size]
            self._write_batch(chunk[0], chunk[-1], now, today)
            if commit:
                self.env["ir.cron"]._commit_progress(
                    len(chunk), remaining=total - start - len(chunk)
                )
                # the lock ended with the transaction: take it again, or stop
                # if a regrade started from the screen meanwhile (it grades
                # the whole population itself)
                self._acquire_grading_lock()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(RESULT_TABLE)))
        self.write({"last_run": now, "last_run_count": total})
        self.env["res.partner"].invalidate_model(
            list(PARTNER_COLUMNS) + ["customer_tier_mismatch"]
        )
        _logger.info(
            "Graded %s customers of company %s", total, self.company_id.display_name
        )
        return total

    def _acquire_grading_lock(self):
        """Take the company's regrade lock until the end of the transaction,
        or refuse: two regrades of one company never run at once, in any
        worker or process."""
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                GRADING_LOCK_KEY,
                self.company_id.id,
            )
        )
        if not self.env.cr.fetchone()[0]:
            raise UserError(
                self.env._(
                    "Customers of %(company)s are being regraded right now. Try "
                    "again when that regrade is done.",
                    company=self.company_id.name,
                )
            )

    def _build_results(self, today):
        cid = self.company_id.id
        ckey = str(cid)
        start = today - timedelta(days=self.window_days - 1)
        mid = start + timedelta(days=self.window_days // 2)
        tiers = self.env["logistics.customer.tier"]._for_company(self.company_id)
        weights = {c: self[f"weight_{c}"] for c in CRITERIA}
        wsum = sum(weights.values())

        def sub_score(column, direction):
            return SQL(
                "CASE WHEN count(*) OVER () = 1 THEN 100.0 ELSE "
                "100.0 * percent_rank() OVER (ORDER BY %s %s) END",
                SQL.identifier(column),
                SQL(direction),
            )

        def jsonb_value(column, cast):
            return SQL("(p.%s ->> %s)::%s", SQL.identifier(column), ckey, SQL(cast))

        def quintile(column):
            return SQL("LEAST(5, 1 + floor(%s / 20.0))::int", SQL.identifier(column))

        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(RESULT_TABLE)))
        # JIT compilation costs more than it saves on this one-pass aggregate
        # (benchmark: 1.7 s -> 0.3 s at 1,000 customers, 4.3 s -> 2.6 s at 10,000)
        cr.execute(SQL("SET LOCAL jit = off"))
        cr.execute(
            SQL(
                """
CREATE TEMP TABLE %(table)s AS
WITH orders AS (
    SELECT p.commercial_partner_id AS partner_id,
           o.date_order::date AS day,
           o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1.0) AS revenue,
           COALESCE(o.margin, 0) / COALESCE(NULLIF(o.currency_rate, 0), 1.0)
               AS margin
      FROM sale_order o
      JOIN res_partner p ON p.id = o.partner_id
     WHERE o.company_id = %(cid)s AND o.state = 'sale'
), gaps AS (
    SELECT *, day - lag(day) OVER (PARTITION BY partner_id ORDER BY day) AS gap
      FROM orders
), per_customer AS (
    SELECT partner_id,
           COALESCE(sum(revenue) FILTER (WHERE day BETWEEN %(start)s AND %(today)s),
                    0) AS revenue,
           COALESCE(sum(margin) FILTER (WHERE day BETWEEN %(start)s AND %(today)s),
                    0) AS margin,
           count(*) FILTER (WHERE day BETWEEN %(start)s AND %(today)s) AS frequency,
           COALESCE(sum(revenue) FILTER (WHERE day >= %(start)s AND day < %(mid)s),
                    0) AS r1,
           COALESCE(sum(revenue) FILTER (WHERE day >= %(mid)s AND day <= %(today)s),
                    0) AS r2,
           min(day) AS first_day,
           max(day) AS last_day,
           count(*) AS orders_all,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap,
           max(gap) FILTER (WHERE day > %(today)s - %(new_days)s) AS recent_gap
      FROM gaps
     GROUP BY partner_id
), invoices AS (
    SELECT m.commercial_partner_id AS partner_id,
           sum(m.amount_total_signed) AS invoiced,
           COALESCE(sum(m.amount_residual_signed) FILTER (
               WHERE m.invoice_date_due < %(today)s
                 AND m.payment_state IN ('not_paid', 'partial')), 0) AS overdue
      FROM account_move m
     WHERE m.company_id = %(cid)s
       AND m.move_type = 'out_invoice'
       AND m.state = 'posted'
       AND m.invoice_date BETWEEN %(start)s AND %(today)s
     GROUP BY m.commercial_partner_id
), complaints AS (
    SELECT c.commercial_partner_id AS partner_id, count(*) AS complaints
      FROM logistics_complaint c
      LEFT JOIN logistics_complaint_stage s ON s.id = c.stage_id
     WHERE c.company_id = %(cid)s
       AND c.active
       AND c.to_confirm IS NOT TRUE
       AND c.date_reported::date BETWEEN %(start)s AND %(today)s
       AND NOT COALESCE(s.is_cancelled, FALSE)
     GROUP BY c.commercial_partner_id
), criteria AS (
    SELECT c.*,
           GREATEST(%(today)s - c.last_day, 0) AS recency,
           (c.r2 - c.r1) / GREATEST(c.r1, 1) AS growth,
           CASE WHEN i.invoiced > 0 THEN i.overdue / i.invoiced ELSE 0 END
               AS payment,
           COALESCE(k.complaints, 0)::numeric / GREATEST(c.frequency, 1)
               AS complaints,
           CASE %(potential)s
                WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1
                ELSE 0 END AS potential,
           %(locked)s AS was_locked,
           %(lock_until)s AS was_lock_until,
           %(lock_reason)s AS was_lock_reason,
           %(prev_tier)s AS previous_tier_id,
           %(prev_score)s AS previous_score
      FROM per_customer c
      JOIN res_partner p ON p.id = c.partner_id
      LEFT JOIN invoices i ON i.partner_id = c.partner_id
      LEFT JOIN complaints k ON k.partner_id = c.partner_id
), scored AS (
    SELECT *,
           %(s_revenue)s AS s_revenue,
           %(s_margin)s AS s_margin,
           %(s_frequency)s AS s_frequency,
           %(s_recency)s AS s_recency,
           %(s_growth)s AS s_growth,
           %(s_payment)s AS s_payment,
           %(s_potential)s AS s_potential,
           %(s_complaints)s AS s_complaints
      FROM criteria
), graded AS (
    SELECT *,
           round(((%(w_revenue)s * s_revenue + %(w_margin)s * s_margin
                  + %(w_frequency)s * s_frequency + %(w_recency)s * s_recency
                  + %(w_growth)s * s_growth + %(w_payment)s * s_payment
                  + %(w_potential)s * s_potential
                  + %(w_complaints)s * s_complaints) / %(wsum)s)::numeric, 2)
               AS score
      FROM scored
)
SELECT g.*,
       t.id AS computed_tier_id,
       (g.was_locked AND (g.was_lock_until IS NULL
                          OR g.was_lock_until >= %(today)s)) AS locked,
       CASE
           WHEN g.first_day > %(today)s - %(new_days)s THEN 'new'
           WHEN %(today)s - g.last_day >= %(lost_days)s THEN 'lost'
           WHEN g.last_day > %(today)s - %(new_days)s
                AND g.recent_gap >= %(lost_days)s THEN 'won_back'
           WHEN (g.orders_all = 1 AND %(today)s - g.last_day > %(single_days)s)
             OR (g.orders_all > 1 AND %(today)s - g.last_day
                 > GREATEST(%(risk_min)s, %(risk_factor)s * g.median_gap))
               THEN 'at_risk'
           ELSE 'active'
       END AS lifecycle,
       %(q_recency)s AS rfm_r,
       %(q_frequency)s AS rfm_f,
       %(q_revenue)s AS rfm_m
  FROM graded g
  LEFT JOIN LATERAL (
       SELECT tier.id
         FROM logistics_customer_tier tier
        WHERE tier.id = ANY(%(tier_ids)s) AND tier.min_score <= g.score
        ORDER BY tier.min_score DESC, tier.sequence, tier.id
        LIMIT 1
  ) t ON TRUE
""",
                table=SQL.identifier(RESULT_TABLE),
                cid=cid,
                start=start,
                mid=mid,
                today=today,
                new_days=self.lifecycle_new_days,
                lost_days=self.lifecycle_lost_days,
                single_days=self.lifecycle_single_order_days,
                risk_min=self.lifecycle_at_risk_min_days,
                risk_factor=self.lifecycle_at_risk_factor,
                potential=jsonb_value("customer_potential", "text"),
                locked=SQL(
                    "COALESCE(%s, FALSE)",
                    jsonb_value("customer_tier_locked", "boolean"),
                ),
                lock_until=jsonb_value("customer_tier_lock_until", "date"),
                lock_reason=jsonb_value("customer_tier_lock_reason", "text"),
                prev_tier=jsonb_value("customer_tier_id", "int"),
                prev_score=jsonb_value("customer_score", "numeric"),
                s_revenue=sub_score("revenue", "ASC"),
                s_margin=sub_score("margin", "ASC"),
                s_frequency=sub_score("frequency", "ASC"),
                s_recency=sub_score("recency", "DESC"),
                s_growth=sub_score("growth", "ASC"),
                s_payment=sub_score("payment", "DESC"),
                s_potential=sub_score("potential", "ASC"),
                s_complaints=sub_score("complaints", "DESC"),
                wsum=wsum,
                tier_ids=tiers.ids,
                q_recency=quintile("s_recency"),
                q_frequency=quintile("s_frequency"),
                q_revenue=quintile("s_revenue"),
                **{f"w_{c}": w for c, w in weights.items()},
            )
        )
        # Final values derived from the columns above, in one pass.
        cr.execute(
            SQL(
                """
ALTER TABLE %(table)s
    ADD COLUMN tier_id integer,
    ADD COLUMN lock_reason varchar,
    ADD COLUMN lock_until date,
    ADD COLUMN rfm varchar,
    ADD COLUMN rfm_segment varchar,
    ADD COLUMN graded_on varchar,
    ADD PRIMARY KEY (partner_id);
UPDATE %(table)s SET
    tier_id = CASE WHEN locked THEN previous_tier_id ELSE computed_tier_id END,
    lock_reason = CASE WHEN locked THEN was_lock_reason END,
    lock_until = CASE WHEN locked THEN was_lock_until END,
    rfm = concat_ws('-', rfm_r, rfm_f, rfm_m),
    rfm_segment = CASE
        WHEN rfm_r >= 4 AND rfm_f >= 4 AND rfm_m >= 4 THEN 'champions'
        WHEN rfm_r <= 2 AND rfm_f >= 4 AND rfm_m >= 4 THEN 'cannot_lose'
        WHEN rfm_r <= 2 AND rfm_f >= 3 THEN 'at_risk'
        WHEN rfm_r >= 3 AND rfm_f >= 4 THEN 'loyal'
        WHEN rfm_r >= 4 AND rfm_f >= 2 THEN 'potential_loyalist'
        WHEN rfm_r >= 4 THEN 'new'
        WHEN rfm_r = 3 AND rfm_f >= 3 THEN 'need_attention'
        WHEN rfm_r = 3 THEN 'about_to_sleep'
        WHEN rfm_r = 1 AND rfm_f <= 2 THEN 'lost'
        ELSE 'hibernating'
    END,
    graded_on = %(now)s
""",
                table=SQL.identifier(RESULT_TABLE),
                now=fields.Datetime.to_string(fields.Datetime.now()),
            )
        )

    def _write_batch(self, first_id, last_id, now, today):
        """Write history, chatter notes and partner values for the results of
        customers ``first_id`` to ``last_id`` (inclusive)."""
        cr = self.env.cr
        cid = self.company_id.id
        table = SQL.identifier(RESULT_TABLE)
        in_batch = SQL("r.partner_id BETWEEN %s AND %s", first_id, last_id)
        cr.execute(
            SQL(
                """
INSERT INTO logistics_grade_history (
    partner_id, company_id, date, score, previous_score, tier_id,
    previous_tier_id, computed_tier_id, tier_locked, lifecycle, rfm,
    revenue, margin, frequency, recency_days, growth, overdue_ratio, potential,
    revenue_score, margin_score, frequency_score, recency_score, growth_score,
    payment_score, potential_score, complaint_ratio, complaint_score,
    create_uid, create_date, write_uid, write_date)
SELECT r.partner_id, %(cid)s, %(now)s, r.score, r.previous_score, r.tier_id,
       r.previous_tier_id, r.computed_tier_id, r.locked, r.lifecycle, r.rfm,
       r.revenue, r.margin, r.frequency, r.recency, r.growth, r.payment,
       r.potential, r.s_revenue, r.s_margin, r.s_frequency, r.s_recency,
       r.s_growth, r.s_payment, r.s_potential, r.complaints, r.s_complaints,
       %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM %(table)s r
 WHERE %(in_batch)s
   AND (r.previous_score IS DISTINCT FROM r.score
        OR r.previous_tier_id IS DISTINCT FROM r.tier_id)
RETURNING partner_id, previous_tier_id, tier_id, score
""",
                cid=cid,
                now=now,
                uid=self.env.uid,
                table=table,
                in_batch=in_batch,
            )
        )
        tier_changes = [row for row in cr.fetchall() if row[1] != row[2]]
        if tier_changes:
            self._log_tier_changes(tier_changes)
        ckey = str(cid)

        def assign(column, source):
            return SQL(
                "CASE WHEN %(src)s IS NULL "
                "THEN COALESCE(p.%(col)s, '{}'::jsonb) - %(ckey)s "
                "ELSE COALESCE(p.%(col)s, '{}'::jsonb) "
                "|| jsonb_build_object(%(ckey)s, %(src)s) END",
                col=SQL.identifier(column),
                src=source,
                ckey=ckey,
            )

        # The lock as it is on the row now (a manager may have set or lifted
        # it since the results were computed): a live lock keeps its tier and
        # lock columns; otherwise the computed tier applies, unlocked.
        live_lock = SQL(
            "(COALESCE((p.customer_tier_locked ->> %(ckey)s)::boolean, FALSE) "
            "AND (p.customer_tier_lock_until ->> %(ckey)s IS NULL "
            "OR (p.customer_tier_lock_until ->> %(ckey)s)::date >= %(today)s))",
            ckey=ckey,
            today=today,
        )
        unlocked = {
            "customer_tier_id": SQL("r.computed_tier_id"),
            "customer_tier_locked": SQL("FALSE"),
            "customer_tier_lock_reason": SQL("NULL::varchar"),
            "customer_tier_lock_until": SQL("NULL::date"),
        }
        assignments = SQL(", ").join(
            SQL(
                "%s = CASE WHEN %s THEN p.%s ELSE %s END",
                SQL.identifier(column),
                live_lock,
                SQL.identifier(column),
                assign(column, unlocked[column]),
            )
            if column in LOCK_COLUMNS
            else SQL(
                "%s = %s",
                SQL.identifier(column),
                assign(column, SQL("r.%s", SQL.identifier(source))),
            )
            for column, source in PARTNER_COLUMNS.items()
        )
        cr.execute(
            SQL(
                """
UPDATE res_partner p
   SET %(assignments)s, write_date = %(now)s, write_uid = %(uid)s
  FROM %(table)s r
 WHERE p.commercial_partner_id = r.partner_id AND %(in_batch)s
""",
                assignments=assignments,
                now=now,
                uid=self.env.uid,
                table=table,
                in_batch=in_batch,
            )
        )

    def _log_tier_changes(self, changes):
        tier_ids = {tier_id for row in changes for tier_id in row[1:3] if tier_id}
        names = {
            tier.id: tier.display_name
            for tier in self.env["logistics.customer.tier"]
            .with_context(active_test=False)
            .browse(tier_ids)
        }
        none = self.env._("none")
        bodies = {
            partner_id: Markup("<p>%s</p>")
            % self.env._(
                "Customer tier in %(company)s: %(old)s → %(new)s (score %(score)s).",
                company=self.company_id.name,
                old=names.get(old, none),
                new=names.get(new, none),
                score=score,
            )
            for partner_id, old, new, score in changes
        }
        partners = self.env["res.partner"].browse(list(bodies))
        partners._message_log_batch(bodies=bodies)

    @api.model
    def _action_open_company_policy(self):
        policy = self._get_for_company(self.env.company)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Grading Policy"),
            "res_model": self._name,
            "res_id": policy.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
