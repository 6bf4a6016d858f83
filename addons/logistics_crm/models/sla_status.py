import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

KINDS = [
    ("delivery", "Delivery"),
    ("response", "Response"),
    ("resolution", "Resolution"),
]
STATES = [
    ("ongoing", "Ongoing"),
    ("warning", "Warning"),
    ("paused", "Paused"),
    ("reached", "Reached"),
    ("failed", "Failed"),
]
OPEN_STATES = ("ongoing", "warning", "paused")
# the states by urgency, the order of "state" in lists: what to look at first
STATE_URGENCY = ("failed", "warning", "ongoing", "paused", "reached")
# the documents measured: model -> (field linking it, kinds of status)
DOCUMENTS = {
    "sale.order": ("sale_order_id", ("delivery",)),
    "logistics.complaint": ("complaint_id", ("response", "resolution")),
}
# what a status measures, set by the engine when it starts the clock
ENGINE_FIELDS = (
    "res_model",
    "res_id",
    "sale_order_id",
    "complaint_id",
    "partner_id",
    "company_id",
    "kind",
)

# what places a closed status in the scorecard facts, and changes it there
SCORECARD_FIELDS = {"company_id", "partner_id", "state", "reached_on", "deadline"}


class LogisticsSlaStatus(models.Model):
    _name = "logistics.sla.status"
    _inherit = ["logistics.scorecard.fact.source"]
    _scorecard_key_fields = SCORECARD_FIELDS
    _scorecard_fields = SCORECARD_FIELDS
    _description = "SLA Status"
    _order = "deadline, id"
    _rec_name = "kind"

    res_model = fields.Char(
        string="Document Model", required=True, index=True, readonly=True
    )
    res_id = fields.Many2oneReference(
        string="Document",
        model_field="res_model",
        required=True,
        index=True,
        readonly=True,
    )
    sale_order_id = fields.Many2one(
        "sale.order", ondelete="cascade", index="btree_not_null", readonly=True
    )
    complaint_id = fields.Many2one(
        "logistics.complaint", ondelete="cascade", index="btree_not_null", readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, readonly=True
    )
    customer_tier_id = fields.Many2one(
        related="partner_id.customer_tier_id", string="Customer Tier"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    policy_id = fields.Many2one(
        "logistics.sla.policy", required=True, index=True, ondelete="restrict"
    )
    target_id = fields.Many2one("logistics.sla.target", ondelete="set null")
    user_id = fields.Many2one("res.users", string="Responsible")
    kind = fields.Selection(KINDS, required=True, index=True, readonly=True)
    state = fields.Selection(STATES, required=True, default="ongoing", index=True)
    date_start = fields.Datetime(required=True)
    deadline = fields.Datetime(index=True)
    reached_on = fields.Datetime(index="btree_not_null")
    exceeded_hours = fields.Float(
        help="Working hours past the deadline, when the status failed."
    )
    target_hours = fields.Float(help="Working hours the target allows.")
    consumed_hours = fields.Float(
        help="Working hours consumed before the clock was last paused."
    )
    resumed_on = fields.Datetime(help="When the clock last (re)started.")
    warned = fields.Boolean(readonly=True)
    escalated = fields.Boolean(readonly=True)
    delay_notice = fields.Selection(
        [("warning", "Warning"), ("failed", "Failed")],
        string="Delay Notice Sent",
        readonly=True,
        copy=False,
        help="The last state of a delivery status the shipper and the consignee "
        "were told of: each state is told once.",
    )
    closed_count = fields.Integer(
        compute="_compute_counts", store=True, string="# Closed", aggregator="sum"
    )
    met_count = fields.Integer(
        compute="_compute_counts", store=True, string="# Met", aggregator="sum"
    )
    compliance = fields.Float(
        string="Compliance (%)",
        compute="_compute_counts",
        store=True,
        aggregator="avg",
        help="Reached on time / closed (reached or failed), for any grouping.",
    )

    _record_kind_uniq = models.Constraint(
        "UNIQUE(res_model, res_id, kind)",
        "A document has one SLA status per kind.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("res_model") not in DOCUMENTS:
                raise ValidationError(
                    self.env._(
                        "SLA statuses measure sales orders and complaints only, "
                        "not %(model)s.",
                        model=vals.get("res_model") or "-",
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        engine_fields = sorted(set(vals).intersection(ENGINE_FIELDS))
        if engine_fields and not self.env.su:
            raise AccessError(
                self.env._(
                    "The document, customer, company and kind of an SLA status are "
                    "set when its clock starts and cannot be changed "
                    "(%(fields)s).",
                    fields=", ".join(self._fields[f].string for f in engine_fields),
                )
            )
        return super().write(vals)

    def _scorecard_fact_keys(self):
        """The scorecard key of each closed status: its customer and company
        in the month of its outcome."""
        month = self.env["logistics.customer.scorecard.fact"]._month
        return {
            (
                status.company_id.id,
                status.partner_id.id,
                month(status.reached_on or status.deadline),
            )
            for status in self
            if status.state in ("reached", "failed")
            and (status.reached_on or status.deadline)
        }

    @api.constrains("res_model", "res_id", "sale_order_id", "complaint_id", "kind")
    def _check_document(self):
        for status in self:
            link, kinds = DOCUMENTS.get(status.res_model, (None, ()))
            if not link or status[link].id != status.res_id or status.kind not in kinds:
                raise ValidationError(
                    self.env._(
                        "SLA status %(status)s does not match its document: a "
                        "delivery status measures a sales order, response and "
                        "resolution statuses a complaint.",
                        status=status.id,
                    )
                )

    @api.depends("state")
    def _compute_counts(self):
        for status in self:
            closed = status.state in ("reached", "failed")
            status.closed_count = int(closed)
            status.met_count = int(status.state == "reached")
            status.compliance = 100.0 * status.met_count if closed else False

    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec.startswith("compliance:"):
            met = self._read_group_select("met_count:sum", query)
            closed = self._read_group_select("closed_count:sum", query)
            return SQL("100.0 * %s / NULLIF(%s, 0)", met, closed)
        return super()._read_group_select(aggregate_spec, query)

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        if field_name != "state":
            return super()._order_field_to_sql(
                alias, field_name, direction, nulls, query
            )
        # by urgency (STATE_URGENCY), not in alphabetical order
        state = self._field_to_sql(alias, field_name, query)
        query._order_groupby.append(state)
        return SQL(
            "array_position(%s::varchar[], %s::varchar) %s %s",
            list(STATE_URGENCY),
            state,
            direction,
            nulls,
        )

    @api.depends("kind", "res_model", "res_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for status in self:
            record = status.sale_order_id or status.complaint_id
            status.display_name = f"{kinds[status.kind]}: {record.display_name}"

    # ------------------------------------------------------------------
    # Starting clocks
    # ------------------------------------------------------------------

    @api.model
    def _start_deliveries(self, orders):
        """Give confirmed orders their policy, deadline and delivery status."""
        Policy = self.env["logistics.sla.policy"]
        vals_list = []
        for company, company_orders in orders.grouped("company_id").items():
            policies = Policy._policies_for(company_orders.partner_id, company)
            for order in company_orders:
                policy = policies[order.partner_id.commercial_partner_id.id]
                if not policy:
                    continue
                start = order.date_order
                deadline = order.commitment_date or policy._delivery_deadline(start)
                order.write({"sla_policy_id": policy.id, "sla_deadline": deadline})
                vals_list.append(
                    {
                        "res_model": "sale.order",
                        "res_id": order.id,
                        "sale_order_id": order.id,
                        "partner_id": order.partner_id.commercial_partner_id.id,
                        "company_id": company.id,
                        "policy_id": policy.id,
                        "user_id": order.user_id.id,
                        "kind": "delivery",
                        "date_start": start,
                        "resumed_on": start,
                        "deadline": deadline,
                    }
                )
        return self.sudo().create(vals_list)

    @api.model
    def _start_complaints(self, complaints):
        """Give complaints their response and resolution statuses; those
        received by e-mail start only once an employee confirms them."""
        complaints = complaints.filtered(
            lambda c: not c.to_confirm and c.commercial_partner_id
        )
        Policy = self.env["logistics.sla.policy"]
        vals_list = []
        for company, company_complaints in complaints.grouped("company_id").items():
            policies = Policy._policies_for(company_complaints.partner_id, company)
            for complaint in company_complaints:
                policy = policies[complaint.commercial_partner_id.id]
                target = policy and policy._match_target(
                    complaint.priority, complaint.complaint_type_id
                )
                if not target:
                    continue
                start = complaint.date_reported
                for kind, hours in (
                    ("response", target.response_hours),
                    ("resolution", target.resolution_hours),
                ):
                    if not hours:
                        continue
                    vals_list.append(
                        {
                            "res_model": "logistics.complaint",
                            "res_id": complaint.id,
                            "complaint_id": complaint.id,
                            "partner_id": complaint.commercial_partner_id.id,
                            "company_id": company.id,
                            "policy_id": policy.id,
                            "target_id": target.id,
                            "user_id": complaint.user_id.id,
                            "kind": kind,
                            "date_start": start,
                            "resumed_on": start,
                            "target_hours": hours,
                            "deadline": policy._plan_hours(hours, start),
                        }
                    )
        return self.sudo().create(vals_list)

    # ------------------------------------------------------------------
    # Reaching, pausing, resuming
    # ------------------------------------------------------------------

    def _reach(self, when):
        """Stop the clock of the open statuses in ``self`` at ``when``."""
        open_statuses = self.filtered(lambda s: s.state in OPEN_STATES)
        for policy, statuses in open_statuses.grouped("policy_id").items():
            exceeded = policy._working_hours_batch(
                [(status.deadline, when) for status in statuses]
            )
            for status, hours in zip(statuses, exceeded, strict=True):
                late = status.deadline and when > status.deadline
                status.write(
                    {
                        "reached_on": when,
                        "state": "failed" if late else "reached",
                        "exceeded_hours": hours if late else 0.0,
                    }
                )

    def _pause(self, when):
        running = self.filtered(lambda s: s.state in ("ongoing", "warning"))
        for policy, statuses in running.grouped("policy_id").items():
            consumed = policy._working_hours_batch(
                [(status.resumed_on, when) for status in statuses]
            )
            for status, hours in zip(statuses, consumed, strict=True):
                status.write(
                    {
                        "consumed_hours": status.consumed_hours + hours,
                        "state": "paused",
                    }
                )

    def _resume(self, when):
        for status in self.filtered(lambda s: s.state == "paused"):
            remaining = max(status.target_hours - status.consumed_hours, 0.0)
            deadline = status.policy_id._plan_hours(remaining, when)
            status.write(
                {
                    "resumed_on": when,
                    "deadline": deadline,
                    "state": "ongoing",
                    "warned": False,
                }
            )

    def _recompute_deadlines(self):
        """Apply the policy that applies today to the open statuses: the
        deadline is recomputed from the start, consumed time kept. Reached and
        failed statuses are never touched."""
        open_statuses = self.filtered(lambda s: s.state in OPEN_STATES)
        Policy = self.env["logistics.sla.policy"]
        changed = 0
        for company, statuses in open_statuses.grouped("company_id").items():
            policies = Policy._policies_for(statuses.partner_id, company)
            for status in statuses:
                policy = policies[status.partner_id.id]
                if not policy:
                    continue
                if status.kind == "delivery":
                    order = status.sale_order_id
                    deadline = order.commitment_date or policy._delivery_deadline(
                        status.date_start
                    )
                    order.write({"sla_policy_id": policy.id, "sla_deadline": deadline})
                    vals = {"policy_id": policy.id, "deadline": deadline}
                else:
                    complaint = status.complaint_id
                    target = policy._match_target(
                        complaint.priority, complaint.complaint_type_id
                    )
                    if not target:
                        continue
                    hours = (
                        target.response_hours
                        if status.kind == "response"
                        else target.resolution_hours
                    )
                    vals = {
                        "policy_id": policy.id,
                        "target_id": target.id,
                        "target_hours": hours,
                    }
                    if status.state != "paused":
                        vals["deadline"] = policy._plan_hours(
                            max(hours - status.consumed_hours, 0.0),
                            status.resumed_on,
                        )
                if status.state == "warning":
                    vals.update(state="ongoing", warned=False)
                status.write(vals)
                changed += 1
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "%(count)s open SLA deadlines recomputed.", count=changed
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Watching: warnings and escalations
    # ------------------------------------------------------------------

    @api.model
    def _cron_check_deadlines(self, batch_size=1000):
        """Warn before and escalate after the deadlines, once each, then climb
        the policies' escalation ladders (``logistics.sla.escalation``)."""
        now = fields.Datetime.now()
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
SELECT s.id FROM logistics_sla_status s
 WHERE s.state IN ('ongoing', 'warning') AND s.deadline < %(now)s
 ORDER BY s.id
""",
                now=now,
            )
        )
        to_fail = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                """
SELECT s.id FROM logistics_sla_status s
  JOIN logistics_sla_policy p ON p.id = s.policy_id
 WHERE s.state = 'ongoing' AND NOT COALESCE(s.warned, FALSE)
   AND s.deadline >= %(now)s
   AND s.deadline - make_interval(secs => p.warn_before_hours * 3600) <= %(now)s
 ORDER BY s.id
""",
                now=now,
            )
        )
        to_warn = [row[0] for row in cr.fetchall()]
        total = len(to_fail) + len(to_warn)
        done = 0
        for ids, event in ((to_fail, "failed"), (to_warn, "warning")):
            for start in range(0, len(ids), batch_size):
                batch = self.sudo().browse(ids[start : start + batch_size])
                batch._escalate(event, now)
                done += len(batch)
                # stop when the cron's time is up: the next run resumes
                if in_cron and not self.env["ir.cron"]._commit_progress(
                    len(batch), remaining=total - done
                ):
                    return done
        # after the breaches: a status failed just now may be due for levels
        return total + self.env["logistics.sla.escalation"].sudo()._cron_climb(
            now, batch_size=batch_size
        )

    def _escalate(self, event, now):
        self._claim(event)._escalate_claimed(event, now)

    def _escalate_claimed(self, event, now):
        if not self:
            return
        self._prefetch_key_account_managers()
        if event == "failed":
            exceeded = []
            for policy, statuses in self.grouped("policy_id").items():
                hours = policy._working_hours_batch(
                    [(status.deadline, now) for status in statuses]
                )
                exceeded += [
                    SQL("(%s, %s)", status.id, value)
                    for status, value in zip(statuses, hours, strict=True)
                ]
            self.flush_recordset()
            # one UPDATE for the batch; the stored counts follow the state
            self.env.cr.execute(
                SQL(
                    """
UPDATE logistics_sla_status s
   SET state = 'failed', escalated = TRUE, exceeded_hours = v.hours,
       closed_count = 1, met_count = 0, compliance = 0,
       write_date = %(now)s, write_uid = %(uid)s
  FROM (VALUES %(values)s) AS v(id, hours)
 WHERE s.id = v.id
""",
                    now=now,
                    uid=self.env.uid,
                    values=SQL(", ").join(exceeded),
                )
            )
            self.env["logistics.customer.scorecard.fact"]._mark_records(self)
            self.invalidate_recordset(
                [
                    "state",
                    "escalated",
                    "exceeded_hours",
                    "closed_count",
                    "met_count",
                    "compliance",
                    "write_date",
                    "write_uid",
                ]
            )
        else:
            self.write({"state": "warning", "warned": True})
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        activities = []
        for model, statuses in self.grouped("res_model").items():
            records = self.env[model].browse(statuses.mapped("res_id"))
            bodies = {}
            for status in statuses:
                bodies[status.res_id] = status._escalation_text(event)
                user = status._responsible()
                if user:
                    activities.append(
                        {
                            "res_model_id": self.env["ir.model"]._get_id(model),
                            "res_id": status.res_id,
                            "activity_type_id": activity_type.id,
                            "summary": bodies[status.res_id],
                            "user_id": user.id,
                            "date_deadline": fields.Date.context_today(self),
                        }
                    )
            records._message_log_batch(bodies=bodies)
        if activities:
            # the activity and the chatter note are the alert: no e-mail per
            # activity, which would cost a mail per status at scale
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(activities)
        self._send_delay_notices(event)

    def _send_delay_notices(self, event):
        """Tell the shipper's contact and the consignee of each delivery status
        of ``self`` that has just turned to ``event`` (warning or failed) that
        the delivery is late, with the date it is now expected: one mail each,
        once per state, unless the shipper opted out (``sla_delay_notice``)."""
        template = self.env.ref(
            "logistics_crm.mail_template_delivery_delay", raise_if_not_found=False
        )
        rank = {False: 0, "warning": 1, "failed": 2}
        statuses = self.filtered(
            lambda s: (
                s.kind == "delivery"
                and rank[s.delay_notice] < rank[event]
                and s.partner_id.sla_delay_notice
            )
        )
        if not template or not statuses:
            return
        pickings = statuses.sale_order_id.picking_ids.filtered(
            lambda p: (
                p.picking_type_code == "outgoing"
                and p.state not in ("done", "cancel")
                and p.partner_id
            )
        ).sorted(lambda p: (p.scheduled_date, p.id))
        first = {}
        for picking in pickings:
            first.setdefault(picking.sale_id, picking)
        to_notify = statuses.filtered(lambda s: s.sale_order_id in first)
        if not to_notify:
            return
        notices = self.env["stock.picking"].browse(
            first[status.sale_order_id].id for status in to_notify
        )
        # the date the delivery is now planned for, unless that too is past
        now = fields.Datetime.now()
        expected = {
            picking.id: picking.scheduled_date
            for picking in notices
            if picking.scheduled_date and picking.scheduled_date > now
        }
        # the receiver, and the shipper's contact when it is another party
        template = template.with_context(
            logistics_delay_event=event, logistics_delay_expected=expected
        )
        template.with_context(logistics_notice_to="consignee").send_mail_batch(
            notices.ids
        )
        shippers = notices.filtered(lambda p: p.sale_id.partner_id != p.partner_id)
        if shippers:
            template.with_context(logistics_notice_to="shipper").send_mail_batch(
                shippers.ids
            )
        to_notify.write({"delay_notice": event})

    def _claim(self, event):
        """The statuses of ``self`` still due for ``event``, locked for this
        transaction. A status reached since the cron selected it (a delivery
        validated, a complaint closed) is left alone, and so is one that
        another transaction holds right now: the next run sees it again."""
        self.flush_recordset()
        # a lock that lets other transactions reference the rows: only the
        # state and the escalation flags change
        locked = self.try_lock_for_update(allow_referencing=True)
        # the state may have moved since the cron selected the ids (a delivery
        # validated meanwhile): read it again, now that the rows are locked
        locked.invalidate_recordset(["state", "warned"])
        if event == "warning":
            return locked.filtered(lambda s: s.state == "ongoing" and not s.warned)
        return locked.filtered(lambda s: s.state in ("ongoing", "warning"))

    def _prefetch_key_account_managers(self):
        """Read the key-account managers of the statuses' customers in one
        query per company, for ``_responsible`` (which reads them one customer
        at a time, in the company's environment)."""
        for company, statuses in self.grouped("company_id").items():
            customers = statuses.partner_id.sudo().with_company(company)
            customers.commercial_partner_id.key_account_manager_id.mapped("active")

    def _responsible(self):
        """Who is told of a warning or an escalation: the customer's
        key-account manager, else the delivery's responsible or the order's
        salesperson, for a delivery; the complaint's responsible, else its
        default one (never nobody), for a complaint."""
        if self.kind == "delivery":
            manager = self.partner_id._key_account_manager(self.company_id)
            if manager:
                return manager
            pickings = self.sale_order_id.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing" and p.user_id
            )
            return pickings[:1].user_id or self.sale_order_id.user_id
        complaint = self.complaint_id
        return complaint.user_id or complaint._default_responsible()

    def _escalation_text(self, event):
        kind = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        deadline = fields.Datetime.context_timestamp(self, self.deadline)
        when = deadline.strftime("%Y-%m-%d %H:%M")
        if event == "failed":
            return self.env._(
                "SLA breached: %(kind)s deadline %(deadline)s passed (%(policy)s).",
                kind=kind,
                deadline=when,
                policy=self.policy_id.name,
            )
        return self.env._(
            "SLA at risk: %(kind)s deadline %(deadline)s is close (%(policy)s).",
            kind=kind,
            deadline=when,
            policy=self.policy_id.name,
        )
