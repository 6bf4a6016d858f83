from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.res_partner import MANAGER_GROUP


class LogisticsTierLockWizard(models.TransientModel):
    """Lock or unlock a customer's tier in one company.

    Logistics CRM administrators need no right on contacts to lock a tier: this
    wizard checks the administrator group and the company itself, then writes
    the lock as superuser. A direct write of the lock fields still needs both
    the contact rights and the administrator group."""

    _name = "logistics.tier.lock.wizard"
    _description = "Lock Customer Tier"

    mode = fields.Selection(
        [("lock", "Lock"), ("unlock", "Unlock")],
        required=True,
        default="lock",
    )
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
    tier_id = fields.Many2one(
        "logistics.customer.tier",
        string="Locked Tier",
        ondelete="cascade",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    reason = fields.Char(string="Lock Reason")
    lock_until = fields.Date(
        string="Locked Until",
        help="The lock is lifted by the first regrade after this date. Leave "
        "empty to lock until unlocked by hand.",
    )
    computed_tier_id = fields.Many2one(
        "logistics.customer.tier", compute="_compute_computed_tier_id"
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

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partner = self.env["res.partner"].browse(values.get("partner_id"))
        company = self.env["res.company"].browse(values.get("company_id"))
        partner = partner.with_company(company or self.env.company)
        if values.get("mode") == "lock" and partner.customer_tier_locked:
            # changing a lock starts from the current one
            current = {
                "tier_id": partner.customer_tier_id.id,
                "reason": partner.customer_tier_lock_reason,
                "lock_until": partner.customer_tier_lock_until,
            }
            values.update(
                (fname, value)
                for fname, value in current.items()
                if fname in fields_list
            )
        return values

    @api.depends("partner_id", "company_id")
    def _compute_computed_tier_id(self):
        for wizard in self:
            wizard.computed_tier_id = (
                wizard.partner_id.commercial_partner_id.with_company(
                    wizard.company_id
                ).customer_tier_computed_id
            )

    def action_apply(self):
        """Lock or unlock the tier, as the wizard's mode says (Logistics CRM
        administrators of the wizard's company)."""
        self.ensure_one()
        partner = self.partner_id._for_grade_edit(
            self.company_id,
            MANAGER_GROUP,
            self.env._(
                "Only Logistics CRM administrators can lock or unlock a "
                "customer's tier."
            ),
            self.env._(
                "You cannot lock tiers in %(company)s.", company=self.company_id.name
            ),
        )
        if self.mode == "unlock":
            if not partner.customer_tier_locked:
                raise UserError(
                    self.env._(
                        "The tier of %(partner)s is not locked in %(company)s.",
                        partner=partner.display_name,
                        company=self.company_id.name,
                    )
                )
            values = {"customer_tier_locked": False}
        else:
            values = self._lock_values(partner)
        partner.sudo().write(values)
        return {"type": "ir.actions.act_window_close"}

    def _lock_values(self, partner):
        reason = (self.reason or "").strip()
        if not self.tier_id:
            raise ValidationError(
                self.env._(
                    "Choose the tier to lock %(partner)s on.",
                    partner=partner.display_name,
                )
            )
        # the tier's company, even one the user may not read
        tier_company = self.tier_id.sudo().company_id
        if tier_company and tier_company != self.company_id:
            raise ValidationError(
                self.env._(
                    "Choose a tier of %(company)s or a tier shared by all "
                    "companies: this one belongs to another company.",
                    company=self.company_id.name,
                )
            )
        if not reason:
            raise ValidationError(
                self.env._(
                    "Give a reason for locking the tier of %(partner)s.",
                    partner=partner.display_name,
                )
            )
        if self.lock_until and self.lock_until < fields.Date.context_today(self):
            raise ValidationError(self.env._("A tier lock must end today or later."))
        return {
            "customer_tier_locked": True,
            "customer_tier_id": self.tier_id.id,
            "customer_tier_lock_reason": reason,
            "customer_tier_lock_until": self.lock_until,
        }
