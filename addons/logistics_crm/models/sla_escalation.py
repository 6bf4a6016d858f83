from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .complaint import PRIORITIES

NOTIFY = [
    ("key_account_manager", "Key-account manager"),
    ("team_leader", "Sales team leader"),
    ("group", "Group"),
    ("user", "User"),
]
# the kinds of status whose breach climbs the ladder: those measuring the end
# of the work (delivered, resolved). A late first answer is escalated once, at
# its deadline; the complaint's resolution ladder carries on from there, so
# that a document climbs one ladder, not one per status.
LADDER_KINDS = ("delivery", "resolution")
FIRED_TABLE = "logistics_sla_escalation_fired_rel"


class LogisticsSlaEscalation(models.Model):
    _name = "logistics.sla.escalation"
    _description = "SLA Escalation Level"
    _order = "policy_id, hours_after, id"

    policy_id = fields.Many2one(
        "logistics.sla.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    sequence = fields.Integer(
        string="Level",
        compute="_compute_sequence",
        help="The rank of the level in its policy's ladder, by hours after the "
        "deadline.",
    )
    hours_after = fields.Float(
        string="Hours After Deadline",
        required=True,
        default=8.0,
        help="Working hours of the policy's calendar past the deadline after "
        "which this level fires, once per late delivery or complaint that is "
        "still open.",
    )
    notify = fields.Selection(
        NOTIFY,
        required=True,
        default="key_account_manager",
        help="Key-account manager: the customer's key-account manager, else the "
        "salesperson or the complaint's responsible, else the company's default "
        "handler. Sales team leader: the leader of the order's sales team, else "
        "of the salesperson's. Group: every active internal user of the group "
        "in the company. User: the user named here.",
    )
    group_id = fields.Many2one("res.groups", ondelete="cascade")
    user_id = fields.Many2one(
        "res.users",
        ondelete="cascade",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    raise_priority = fields.Boolean(
        help="When this level fires, star the open deliveries of the order or "
        "raise the complaint's priority by one level."
    )
    # one row per (level, status) fired: its primary key is what makes a level
    # fire once per status, whatever the number of cron runs
    fired_status_ids = fields.Many2many(
        "logistics.sla.status",
        FIRED_TABLE,
        "escalation_id",
        "status_id",
        string="Fired On",
        readonly=True,
        copy=False,
    )

    @api.depends("policy_id.escalation_ids.hours_after")
    def _compute_sequence(self):
        for escalation in self:
            ladder = escalation.policy_id.escalation_ids.sorted(
                lambda e: (e.hours_after, e._origin.id or 0)
            )
            escalation.sequence = next(
                (
                    rank
                    for rank, level in enumerate(ladder, 1)
                    if level._origin == escalation._origin
                ),
                0,
            )

    @api.constrains("hours_after", "policy_id")
    def _check_hours_after(self):
        for escalation in self:
            if escalation.hours_after <= 0:
                raise ValidationError(
                    self.env._(
                        "An escalation level of %(policy)s fires after the "
                        "deadline: its hours after the deadline must be more "
                        "than 0 (the deadline itself is already escalated).",
                        policy=escalation.policy_id.name,
                    )
                )
            twins = escalation.policy_id.escalation_ids.filtered(
                lambda e, escalation=escalation: (
                    e != escalation and e.hours_after == escalation.hours_after
                )
            )
            if twins:
                raise ValidationError(
                    self.env._(
                        "%(policy)s has two escalation levels at %(hours)s hours "
                        "after the deadline: give each level its own hours.",
                        policy=escalation.policy_id.name,
                        hours=escalation.hours_after,
                    )
                )

    @api.constrains("notify", "group_id", "user_id", "company_id")
    def _check_recipient(self):
        for escalation in self:
            if escalation.notify == "group" and not escalation.group_id:
                raise ValidationError(
                    self.env._(
                        "Choose the group to notify at %(hours)s hours after the "
                        "deadline (%(policy)s).",
                        hours=escalation.hours_after,
                        policy=escalation.policy_id.name,
                    )
                )
            if escalation.notify == "user" and not (
                escalation.user_id
                and escalation.company_id._logistics_handler(escalation.user_id)
            ):
                raise ValidationError(
                    self.env._(
                        "Choose the user to notify at %(hours)s hours after the "
                        "deadline (%(policy)s): an active internal user of "
                        "%(company)s.",
                        hours=escalation.hours_after,
                        policy=escalation.policy_id.name,
                        company=escalation.company_id.name,
                    )
                )

    @api.depends("hours_after", "notify", "sequence")
    def _compute_display_name(self):
        notify = dict(self._fields["notify"]._description_selection(self.env))
        for escalation in self:
            escalation.display_name = self.env._(
                "Level %(level)s: %(hours)sh after the deadline, %(notify)s",
                level=escalation.sequence,
                hours=escalation.hours_after,
                notify=notify.get(escalation.notify, ""),
            )

    # ------------------------------------------------------------------
    # Climbing the ladders (run by the SLA cron)
    # ------------------------------------------------------------------

    @api.model
    def _cron_climb(self, now, batch_size=1000):
        """Fire the levels due on breached statuses still open: once each per
        status, when the working hours past the deadline reach the level's
        hours. The number of levels fired."""
        due = self._due_levels(now)
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        status_ids = list(due)
        fired = 0
        for start in range(0, len(status_ids), batch_size):
            batch = {sid: due[sid] for sid in status_ids[start : start + batch_size]}
            fired += self._fire(self._claim(batch), now)
            if in_cron and not self.env["ir.cron"]._commit_progress(
                len(batch), remaining=len(status_ids) - start - len(batch)
            ):
                break
        return fired

    @api.model
    def _due_levels(self, now):
        """``{status id: level ids}`` of the levels due now, not fired yet. One
        query for the candidates, a wall-clock bound (working hours never
        exceed it), then one calendar read per policy for the working hours."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
SELECT s.id, s.policy_id, s.deadline, e.id, e.hours_after
  FROM logistics_sla_status s
  JOIN logistics_sla_escalation e ON e.policy_id = s.policy_id
  LEFT JOIN sale_order so ON so.id = s.sale_order_id
  LEFT JOIN logistics_complaint c ON c.id = s.complaint_id
 WHERE s.state = 'failed' AND s.escalated AND s.reached_on IS NULL
   AND s.kind IN %(kinds)s
   AND s.deadline + make_interval(secs => e.hours_after * 3600) <= %(now)s
   AND CASE WHEN s.kind = 'delivery'
            THEN so.state = 'sale' AND so.sla_reached_on IS NULL
            ELSE c.active AND NOT COALESCE(c.is_closed, FALSE)
       END
   AND NOT EXISTS (SELECT 1 FROM %(fired)s f
                    WHERE f.status_id = s.id AND f.escalation_id = e.id)
 ORDER BY s.id, e.hours_after
""",
                kinds=LADDER_KINDS,
                now=now,
                fired=SQL.identifier(FIRED_TABLE),
            )
        )
        by_policy = defaultdict(dict)
        for status_id, policy_id, deadline, escalation_id, hours_after in rows:
            candidate = by_policy[policy_id].setdefault(status_id, [deadline, []])
            candidate[1].append((escalation_id, hours_after))
        due = {}
        Policy = self.env["logistics.sla.policy"].sudo()
        for policy_id, candidates in by_policy.items():
            past = Policy.browse(policy_id)._working_hours_batch(
                [(deadline, now) for deadline, __ in candidates.values()]
            )
            for (status_id, (__, levels)), hours in zip(
                candidates.items(), past, strict=True
            ):
                # seconds of rounding in the calendar sums must not delay a level
                reached = [eid for eid, after in levels if hours >= after - 1e-6]
                if reached:
                    due[status_id] = reached
        return dict(sorted(due.items()))

    @api.model
    def _claim(self, due):
        """The (status, level) pairs of ``due`` this transaction fires. The
        statuses are locked first (another run holding one skips it, the next
        run sees it again), then each pair is recorded in the fired table: a
        pair another run fired and committed meanwhile is not returned."""
        statuses = (
            self.env["logistics.sla.status"]
            .sudo()
            .browse(list(due))
            .try_lock_for_update(allow_referencing=True)
        )
        pairs = [
            SQL("(%s, %s)", escalation_id, status.id)
            for status in statuses
            for escalation_id in due[status.id]
        ]
        if not pairs:
            return []
        rows = self.env.execute_query(
            SQL(
                """
INSERT INTO %(fired)s (escalation_id, status_id) VALUES %(pairs)s
ON CONFLICT DO NOTHING
RETURNING status_id, escalation_id
""",
                fired=SQL.identifier(FIRED_TABLE),
                pairs=SQL(", ").join(pairs),
            )
        )
        self.invalidate_model(["fired_status_ids"])
        Status = self.env["logistics.sla.status"].sudo()
        return [
            (Status.browse(status_id), self.sudo().browse(escalation_id))
            for status_id, escalation_id in sorted(rows)
        ]

    @api.model
    def _fire(self, pairs, now):
        """An activity per recipient and a chatter note on the document for
        each claimed (status, level) pair, and the raised priorities."""
        if not pairs:
            return 0
        Status = self.env["logistics.sla.status"].sudo()
        Status.browse(
            status.id for status, __ in pairs
        )._prefetch_key_account_managers()
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        today = fields.Date.context_today(self)
        members = {}
        activities, bodies, raises = [], defaultdict(dict), defaultdict(int)
        for status, level in pairs:
            users = level._recipients(status, members)
            text = level._fired_text(status, users, now)
            record = status.sale_order_id or status.complaint_id
            # one note per level: a run may fire two levels on one document
            bodies[record._name, level.id][record.id] = text
            summary = self.env._("SLA escalation level %(level)s", level=level.sequence)
            activities += [
                {
                    "res_model_id": self.env["ir.model"]._get_id(record._name),
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "note": text,
                    "user_id": user.id,
                    "date_deadline": today,
                }
                for user in users
            ]
            if level.raise_priority:
                raises[record] += 1
        for (model, __), model_bodies in bodies.items():
            self.env[model].sudo().browse(model_bodies)._message_log_batch(
                bodies=model_bodies
            )
        if activities:
            # no e-mail per activity, as for the deadline escalation
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(activities)
        self._raise_priorities(raises)
        return len(pairs)

    def _recipients(self, status, members):
        """Who this level tells about ``status``: see ``notify``. Never nobody:
        a level without a usable recipient falls back to the key-account chain
        (the key-account manager, else the status's responsible, see
        ``logistics.sla.status._responsible``, else the default handler).
        ``members`` caches the group members per (group, company)."""
        self.ensure_one()
        company = status.company_id
        users = self.env["res.users"]
        if self.notify == "team_leader":
            record = status.sale_order_id or status.complaint_id.sale_order_id
            salesperson = record.user_id or status.partner_id.user_id
            users = company._logistics_handler(
                record.team_id.user_id, salesperson.sale_team_id.user_id
            )
        elif self.notify == "group":
            key = (self.group_id.id, company.id)
            if key not in members:
                members[key] = (
                    self.env["res.users"]
                    .sudo()
                    .search(
                        [
                            ("all_group_ids", "in", self.group_id.id),
                            ("share", "=", False),
                            ("company_ids", "in", company.id),
                        ]
                    )
                )
            users = members[key]
        elif self.notify == "user":
            users = company._logistics_handler(self.user_id)
        return (
            users
            or status.partner_id._key_account_manager(company)
            or company._logistics_handler(status._responsible())
            or company._logistics_default_handler()
        )

    def _fired_text(self, status, users, now):
        self.ensure_one()
        kinds = dict(status._fields["kind"]._description_selection(self.env))
        deadline = fields.Datetime.context_timestamp(self, status.deadline)
        return self.env._(
            "SLA escalation level %(level)s: the %(kind)s deadline %(deadline)s "
            "passed %(hours)s working hours ago (%(policy)s). For: %(users)s.",
            level=self.sequence,
            kind=kinds[status.kind],
            deadline=deadline.strftime("%Y-%m-%d %H:%M"),
            hours=self.hours_after,
            policy=self.policy_id.name,
            users=", ".join(users.mapped("name")),
        )

    @api.model
    def _raise_priorities(self, raises):
        """Star the open deliveries of the orders; raise each complaint's
        priority by one level per level fired, up to the highest."""
        orders = [r for r in raises if r._name == "sale.order"]
        if orders:
            pickings = (
                self.env["sale.order"]
                .sudo()
                .browse(o.id for o in orders)
                .picking_ids.filtered(
                    lambda p: (
                        p.picking_type_code == "outgoing"
                        and p.state not in ("done", "cancel")
                        and p.priority == "0"
                    )
                )
            )
            pickings.priority = "1"
        top = len(PRIORITIES) - 1
        by_priority = defaultdict(list)
        for record, count in raises.items():
            if record._name == "logistics.complaint":
                priority = min(int(record.priority or 0) + count, top)
                if str(priority) != record.priority:
                    by_priority[str(priority)].append(record.id)
        for priority, ids in by_priority.items():
            self.env["logistics.complaint"].sudo().browse(ids).priority = priority
