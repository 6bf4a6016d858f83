from bisect import bisect_left, bisect_right
from datetime import timedelta
from itertools import accumulate

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL


class LogisticsSlaPolicy(models.Model):
    _name = "logistics.sla.policy"
    _description = "Service-Level Agreement Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    tier_ids = fields.Many2many(
        "logistics.customer.tier",
        "logistics_sla_policy_tier_rel",
        "policy_id",
        "tier_id",
        string="Tiers",
        help="Customers of these tiers get this policy, unless a policy names "
        "them. Leave tiers and customers empty for the company default.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "logistics_sla_policy_partner_rel",
        "policy_id",
        "partner_id",
        string="Customers",
        domain="[('is_company', '=', True)]",
        help="Customers named here get this policy whatever their tier.",
    )
    date_start = fields.Date(string="Valid From", tracking=True)
    date_end = fields.Date(string="Valid Until", tracking=True)
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Time",
        required=True,
        default=lambda s: s.env.company.resource_calendar_id,
        help="Deadlines count the working time of this calendar, public holidays "
        "excluded.",
    )
    delivery_lead_days = fields.Integer(
        string="Delivery Lead Time (working days)",
        default=3,
        help="Working days from the order confirmation to the last delivery. The "
        "confirmation day counts when it still has working time left.",
    )
    on_time_target = fields.Float(string="On-time Target (%)", default=95.0)
    otif_target = fields.Float(string="OTIF Target (%)", default=90.0)
    fill_rate_target = fields.Float(string="Fill Rate Target (%)", default=98.0)
    damage_rate_max = fields.Float(string="Max Damage Rate (%)", default=1.0)
    warn_before_hours = fields.Float(
        string="Warn Before (hours)",
        default=4.0,
        help="Statuses turn to warning this many hours before their deadline, and "
        "the responsible person gets an activity.",
    )
    target_ids = fields.One2many(
        "logistics.sla.target", "policy_id", string="Complaint Targets", copy=True
    )
    escalation_ids = fields.One2many(
        "logistics.sla.escalation",
        "policy_id",
        string="Escalation Ladder",
        copy=True,
        help="Levels fired once each on a late delivery or complaint still open, "
        "when the working hours past its deadline reach the level's hours.",
    )
    description = fields.Text(translate=True)
    status_count = fields.Integer(compute="_compute_status_count")

    @api.constrains(
        "on_time_target",
        "otif_target",
        "fill_rate_target",
        "damage_rate_max",
        "delivery_lead_days",
        "warn_before_hours",
        "date_start",
        "date_end",
    )
    def _check_values(self):
        for policy in self:
            rates = (
                policy.on_time_target,
                policy.otif_target,
                policy.fill_rate_target,
                policy.damage_rate_max,
            )
            if any(not 0 <= rate <= 100 for rate in rates):
                raise ValidationError(
                    self.env._(
                        "SLA targets of %(policy)s are percentages: they must be "
                        "between 0 and 100.",
                        policy=policy.name,
                    )
                )
            if policy.delivery_lead_days < 0 or policy.warn_before_hours < 0:
                raise ValidationError(
                    self.env._(
                        "Lead days and warning hours of %(policy)s cannot be negative.",
                        policy=policy.name,
                    )
                )
            if (
                policy.date_start
                and policy.date_end
                and policy.date_end < policy.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "The validity of %(policy)s ends before it starts.",
                        policy=policy.name,
                    )
                )

    def _compute_status_count(self):
        counts = dict(
            self.env["logistics.sla.status"]._read_group(
                [("policy_id", "in", self.ids)], ["policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.status_count = counts.get(policy, 0)

    @api.model
    def _precedence_query(self, targets, date):
        """SQL of the policy that applies to each row of ``targets``, an SQL
        relation with the columns ``company_id``, ``partner_id`` (commercial)
        and ``tier_id`` (its tier in that company): among the active policies
        of the company valid on ``date``, one naming the customer, else one
        naming its tier, else the company default (no tier, no customer), the
        lowest sequence first. Rows ``(company_id, partner_id, policy_id)``,
        none for a customer without policy. The one place of the precedence:
        :meth:`_policies_for` and the scorecard both run it."""
        return SQL(
            """
SELECT DISTINCT ON (t.company_id, t.partner_id)
       t.company_id, t.partner_id, sp.id AS policy_id
  FROM (%(targets)s) t
  JOIN logistics_sla_policy sp
    ON sp.company_id = t.company_id AND sp.active
   AND (sp.date_start IS NULL OR sp.date_start <= %(date)s)
   AND (sp.date_end IS NULL OR sp.date_end >= %(date)s)
 CROSS JOIN LATERAL (
       SELECT CASE
              WHEN EXISTS (SELECT 1 FROM logistics_sla_policy_partner_rel r
                            WHERE r.policy_id = sp.id
                              AND r.partner_id = t.partner_id) THEN 0
              WHEN EXISTS (SELECT 1 FROM logistics_sla_policy_tier_rel r
                            WHERE r.policy_id = sp.id
                              AND r.tier_id = t.tier_id) THEN 1
              WHEN NOT EXISTS (SELECT 1 FROM logistics_sla_policy_partner_rel r
                                WHERE r.policy_id = sp.id)
               AND NOT EXISTS (SELECT 1 FROM logistics_sla_policy_tier_rel r
                                WHERE r.policy_id = sp.id) THEN 2
              END AS rank
 ) m
 WHERE m.rank IS NOT NULL
 ORDER BY t.company_id, t.partner_id, m.rank, sp.sequence, sp.id
""",
            targets=targets,
            date=date,
        )

    @api.model
    def _policies_for(self, partners, company, date=None):
        """Map each commercial partner of ``partners`` to the policy that
        applies to it in ``company`` on ``date`` (see
        :meth:`_precedence_query`), an empty recordset when none does. One
        query for any number of partners."""
        date = date or fields.Date.context_today(self)
        customers = partners.commercial_partner_id.with_company(company)
        if not customers:
            return {}
        self.flush_model()
        rows = self.env.execute_query(
            self._precedence_query(
                SQL(
                    "SELECT * FROM unnest(%s::int[], %s::int[], %s::int[])"
                    " AS t(company_id, partner_id, tier_id)",
                    [company.id] * len(customers),
                    customers.ids,
                    [partner.customer_tier_id.id or None for partner in customers],
                ),
                date,
            )
        )
        found = {partner_id: policy_id for __, partner_id, policy_id in rows}
        Policy = self.sudo()
        return {
            partner.id: Policy.browse(found.get(partner.id) or ())
            for partner in customers
        }

    def _plan_hours(self, hours, start):
        return self.calendar_id.plan_hours(hours, start, compute_leaves=True)

    def _delivery_deadline(self, start):
        """End of the working day reached ``delivery_lead_days`` working days
        after ``start``, the start day counting as day 0 when it still has
        working time left (naive UTC in, naive UTC out)."""
        calendar = self.calendar_id
        day = calendar.plan_days(
            self.delivery_lead_days + 1, start, compute_leaves=True
        )
        if not day:
            return False
        tz = pytz.timezone(calendar.tz or "UTC")
        local_day = pytz.utc.localize(day).astimezone(tz)
        day_start = local_day.replace(hour=0, minute=0, second=0, microsecond=0)
        intervals = calendar._work_intervals_batch(
            day_start, day_start + timedelta(days=1)
        )[False]
        end = max((stop for _start, stop, _meta in intervals), default=local_day)
        return end.astimezone(pytz.utc).replace(tzinfo=None)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = (
            self.env["logistics.sla.status"]
            .sudo()
            ._read_group([("policy_id", "in", self.ids)], ["policy_id"])
        )
        if used:
            raise UserError(
                self.env._(
                    "SLA policy %(policy)s has measured deliveries or complaints; "
                    "archive it instead of deleting it, to keep their history.",
                    policy=used[0][0].name,
                )
            )

    def _working_hours_batch(self, periods):
        """Working hours of the policy's calendar in each ``(start, end)`` of
        ``periods`` (naive UTC datetimes), as a list in the same order.

        The same figures as the calendar's
        ``get_work_duration_data(start, end)["hours"]``, but the calendar's work
        intervals (attendances minus leaves) are read once for the span of
        all periods, then each period is summed with two binary searches."""
        self.ensure_one()
        valid = [(s, e) for s, e in periods if s and e and e > s]
        if not valid:
            return [0.0] * len(periods)
        utc = pytz.utc
        span_start = utc.localize(min(s for s, __ in valid))
        span_end = utc.localize(max(e for __, e in valid))
        intervals = [
            (
                start.astimezone(utc).replace(tzinfo=None),
                stop.astimezone(utc).replace(tzinfo=None),
            )
            for start, stop, __ in self.calendar_id._work_intervals_batch(
                span_start, span_end
            )[False]
        ]
        starts = [start for start, __ in intervals]
        stops = [stop for __, stop in intervals]
        # cumulative[i]: hours in the first i intervals
        cumulative = [
            0.0,
            *accumulate((b - a).total_seconds() / 3600 for a, b in intervals),
        ]

        def hours(start, end):
            if not (start and end) or end <= start:
                return 0.0
            first = bisect_right(stops, start)  # first interval ending after start
            last = bisect_left(starts, end)  # intervals starting before end
            if first >= last:
                return 0.0
            total = cumulative[last] - cumulative[first]
            # clip the first and the last overlapping intervals to the period
            total -= max((start - starts[first]).total_seconds(), 0) / 3600
            total -= max((stops[last - 1] - end).total_seconds(), 0) / 3600
            return total

        return [hours(start, end) for start, end in periods]

    def _match_target(self, priority, complaint_type):
        return next(
            (
                target
                for target in self.target_ids.sorted("sequence")
                if (not target.priority or target.priority == priority)
                and (
                    not target.complaint_type_ids
                    or complaint_type in target.complaint_type_ids
                )
            ),
            self.env["logistics.sla.target"],
        )

    @api.readonly
    def action_view_statuses(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_sla_status_action"
        )
        action["domain"] = [("policy_id", "=", self.id)]
        return action

    def action_recompute_deadlines(self):
        """Recompute the deadlines of the open statuses of every customer this
        policy could apply to (closed statuses are never touched). Logistics
        CRM administrators only: it rewrites deadlines of orders and complaints."""
        if not (
            self.env.su
            or self.env.user.has_group("logistics_crm.logistics_crm_group_manager")
        ):
            raise AccessError(
                self.env._("Only Logistics CRM administrators can do this.")
            )
        statuses = self.env["logistics.sla.status"].search(
            [
                ("company_id", "in", self.company_id.ids),
                ("state", "in", ("ongoing", "warning", "paused")),
            ]
        )
        # the statuses are the user's (company rules); the orders and complaints
        # they rewrite are the engine's, whatever the user's sales rights
        return statuses.sudo()._recompute_deadlines()
