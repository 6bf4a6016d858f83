from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from .complaint_cause import RESPONSIBILITY
from .sla_status import OPEN_STATES

PRIORITIES = [
    ("0", "Low"),
    ("1", "Normal"),
    ("2", "High"),
    ("3", "Urgent"),
]
RATING_SATISFIED = 4
HANDLER_GROUP = "logistics_crm.logistics_crm_group_user"
# What users who report complaints without handling them (inventory users, who
# see the damage first) may give: the facts of a delivery. Responsible, stage,
# priority, amounts, root cause and resolution are the Logistics CRM team's.
REPORTER_FIELDS = frozenset(
    {
        "name",
        "description",
        "partner_id",
        "picking_id",
        "sale_order_id",
        "company_id",
        "complaint_type_id",
        "damaged_qty",
    }
)

# what places a complaint (and its ratings) in the scorecard facts
SCORECARD_KEY_FIELDS = {"company_id", "partner_id", "date_reported", "date_closed"}
# what changes its figures there
SCORECARD_FIELDS = SCORECARD_KEY_FIELDS | {
    "active",
    "to_confirm",
    "stage_id",
    "is_closed",
    "is_damage",
    "commercial_partner_id",
}


class LogisticsComplaint(models.Model):
    _name = "logistics.complaint"
    _description = "Customer Complaint"
    _inherit = [
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "rating.mixin",
        "logistics.scorecard.fact.source",
    ]
    _scorecard_key_fields = SCORECARD_KEY_FIELDS
    _scorecard_fields = SCORECARD_FIELDS
    _order = "priority desc, date_reported desc, id desc"
    _rec_names_search = ["name", "reference"]
    _primary_email = "email_from"
    _check_company_auto = True

    name = fields.Char(string="Subject", required=True, tracking=True)
    reference = fields.Char(
        required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_reported = fields.Datetime(
        string="Reported On",
        required=True,
        default=fields.Datetime.now,
        index=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        tracking=True,
        help="Who complained. Required, except on a complaint received by "
        "e-mail that is still to confirm.",
    )
    to_confirm = fields.Boolean(
        default=False,
        copy=False,
        index=True,
        tracking=True,
        help="Received by e-mail: the sender's address proves nothing. Until an "
        "employee links the customer and confirms it, the complaint counts in no "
        "grade, scorecard or SLA figure and the customer portal does not show it.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    email_from = fields.Char(
        compute="_compute_email_from", store=True, readonly=False, copy=False
    )
    consignee_id = fields.Many2one(
        "res.partner",
        tracking=True,
        help="The receiving party, when it is not the customer: a third-party "
        "logistics provider serves both the shipper and the consignee.",
    )
    customer_tier_id = fields.Many2one(
        related="commercial_partner_id.customer_tier_id", string="Customer Tier"
    )
    customer_tier_color = fields.Integer(
        related="customer_tier_id.color", string="Tier Color"
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        index="btree_not_null",
        tracking=True,
        domain="[('partner_id', 'child_of', commercial_partner_id), "
        "('company_id', '=', company_id)]",
    )
    picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        index="btree_not_null",
        tracking=True,
        domain="[('partner_id', 'child_of', commercial_partner_id), "
        "('picking_type_code', '=', 'outgoing'), ('company_id', '=', company_id)]",
    )
    invoice_id = fields.Many2one(
        "account.move",
        index="btree_not_null",
        tracking=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('move_type', '=', 'out_invoice'), ('company_id', '=', company_id)]",
    )
    complaint_type_id = fields.Many2one(
        "logistics.complaint.type",
        string="Type",
        tracking=True,
        index=True,
        check_company=True,
    )
    is_damage = fields.Boolean(related="complaint_type_id.is_damage", store=True)
    priority = fields.Selection(PRIORITIES, default="1", tracking=True, index=True)
    stage_id = fields.Many2one(
        "logistics.complaint.stage",
        index=True,
        tracking=True,
        copy=False,
        group_expand="_read_group_stage_ids",
        default=lambda self: self._default_stage(),
        ondelete="restrict",
        check_company=True,
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        index=True,
        default=lambda self: self._default_user_id(),
        domain="[('share', '=', False)]",
    )
    description = fields.Html()
    root_cause_id = fields.Many2one(
        "logistics.complaint.cause", tracking=True, check_company=True
    )
    responsibility = fields.Selection(RESPONSIBILITY, tracking=True)
    resolution = fields.Text(tracking=True)
    corrective_action = fields.Text()
    preventive_action = fields.Text()
    damaged_qty = fields.Float(string="Damaged Quantity", digits="Product Unit")
    claim_amount = fields.Monetary(
        currency_field="currency_id", tracking=True, help="What the customer claims."
    )
    compensation_amount = fields.Monetary(
        currency_field="currency_id",
        tracking=True,
        help="What the company grants; 'Create credit note' credits it.",
    )
    credit_note_id = fields.Many2one("account.move", copy=False, readonly=True)
    return_picking_id = fields.Many2one(
        "stock.picking", string="Return", copy=False, readonly=True
    )
    date_closed = fields.Datetime(
        string="Closed On", copy=False, readonly=True, index="btree_not_null"
    )
    sla_status_ids = fields.One2many(
        "logistics.sla.status", "complaint_id", string="SLA Statuses"
    )
    sla_deadline = fields.Datetime(
        string="SLA Deadline",
        compute="_compute_sla",
        help="The earliest deadline of the open SLA statuses.",
    )
    sla_failed = fields.Boolean(
        string="SLA Breached", compute="_compute_sla", search="_search_sla_failed"
    )
    color = fields.Integer()

    def _compute_sla(self):
        for complaint in self:
            statuses = complaint.sudo().sla_status_ids
            open_deadlines = statuses.filtered(
                lambda s: s.state in ("ongoing", "warning")
            ).mapped("deadline")
            complaint.sla_deadline = min(open_deadlines) if open_deadlines else False
            complaint.sla_failed = any(s.state == "failed" for s in statuses)

    def _search_sla_failed(self, operator, value):
        if operator != "in":
            return NotImplemented
        domain = Domain("sla_status_ids", "any", [("state", "=", "failed")])
        return domain if True in value else ~domain

    @api.model
    def _default_stage(self, company=None):
        """The first stage of ``company`` (default: the current one), its own
        or shared."""
        company = company or self.env.company
        stage = (
            self.env["logistics.complaint.stage"]
            .sudo()
            .search([("company_id", "in", [company.id, False])], limit=1)
        )
        return stage.sudo(False)

    def _default_user_id(self):
        # who files a complaint handles it when he may; anyone else (a
        # warehouse user reporting damage, say) leaves it to the default
        # responsible
        return (
            self.env.user
            if self.env.user.has_group(HANDLER_GROUP)
            else self.env["res.users"]
        )

    @api.model
    def _responsible_for(self, partner, company, complaint_type):
        """Who handles a complaint of ``partner`` (any of its contacts, or
        none) of type ``complaint_type`` in ``company`` when nobody was
        chosen: the customer's key-account manager in that company, else its
        salesperson, else the type's responsible, else the company's default
        complaint responsible (else its first Logistics CRM administrator).
        Only active internal users of the company qualify."""
        customer = partner.sudo().commercial_partner_id
        return (
            company._logistics_handler(
                customer._key_account_manager(company),
                customer.user_id,
                complaint_type.sudo().user_id,
            )
            or company._logistics_default_handler()
        )

    def _default_responsible(self):
        """The default responsible of the complaint, see ``_responsible_for``."""
        self.ensure_one()
        return self._responsible_for(
            self.partner_id, self.company_id, self.complaint_type_id
        )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # every stage of the companies worked in is a kanban column, even empty
        return stages.search([("company_id", "in", [*self.env.companies.ids, False])])

    @api.depends("partner_id.email")
    def _compute_email_from(self):
        for complaint in self:
            if complaint.partner_id.email:
                complaint.email_from = complaint.partner_id.email

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for complaint in self:
            complaint.display_name = (
                f"{complaint.reference} - {complaint.name}"
                if complaint.reference and complaint.reference != "/"
                else complaint.name
            )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"
        return result

    # ------------------------------------------------------------------
    # Onchanges and constraints
    # ------------------------------------------------------------------

    @api.onchange("picking_id")
    def _onchange_picking_id(self):
        if self.picking_id.sale_id and not self.sale_order_id:
            self.sale_order_id = self.picking_id.sale_id
        if self.picking_id and not self.partner_id:
            self.partner_id = self.picking_id.partner_id

    @api.onchange("sale_order_id")
    def _onchange_sale_order_id(self):
        if self.sale_order_id and not self.partner_id:
            self.partner_id = self.sale_order_id.partner_id

    @api.onchange("root_cause_id")
    def _onchange_root_cause_id(self):
        if self.root_cause_id.responsibility and not self.responsibility:
            self.responsibility = self.root_cause_id.responsibility

    @api.constrains("partner_id", "to_confirm")
    def _check_partner(self):
        for complaint in self:
            if not complaint.partner_id and not complaint.to_confirm:
                raise ValidationError(
                    self.env._(
                        "Complaint %(complaint)s needs a customer: only a complaint "
                        "received by e-mail and still to confirm may have none.",
                        complaint=complaint.display_name,
                    )
                )

    @api.constrains("damaged_qty", "claim_amount", "compensation_amount")
    def _check_amounts(self):
        for complaint in self:
            if (
                min(
                    complaint.damaged_qty,
                    complaint.claim_amount,
                    complaint.compensation_amount,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Damaged quantity, claimed amount and compensation cannot "
                        "be negative (complaint %(complaint)s).",
                        complaint=complaint.display_name,
                    )
                )

    @api.constrains("partner_id", "sale_order_id", "picking_id", "invoice_id")
    def _check_documents(self):
        for complaint in self.sudo():
            customer = complaint.commercial_partner_id
            order, picking, invoice = (
                complaint.sale_order_id,
                complaint.picking_id,
                complaint.invoice_id,
            )
            foreign = []
            if order and order.partner_id.commercial_partner_id != customer:
                foreign.append(order.name)
            if picking and customer not in (
                picking.partner_id.commercial_partner_id
                | picking.sale_id.partner_id.commercial_partner_id
            ):
                foreign.append(picking.name)
            if invoice and invoice.commercial_partner_id != customer:
                foreign.append(invoice.name)
            if foreign:
                raise ValidationError(
                    self.env._(
                        "%(documents)s do not belong to %(customer)s: a complaint "
                        "can only concern the customer's own orders, deliveries and "
                        "invoices.",
                        documents=", ".join(foreign),
                        customer=customer.display_name,
                    )
                )
            if invoice and invoice.move_type not in ("out_invoice", "out_refund"):
                raise ValidationError(
                    self.env._("%(move)s is not a customer invoice.", move=invoice.name)
                )

    @api.constrains("stage_id", "root_cause_id", "resolution")
    def _check_closing(self):
        for complaint in self:
            stage = complaint.stage_id
            if not stage.is_closed or stage.is_cancelled:
                continue
            missing = []
            if not complaint.root_cause_id:
                missing.append(self.env._("a root cause"))
            if not (complaint.resolution or "").strip():
                missing.append(self.env._("a resolution"))
            if missing:
                raise ValidationError(
                    self.env._(
                        "To move %(complaint)s to %(stage)s, give %(missing)s.",
                        complaint=complaint.display_name,
                        stage=stage.name,
                        missing=self.env._(" and ").join(missing),
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def _check_reporter_values(self, vals_list):
        """Complaints created by users who do not handle complaints (inventory
        users reporting damage from a delivery) give the facts of a delivery
        and nothing else, directly or through context defaults."""
        if self.env.su or self.env.user.has_group(HANDLER_GROUP):
            return
        defaults = {
            key.removeprefix("default_")
            for key in self.env.context
            if key.startswith("default_")
        }
        given = defaults.intersection(self._fields).union(*vals_list)
        forbidden = sorted(given - REPORTER_FIELDS)
        if forbidden:
            raise AccessError(
                self.env._(
                    "You can report a complaint, not handle it: %(fields)s are "
                    "for the Logistics CRM team.",
                    fields=", ".join(
                        self._fields[name].string if name in self._fields else name
                        for name in forbidden
                    ),
                )
            )
        if not all(
            vals.get("picking_id") or self.env.context.get("default_picking_id")
            for vals in vals_list
        ):
            raise AccessError(
                self.env._("Report a complaint from the delivery it concerns.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_reporter_values(vals_list)
        Partner = self.env["res.partner"].sudo()
        defaults = self.default_get(["user_id", "partner_id", "complaint_type_id"])
        unassigned = []
        for vals in vals_list:
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            # arrived without a responsible (portal, e-mail, an employee who
            # may not handle complaints): give it its default one
            unassigned.append(not vals.get("user_id", defaults.get("user_id")))
            if unassigned[-1]:
                vals["user_id"] = (
                    self._responsible_for(
                        Partner.browse(
                            vals.get("partner_id", defaults.get("partner_id"))
                        ),
                        company,
                        self.env["logistics.complaint.type"].browse(
                            vals.get(
                                "complaint_type_id", defaults.get("complaint_type_id")
                            )
                        ),
                    ).id
                    or False
                )
            if vals.get("reference", "/") == "/":
                vals["reference"] = (
                    self.env["ir.sequence"]
                    .sudo()
                    .with_company(company)
                    .next_by_code("logistics.complaint")
                    or "/"
                )
            if "priority" not in vals and vals.get("partner_id"):
                tier = (
                    Partner.browse(vals["partner_id"])
                    .with_company(company)
                    .commercial_partner_id.customer_tier_id
                )
                if tier.complaint_priority:
                    vals["priority"] = tier.complaint_priority
            if "stage_id" not in vals and "default_stage_id" not in self.env.context:
                vals["stage_id"] = self._default_stage(company).id
        complaints = super().create(vals_list)
        self.env["logistics.customer.scorecard.fact"]._mark_records(complaints)
        self.env["logistics.sla.status"]._start_complaints(complaints)
        complaints.filtered("stage_id.is_closed")._on_closed()
        complaints.browse(
            c.id for c, flag in zip(complaints, unassigned, strict=True) if flag
        )._schedule_arrival_activity()
        return complaints

    def write(self, vals):
        confirming = self.browse()
        rerouting = self.browse()
        if "user_id" not in vals and ("partner_id" in vals or "to_confirm" in vals):
            # a complaint received by e-mail still with the responsible it
            # got by default goes to the default responsible of the customer
            # linked or confirmed
            rerouting = self.filtered(
                lambda c: (
                    c.to_confirm
                    and (not c.user_id or c.user_id == c._default_responsible())
                )
            )
        if "to_confirm" in vals:
            if vals["to_confirm"] and not all(self.mapped("to_confirm")):
                raise UserError(
                    self.env._(
                        "A confirmed complaint cannot be sent back to confirmation; "
                        "cancel it instead."
                    )
                )
            if not vals["to_confirm"]:
                confirming = self.filtered("to_confirm")
        if "stage_id" not in vals:
            result = super().write(vals)
        else:
            before = {c.id: c.stage_id for c in self}
            result = super().write(vals)
            if self.stage_id.is_closed:
                self.filtered(lambda c: not before[c.id].is_closed)._on_closed()
            else:
                self.filtered(lambda c: before[c.id].is_closed).date_closed = False
            self._sla_stage_changed(before)
        if confirming:
            confirming._start_sla_on_confirm()
        if rerouting:
            rerouting._reroute_to_default_responsible()
        return result

    def _scorecard_fact_keys_on_unlink(self):
        # the complaint's SLA statuses go with it (cascade), without unlink()
        return self._scorecard_fact_keys() | self.sla_status_ids._scorecard_fact_keys()

    def _scorecard_fact_keys(self):
        """The scorecard keys the complaint counts in: its reporting and
        closing months, and the months of its ratings while it is open."""
        month = self.env["logistics.customer.scorecard.fact"]._month
        keys = {
            (complaint.company_id.id, complaint.commercial_partner_id.id, month(when))
            for complaint in self
            for when in (complaint.date_reported, complaint.date_closed)
            if when
        }
        return keys | (
            self.filtered(lambda c: not c.date_closed).rating_ids._scorecard_fact_keys()
        )

    def _reroute_to_default_responsible(self):
        for complaint in self:
            responsible = complaint._default_responsible()
            if responsible and responsible != complaint.user_id:
                complaint.user_id = responsible
        self._schedule_arrival_activity()

    def _arrival_activity_summary(self):
        customer = self.partner_id.display_name or self.email_from
        if customer:
            return self.env._(
                "New complaint from %(customer)s: %(subject)s",
                customer=customer,
                subject=self.name,
            )
        return self.env._("New complaint: %(subject)s", subject=self.name)

    def _arrival_activity_deadline(self, user):
        """The response deadline, else today, as dates of ``user``."""
        complaint = self.with_context(tz=user.tz or "UTC")
        response = self.sudo().sla_status_ids.filtered(
            lambda s: s.kind == "response" and s.deadline
        )[:1]
        if response:
            return fields.Datetime.context_timestamp(
                complaint, response.deadline
            ).date()
        return fields.Date.context_today(complaint)

    def _schedule_arrival_activity(self):
        """Ask the responsible of each open complaint of ``self`` to answer it,
        by one activity that follows the complaint to its next default
        responsible (a complaint received by e-mail whose customer is linked)
        and takes the response deadline once the SLA clock starts. Nobody gets
        it twice, nor for a complaint they filed themselves."""
        activity_type = self.env.ref(
            "logistics_crm.mail_activity_type_complaint_new", raise_if_not_found=False
        )
        if not activity_type:
            return
        Activity = (
            self.env["mail.activity"]
            .sudo()
            .with_context(active_test=False, mail_activity_quick_update=True)
        )
        existing = Activity.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        ).grouped("res_id")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for complaint in self:
            user = complaint.user_id
            if not user or complaint.is_closed:
                continue
            activities = existing.get(complaint.id, Activity)
            pending = activities.filtered("active")[:1]
            if pending:
                if pending.user_id != user and user in activities.user_id:
                    continue
            elif user == self.env.user or user in activities.user_id:
                continue
            # the responsible reads it in his own language
            complaint = complaint.with_context(lang=user.lang)
            values = {
                "user_id": user.id,
                "summary": complaint._arrival_activity_summary(),
                "date_deadline": complaint._arrival_activity_deadline(user),
            }
            if pending:
                # refreshed, or handed over to the new responsible
                pending.write(values)
            else:
                vals_list.append(
                    dict(
                        values,
                        res_model_id=model_id,
                        res_id=complaint.id,
                        activity_type_id=activity_type.id,
                    )
                )
        if vals_list:
            # the responsible was told of the assignment already, as a new
            # follower: the activity puts the complaint on his to-do list
            Activity.create(vals_list)

    def _start_sla_on_confirm(self):
        """Start the SLA clocks of complaints just confirmed, from the date
        they were reported, then apply the stage they have reached meanwhile
        as if they had just left the first stage."""
        self.env["logistics.sla.status"]._start_complaints(self)
        self._sla_stage_changed({c.id: self._default_stage(c.company_id) for c in self})

    def _sla_stage_changed(self, before):
        now = fields.Datetime.now()
        for complaint in self:
            statuses = complaint.sudo().sla_status_ids
            old, new = before[complaint.id], complaint.stage_id
            if not statuses or old == new:
                continue
            first_stage = self._default_stage(complaint.company_id)
            if new.is_cancelled:
                statuses.filtered(lambda s: s.state in OPEN_STATES).unlink()
                continue
            if old == first_stage or new.is_closed:
                statuses.filtered(lambda s: s.kind == "response")._reach(now)
            if new.is_closed:
                statuses.filtered(lambda s: s.kind == "resolution")._reach(now)
            elif new.sla_paused and not old.sla_paused:
                statuses._pause(now)
            elif old.sla_paused and not new.sla_paused:
                statuses._resume(now)

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        author = message.sudo().author_id
        if (
            message.message_type in ("comment", "email")
            and not (message.subtype_id.internal or message.is_internal)
            and author
            and not author.partner_share
        ):
            # an answer to the customer: public, and written by an employee
            # (partner_share is False for partners of internal users only), not
            # by the customer or a third party in copy
            self.sudo().sla_status_ids.filtered(lambda s: s.kind == "response")._reach(
                message.date
            )
        return result

    def _on_closed(self):
        """Stamp the closing date and ask the customer, once per complaint, to
        rate the handling."""
        self.date_closed = fields.Datetime.now()
        template = self.env.ref(
            "logistics_crm.mail_template_complaint_rating", raise_if_not_found=False
        )
        if not template:
            return
        for complaint in self.filtered(
            lambda c: (
                not c.stage_id.is_cancelled
                and not c.to_confirm
                and not c.rating_ids
                and c.partner_id
                and c.partner_id != self.env.user.partner_id
            )
        ):
            complaint.rating_send_request(
                template, lang=complaint.partner_id.lang, force_send=False
            )

    # ------------------------------------------------------------------
    # Mail gateway, portal and rating
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A complaint received by e-mail. Anyone can write any ``From:``
        header, so it is to confirm: a known sender's contact is linked (the
        gateway matched ``author_id`` without creating one), an unknown sender
        creates no contact and stays in ``email_from``."""
        values = dict(custom_values or {})
        partner = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        values.setdefault("name", msg_dict.get("subject") or self.env._("No subject"))
        if "partner_id" not in values:
            values.update(self._consignee_values(partner))
        values.setdefault("partner_id", partner.id)
        values.setdefault("description", msg_dict.get("body"))
        values.setdefault("user_id", False)
        values["to_confirm"] = True
        return super(
            LogisticsComplaint, self.with_context(default_user_id=False)
        ).message_new(msg_dict, custom_values=values)

    @api.model
    def _consignee_values(self, partner):
        """The complaint of a receiver of deliveries who is not a customer
        itself belongs to the shipper: the customer of the order of its most
        recent delivery, with the receiver as consignee."""
        if not partner:
            return {}
        customer = partner.commercial_partner_id
        SaleOrder = self.env["sale.order"].sudo().with_context(active_test=False)
        if SaleOrder.search_count(
            [("partner_id", "child_of", customer.id), ("state", "=", "sale")],
            limit=1,
        ):
            return {}
        delivery = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("picking_type_code", "=", "outgoing"),
                    ("sale_id", "!=", False),
                    ("state", "!=", "cancel"),
                ],
                order="date_done desc nulls last, scheduled_date desc, id desc",
                limit=1,
            )
        )
        if not delivery:
            return {}
        return {
            "partner_id": delivery.sale_id.partner_id.id,
            "consignee_id": partner.id,
            "picking_id": delivery.id,
            "sale_order_id": delivery.sale_id.id,
            "company_id": delivery.company_id.id,
        }

    def _mail_get_operation_for_mail_message_operation(self, message_operation):
        operations = super()._mail_get_operation_for_mail_message_operation(
            message_operation
        )
        if message_operation == "create" and not self.env.user.share:
            # who reported a complaint follows it up in its chatter, though he
            # may not edit it (a warehouse user)
            for complaint in self:
                if complaint.create_uid.id == self.env.uid:
                    operations[complaint] = "read"
        return operations

    def _rating_get_parent_field_name(self):
        return "commercial_partner_id"

    def _rating_get_operator(self):
        return self.user_id.partner_id

    def _get_report_base_filename(self):
        return self.reference

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _open(self, model, record, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "res_id": record.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.readonly
    def action_open_reported(self):
        """Open a complaint just reported from a delivery: the usual form for
        Logistics CRM users, who handle it, the facts and the chatter for the
        others (warehouse users who filed it)."""
        self.ensure_one()
        self.check_access("read")
        view = (
            False
            if self.env.user.has_group(HANDLER_GROUP)
            else self.env.ref("logistics_crm.logistics_complaint_view_form_report").id
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(view, "form")],
            "target": "current",
        }

    def action_confirm_intake(self):
        """Confirm complaints received by e-mail once the customer is linked:
        they then count in grades, scorecards and SLA compliance (their SLA
        clocks start from the reporting date) and show on the customer's
        portal. Needs the right to edit the complaints."""
        self.check_access("write")
        to_confirm = self.filtered("to_confirm")
        missing = to_confirm.filtered(lambda c: not c.partner_id)
        if missing:
            raise UserError(
                self.env._(
                    "Link the customer of %(complaints)s before confirming: an "
                    "e-mail address alone does not prove who complains.",
                    complaints=", ".join(missing.mapped("display_name")),
                )
            )
        to_confirm.write({"to_confirm": False})
        return True

    def action_create_credit_note(self):
        """Credit the compensation to the customer, as a draft credit note
        linked to the complaint's invoice; open it when it already exists.
        Needs the right to edit the complaint, and invoicing rights."""
        self.ensure_one()
        self.check_access("write")
        if self.credit_note_id:
            return self._open(
                "account.move", self.credit_note_id, self.env._("Credit Note")
            )
        if self.compensation_amount <= 0:
            raise UserError(
                self.env._("Set the compensation amount before creating a credit note.")
            )
        invoice = self.invoice_id
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": (invoice.partner_id or self.commercial_partner_id).id,
                "company_id": self.company_id.id,
                "currency_id": self.currency_id.id,
                "reversed_entry_id": invoice.id,
                "invoice_origin": self.reference,
                "ref": self.env._(
                    "Compensation for %(complaint)s", complaint=self.display_name
                ),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": self.env._(
                                "Compensation: %(complaint)s",
                                complaint=self.display_name,
                            ),
                            "quantity": 1,
                            "price_unit": self.compensation_amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        self.credit_note_id = credit_note
        self.message_post(
            body=Markup("%s")
            % self.env._(
                "Credit note %(move)s drafted for the compensation.",
                move=credit_note.display_name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return self._open("account.move", credit_note, self.env._("Credit Note"))

    def action_create_return(self):
        """Open Odoo's return wizard on the delivery; the return it creates is
        linked to the complaint. Open the return when it already exists.
        Needs the right to edit the complaint, and inventory rights."""
        self.ensure_one()
        self.check_access("write")
        if self.return_picking_id:
            return self._open(
                "stock.picking", self.return_picking_id, self.env._("Return")
            )
        if not self.picking_id:
            raise UserError(self.env._("Link the delivery to return first."))
        if self.picking_id.state != "done":
            raise UserError(
                self.env._(
                    "Delivery %(picking)s is not done yet: only delivered goods "
                    "can be returned.",
                    picking=self.picking_id.name,
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.act_stock_return_picking"
        )
        action["context"] = {
            "active_id": self.picking_id.id,
            "active_ids": self.picking_id.ids,
            "active_model": "stock.picking",
            "logistics_complaint_id": self.id,
        }
        return action

    @api.model
    def _document_fields(self, records):
        """The fields linking a complaint to documents like ``records``: a
        credit note drafted from a complaint concerns it as its invoice does."""
        return {
            "sale.order": ("sale_order_id",),
            "stock.picking": ("picking_id",),
            "account.move": ("invoice_id", "credit_note_id"),
            "res.partner": ("commercial_partner_id",),
        }[records._name]

    @api.model
    def _domain_for(self, records):
        return Domain.OR(
            Domain(field, "in", records.ids) for field in self._document_fields(records)
        )

    @api.model
    def _count_for(self, records):
        counts = dict.fromkeys(records.ids, 0)
        groups = self._read_group(
            self._domain_for(records), list(self._document_fields(records)), ["__count"]
        )
        for *documents, count in groups:
            # once per document, though a complaint may link it twice
            for document_id in {document.id for document in documents}:
                if document_id in counts:
                    counts[document_id] += count
        return counts

    @api.model
    def _action_for(self, records, defaults):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_complaint_action"
        )
        action["domain"] = list(self._domain_for(records))
        action["context"] = {f"default_{k}": v for k, v in defaults.items()}
        if len(records) == 1 and self.search_count(self._domain_for(records)) == 0:
            action["views"] = [(False, "form")]
            action["view_mode"] = "form"
        return action
