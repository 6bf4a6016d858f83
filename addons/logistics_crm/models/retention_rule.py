"""Retention playbooks: events of a regrade (or of the daily KPI check) that
open a retention case for the customer's account owner and launch a plan."""

import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..report.scorecard_report import kpi_met
from . import mail_sql

_logger = logging.getLogger(__name__)

TRIGGERS = [
    ("at_risk", "Customer turns at risk"),
    ("lost", "Customer turns lost"),
    ("tier_down", "Tier goes down"),
    ("score_drop", "Score drops"),
    ("kpi_below_target", "On time or OTIF below target"),
]
# triggers a regrade checks; the KPI trigger is checked daily (and at regrade)
GRADE_TRIGGERS = ("at_risk", "lost", "tier_down", "score_drop")
# months of deliveries the KPI trigger looks at
KPI_MONTHS = 3


class LogisticsRetentionRule(models.Model):
    _name = "logistics.retention.rule"
    _description = "Retention Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to apply the rule in every company.",
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="at_risk")
    score_drop_points = fields.Float(
        string="Score Drop (points)",
        default=10.0,
        help="A case opens when the score falls by at least this many points "
        "since the previous grade.",
    )
    tier_ids = fields.Many2many(
        "logistics.customer.tier",
        string="Tiers",
        help="Customers of these tiers (the tier they had before the event). "
        "Leave empty for every tier.",
    )
    activity_plan_id = fields.Many2one(
        "mail.activity.plan",
        string="Plan",
        domain="[('res_model', '=', 'logistics.retention.case'), "
        "('company_id', 'in', [company_id, False])]",
        help="Activities scheduled on each case this rule opens, for the "
        "customer's key-account manager (else its salesperson).",
    )
    case_ids = fields.One2many("logistics.retention.case", "rule_id")
    case_count = fields.Integer(string="Cases", compute="_compute_case_count")

    @api.constrains("trigger", "score_drop_points")
    def _check_score_drop_points(self):
        for rule in self:
            if rule.trigger == "score_drop" and rule.score_drop_points <= 0:
                raise ValidationError(
                    self.env._(
                        "Retention rule %(rule)s: the score drop must be more "
                        "than 0 points.",
                        rule=rule.name,
                    )
                )

    @api.constrains("activity_plan_id")
    def _check_activity_plan(self):
        for rule in self:
            plan = rule.activity_plan_id
            if plan and plan.res_model != "logistics.retention.case":
                raise ValidationError(
                    self.env._(
                        "Retention rule %(rule)s: plan %(plan)s schedules "
                        "activities on another kind of record; choose a plan for "
                        "retention cases.",
                        rule=rule.name,
                        plan=plan.name,
                    )
                )

    def _compute_case_count(self):
        groups = self.env["logistics.retention.case"]._read_group(
            [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
        )
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.case_count = counts.get(rule.id, 0)

    @api.readonly
    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_retention_case_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {"default_rule_id": self.id}
        return action

    @api.model
    def _rules_for(self, company, triggers):
        return self.sudo().search(
            [
                ("company_id", "in", [company.id, False]),
                ("trigger", "in", list(triggers)),
            ]
        )

    # ------------------------------------------------------------------
    # Events of a regrade
    # ------------------------------------------------------------------

    @api.model
    def _regrade_events(self, policy, result_table, first_id, last_id, now):
        """Open the cases of the grade triggers for the customers ``first_id``
        to ``last_id`` of the regrade's result table, against their previous
        grade (one statement), and close as retained the open cases whose
        customer came back. Called by the grading engine for each batch."""
        company = policy.company_id
        Case = self.env["logistics.retention.case"]
        retained = Case._retain_from_results(
            company, result_table, first_id, last_id, now
        )
        rules = self._rules_for(company, GRADE_TRIGGERS)
        if not rules:
            return retained, Case
        cid = company.id
        ckey = str(cid)
        rows = SQL(", ").join(
            SQL(
                "(%s, %s, %s::numeric, %s::int[])",
                rule.id,
                rule.trigger,
                rule.score_drop_points,
                rule.tier_ids.ids,
            )
            for rule in rules
        )
        self.env.cr.execute(
            SQL(
                """
INSERT INTO logistics_retention_case (
    partner_id, company_id, rule_id, trigger, state, date_open, user_id,
    tier_id, previous_tier_id, score, previous_score, lifecycle,
    retained_count, closed_count, save_rate,
    create_uid, create_date, write_uid, write_date)
SELECT r.partner_id, %(cid)s, rule.id, rule.trigger, 'open', %(now)s,
       COALESCE(h.id, %(default)s),
       r.tier_id, r.previous_tier_id, r.score, r.previous_score, r.lifecycle,
       0, 0, 0, %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM %(table)s r
  JOIN (VALUES %(rows)s) AS rule(id, trigger, points, tier_ids) ON TRUE
  JOIN res_partner p ON p.id = r.partner_id
  LEFT JOIN logistics_customer_tier old_tier ON old_tier.id = r.previous_tier_id
  LEFT JOIN logistics_customer_tier new_tier ON new_tier.id = r.tier_id
  %(owner)s
 WHERE r.partner_id BETWEEN %(first)s AND %(last)s
   AND (cardinality(rule.tier_ids) = 0
        OR COALESCE(r.previous_tier_id, r.tier_id) = ANY(rule.tier_ids))
   AND CASE rule.trigger
       WHEN 'at_risk' THEN r.lifecycle = 'at_risk'
            AND r.previous_lifecycle IS NOT NULL
            AND r.previous_lifecycle <> 'at_risk'
       WHEN 'lost' THEN r.lifecycle = 'lost'
            AND r.previous_lifecycle IS NOT NULL
            AND r.previous_lifecycle <> 'lost'
       WHEN 'tier_down' THEN old_tier.id IS NOT NULL
            AND (new_tier.id IS NULL OR new_tier.min_score < old_tier.min_score)
       WHEN 'score_drop' THEN r.previous_score - r.score >= rule.points
       ELSE FALSE
       END
ON CONFLICT (partner_id, rule_id) WHERE state = 'open' DO NOTHING
RETURNING id
""",
                cid=cid,
                ckey=ckey,
                now=now,
                uid=self.env.uid,
                default=company._logistics_default_handler().id or None,
                owner=mail_sql.account_owner(
                    cid,
                    SQL("(p.key_account_manager_id ->> %s)::int", ckey),
                    SQL("p.user_id"),
                ),
                table=SQL.identifier(result_table),
                rows=rows,
                first=first_id,
                last=last_id,
            )
        )
        cases = Case.browse([row[0] for row in self.env.cr.fetchall()])
        if cases:
            cases._on_open()
        return retained, cases

    # ------------------------------------------------------------------
    # KPI trigger
    # ------------------------------------------------------------------

    @api.model
    def _cron_check_kpi(self):
        """Daily: open a case for each customer whose on time or OTIF of the
        last three months is below its SLA target."""
        companies = self._rules_for_all_companies()
        for company in companies:
            self._check_kpi(company)
            if self.env.context.get("ir_cron_progress_id"):
                self.env["ir.cron"]._commit_progress(1)

    @api.model
    def _rules_for_all_companies(self):
        rules = self.sudo().search([("trigger", "=", "kpi_below_target")])
        if any(not rule.company_id for rule in rules):
            # a shared rule applies in every company
            return self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        return rules.company_id

    @api.model
    def _check_kpi(self, company, today=None):
        """Open the KPI cases of ``company``: one per customer below target
        and rule, and none while a case of that rule for the customer is open
        or was opened within the KPI window (three months). Returns them."""
        Case = self.env["logistics.retention.case"]
        rules = self._rules_for(company, ["kpi_below_target"])
        if not rules:
            return Case
        today = today or fields.Date.context_today(self)
        start = today.replace(day=1) - relativedelta(months=KPI_MONTHS - 1)
        Scorecard = self.env["logistics.customer.scorecard"].sudo()
        groups = Scorecard._read_group(
            [("company_id", "=", company.id), ("date", ">=", start)],
            ["partner_id"],
            [
                "delivery_count:sum",
                "on_time_rate:avg",
                "otif_rate:avg",
                "on_time_target:max",
                "otif_target:max",
            ],
        )
        below = {}
        for partner, deliveries, on_time, otif, on_time_t, otif_t in groups:
            if not deliveries:
                continue
            if kpi_met(on_time, on_time_t, True) is False or (
                kpi_met(otif, otif_t, True) is False
            ):
                below[partner.id] = (on_time, otif)
        if not below:
            return Case
        since = fields.Datetime.now() - timedelta(days=KPI_MONTHS * 31)
        recent = {
            (partner.id, rule.id)
            for partner, rule in Case.sudo()._read_group(
                [
                    ("company_id", "=", company.id),
                    ("rule_id", "in", rules.ids),
                    ("partner_id", "in", list(below)),
                    "|",
                    ("state", "=", "open"),
                    ("date_open", ">=", since),
                ],
                ["partner_id", "rule_id"],
            )
        }
        partners = self.env["res.partner"].sudo().with_company(company).browse(below)
        values = []
        for rule in rules:
            for partner in partners:
                tier_id = partner.customer_tier_id.id
                if (partner.id, rule.id) in recent:
                    continue
                if rule.tier_ids and tier_id not in rule.tier_ids.ids:
                    continue
                values.append(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "rule_id": rule.id,
                        "trigger": rule.trigger,
                        "tier_id": tier_id,
                        "user_id": partner._logistics_owner(company).id,
                        "on_time_rate": below[partner.id][0],
                        "otif_rate": below[partner.id][1],
                    }
                )
        cases = Case.sudo().with_context(mail_create_nolog=True).create(values)
        cases._on_open()
        return cases
