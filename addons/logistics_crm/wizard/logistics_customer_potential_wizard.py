from odoo import fields, models

from ..models.res_partner import GRADING_GROUP, POTENTIAL


class LogisticsCustomerPotentialWizard(models.TransientModel):
    """Set a customer's potential and key-account manager in one company.

    The potential is the salespeople's estimate, one of the grading criteria;
    the key-account manager owns the account (complaints, SLA alerts).
    Salespeople have no right to change contacts, so this wizard checks the
    Logistics CRM user group and the company itself, then writes what changed
    as superuser."""

    _name = "logistics.customer.potential.wizard"
    _description = "Set Customer Potential and Key Account Manager"

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
    key_account_manager_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        default=lambda s: s._default_partner().key_account_manager_id,
        help="Receives the customer's new complaints, SLA warnings and "
        "escalations before the salesperson.",
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
        """Set the potential and the key-account manager (Logistics CRM users
        of the wizard's company); only what changed is written, so that the
        chatter tracks real changes."""
        self.ensure_one()
        partner = self.partner_id._for_grade_edit(
            self.company_id,
            GRADING_GROUP,
            self.env._(
                "Only Logistics CRM users can set a customer's potential and "
                "key account manager."
            ),
            self.env._(
                "You cannot set potentials or key account managers in %(company)s.",
                company=self.company_id.name,
            ),
        ).sudo()
        values = {}
        if self.potential != partner.customer_potential:
            values["customer_potential"] = self.potential
        if self.key_account_manager_id != partner.key_account_manager_id:
            values["key_account_manager_id"] = self.key_account_manager_id.id
        if values:
            partner.write(values)
        return {"type": "ir.actions.act_window_close"}
