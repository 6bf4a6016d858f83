from odoo import models
from odoo.fields import Domain


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _get_program_domain(self):
        return self._logistics_tier_program_restriction(
            super()._get_program_domain(), "id"
        )

    def _get_trigger_domain(self):
        return self._logistics_tier_program_restriction(
            super()._get_trigger_domain(), "program_id"
        )

    def _logistics_tier_program_restriction(self, domain, field):
        """``domain`` (of programs through ``field``) restricted so that a
        program tied to a customer tier only applies to the orders of the
        customers currently in a tier that has it, in the order's company: the
        points of the other programs are neither earned nor spent here, and
        the customer's cards keep them."""
        self.ensure_one()
        tied = self.env["logistics.customer.tier"]._loyalty_program_ids_of_tiers()
        if not tied:
            return domain
        restriction = [
            "|",
            (field, "not in", tied),
            (field, "in", self._logistics_tier_loyalty_program().ids),
        ]
        # sale_loyalty and website_sale_loyalty edit the list form in place
        if isinstance(domain, list):
            return [*domain, *restriction]
        return Domain.AND([domain, restriction])

    def _logistics_tier_loyalty_program(self):
        """The loyalty program of the customer's tier in the order's
        company. As superuser: whoever places the order (a salesperson, a
        portal or website customer) is not asked to read grading data."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id.sudo().with_company(
            self.company_id
        )
        return customer.customer_tier_id.loyalty_program_id
