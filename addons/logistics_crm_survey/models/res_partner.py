from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    nps_12m = fields.Float(
        string="NPS (12 months)",
        compute="_compute_nps_12m",
        groups="logistics_crm.logistics_crm_group_user",
        help="Net Promoter Score of the last 12 months in the current company: "
        "promoters minus detractors per 100 answers to the survey campaigns, "
        "consignees' answers included.",
    )
    nps_response_count_12m = fields.Integer(
        string="NPS Answers (12 months)",
        compute="_compute_nps_12m",
        groups="logistics_crm.logistics_crm_group_user",
    )

    @api.depends_context("company")
    def _compute_nps_12m(self):
        Scorecard = self.env["logistics.customer.scorecard"]
        customers = self.commercial_partner_id
        groups = {
            partner: (nps, count)
            for partner, nps, count in Scorecard._read_group(
                [
                    ("partner_id", "in", customers.ids),
                    ("company_id", "=", self.env.company.id),
                    ("date", ">=", Scorecard._trailing_start()),
                ],
                ["partner_id"],
                ["nps:sum", "nps_response_count:sum"],
            )
        }
        for partner in self:
            nps, count = groups.get(partner.commercial_partner_id, (0.0, 0))
            partner.nps_12m = nps or 0.0
            partner.nps_response_count_12m = count or 0
