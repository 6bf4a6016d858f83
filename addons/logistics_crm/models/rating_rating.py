from odoo import api, models

COMPLAINT = "logistics.complaint"


class RatingRating(models.Model):
    _inherit = "rating.rating"

    def _scorecard_fact_keys(self):
        """The scorecard key of each rating of a complaint: the complaint's
        customer and company, in its closing month, else the month the
        rating was last written."""
        ratings = self.filtered(lambda r: r.res_model == COMPLAINT)
        complaints = (
            self.env[COMPLAINT].sudo().browse(ratings.mapped("res_id")).exists()
        )
        by_id = {complaint.id: complaint for complaint in complaints}
        month = self.env["logistics.customer.scorecard.fact"]._month
        return {
            (
                complaint.company_id.id,
                complaint.commercial_partner_id.id,
                month(complaint.date_closed or rating.write_date),
            )
            for rating in ratings
            if (complaint := by_id.get(rating.res_id))
        }

    @api.model_create_multi
    def create(self, vals_list):
        ratings = super().create(vals_list)
        self.env["logistics.customer.scorecard.fact"]._mark_records(
            ratings.filtered(lambda r: r.res_model == COMPLAINT)
        )
        return ratings

    def write(self, vals):
        # any write moves the month of a rating of an open complaint (its
        # write date): the key before the write is refreshed as well
        ratings = self.filtered(lambda r: r.res_model == COMPLAINT)
        Fact = self.env["logistics.customer.scorecard.fact"]
        Fact._mark_keys(ratings.sudo()._scorecard_fact_keys())
        result = super().write(vals)
        Fact._mark_records(ratings)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_scorecard_facts(self):
        self.env["logistics.customer.scorecard.fact"]._mark_keys(
            self.sudo()._scorecard_fact_keys()
        )
