"""The Net Promoter Score: counted from the answers as respondents give
them, right over any grouping, and detractors followed up."""

from datetime import datetime

from odoo.tests import Form, freeze_time, tagged

from .common import SurveyCampaignCase

JAN = datetime(2026, 1, 12, 10, 0)
FEB = datetime(2026, 2, 9, 10, 0)
TODAY = datetime(2026, 3, 2, 9, 0)

# customer key -> month -> scores given by its contacts
SCORES = {
    "key": {JAN: [10, 9, 3], FEB: [6, 8]},
    "growth": {JAN: [10], FEB: [2, 0, 9, 7]},
}


def nps(scores):
    """The hand count: promoters minus detractors per 100 answers."""
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return 100.0 * (promoters - detractors) / len(scores)


@tagged("post_install", "-at_install")
class TestNps(SurveyCampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = {"key": cls.key, "growth": cls.growth}
        for key, months in SCORES.items():
            customer = cls.customers[key]
            for month, scores in months.items():
                for index, score in enumerate(scores):
                    contact = cls.env["res.partner"].create(
                        {
                            "name": f"{customer.name} {month:%b} {index}",
                            "parent_id": customer.id,
                            "email": f"c{index}-{month:%m}@{key}.example.com",
                        }
                    )
                    invitation = cls.survey._create_answer(
                        partner=contact,
                        check_attempts=False,
                        logistics_campaign_id=cls.campaign.id,
                        logistics_customer_id=customer.id,
                    )
                    cls._answer(invitation, score, "because", when=month)
        # neither an unfinished answer nor a test entry counts
        stray = cls.survey._create_answer(
            partner=cls.key,
            check_attempts=False,
            logistics_campaign_id=cls.campaign.id,
            logistics_customer_id=cls.key.id,
        )
        stray._save_lines(cls.q_score, "0")
        test_entry = cls.survey._create_answer(
            partner=cls.key,
            check_attempts=False,
            logistics_campaign_id=cls.campaign.id,
            logistics_customer_id=cls.key.id,
        )
        test_entry.test_entry = True
        cls._answer(test_entry, 0, when=FEB)

    def _grouped(self, groupby, domain=()):
        Scorecard = self.env["logistics.customer.scorecard"]
        return {
            group: (nps_value, responses)
            for group, nps_value, responses in Scorecard._read_group(
                [
                    ("partner_id", "in", [c.id for c in self.customers.values()]),
                    *domain,
                ],
                [groupby],
                ["nps:sum", "nps_response_count:sum"],
            )
        }

    def test_nps_over_customer_month_and_tier(self):
        by_customer = self._grouped("partner_id")
        for key, months in SCORES.items():
            scores = [s for month in months.values() for s in month]
            value, responses = by_customer[self.customers[key]]
            self.assertEqual(responses, len(scores))
            self.assertAlmostEqual(value, nps(scores))
        by_month = self._grouped("date:month")
        for month in (JAN, FEB):
            scores = [s for months in SCORES.values() for s in months[month]]
            [(value, responses)] = [
                v for d, v in by_month.items() if d.month == month.month
            ]
            self.assertEqual(responses, len(scores))
            self.assertAlmostEqual(value, nps(scores))
        by_tier = self._grouped("tier_id")
        self.assertAlmostEqual(
            by_tier[self.tier_a][0], nps([10, 9, 3, 6, 8])
        )  # 2 promoters, 2 detractors of 5: 0
        self.assertAlmostEqual(by_tier[self.tier_b][0], nps([10, 2, 0, 9, 7]))
        # the total is the count over every answer, not the mean of the months
        [(total, responses)] = self._grouped("company_id").values()
        everything = [s for m in SCORES.values() for v in m.values() for s in v]
        self.assertEqual(responses, len(everything))
        self.assertAlmostEqual(total, nps(everything))
        monthly_mean = sum(v for v, __ in by_month.values()) / len(by_month)
        self.assertNotAlmostEqual(total, monthly_mean)

    def test_customer_form_shows_the_last_12_months(self):
        with freeze_time(TODAY):
            self.env.invalidate_all()
            growth = self.growth.with_user(self.kam)
            self.assertEqual(growth.nps_response_count_12m, 5)
            self.assertAlmostEqual(growth.nps_12m, nps([10, 2, 0, 9, 7]))
            # a contact shows its company's figure
            contact = growth.child_ids[:1]
            self.assertAlmostEqual(contact.nps_12m, growth.nps_12m)
        with freeze_time(datetime(2027, 2, 1)):
            self.env.invalidate_all()
            self.assertEqual(self.growth.nps_response_count_12m, 0)

    def test_nps_follows_the_nps_flag_of_the_question(self):
        self.q_score.is_nps = False
        self.assertFalse(self._grouped("partner_id"))
        self.q_score.is_nps = True
        self.assertEqual(self._grouped("partner_id")[self.key][1], 5)

    def test_a_detractor_answer_gives_exactly_one_activity(self):
        def detractor_activities():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.key.id),
                    ("summary", "like", "NPS detractor"),
                ]
            )

        before = detractor_activities()
        # setUpClass's detractors of the key account: one activity each
        self.assertEqual(len(before), 2)
        contact = self.env["res.partner"].create(
            {
                "name": "Unhappy buyer",
                "parent_id": self.key.id,
                "email": "u@k.example.com",
            }
        )
        with freeze_time(TODAY):
            self.campaign.action_run()
        invitation = self._invitations().filtered(lambda i: i.partner_id == contact)
        self.assertFalse(
            invitation, "contacts are invited through the invoicing address"
        )
        invitation = self._invitations().filtered(
            lambda i: i.partner_id == self.key_invoicing
        )
        self._answer(invitation, 4, "Late twice, nobody called.", when=TODAY)
        # submitting again (a second click) adds nothing
        invitation._mark_done()
        [activity] = detractor_activities() - before
        self.assertEqual(activity.user_id, self.kam)
        self.assertIn("Late twice, nobody called.", activity.note)
        self.assertIn(f"/odoo/survey.user_input/{invitation.id}", activity.note)
        # a promoter or a passive gives none
        growth_activities = self.env["mail.activity"].search_count(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.growth.id)]
        )
        [growth_invitation] = self._invitations().filtered(
            lambda i: i.partner_id == self.growth
        )
        self._answer(growth_invitation, 7, when=TODAY)
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.growth.id)]
            ),
            growth_activities,
        )

    def test_nps_in_the_scorecard_list_and_the_customer_form(self):
        view = self.env.ref("logistics_crm.logistics_customer_scorecard_view_list")
        self.assertIn('name="nps"', view.arch)
        with freeze_time(TODAY):
            form = Form(self.key.with_user(self.kam))
            self.assertEqual(form.nps_response_count_12m, 5)
            self.assertAlmostEqual(form.nps_12m, nps([10, 9, 3, 6, 8]))
