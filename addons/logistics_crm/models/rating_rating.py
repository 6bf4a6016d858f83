from odoo import api, models

COMPLAINT = "logistics.complaint"
DELIVERY = "stock.picking"
# the ratings that count in the scorecard facts
SCORECARD_MODELS = (COMPLAINT, DELIVERY)


class RatingRating(models.Model):
    _inherit = "rating.rating"

    # a receiver rates a delivery once; rating again updates the rating
    _delivery_rating_uniq = models.UniqueIndex(
        "(res_id) WHERE res_model = 'stock.picking'",
        "A delivery has one rating; rate it again to change it.",
    )

    def _scorecard_fact_keys(self):
        """The scorecard key of each rating of a complaint: the complaint's
        customer and company, in its closing month, else the month the
        rating was last written. A rating of a delivery counts for the
        shipper (the customer of its order) in the month it was done."""
        return self._complaint_fact_keys() | self._delivery_fact_keys()

    def _complaint_fact_keys(self):
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

    def _delivery_fact_keys(self):
        ratings = self.filtered(lambda r: r.res_model == DELIVERY)
        pickings = self.env[DELIVERY].sudo().browse(ratings.mapped("res_id")).exists()
        month = self.env["logistics.customer.scorecard.fact"]._month
        return {
            (picking.company_id.id, picking.shipper_id.id, month(picking.date_done))
            for picking in pickings
            if picking.shipper_id and picking.date_done
        }

    def _scorecard_ratings(self):
        return self.filtered(lambda r: r.res_model in SCORECARD_MODELS)

    @api.model_create_multi
    def create(self, vals_list):
        ratings = super().create(vals_list)
        self.env["logistics.customer.scorecard.fact"]._mark_records(
            ratings._scorecard_ratings()
        )
        return ratings

    def write(self, vals):
        # any write moves the month of a rating of an open complaint (its
        # write date): the key before the write is refreshed as well
        ratings = self._scorecard_ratings()
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
