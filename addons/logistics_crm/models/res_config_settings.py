from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    logistics_complaint_alias_name = fields.Char(
        string="Complaint E-mail Alias",
        compute="_compute_logistics_complaint_alias_name",
        inverse="_inverse_logistics_complaint_alias_name",
        help="E-mails sent to this alias create complaints; the sender is matched "
        "to a customer.",
    )
    logistics_complaint_alias_domain_id = fields.Many2one(
        "mail.alias.domain",
        string="Complaint E-mail Domain",
        compute="_compute_logistics_complaint_alias_name",
        inverse="_inverse_logistics_complaint_alias_domain_id",
        help="Domain of the complaint address; the company's alias domain until "
        "another is chosen. Without a domain the alias receives no e-mail.",
    )
    complaint_user_id = fields.Many2one(
        related="company_id.complaint_user_id", readonly=False
    )
    tier_benefits_auto_apply = fields.Boolean(
        related="company_id.tier_benefits_auto_apply", readonly=False
    )

    @api.model
    def _logistics_complaint_alias(self):
        return self.env.ref(
            "logistics_crm.mail_alias_complaint", raise_if_not_found=False
        )

    def _compute_logistics_complaint_alias_name(self):
        alias = self._logistics_complaint_alias()
        for settings in self:
            settings.logistics_complaint_alias_name = alias.alias_name if alias else ""
            # an alias made before the first alias domain has none: saving the
            # settings gives it the company's
            settings.logistics_complaint_alias_domain_id = (
                alias.alias_domain_id if alias else False
            ) or settings.company_id.alias_domain_id

    def _inverse_logistics_complaint_alias_name(self):
        alias = self._logistics_complaint_alias()
        for settings in self:
            if alias and alias.alias_name != settings.logistics_complaint_alias_name:
                alias.alias_name = settings.logistics_complaint_alias_name

    def _inverse_logistics_complaint_alias_domain_id(self):
        alias = self._logistics_complaint_alias()
        for settings in self:
            domain = settings.logistics_complaint_alias_domain_id
            if alias and alias.alias_domain_id != domain:
                alias.alias_domain_id = domain

    def action_open_logistics_grading_policy(self):
        return self.env["logistics.grading.policy"]._action_open_company_policy()
