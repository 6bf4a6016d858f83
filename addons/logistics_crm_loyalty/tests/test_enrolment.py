from datetime import timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import LoyaltyTierCase


@tagged("post_install", "-at_install")
class TestLoyaltyEnrolment(LoyaltyTierCase):
    def test_proposal_shows_the_programs(self):
        self.policy._compute_grades()
        change = self._change(self.big)
        self.assertEqual(change.new_tier_id, self.tier_a)
        self.assertFalse(change.old_loyalty_program_id)
        self.assertEqual(change.new_loyalty_program_id, self.program)
        self.assertTrue(change.loyalty_program_changed)
        self.assertFalse(self._change(self.small).new_loyalty_program_id)
        # nobody is enrolled before the change is applied
        self.assertFalse(self._cards(self.big))

    def test_apply_enrols_once(self):
        self.policy._compute_grades()
        change = self._change(self.big)
        change.with_user(self.manager).action_apply()
        card = self._cards(self.big)
        self.assertEqual(len(card), 1)
        self.assertEqual(card.partner_id, self.big, "the commercial customer")
        self.assertEqual(card.points, 0)
        self.assertTrue(card.active)
        self.assertEqual(card.company_id, self.company)
        self.assertFalse(self.Card.search([("partner_id", "=", self.small.id)]))
        # out of tier A and back in: the second change keeps the card
        self._move_big_down()
        self._change(self.big).with_user(self.manager).action_apply()
        self._orders([(self.big, 500000, 0)])
        self.policy._compute_grades(today=self.today + timedelta(days=2))
        back = self._change(self.big)
        self.assertEqual(back.new_tier_id, self.tier_a)
        self.assertEqual(back.new_loyalty_program_id, self.program)
        back.with_user(self.manager).action_apply()
        self.assertEqual(self._cards(self.big), card, "never a second card")

    def test_a_card_held_already_is_kept(self):
        self.policy._compute_grades()
        held = self.Card.create(
            {"program_id": self.program.id, "partner_id": self.big.id, "points": 40}
        )
        held.action_archive()
        self._change(self.big).with_user(self.manager).action_apply()
        self.assertEqual(self._cards(self.big), held)
        self.assertEqual(held.points, 40)

    def test_auto_apply_enrols(self):
        self.company.tier_benefits_auto_apply = True
        self.policy._compute_grades()
        self.assertEqual(self._change(self.big, "applied").new_tier_id, self.tier_a)
        self.assertEqual(len(self._cards(self.big)), 1)
        self.assertFalse(self.Card.search([("partner_id", "=", self.small.id)]))

    def test_rejected_change_enrols_nobody(self):
        self.policy._compute_grades()
        self._change(self.big).with_user(self.manager).action_reject()
        self.assertFalse(self._cards(self.big))

    def test_archived_program_enrols_nobody(self):
        self.policy._compute_grades()
        self.program.action_archive()
        self._change(self.big).with_user(self.manager).action_apply()
        self.assertFalse(self._cards(self.big))

    def test_welcome_mail_of_the_program(self):
        # Odoo's own card template attaches the card as a PDF with a barcode:
        # a template of text only keeps the test off the PDF renderer
        welcome = self.env["mail.template"].create(
            {
                "name": "Welcome to the key-account rewards",
                "model_id": self.env["ir.model"]._get_id("loyalty.card"),
                "subject": "Your card {{ object.code }}",
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": "<p>Welcome, <t t-out='object.partner_id.name'/>.</p>",
            }
        )
        self.program.communication_plan_ids = [
            Command.create({"trigger": "create", "mail_template_id": welcome.id})
        ]
        self.big.email = "ops@bigfreight.example.com"
        self.policy._compute_grades()
        self._change(self.big).with_user(self.manager).action_apply()
        card = self._cards(self.big)
        mail = self.env["mail.mail"].search(
            [("model", "=", "loyalty.card"), ("res_id", "=", card.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.big)
        self.assertIn("Welcome, Big Freight.", str(mail.body_html))


@tagged("post_install", "-at_install")
class TestLoyaltyTierSetup(LoyaltyTierCase):
    def test_tier_form(self):
        sales_manager = new_test_user(
            self.env,
            "lcrm_loyalty_sales_manager",
            groups="sales_team.group_sale_manager",
        )
        other = self._program("Growth rewards")
        with Form(self.tier_b.with_user(sales_manager)) as tier:
            tier.loyalty_program_id = other
        self.assertEqual(self.tier_b.loyalty_program_id, other)
        # Logistics CRM users who do not sell do not see the field
        arch = self.tier_b.with_user(self.manager).get_views([(False, "form")])
        self.assertNotIn("loyalty_program_id", arch["views"]["form"]["arch"])

    def test_program_per_company(self):
        company_b = self.env["res.company"].create({"name": "Loyalty B"})
        program_b = self._program("Key account rewards B", company=company_b)
        self.tier_a.with_company(company_b).loyalty_program_id = program_b
        self.assertEqual(self.tier_a.loyalty_program_id, self.program)
        self.assertEqual(
            self.tier_a.with_company(company_b).loyalty_program_id, program_b
        )
        with self.assertRaisesRegex(ValidationError, "must belong to"):
            self.tier_b.loyalty_program_id = program_b
