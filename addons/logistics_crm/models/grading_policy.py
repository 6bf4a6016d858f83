import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .grading_engine import CRITERIA, RESULT_TABLE

_logger = logging.getLogger(__name__)

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
    complaint_ratio_zero = fields.Float(
        string="Complaints per order scoring 0",
        default=0.2,
        help="The complaints sub-score is 100 x (1 - complaints per order / this "
        "ratio): no complaint scores 100, this ratio or worse scores 0.",
    )
    weight_net_margin = fields.Float(
        string="Net margin weight",
        default=0.0,
        help="Margin less the cost to serve over the window; more is better.",
    )
    weight_total = fields.Float(compute="_compute_weight_total")
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost_per_complaint = fields.Monetary(
        default=0.0,
        help="Handling cost of one complaint, added to the cost to serve of "
        "the customer for each complaint reported in the window.",
    )
    cost_per_return = fields.Monetary(
        default=0.0,
        help="Handling cost of one return, added to the cost to serve of the "
        "customer for each return of its deliveries received in the window.",
    )
    clv_discount_rate = fields.Float(
        string="CLV discount rate (%/year)",
        default=10.0,
        help="Annual rate at which the future net margins of the customer "
        "lifetime value are discounted.",
    )
    clv_max_years = fields.Float(
        string="CLV lifetime cap (years)",
        default=5.0,
        help="The expected lifetime is 1 / the annual churn rate of the "
        "customer's tier, at most this many years (and this many years when "
        "the tier has not churned).",
    )
    score_trend_tolerance = fields.Float(
        string="Score trend tolerance (points)",
        default=2.0,
        help="A score that moved by this much or less since the previous grade "
        "shows as flat; more shows as up or down.",
    )
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
        "complaint_ratio_zero",
        "score_trend_tolerance",
        "cost_per_complaint",
        "cost_per_return",
        "clv_discount_rate",
        "clv_max_years",
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
            if policy.complaint_ratio_zero <= 0:
                raise ValidationError(
                    self.env._(
                        "The complaints per order that score 0 must be positive."
                    )
                )
            if policy.score_trend_tolerance < 0:
                raise ValidationError(
                    self.env._("The score trend tolerance cannot be negative.")
                )
            if min(policy.cost_per_complaint, policy.cost_per_return) < 0:
                raise ValidationError(
                    self.env._(
                        "The costs per complaint and per return cannot be negative."
                    )
                )
            if policy.clv_discount_rate < 0 or policy.clv_max_years <= 0:
                raise ValidationError(
                    self.env._(
                        "The CLV discount rate cannot be negative and the CLV "
                        "lifetime cap must be positive."
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
            if count is None:
                # the run's time is up: the cron runs again (the remaining
                # count it was given) and notifies then
                break
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
                if in_cron and not self.env["ir.cron"]._commit_progress():
                    break

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

        In a cron run, when ``_commit_progress`` says the run's time is up,
        the regrade stops after the batch: Odoo runs the cron again for the
        remaining customers (it regrades them all, finding the done ones
        unchanged).

        :return: number of customers graded, or None when stopped for time
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
        criteria = self._build_results(today)
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
            self._write_batch(chunk[0], chunk[-1], now, today, criteria)
            if commit:
                remaining = total - start - len(chunk)
                time_left = self.env["ir.cron"]._commit_progress(
                    len(chunk), remaining=remaining
                )
                if remaining and not time_left:
                    _logger.info(
                        "Regrade of %s stopped for time, %s customers left",
                        self.company_id.display_name,
                        remaining,
                    )
                    cr.execute(
                        SQL("DROP TABLE IF EXISTS %s", SQL.identifier(RESULT_TABLE))
                    )
                    self.env["logistics.grading.engine"]._invalidate()
                    return None
                # the lock ended with the transaction: take it again, or stop
                # if a regrade started from the screen meanwhile (it grades
                # the whole population itself)
                self._acquire_grading_lock()
        # what a whole regrade feeds once (bridges: cross-sell suggestions)
        self.env["logistics.grading.engine"]._after_regrade(
            self, RESULT_TABLE, now, today
        )
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(RESULT_TABLE)))
        self.write({"last_run": now, "last_run_count": total})
        self.env["logistics.grading.engine"]._invalidate()
        # the KPI trigger of the retention rules, checked daily and here
        self.env["logistics.retention.rule"]._check_kpi(self.company_id, today)
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
        """Compute the grades of the company's customers into the engine's
        temporary result table; return the criteria used."""
        self.ensure_one()
        return self.env["logistics.grading.engine"]._build_results(self, today)

    def _write_batch(self, first_id, last_id, now, today, criteria=None):
        """Write the results of customers ``first_id`` to ``last_id``."""
        self.ensure_one()
        engine = self.env["logistics.grading.engine"]
        criteria = criteria or engine._grading_criteria(self, today)
        engine._write_batch(self, criteria, first_id, last_id, now, today)

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
