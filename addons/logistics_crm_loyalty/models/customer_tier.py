from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class LogisticsCustomerTier(models.Model):
    _inherit = "logistics.customer.tier"

    loyalty_program_id = fields.Many2one(
        "loyalty.program",
        company_dependent=True,
        domain="[('company_id', 'in', [current_company_id, False]), "
        "('sale_ok', '=', True)]",
        help="Loyalty program of the tier in the current company. Applying a "
        "benefit change into the tier gives the customer a card of it; the "
        "program then counts on the sales orders of the tier's customers "
        "only. A customer who leaves the tier keeps its card and its points, "
        "but its new orders no longer earn nor spend points of it.",
    )

    @api.constrains("loyalty_program_id")
    def _check_loyalty_program_company(self):
        company = self.env.company
        for tier in self:
            program = tier.loyalty_program_id
            if program.company_id and program.company_id != company:
                raise ValidationError(
                    self.env._(
                        "The loyalty program of tier %(tier)s in %(company)s must "
                        "belong to %(company)s, not to %(other)s.",
                        tier=tier.name,
                        company=company.name,
                        other=program.company_id.name,
                    )
                )

    @api.model
    def _loyalty_program_ids_of_tiers(self):
        """Ids of the loyalty programs tied to a tier, in any company (such a
        program is for the customers of its tiers only). One query."""
        self.flush_model(["loyalty_program_id"])
        self.env.cr.execute(
            SQL(
                """
SELECT DISTINCT v.value::int
  FROM logistics_customer_tier t
 CROSS JOIN LATERAL jsonb_each_text(t.loyalty_program_id) v
 WHERE v.value IS NOT NULL
"""
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]
