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
    logistics_complaint_alias_domain = fields.Char(
        compute="_compute_logistics_complaint_alias_name"
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
            settings.logistics_complaint_alias_domain = (
                alias.alias_domain if alias else ""
            )

    def _inverse_logistics_complaint_alias_name(self):
        alias = self._logistics_complaint_alias()
        for settings in self:
            if alias and alias.alias_name != settings.logistics_complaint_alias_name:
                alias.alias_name = settings.logistics_complaint_alias_name

    def action_open_logistics_grading_policy(self):
        return self.env["logistics.grading.policy"]._action_open_company_policy()
