from odoo import api, fields, models

GRADING_GROUP = "logistics_crm.logistics_crm_group_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    cross_sell_suggestion_count = fields.Integer(
        string="Cross-sell Suggestions",
        compute="_compute_cross_sell_suggestion_count",
        groups=GRADING_GROUP,
        help="Open cross-sell suggestions of the customer in the current company.",
    )

    @api.depends_context("company")
    def _compute_cross_sell_suggestion_count(self):
        counts = self._logistics_customer_counts("logistics.cross.sell.suggestion")
        for partner in self:
            partner.cross_sell_suggestion_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    @api.readonly
    def action_view_cross_sell_suggestions(self):
        """Open the customer's cross-sell suggestions (Logistics CRM users)."""
        self.ensure_one()
        self._check_logistics_crm_group()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm_crm.logistics_cross_sell_suggestion_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action
