from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain


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

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.res_partner_action_customer_value"
        )
        action["domain"] = Domain("customer_tier_id", "=", self.id)
        action["context"] = {"search_default_group_customer_tier": 0}
        return action
