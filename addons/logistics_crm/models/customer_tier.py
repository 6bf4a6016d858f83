from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

# customers launched in one create of activities and one commit
CARE_BATCH_SIZE = 1000


class LogisticsCustomerTier(models.Model):
    _name = "logistics.customer.tier"
    _description = "Customer Tier"
    _order = "sequence, min_score desc, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Short code, unique per company, e.g. A for key accounts.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    min_score = fields.Float(
        string="Minimum Score",
        digits=(5, 2),
        help="Customers whose value score (0-100) reaches this minimum get this "
        "tier, unless a tier with a higher minimum also applies.",
    )
    color = fields.Integer()
    priority_delivery = fields.Boolean(
        help="Outgoing deliveries of customers in this tier are created starred, "
        "so that the warehouse picks them first.",
    )
    complaint_priority = fields.Selection(
        [("0", "Low"), ("1", "Normal"), ("2", "High"), ("3", "Urgent")],
        default="1",
        help="Priority given to new complaints of customers in this tier.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the tier with every company that has no "
        "tiers of its own.",
    )
    description = fields.Text(translate=True)
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")
    pricelist_id = fields.Many2one(
        "product.pricelist",
        company_dependent=True,
        domain="[('company_id', 'in', [current_company_id, False])]",
        help="Pricelist proposed to the customers who move into this tier, in "
        "the current company. Empty: a customer who had the former tier's "
        "pricelist goes back to the default one; any other pricelist is kept.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Payment Terms",
        company_dependent=True,
        domain="[('company_id', 'in', [current_company_id, False])]",
        help="Payment terms proposed to the customers who move into this tier, "
        "in the current company. Empty: a customer who had the former tier's "
        "terms goes back to none; any other terms are kept.",
    )
    care_plan_id = fields.Many2one(
        "mail.activity.plan",
        domain="[('res_model', '=', 'res.partner'), "
        "('company_id', 'in', [company_id, False])]",
        help="Activities scheduled regularly for each customer of the tier (a "
        "call, a business review...), assigned to the key-account manager, "
        "else the salesperson.",
    )
    care_interval_days = fields.Integer(
        string="Care Interval (days)",
        help="The care plan is launched again for a customer once its "
        "activities are done and this many days have passed since.",
    )

    _code_company_uniq = models.UniqueIndex(
        "(code, COALESCE(company_id, 0))",
        "A tier code must be unique per company.",
    )

    @api.constrains("min_score")
    def _check_min_score(self):
        for tier in self:
            if not 0 <= tier.min_score <= 100:
                raise ValidationError(
                    self.env._(
                        "The minimum score of tier %(tier)s must be between 0 and "
                        "100, not %(score)s.",
                        tier=tier.name,
                        score=tier.min_score,
                    )
                )

    @api.constrains("care_plan_id", "care_interval_days")
    def _check_care_plan(self):
        for tier in self.filtered("care_plan_id"):
            if tier.care_plan_id.res_model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "The care plan of tier %(tier)s must apply to contacts.",
                        tier=tier.name,
                    )
                )
            if tier.care_interval_days <= 0:
                raise ValidationError(
                    self.env._(
                        "Give the care plan of tier %(tier)s an interval of at "
                        "least one day.",
                        tier=tier.name,
                    )
                )

    @api.constrains("code", "company_id")
    def _check_code_unique(self):
        for tier in self:
            clash = self.with_context(active_test=False).search_count(
                [
                    ("id", "!=", tier.id),
                    ("code", "=ilike", tier.code),
                    ("company_id", "=", tier.company_id.id),
                ],
                limit=1,
            )
            if clash:
                raise ValidationError(
                    self.env._(
                        "A tier code must be unique per company: %(code)s is "
                        "already used.",
                        code=tier.code,
                    )
                )

    @api.depends_context("company")
    def _compute_partner_count(self):
        groups = self.env["res.partner"]._read_group(
            [("customer_tier_id", "in", self.ids), ("is_company", "=", True)],
            ["customer_tier_id"],
            ["__count"],
        )
        counts = {tier.id: count for tier, count in groups}
        for tier in self:
            tier.partner_count = counts.get(tier.id, 0)

    @api.model
    def _for_company(self, company):
        """Tiers that grade the customers of ``company``: its own tiers when it
        has any, otherwise the shared ones."""
        tiers = self.sudo().search([("company_id", "=", company.id)])
        return tiers or self.sudo().search([("company_id", "=", False)])

    @api.model
    def _match(self, company, score):
        """The tier with the highest minimum not above ``score``."""
        candidates = self._for_company(company).filtered(lambda t: t.min_score <= score)
        return candidates.sorted(lambda t: (-t.min_score, t.sequence, t.id))[:1]

    @api.readonly
    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.res_partner_action_customer_value"
        )
        action["domain"] = Domain("customer_tier_id", "=", self.id)
        action["context"] = {"search_default_group_customer_tier": 0}
        return action

    # ------------------------------------------------------------------
    # Care plans
    # ------------------------------------------------------------------

    @api.model
    def _cron_launch_care_plans(self):
        """Launch each tier's care plan for the customers of the tier that are
        due, company by company, committing after each batch."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        Cron = self.env["ir.cron"]
        today = fields.Date.context_today(self)
        work = [
            (company, tier)
            for company in self.env["res.company"].sudo().search([])
            for tier in self._for_company(company).filtered("care_plan_id.template_ids")
        ]
        if in_cron:
            Cron._commit_progress(remaining=len(work))
        for company, tier in work:
            # selected just before the launch: a customer sharing a tier and
            # its plan between two companies is launched by the first one only
            customers = tier._care_due_customers(company, today)
            for start in range(0, len(customers), CARE_BATCH_SIZE):
                batch = customers[start : start + CARE_BATCH_SIZE]
                tier._launch_care_plan(company, batch, today)
                # a run stopped for time is triggered again; the customers
                # launched are no longer due
                last = start + CARE_BATCH_SIZE >= len(customers)
                if in_cron and not Cron._commit_progress(int(last)):
                    return
            if in_cron and not customers and not Cron._commit_progress(1):
                return

    def _care_due_customers(self, company, today):
        """The customers of the tier in ``company`` due for its care plan: no
        activity of the plan open, and none done within the interval. One
        query."""
        self.ensure_one()
        Partner = self.env["res.partner"].sudo().with_company(company)
        self.env["mail.activity"].flush_model(
            ["res_model", "res_id", "activity_plan_id", "active", "date_done"]
        )
        query = Partner._search(
            [
                ("customer_tier_id", "=", self.id),
                ("company_id", "in", [company.id, False]),
            ],
            order="id",
        )
        partner_id = SQL.identifier(query.table, "id")
        query.add_where(
            SQL(
                "%s = %s",
                SQL.identifier(query.table, "commercial_partner_id"),
                partner_id,
            )
        )
        query.add_where(
            SQL(
                """NOT EXISTS (
    SELECT 1 FROM mail_activity a
     WHERE a.activity_plan_id = %(plan)s
       AND a.res_model = 'res.partner'
       AND a.res_id = %(partner)s
       AND (a.active OR a.date_done > %(since)s))""",
                plan=self.care_plan_id.id,
                partner=partner_id,
                since=today - timedelta(days=self.care_interval_days),
            )
        )
        return Partner.browse(query.get_result_ids())

    def _launch_care_plan(self, company, customers, today):
        """Launch the tier's care plan for ``customers`` of ``company``: the
        activities go to the key-account manager, else the salesperson, else
        the company's default handler."""
        self.ensure_one()
        customers = customers.sudo().with_company(company)
        # the managers and salespeople of the batch in one read
        customers.mapped("key_account_manager_id")
        customers.mapped("user_id")
        default = None
        responsible_by_id = {}
        for customer in customers:
            user = company._logistics_handler(
                customer.key_account_manager_id, customer.user_id
            )
            if not user:
                if default is None:
                    default = company._logistics_default_handler()
                user = default
            responsible_by_id[customer.id] = user
        return self.care_plan_id.sudo()._logistics_launch(
            customers, responsible_by_id, date_deadline=today
        )
