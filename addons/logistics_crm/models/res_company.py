from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError

MANAGER_GROUP = "logistics_crm.logistics_crm_group_manager"


class ResCompany(models.Model):
    _inherit = "res.company"

    complaint_user_id = fields.Many2one(
        "res.users",
        string="Default Complaint Responsible",
        domain="[('share', '=', False), ('company_ids', 'in', id)]",
        help="Handles the complaints that arrive without a responsible (customer "
        "portal, e-mail) when the customer has no key-account manager or "
        "salesperson and the complaint type no responsible, and receives their "
        "SLA warnings and escalations. Empty: the first Logistics CRM "
        "administrator of the company.",
    )

    tier_benefits_auto_apply = fields.Boolean(
        string="Apply Tier Benefits Automatically",
        help="When a regrade moves a customer to another tier, give it the new "
        "tier's pricelist and payment terms at once instead of proposing the "
        "change for review.",
    )

    @api.constrains("complaint_user_id")
    def _check_complaint_user_id(self):
        for company in self:
            user = company.complaint_user_id
            if user and not company._logistics_handler(user):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot handle the complaints of %(company)s: "
                        "choose an active internal user of that company.",
                        user=user.name,
                        company=company.name,
                    )
                )

    def _logistics_handler(self, *users):
        """The first of ``users`` who can handle the work of this company: an
        active internal user allowed in it. Empty when there is none."""
        self.ensure_one()
        for user in users:
            user = user.sudo()
            if user and user.active and not user.share and self in user.company_ids:
                return user.sudo(False)
        return self.env["res.users"]

    def _logistics_default_handler(self):
        """Who handles the work nobody owns in this company: the default
        complaint responsible, else the first Logistics CRM administrator of
        the company, so that no alert goes to nobody."""
        self.ensure_one()
        user = self._logistics_handler(self.sudo().complaint_user_id)
        if user:
            return user
        manager = self.env.ref(MANAGER_GROUP, raise_if_not_found=False)
        if not manager:
            return user
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("all_group_ids", "in", manager.id),
                    ("share", "=", False),
                    ("company_ids", "in", self.id),
                    ("id", "!=", SUPERUSER_ID),
                ],
                order="id",
                limit=1,
            )
            .sudo(False)
        )
