from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import clean_context

from ..models.res_partner import GRADING_GROUP, POTENTIAL


class LogisticsCustomerPotentialWizard(models.TransientModel):
    """Set a customer's potential in one company.

    The potential is the salespeople's estimate, one of the grading criteria.
    Salespeople have no right to change contacts, so this wizard checks the
    Logistics CRM user group and the company itself, then writes the
    potential as superuser."""

    _name = "logistics.customer.potential.wizard"
    _description = "Set Customer Potential"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        ondelete="cascade",
        default=lambda s: s._default_partner(),
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        ondelete="cascade",
        default=lambda s: s.env.company,
    )
    potential = fields.Selection(
        POTENTIAL,
        default=lambda s: s._default_partner().customer_potential,
    )

    def _default_partner(self):
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_id"):
            return (
                self.env["res.partner"]
                .browse(context["active_id"])
                .exists()
                .commercial_partner_id
            )
        return self.env["res.partner"]

    def action_apply(self):
        """Set the potential (Logistics CRM users of the wizard's company)."""
        self.ensure_one()
        if not self.env.user.has_group(GRADING_GROUP):
            raise AccessError(
                self.env._("Only Logistics CRM users can set a customer's potential.")
            )
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot set potentials in %(company)s.",
                    company=self.company_id.name,
                )
            )
        partner = self.partner_id.commercial_partner_id
        partner.check_access("read")
        partner.with_company(self.company_id).with_context(
            clean_context(self.env.context)
        ).sudo().write({"customer_potential": self.potential})
        return {"type": "ir.actions.act_window_close"}
