from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, Query, clean_context

from .complaint import RATING_SATISFIED
from .grade_history import LIFECYCLE
from .grading_engine import CRITERIA, PARTNER_COLUMNS

POTENTIAL = [
    ("none", "None"),
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
]

RFM_SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential_loyalist", "Potential loyalist"),
    ("new", "New"),
    ("need_attention", "Needs attention"),
    ("about_to_sleep", "About to sleep"),
    ("at_risk", "At risk"),
    ("cannot_lose", "Cannot lose"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]

LOCK_FIELDS = (
    "customer_tier_id",
    "customer_tier_locked",
    "customer_tier_lock_reason",
    "customer_tier_lock_until",
)
# Written by the grading engine only; users edit the lock fields at most.
PROTECTED_FIELDS = frozenset(PARTNER_COLUMNS)
# The grade is the company's internal view of a customer: only Logistics CRM
# users read it. The tier itself stays readable by every employee (its badge
# shows on orders, deliveries and invoices).
GRADING_GROUP = "logistics_crm.logistics_crm_group_user"
MANAGER_GROUP = "logistics_crm.logistics_crm_group_manager"


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_score = fields.Float(
        string="Value Score",
        company_dependent=True,
        digits=(5, 2),
        readonly=True,
        help="Weighted mean of the criteria sub-scores (0-100): the customer's "
        "rank among the company's customers on revenue, margin, frequency, "
        "recency, growth and potential; its own payment and complaint record.",
        groups=GRADING_GROUP,
    )
    customer_tier_id = fields.Many2one(
        "logistics.customer.tier",
        company_dependent=True,
        tracking=True,
        help="Tier in the current company: the computed tier, or the tier set by "
        "a manager while the tier is locked.",
    )
    customer_tier_computed_id = fields.Many2one(
        "logistics.customer.tier",
        string="Computed Tier",
        company_dependent=True,
        readonly=True,
        groups=GRADING_GROUP,
    )
    customer_tier_color = fields.Integer(
        related="customer_tier_id.color", string="Tier Color"
    )
    customer_tier_locked = fields.Boolean(
        string="Tier Locked",
        company_dependent=True,
        tracking=True,
        groups=GRADING_GROUP,
    )
    customer_tier_lock_reason = fields.Char(
        string="Lock Reason",
        company_dependent=True,
        tracking=True,
        groups=GRADING_GROUP,
    )
    customer_tier_lock_until = fields.Date(
        string="Locked Until",
        company_dependent=True,
        tracking=True,
        help="The lock is lifted by the first regrade after this date. Leave "
        "empty to lock until unlocked by hand.",
        groups=GRADING_GROUP,
    )
    customer_tier_mismatch = fields.Boolean(
        string="Tier differs from computed",
        compute="_compute_customer_tier_mismatch",
        search="_search_customer_tier_mismatch",
        groups=GRADING_GROUP,
    )
    customer_tier_lock_warning = fields.Char(
        string="Tier Lock Warning",
        compute="_compute_customer_tier_lock_warning",
        groups=GRADING_GROUP,
    )
    customer_potential = fields.Selection(
        POTENTIAL,
        string="Potential",
        company_dependent=True,
        tracking=True,
        help="Salespeople's estimate of the business the customer could bring; "
        "one of the grading criteria.",
        groups=GRADING_GROUP,
    )
    customer_lifecycle = fields.Selection(
        LIFECYCLE,
        string="Lifecycle",
        company_dependent=True,
        readonly=True,
        groups=GRADING_GROUP,
    )
    customer_score_trend = fields.Selection(
        [("up", "Up"), ("flat", "Flat"), ("down", "Down")],
        string="Score Trend",
        company_dependent=True,
        readonly=True,
        groups=GRADING_GROUP,
        help="The score against the previous grade that changed it: up or down "
        "by more than the grading policy's tolerance, else flat.",
    )
    retention_case_ids = fields.One2many(
        "logistics.retention.case", "partner_id", groups=GRADING_GROUP
    )
    retention_case_open_count = fields.Integer(
        string="Open Retention Cases",
        compute="_compute_retention_case_open_count",
        groups=GRADING_GROUP,
    )
    tier_benefit_change_count = fields.Integer(
        string="Proposed Benefit Changes",
        compute="_compute_tier_benefit_change_count",
        groups=GRADING_GROUP,
    )
    customer_rfm_segment = fields.Selection(
        RFM_SEGMENTS,
        string="RFM Segment",
        company_dependent=True,
        readonly=True,
        groups=GRADING_GROUP,
    )
    # The grade's figures live on logistics.customer.grade (one row per
    # company and customer); the partner shows those of the current company.
    # Read with the user's rights: a salesperson who sees only their own
    # documents sees no figures of another's customer.
    customer_grade_id = fields.Many2one(
        "logistics.customer.grade",
        string="Grade Figures",
        compute="_compute_customer_grade_id",
        search="_search_customer_grade_id",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_rfm = fields.Char(
        related="customer_grade_id.rfm",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_graded_on = fields.Datetime(
        related="customer_grade_id.graded_on",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_revenue = fields.Float(
        related="customer_grade_id.revenue",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_margin = fields.Float(
        related="customer_grade_id.margin",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_order_count = fields.Integer(
        related="customer_grade_id.frequency",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_recency_days = fields.Integer(
        related="customer_grade_id.recency_days",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_growth = fields.Float(
        related="customer_grade_id.growth",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_overdue_ratio = fields.Float(
        related="customer_grade_id.overdue_ratio",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_revenue_score = fields.Float(
        related="customer_grade_id.revenue_score",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_margin_score = fields.Float(
        related="customer_grade_id.margin_score",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_frequency_score = fields.Float(
        related="customer_grade_id.frequency_score",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_recency_score = fields.Float(
        related="customer_grade_id.recency_score",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_growth_score = fields.Float(
        related="customer_grade_id.growth_score",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_payment_score = fields.Float(
        related="customer_grade_id.payment_score",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_potential_score = fields.Float(
        related="customer_grade_id.potential_score",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_complaint_ratio = fields.Float(
        related="customer_grade_id.complaint_ratio",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_complaint_score = fields.Float(
        related="customer_grade_id.complaint_score",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_cost_to_serve = fields.Float(
        related="customer_grade_id.customer_cost_to_serve",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_net_margin = fields.Float(
        related="customer_grade_id.customer_net_margin",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_net_margin_score = fields.Float(
        related="customer_grade_id.net_margin_score",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    customer_clv = fields.Float(
        related="customer_grade_id.customer_clv",
        compute_sudo=False,
        groups=GRADING_GROUP,
    )
    complaint_count = fields.Integer(
        string="Complaints",
        compute="_compute_complaint_stats",
        groups="logistics_crm.logistics_crm_group_user",
    )
    complaint_satisfaction = fields.Float(
        string="Complaint Satisfaction (%)",
        compute="_compute_complaint_stats",
        groups="logistics_crm.logistics_crm_group_user",
        help="Share of the customer's rated complaints whose handling was rated "
        "satisfied (4 stars or more).",
    )
    complaint_rated_count = fields.Integer(
        compute="_compute_complaint_stats",
        groups="logistics_crm.logistics_crm_group_user",
    )
    key_account_manager_id = fields.Many2one(
        "res.users",
        company_dependent=True,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Owns the account in the current company: receives the customer's "
        "new complaints, SLA warnings and escalations before the salesperson. "
        "Logistics CRM users change it with the Change button.",
    )
    sla_delay_notice = fields.Boolean(
        string="Delay Notices",
        default=True,
        help="When a delivery's SLA turns to warning or failed, e-mail the "
        "customer's contact and the consignee the date the delivery is now "
        "expected. Set on the customer (the company), for all its deliveries "
        "in every company.",
    )
    sla_policy_id = fields.Many2one(
        "logistics.sla.policy",
        string="SLA Policy",
        compute="_compute_sla_policy_id",
        help="The service-level policy that applies to the customer today: a "
        "policy naming the customer, else one naming its tier, else the company "
        "default.",
    )
    sla_target_ids = fields.Many2many(
        "logistics.sla.target",
        compute="_compute_sla_policy_id",
        string="SLA Complaint Targets",
    )
    scorecard_html = fields.Html(
        string="Scorecard",
        compute="_compute_scorecard_html",
        sanitize=False,
        groups="logistics_crm.logistics_crm_group_user",
    )
    customer_grading_policy_id = fields.Many2one(
        "logistics.grading.policy",
        compute="_compute_customer_grading_policy_id",
        groups=GRADING_GROUP,
    )
    customer_grade_history_count = fields.Integer(
        compute="_compute_customer_grade_history_count", groups=GRADING_GROUP
    )
    customer_weight_revenue = fields.Float(
        compute="_compute_customer_grading_policy_id", groups=GRADING_GROUP
    )
    customer_weight_margin = fields.Float(
        compute="_compute_customer_grading_policy_id", groups=GRADING_GROUP
    )
    customer_weight_frequency = fields.Float(
        compute="_compute_customer_grading_policy_id", groups=GRADING_GROUP
    )
    customer_weight_recency = fields.Float(
        compute="_compute_customer_grading_policy_id", groups=GRADING_GROUP
    )
    customer_weight_growth = fields.Float(
        compute="_compute_customer_grading_policy_id", groups=GRADING_GROUP
    )
    customer_weight_payment = fields.Float(
        compute="_compute_customer_grading_policy_id", groups=GRADING_GROUP
    )
    customer_weight_potential = fields.Float(
        compute="_compute_customer_grading_policy_id", groups=GRADING_GROUP
    )
    customer_weight_complaints = fields.Float(
        compute="_compute_customer_grading_policy_id", groups=GRADING_GROUP
    )
    customer_weight_net_margin = fields.Float(
        compute="_compute_customer_grading_policy_id", groups=GRADING_GROUP
    )

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            *PARTNER_COLUMNS,
            "customer_potential",
            "key_account_manager_id",
        ]

    def _convert_fields_to_values(self, field_names):
        # Contacts mirror their commercial partner's grade whoever triggers the
        # sync (an import of contacts by a purchase manager, say), although
        # only Logistics CRM users may read it.
        grades = [f for f in field_names if self._fields[f].groups == GRADING_GROUP]
        if not grades or self.env.su:
            return super()._convert_fields_to_values(field_names)
        values = super()._convert_fields_to_values(
            [f for f in field_names if f not in grades]
        )
        values.update(super(ResPartner, self.sudo())._convert_fields_to_values(grades))
        return values

    @api.depends_context("company")
    @api.depends("customer_tier_id", "customer_tier_computed_id")
    def _compute_customer_tier_mismatch(self):
        for partner in self:
            partner.customer_tier_mismatch = bool(
                partner.customer_tier_computed_id
            ) and (partner.customer_tier_id != partner.customer_tier_computed_id)

    @api.depends_context("company", "lang")
    @api.depends("customer_tier_locked", "customer_tier_mismatch")
    def _compute_customer_tier_lock_warning(self):
        for partner in self:
            locked = partner.customer_tier_locked and partner.customer_tier_mismatch
            partner.customer_tier_lock_warning = locked and (
                self.env._(
                    "The tier is locked on %(tier)s while the grading computes "
                    "%(computed)s.",
                    tier=partner.customer_tier_id.display_name,
                    computed=partner.customer_tier_computed_id.display_name,
                )
            )

    def _search_customer_tier_mismatch(self, operator, value):
        if operator != "in":
            return NotImplemented

        def to_sql(model, alias, query):
            tier = model._field_to_sql(alias, "customer_tier_id", query)
            computed = model._field_to_sql(alias, "customer_tier_computed_id", query)
            return SQL(
                "(%s IS NOT NULL AND %s IS DISTINCT FROM %s)", computed, tier, computed
            )

        mismatch = Domain.custom(to_sql=to_sql)
        return mismatch if True in value else ~mismatch

    @api.depends_context("company", "uid")
    def _compute_customer_grade_id(self):
        commercial = self.commercial_partner_id
        grades = self.env["logistics.customer.grade"].search(
            [
                ("partner_id", "in", commercial.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {grade.partner_id.id: grade for grade in grades}
        for partner in self:
            partner.customer_grade_id = by_partner.get(
                partner.commercial_partner_id.id, False
            )

    def _search_customer_grade_id(self, operator, value):
        """Partners whose commercial partner's grade row in the current company
        matches; also "no grade" (``in [False]``) and searches on the related
        figures (``any``)."""
        if operator not in ("in", "not in", "any", "not any"):
            return NotImplemented
        Grade = self.env["logistics.customer.grade"]
        in_company = Domain("company_id", "=", self.env.company.id)
        if isinstance(value, Query):
            matching = Domain("id", "in", value)
        elif operator in ("any", "not any"):
            matching = Domain(value)
        else:
            matching = Domain("id", "in", [v for v in value if v])
        grades = Grade._search(matching & in_company)
        found = Domain("commercial_partner_id", "in", grades.subselect("partner_id"))
        ungraded = operator in ("in", "not in") and not isinstance(value, Query)
        if ungraded and False in value:
            # "no grade": no grade row in the company
            graded = Grade._search(in_company).subselect("partner_id")
            found |= Domain("commercial_partner_id", "not in", graded)
        return found if operator in ("in", "any") else ~found

    @api.depends_context("company")
    def _compute_customer_grading_policy_id(self):
        policy = (
            self.env["logistics.grading.policy"]
            .sudo()
            .search([("company_id", "=", self.env.company.id)], limit=1)
        )
        self.customer_grading_policy_id = policy
        for criterion in CRITERIA:
            self[f"customer_weight_{criterion}"] = policy[f"weight_{criterion}"]

    def _logistics_customer_counts(self, model, domain=()):
        """{commercial customer id: number of ``model`` records (with
        ``partner_id`` and ``company_id``) of the customers of ``self`` in
        the current company matching ``domain``}, in one grouped read: the
        customer form's smart buttons."""
        groups = self.env[model]._read_group(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                *domain,
            ],
            ["partner_id"],
            ["__count"],
        )
        return {partner.id: count for partner, count in groups}

    @api.depends_context("company")
    def _compute_customer_grade_history_count(self):
        counts = self._logistics_customer_counts("logistics.grade.history")
        for partner in self:
            partner.customer_grade_history_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    @api.depends_context("allowed_company_ids")
    def _compute_complaint_stats(self):
        Complaint = self.env["logistics.complaint"]
        commercial = self.commercial_partner_id
        # a complaint received by e-mail counts once an employee confirms it
        base = Domain("commercial_partner_id", "in", commercial.ids) & Domain(
            "to_confirm", "=", False
        )

        def count(domain):
            return dict(
                Complaint._read_group(
                    base & Domain(domain), ["commercial_partner_id"], ["__count"]
                )
            )

        total = count([])
        rated = count([("rating_last_value", ">", 0)])
        happy = count([("rating_last_value", ">=", RATING_SATISFIED)])
        for partner in self:
            key = partner.commercial_partner_id
            partner.complaint_count = total.get(key, 0)
            partner.complaint_rated_count = rated.get(key, 0)
            partner.complaint_satisfaction = (
                100.0 * happy.get(key, 0) / rated[key] if rated.get(key) else 0.0
            )

    @api.depends_context("company")
    @api.depends("customer_tier_id")
    def _compute_sla_policy_id(self):
        policies = self.env["logistics.sla.policy"]._policies_for(
            self, self.env.company
        )
        for partner in self:
            policy = policies.get(partner.commercial_partner_id.id)
            partner.sla_policy_id = policy
            partner.sla_target_ids = policy.target_ids if policy else False

    @api.depends_context("company")
    def _compute_scorecard_html(self):
        Scorecard = self.env["logistics.customer.scorecard"]
        for partner in self:
            kpis, lines = Scorecard._panel_lines(partner, self.env.company)
            partner.scorecard_html = self.env["ir.qweb"]._render(
                "logistics_crm.partner_scorecard_panel",
                {"kpis": kpis, "lines": lines, "partner": partner},
            )

    def _check_logistics_crm_group(self, group=GRADING_GROUP):
        if self.env.su or self.env.user.has_group(group):
            return
        if group == MANAGER_GROUP:
            message = self.env._("Only Logistics CRM administrators can do this.")
        else:
            message = self.env._(
                "Only Logistics CRM users see customer grades, scorecards and "
                "complaints."
            )
        raise AccessError(message)

    def _for_grade_edit(self, company, group, refused, company_refused):
        """The commercial partner of ``self`` in ``company``, once the user is
        checked: in ``group`` (else ``refused``), working in ``company`` (else
        ``company_refused``) and able to read the customer. The wizards that
        edit a grade write it as superuser after this check."""
        if not self.env.user.has_group(group):
            raise AccessError(refused)
        if company not in self.env.user.company_ids:
            raise AccessError(company_refused)
        partner = self.commercial_partner_id
        partner.check_access("read")
        return partner.with_company(company).with_context(
            clean_context(self.env.context)
        )

    @api.readonly
    def action_view_scorecard(self):
        """Open the customer's KPI scorecard (Logistics CRM users)."""
        self.ensure_one()
        self._check_logistics_crm_group()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_customer_scorecard_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_filter_last_12_months": 1}
        action["view_mode"] = "list,pivot,graph"
        action["views"] = [(False, "list"), (False, "pivot"), (False, "graph")]
        return action

    def action_recompute_sla_deadlines(self):
        """Apply the customer's current SLA policy to its open statuses
        (Logistics CRM administrators)."""
        self._check_logistics_crm_group(MANAGER_GROUP)
        statuses = self.env["logistics.sla.status"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("state", "in", ("ongoing", "warning", "paused")),
            ]
        )
        # the statuses are the user's (company rules); the orders and complaints
        # they rewrite are the engine's, whatever the user's sales rights
        return statuses.sudo()._recompute_deadlines()

    @api.readonly
    def action_view_complaints(self):
        """Open the customer's complaints (Logistics CRM users)."""
        self.ensure_one()
        self._check_logistics_crm_group()
        return self.env["logistics.complaint"]._action_for(
            self.commercial_partner_id, {"partner_id": self.id}
        )

    @api.constrains("key_account_manager_id")
    def _check_key_account_manager_id(self):
        company = self.env.company
        for partner in self:
            user = partner.key_account_manager_id
            if user and not company._logistics_handler(user):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot manage the account of %(partner)s in "
                        "%(company)s: choose an active internal user of that "
                        "company.",
                        user=user.name,
                        partner=partner.display_name,
                        company=company.name,
                    )
                )

    def _key_account_manager(self, company):
        """The key-account manager of the commercial partner of ``self`` in
        ``company``, when still an active internal user of that company."""
        customer = self[:1].sudo().with_company(company).commercial_partner_id
        return company._logistics_handler(customer.key_account_manager_id)

    @api.depends_context("company")
    def _compute_retention_case_open_count(self):
        counts = self._logistics_customer_counts(
            "logistics.retention.case", [("state", "=", "open")]
        )
        for partner in self:
            partner.retention_case_open_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    @api.depends_context("company")
    def _compute_tier_benefit_change_count(self):
        counts = self._logistics_customer_counts(
            "logistics.tier.benefit.change", [("state", "=", "proposed")]
        )
        for partner in self:
            partner.tier_benefit_change_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    @api.readonly
    def action_view_retention_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_retention_case_action"
        )
        customer = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", customer.id)]
        action["context"] = {"default_partner_id": customer.id}
        return action

    def _logistics_owner(self, company):
        """Who owns the account of the commercial partner of ``self`` in
        ``company``: its key-account manager, else its salesperson, else the
        company's default handler (never nobody)."""
        customer = self[:1].sudo().with_company(company).commercial_partner_id
        return (
            company._logistics_handler(
                customer.key_account_manager_id, customer.user_id
            )
            or company._logistics_default_handler()
        )

    @api.constrains(*LOCK_FIELDS)
    def _check_customer_tier_lock(self):
        today = fields.Date.context_today(self)
        for partner in self:
            if partner != partner.commercial_partner_id:
                continue
            if partner.customer_tier_locked:
                if not partner.customer_tier_id:
                    raise ValidationError(
                        self.env._(
                            "Choose the tier to lock %(partner)s on.",
                            partner=partner.display_name,
                        )
                    )
                if not (partner.customer_tier_lock_reason or "").strip():
                    raise ValidationError(
                        self.env._(
                            "Give a reason for locking the tier of %(partner)s.",
                            partner=partner.display_name,
                        )
                    )
                if (
                    partner.customer_tier_lock_until
                    and partner.customer_tier_lock_until < today
                ):
                    raise ValidationError(
                        self.env._("A tier lock must end today or later.")
                    )
            elif (
                partner.customer_tier_id
                and partner.customer_tier_id != partner.customer_tier_computed_id
            ):
                raise ValidationError(
                    self.env._(
                        "Lock the tier of %(partner)s to set it by hand: an "
                        "unlocked tier always follows the computed grade.",
                        partner=partner.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                given = {f for f in PROTECTED_FIELDS.intersection(vals) if vals[f]}
                if given:
                    self._check_grade_write_access(given)
        return super().create(vals_list)

    def write(self, vals):
        protected = PROTECTED_FIELDS.intersection(vals)
        if protected and not self.env.su:
            self._check_grade_write_access(protected)
        # A contact mirrors the grade of its commercial partner, lock included.
        # When it becomes a commercial entity itself, it starts ungraded.
        detached = self.browse()
        if "parent_id" in vals or "is_company" in vals:
            detached = self.filtered(lambda p: p.commercial_partner_id != p)
        if (
            "customer_tier_locked" in vals
            and not vals["customer_tier_locked"]
            and "customer_tier_id" not in vals
        ):
            # Unlocking hands the tier back to the grading at once.
            unlock = dict(
                vals, customer_tier_lock_reason=False, customer_tier_lock_until=False
            )
            for computed, partners in self.grouped("customer_tier_computed_id").items():
                super(ResPartner, partners).write(
                    dict(unlock, customer_tier_id=computed.id)
                )
            result = True
        else:
            result = super().write(vals)
        detached = detached.filtered(lambda p: p.commercial_partner_id == p)
        if detached:
            detached._reset_customer_grades(keep=protected)
        return result

    def _check_grade_write_access(self, fnames):
        """Refuse to write the grade fields ``fnames`` unless the user may:
        nobody sets a computed grade, and only Logistics CRM administrators set
        a tier lock. Whether the partner is a contact or a company does not
        matter: contacts receive their commercial partner's grade as superuser
        (see ``_fields_sync``)."""
        if fnames - set(LOCK_FIELDS):
            raise AccessError(
                self.env._("Customer grades are computed; they cannot be edited.")
            )
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only Logistics CRM administrators can lock or change a "
                    "customer's tier."
                )
            )

    def _reset_customer_grades(self, keep=()):
        """Empty the grade of ``self`` in every company, but the fields of
        ``keep``."""
        grades = self.env["logistics.customer.grade"].sudo()
        grades.search([("partner_id", "in", self.ids)]).unlink()
        self.invalidate_recordset(["customer_grade_id"])
        columns = [fname for fname in PARTNER_COLUMNS if fname not in keep]
        self.flush_recordset(columns)
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET %s WHERE id IN %s",
                SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(column)) for column in columns
                ),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(columns)
        self.modified(columns)

    def action_compute_grades(self):
        """Regrade all customers of the affected companies.

        Scores are relative, so the whole population of each company is
        regraded, whatever the recordset: the current companies, plus the
        companies in which the partners of ``self`` have confirmed orders and
        that the user may work in.
        """
        companies = self.env.companies
        if self:
            groups = (
                self.env["sale.order"]
                .sudo()
                ._read_group(
                    [
                        ("partner_id", "child_of", self.commercial_partner_id.ids),
                        ("state", "=", "sale"),
                    ],
                    ["company_id"],
                )
            )
            companies |= (
                self.env["res.company"].browse(company.id for (company,) in groups)
                & self.env.user.company_ids
            )
        Policy = self.env["logistics.grading.policy"]
        policies = Policy.browse()
        for company in companies:
            policies |= Policy._get_for_company(company)
        env = self.with_context(allowed_company_ids=companies.ids).env
        return policies.with_env(env).action_compute_grades()

    @api.readonly
    def action_view_grade_history(self):
        """Open the customer's grade history (Logistics CRM users)."""
        self.ensure_one()
        self._check_logistics_crm_group()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_grade_history_action"
        )
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
        ]
        action["context"] = {"search_default_filter_current_company": 1}
        return action
