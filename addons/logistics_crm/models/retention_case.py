from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from . import mail_sql
from .grade_history import LIFECYCLE
from .retention_rule import TRIGGERS

GRADING_GROUP = "logistics_crm.logistics_crm_group_user"
# lifecycles of a customer that is leaving: its case is retained when it
# orders again or turns active
LEAVING = ("at_risk", "lost")


class LogisticsRetentionCase(models.Model):
    """One retention effort for one customer in one company: opened by a
    retention rule (or by hand), worked through its activities by the
    customer's key-account manager, closed as retained or lost (with a
    reason)."""

    _name = "logistics.retention.case"
    _description = "Retention Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_open desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    rule_id = fields.Many2one(
        "logistics.retention.rule", ondelete="set null", index=True
    )
    trigger = fields.Selection(
        TRIGGERS + [("manual", "Opened by hand")],
        required=True,
        default="manual",
        readonly=True,
    )
    date_open = fields.Datetime(
        string="Opened", required=True, default=fields.Datetime.now, readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Account Owner",
        tracking=True,
        index=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="The customer's key-account manager, else its salesperson.",
    )
    state = fields.Selection(
        [("open", "Open"), ("retained", "Retained"), ("lost", "Lost")],
        required=True,
        default="open",
        tracking=True,
        index=True,
    )
    date_closed = fields.Datetime(string="Closed", readonly=True)
    churn_reason_id = fields.Many2one(
        "logistics.churn.reason",
        tracking=True,
        domain="[('company_id', 'in', [company_id, False])]",
    )
    note = fields.Html()
    color = fields.Integer(compute="_compute_color")
    # the grade when the case opened
    tier_id = fields.Many2one("logistics.customer.tier", readonly=True)
    previous_tier_id = fields.Many2one("logistics.customer.tier", readonly=True)
    score = fields.Float(digits=(5, 2), readonly=True, groups=GRADING_GROUP)
    previous_score = fields.Float(digits=(5, 2), readonly=True, groups=GRADING_GROUP)
    lifecycle = fields.Selection(
        LIFECYCLE, string="Lifecycle at Opening", readonly=True
    )
    on_time_rate = fields.Float(
        string="On-time (%) at Opening", readonly=True, groups=GRADING_GROUP
    )
    otif_rate = fields.Float(
        string="OTIF (%) at Opening", readonly=True, groups=GRADING_GROUP
    )
    days_open = fields.Integer(compute="_compute_days_open", aggregator="avg")
    retained_count = fields.Integer(
        compute="_compute_outcome", store=True, aggregator="sum"
    )
    closed_count = fields.Integer(
        compute="_compute_outcome", store=True, aggregator="sum"
    )
    save_rate = fields.Float(
        string="Save Rate (%)",
        compute="_compute_outcome",
        store=True,
        aggregator="avg",
        help="Retained cases / closed cases, in any grouping.",
    )

    _open_case_uniq = models.UniqueIndex(
        "(partner_id, rule_id) WHERE state = 'open'",
        "A customer has one open case per retention rule.",
    )

    @api.depends("state")
    def _compute_outcome(self):
        for case in self:
            case.retained_count = int(case.state == "retained")
            case.closed_count = int(case.state != "open")
            case.save_rate = 100.0 * case.retained_count if case.closed_count else 0.0

    @api.depends("state")
    def _compute_color(self):
        colors = {"open": 2, "retained": 10, "lost": 1}
        for case in self:
            case.color = colors.get(case.state, 0)

    @api.depends("date_open", "date_closed")
    def _compute_days_open(self):
        now = fields.Datetime.now()
        for case in self:
            end = case.date_closed or now
            case.days_open = (end - case.date_open).days if case.date_open else 0

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # the save rate of a group is its retained cases over its closed ones,
        # not an average of the cases' 0 / 100
        if aggregate_spec == "save_rate:avg":
            return SQL(
                "CASE WHEN SUM(%(closed)s) > 0 THEN 100.0 * SUM(%(retained)s) "
                "/ SUM(%(closed)s) ELSE 0 END",
                closed=self._field_to_sql(self._table, "closed_count", query),
                retained=self._field_to_sql(self._table, "retained_count", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.constrains("state", "churn_reason_id")
    def _check_churn_reason(self):
        for case in self:
            if case.state == "lost" and not case.churn_reason_id:
                raise ValidationError(
                    self.env._(
                        "Say why %(customer)s was lost: a retention case closed "
                        "as lost needs a churn reason.",
                        customer=case.partner_id.display_name,
                    )
                )

    @api.constrains("partner_id", "company_id", "state")
    def _check_partner_company(self):
        for case in self:
            company = case.partner_id.company_id
            if company and company != case.company_id:
                raise ValidationError(
                    self.env._(
                        "%(customer)s belongs to %(company)s: open its retention "
                        "case in that company.",
                        customer=case.partner_id.display_name,
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
            if vals.get("state", "open") != "open" and not vals.get("date_closed"):
                vals["date_closed"] = fields.Datetime.now()
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals and "date_closed" not in vals:
            vals = dict(vals)
            vals["date_closed"] = (
                fields.Datetime.now() if vals["state"] != "open" else False
            )
        result = super().write(vals)
        if vals.get("state") in ("retained", "lost"):
            # a closed case has nothing left to do
            self.sudo().activity_ids.unlink()
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_mark_retained(self):
        """Close the cases as retained: the customer stays."""
        self._check_open()
        self.write({"state": "retained"})
        return True

    def action_mark_lost(self):
        """Close the cases as lost; each needs its churn reason first."""
        self._check_open()
        missing = self.filtered(lambda case: not case.churn_reason_id)
        if missing:
            raise UserError(
                self.env._(
                    "Choose a churn reason before closing the case of %(customer)s "
                    "as lost.",
                    customer=", ".join(missing.partner_id.mapped("display_name")),
                )
            )
        self.write({"state": "lost"})
        return True

    def action_reopen(self):
        """Open closed cases again (a lost customer may still come back)."""
        closed = self.filtered(lambda case: case.state != "open")
        clash = self.search_count(
            [
                ("state", "=", "open"),
                ("partner_id", "in", closed.partner_id.ids),
                ("rule_id", "in", closed.rule_id.ids),
            ],
            limit=1,
        )
        if clash:
            raise UserError(
                self.env._(
                    "This customer already has an open case of the same rule: "
                    "work on that one."
                )
            )
        closed.write({"state": "open", "churn_reason_id": False})
        return True

    def _check_open(self):
        closed = self.filtered(lambda case: case.state != "open")
        if closed:
            raise UserError(
                self.env._(
                    "The case of %(customer)s is already closed; reopen it first.",
                    customer=closed[0].partner_id.display_name,
                )
            )

    @api.readonly
    def action_open_customer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------
    # Opening and closing by the engine
    # ------------------------------------------------------------------

    def _on_open(self):
        """Log why each new case opened and launch its rule's plan for the
        case's owner: one note per case, the plan's activities listed in it.
        Set-based: a regrade may open tens of thousands of cases, so the
        cases are read in one query, each text is translated once, and the
        notes, activities and followers are written in one statement each
        (see ``mail_sql``)."""
        self = self.sudo()
        if not self:
            return
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """SELECT id, rule_id, user_id, trigger, previous_tier_id, tier_id,
       previous_score, score, on_time_rate, otif_rate
  FROM logistics_retention_case WHERE id = ANY(%s) ORDER BY id""",
                self.ids,
            )
        )
        rows = self.env.cr.fetchall()
        bodies = self._opening_bodies(rows)
        by_rule = {}
        for row in rows:
            by_rule.setdefault(row[1], []).append(row)
        Users = self.env["res.users"]
        launched = set()
        for rule in self.env["logistics.retention.rule"].browse(by_rule):
            plan = rule.with_context(active_test=False).activity_plan_id
            if plan and plan.template_ids:
                rule_rows = by_rule[rule.id]
                plan._logistics_launch(
                    self.browse([row[0] for row in rule_rows]),
                    {row[0]: Users.browse(row[2]) for row in rule_rows if row[2]},
                    intros=bodies,
                )
                launched.update(row[0] for row in rule_rows)
        mail_sql.log_notes(
            self, {cid: body for cid, body in bodies.items() if cid not in launched}
        )

    def _opening_bodies(self, rows):
        """``{case id: Markup}``: why each case opened, from ``rows`` (id,
        rule, owner, trigger, previous tier, tier, previous score, score, on
        time, OTIF). The sentences are translated once, then filled in."""
        env = self.env
        triggers = dict(self._fields["trigger"]._description_selection(env))
        rules = {
            rule.id: rule.display_name
            for rule in env["logistics.retention.rule"]
            .with_context(active_test=False)
            .browse({row[1] for row in rows if row[1]})
        }
        tiers = {
            tier.id: tier.display_name
            for tier in env["logistics.customer.tier"]
            .with_context(active_test=False)
            .browse({tid for row in rows for tid in row[4:6] if tid})
        }
        # translated once each; the figures of each case are put in below
        opened = env._(
            "Retention case opened by rule %(rule)s: %(trigger)s (%(detail)s)."
        )
        details = {
            "tier_down": env._("tier %(old)s → %(new)s"),
            "score_drop": env._("score %(old)s → %(new)s"),
            "kpi_below_target": env._(
                "on time %(on_time)s %%, OTIF %(otif)s %% over the last three months"
            ),
        }
        score_only = env._("score %(score)s")
        bodies = {}
        for (
            cid,
            rule_id,
            __,
            trigger,
            old_tier,
            tier,
            old_score,
            score,
            on_time,
            otif,
        ) in rows:
            values = {
                "old": tiers.get(old_tier, "-")
                if trigger == "tier_down"
                else round(old_score or 0.0, 2),
                "new": tiers.get(tier, "-")
                if trigger == "tier_down"
                else round(score or 0.0, 2),
                "score": round(score or 0.0, 2),
                "on_time": round(on_time or 0.0, 1),
                "otif": round(otif or 0.0, 1),
            }
            detail = details.get(trigger, score_only) % values
            text = opened % {
                "rule": rules.get(rule_id, "-"),
                "trigger": triggers.get(trigger, trigger),
                "detail": detail,
            }
            bodies[cid] = Markup("<p>%s</p>") % text
        return bodies

    @api.model
    def _retain_from_results(self, company, result_table, first_id, last_id, now):
        """Close as retained the open cases of leaving customers (at risk or
        lost when the case opened) who ordered again since, or whose lifecycle
        is active again, in the regrade's results. One statement."""
        self.env.cr.execute(
            SQL(
                """
UPDATE logistics_retention_case c
   SET state = 'retained', date_closed = %(now)s, retained_count = 1,
       closed_count = 1, save_rate = 100.0,
       write_uid = %(uid)s, write_date = %(now)s
  FROM %(table)s r
 WHERE c.partner_id = r.partner_id
   AND c.company_id = %(cid)s
   AND c.state = 'open'
   AND c.lifecycle IN %(leaving)s
   AND r.partner_id BETWEEN %(first)s AND %(last)s
   AND (r.lifecycle IN ('active', 'won_back') OR r.last_day > c.date_open::date)
RETURNING c.id
""",
                now=now,
                uid=self.env.uid,
                table=SQL.identifier(result_table),
                cid=company.id,
                leaving=LEAVING,
                first=first_id,
                last=last_id,
            )
        )
        cases = self.browse([row[0] for row in self.env.cr.fetchall()])
        if cases:
            self.invalidate_model()
            cases.sudo().activity_ids.unlink()
            text = self.env._(
                "Retained: the customer ordered again or is active again."
            )
            mail_sql.log_notes(
                cases.sudo(), {case.id: Markup("<p>%s</p>") % text for case in cases}
            )
        return cases
