from markupsafe import Markup

from odoo import api, fields, models

# an answer of 0-6 to an NPS question makes a detractor, 9-10 a promoter
NPS_DETRACTOR_MAX = 6
NPS_PROMOTER_MIN = 9


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    logistics_campaign_id = fields.Many2one(
        "logistics.survey.campaign",
        string="Campaign",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    logistics_customer_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The customer the answer counts for in the scorecard: the "
        "contact's company, or for a consignee the shipper of its delivery.",
    )
    logistics_picking_id = fields.Many2one(
        "stock.picking",
        string="Delivery",
        readonly=True,
        ondelete="set null",
        help="The delivery a consignee was invited for.",
    )
    logistics_invited_on = fields.Datetime(
        string="Invited On", readonly=True, copy=False
    )
    logistics_detractor_notified = fields.Boolean(readonly=True, copy=False)

    def _scorecard_fact_keys(self):
        """A finished answer of a campaign counts for its customer in the
        campaign's company, in the month it was submitted."""
        month = self.env["logistics.customer.scorecard.fact"]._month
        return {
            (
                answer.logistics_campaign_id.company_id.id,
                answer.logistics_customer_id.id,
                month(answer.end_datetime),
            )
            for answer in self
            if answer.logistics_campaign_id
            and answer.logistics_customer_id
            and answer.end_datetime
        }

    def _mark_done(self):
        # an answer counts once submitted: the survey's submit is the only
        # way to done, and campaign, customer and date are not edited
        Fact = self.env["logistics.customer.scorecard.fact"]
        Fact._mark_keys(self.sudo()._scorecard_fact_keys())
        result = super()._mark_done()
        Fact._mark_records(self)
        self._logistics_notify_detractors()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_scorecard_facts(self):
        self.env["logistics.customer.scorecard.fact"]._mark_keys(
            self.sudo()._scorecard_fact_keys()
        )

    def _nps_lines(self):
        return self.user_input_line_ids.filtered(
            lambda line: (
                line.question_id.is_nps
                and not line.skipped
                and line.answer_type == "scale"
            )
        )

    def _logistics_notify_detractors(self):
        """One activity for the customer's key-account manager (else its
        salesperson) on each campaign answer with a detractor score, on the
        customer, the answer linked in the note."""
        for answer in self.sudo().filtered(
            lambda a: (
                a.logistics_campaign_id
                and a.logistics_customer_id
                and a.state == "done"
                and not a.test_entry
                and not a.logistics_detractor_notified
            )
        ):
            scores = answer._nps_lines().mapped("value_scale")
            if not scores or min(scores) > NPS_DETRACTOR_MAX:
                continue
            answer.logistics_detractor_notified = True
            campaign = answer.logistics_campaign_id
            customer = answer.logistics_customer_id.with_company(campaign.company_id)
            owner = customer._logistics_owner(campaign.company_id)
            reasons = [
                line.value_text_box or line.value_char_box
                for line in answer.user_input_line_ids
                if line.answer_type in ("text_box", "char_box") and not line.skipped
            ]
            note = Markup("<p>%s</p>") % self.env._(
                "%(contact)s answered %(score)s/10 to %(campaign)s.",
                contact=answer.partner_id.display_name or answer.email or "",
                score=min(scores),
                campaign=campaign.display_name,
            )
            for reason in filter(None, reasons):
                note += Markup("<blockquote>%s</blockquote>") % reason
            note += Markup('<p><a href="/odoo/survey.user_input/%s">%s</a></p>') % (
                answer.id,
                self.env._("Open the answer"),
            )
            customer.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._(
                    "NPS detractor: %(contact)s",
                    contact=answer.partner_id.display_name or answer.email or "",
                ),
                note=note,
                user_id=owner.id,
            )
