"""Survey campaigns: who is invited, how, and how often."""

from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import SurveyCampaignCase

DAY0 = datetime(2026, 3, 2, 9, 0)


@tagged("post_install", "-at_install")
class TestSurveyCampaign(SurveyCampaignCase):
    def _cron(self, when):
        cron = self.env.ref("logistics_crm_survey.ir_cron_run_survey_campaigns")
        with freeze_time(when):
            # the scheduled action's own code, in this transaction
            cron.ir_actions_server_id.run()

    def _mails(self, invitation):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", invitation.partner_id.ids)]
        )

    def test_invitations_are_idempotent_and_respect_the_interval(self):
        self._cron(DAY0)
        self._cron(DAY0 + timedelta(hours=1))
        invitations = self._invitations()
        # the key account's invoicing address, the growth account itself;
        # tier D is not in the campaign
        self.assertEqual(invitations.partner_id, self.key_invoicing | self.growth)
        self.assertEqual(
            {i.partner_id: i.logistics_customer_id for i in invitations},
            {self.key_invoicing: self.key, self.growth: self.growth},
        )
        self.assertEqual(self.campaign.last_run, DAY0)
        for invitation in invitations:
            [mail] = self._mails(invitation)
            # the personal link of the survey's own invitation
            self.assertIn(f"answer_token={invitation.access_token}", mail.body_html)
            self.assertEqual(invitation.survey_id, self.survey)
            self.assertEqual(invitation.state, "new")

        # the growth account answers; a week later, nobody is invited again:
        # one answered within the interval, one invitation still open
        by_contact = {i.partner_id: i for i in invitations}
        key_invitation = by_contact[self.key_invoicing]
        growth_invitation = by_contact[self.growth]
        self._answer(growth_invitation, 9, when=DAY0 + timedelta(days=2))
        self._cron(DAY0 + timedelta(days=7))
        with freeze_time(DAY0 + timedelta(days=8)):
            self.campaign.action_run()
        self.assertEqual(self._invitations(), invitations)

        # past the interval: the answered contact and the one whose invitation
        # expired are invited once more, once
        later = DAY0 + timedelta(days=31)
        self._cron(later)
        self._cron(later + timedelta(days=1))
        again = self._invitations() - invitations
        self.assertEqual(again.partner_id, self.key_invoicing | self.growth)
        self.assertEqual(len(again), 2)
        self.assertFalse(key_invitation.state == "done")

    def test_send_now_never_doubles_an_open_invitation(self):
        with freeze_time(DAY0):
            self.campaign.action_run()
            self.campaign.action_run()
        self.assertEqual(len(self._invitations()), 2)
        # a new tier B customer appears: only it is invited
        newcomer = self._tiered(
            "New Retail", self.tier_b, email="new@retail.example.com"
        )
        with freeze_time(DAY0 + timedelta(days=1)):
            self.campaign.action_run()
        self.assertEqual(len(self._invitations()), 3)
        self.assertEqual(self._invitations()[-1:].partner_id, newcomer)

    def test_empty_tiers_mean_every_graded_customer(self):
        self.campaign.tier_ids = [Command.clear()]
        ungraded = self._customer("Prospect", email="p@prospect.example.com")
        with freeze_time(DAY0):
            self.campaign.action_run()
        contacts = self._invitations().partner_id
        self.assertIn(self.small, contacts)
        self.assertNotIn(ungraded, contacts)

    def test_invitation_in_the_contacts_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.growth.lang = "fr_FR"
        with freeze_time(DAY0):
            self.campaign.action_run()
        growth_invitation = self._invitations().filtered(
            lambda i: i.partner_id == self.growth
        )
        self.assertEqual(growth_invitation.lang_id.code, "fr_FR")
        key_invitation = self._invitations() - growth_invitation
        self.assertEqual(key_invitation.lang_id.code, self.key_invoicing.lang)

    def test_consignees_of_the_deliveries_done_since_the_last_run(self):
        goods = self.env["product.product"].create(
            {"name": "Chilled cartons", "type": "consu", "list_price": 10.0}
        )
        consignee = self._customer(
            "Shanghai Clinic", email="goods-in@clinic.example.com"
        )
        campaign = self.campaign.copy(
            {"name": "Consignees", "audience": "consignees", "interval_days": 30}
        )

        def deliver(receiver=consignee):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.key.id,
                    "partner_shipping_id": receiver.id,
                    "order_line": [
                        Command.create({"product_id": goods.id, "product_uom_qty": 1})
                    ],
                }
            )
            order.action_confirm()
            for move in order.picking_ids.move_ids:
                move.quantity = move.product_uom_qty
            order.picking_ids.button_validate()
            return order.picking_ids

        with freeze_time(DAY0):
            delivery = deliver()
            # to the shipper's own address: not a consignee
            deliver(self.key_invoicing)
        with freeze_time(DAY0 + timedelta(days=1)):
            campaign.action_run()
            campaign.action_run()
        [invitation] = self._invitations(campaign)
        self.assertEqual(invitation.partner_id, consignee)
        # the answer counts for the shipper
        self.assertEqual(invitation.logistics_customer_id, self.key)
        self.assertEqual(invitation.logistics_picking_id, delivery)
        # a delivery done since, within the interval: not invited again
        with freeze_time(DAY0 + timedelta(days=5)):
            deliver()
        with freeze_time(DAY0 + timedelta(days=6)):
            campaign.action_run()
        self.assertEqual(self._invitations(campaign), invitation)
