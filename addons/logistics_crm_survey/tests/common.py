from contextlib import nullcontext

from odoo import Command
from odoo.tests import freeze_time, new_test_user

from odoo.addons.logistics_crm.tests.common import LogisticsCrmCase


class SurveyCampaignCase(LogisticsCrmCase):
    """Customers of tiers A and B with their contacts, the default NPS survey,
    and a customers campaign over tiers A and B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.email = "crm@freight.example.com"
        cls.survey = cls.env.ref("logistics_crm_survey.survey_nps")
        cls.q_score = cls.env.ref("logistics_crm_survey.survey_nps_question_score")
        cls.q_reason = cls.env.ref("logistics_crm_survey.survey_nps_question_reason")
        cls.kam = new_test_user(
            cls.env,
            "nps_kam",
            email="kam@freight.example.com",
            groups="logistics_crm.logistics_crm_group_user",
        )
        cls.key = cls._tiered(
            "Key Pharma", cls.tier_a, email="info@keypharma.example.com"
        )
        cls.key_invoicing = cls.env["res.partner"].create(
            {
                "name": "Key Pharma accounts",
                "parent_id": cls.key.id,
                "type": "invoice",
                "email": "accounts@keypharma.example.com",
            }
        )
        cls.key.key_account_manager_id = cls.kam
        cls.growth = cls._tiered(
            "Growth Retail", cls.tier_b, email="hello@growthretail.example.com"
        )
        cls.small = cls._tiered(
            "Small Shop", cls.tier_d, email="shop@small.example.com"
        )
        cls.campaign = cls.env["logistics.survey.campaign"].create(
            {
                "name": "NPS A and B",
                "survey_id": cls.survey.id,
                "audience": "customers",
                "tier_ids": [Command.set((cls.tier_a | cls.tier_b).ids)],
                "interval_days": 30,
            }
        )

    @classmethod
    def _tiered(cls, name, tier, **vals):
        partner = cls._customer(name, **vals)
        partner.write(
            {"customer_tier_computed_id": tier.id, "customer_tier_id": tier.id}
        )
        return partner

    def _invitations(self, campaign=None):
        return self.env["survey.user_input"].search(
            [("logistics_campaign_id", "=", (campaign or self.campaign).id)],
            order="id",
        )

    @classmethod
    def _answer(cls, invitation, score, reason="", when=None):
        """Answer as the respondent does: the survey saves each line, then
        marks the answer done on submit."""
        with freeze_time(when) if when else nullcontext():
            invitation._mark_in_progress()
            # as the survey's page posts it: a string
            invitation._save_lines(cls.q_score, str(score))
            invitation._save_lines(cls.q_reason, reason)
            invitation._mark_done()
        return invitation
