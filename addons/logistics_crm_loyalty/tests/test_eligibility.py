from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import LoyaltyTierCase


@tagged("post_install", "-at_install")
class TestLoyaltyEligibility(LoyaltyTierCase):
    def _points(self, order, program=None):
        program = program or self.program
        return sum(
            order.coupon_point_ids.filtered(
                lambda entry: entry.coupon_id.program_id == program
            ).mapped("points")
        )

    def test_points_in_the_tier_only_and_kept_after_leaving(self):
        # before the regrade nobody is in tier A: no points
        self.assertFalse(self.Card.search([("program_id", "=", self.program.id)]))
        self.policy._compute_grades()
        self._change(self.big).with_user(self.manager).action_apply()
        card = self._cards(self.big)
        order = self._orders([(self.big, 500, 0)])
        self.assertEqual(self._points(order), 500)
        self.assertEqual(card.points, 500, "earned on the confirmed order")
        # a customer of tier D does not earn the key-account points
        small_order = self._orders([(self.small, 300, 0)])
        self.assertFalse(small_order.coupon_point_ids)
        self.assertFalse(self.Card.search([("partner_id", "=", self.small.id)]))
        # the reward is offered to the key account
        quotation = self._quotation(self.big, 200)
        self.assertIn(card, quotation._get_claimable_rewards())
        # Big leaves tier A: its points stay, its new orders earn none and
        # the reward is no longer offered
        self._move_big_down()
        change = self._change(self.big)
        self.assertEqual(change.old_loyalty_program_id, self.program)
        self.assertFalse(change.new_loyalty_program_id)
        change.with_user(self.manager).action_apply()
        later = self._orders([(self.big, 700, 0)])
        self.assertFalse(later.coupon_point_ids)
        self.assertEqual(card.points, 500)
        self.assertTrue(card.active)
        self.assertEqual(self._cards(self.big), card)
        quotation = self._quotation(self.big, 200)
        self.assertFalse(quotation._get_claimable_rewards())
        self.assertFalse(quotation.applied_coupon_ids)
        # the card's history keeps the order that earned the points
        self.assertEqual(card.history_ids.mapped("order_id"), [order.id])

    def test_order_of_a_contact_is_eligible(self):
        """The contact's tier is its customer's; as in Odoo, the points go to
        a card of the order's customer (the contact)."""
        contact = self.env["res.partner"].create(
            {"name": "Bea Buyer", "parent_id": self.big.id}
        )
        self.policy._compute_grades()
        self._change(self.big).with_user(self.manager).action_apply()
        order = self._orders([(contact, 250, 0)])
        self.assertEqual(self._points(order), 250)

    def test_other_programs_are_untouched(self):
        promotion = self._program("Everyone's rewards")
        self.policy._compute_grades()
        order = self._orders([(self.small, 300, 0)])
        self.assertEqual(self._points(order, promotion), 300)
        self.assertEqual(self._points(order), 0)

    def test_program_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "Loyalty B"})
        program_b = self._program("Key account rewards B", company=company_b)
        self.tier_a.with_company(company_b).loyalty_program_id = program_b
        self.env["logistics.grading.policy"]._get_for_company(company_b).write(
            {
                f"weight_{criterion}": 0
                for criterion in (
                    "margin",
                    "frequency",
                    "recency",
                    "growth",
                    "payment",
                    "potential",
                )
            }
        )
        manager_b = new_test_user(
            self.env,
            "lcrm_loyalty_manager_b",
            groups="logistics_crm.logistics_crm_group_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        policy_b = self.env["logistics.grading.policy"]._get_for_company(company_b)
        self._orders([(self.big, 1000, 5), (self.small, 10, 5)], company=company_b)
        policy_b._compute_grades()
        self.assertEqual(self.big.with_company(company_b).customer_tier_id, self.tier_a)
        self.assertFalse(self.big.customer_tier_id, "not graded in the main company")
        change_b = self._change(self.big, company=company_b)
        self.assertEqual(change_b.new_loyalty_program_id, program_b)
        change_b.with_user(manager_b).with_company(company_b).action_apply()
        card_b = self._cards(self.big, program_b)
        self.assertEqual(len(card_b), 1)
        self.assertEqual(card_b.company_id, company_b)
        self.assertFalse(self._cards(self.big), "no card of the main company")
        # company B's orders earn company B's points; the main company's,
        # where Big has no tier, earn none of the key-account points
        order_b = self._orders([(self.big, 400, 0)], company=company_b)
        self.assertEqual(self._points(order_b, program_b), 400)
        self.assertEqual(card_b.points, 400)
        order = self._orders([(self.big, 400, 0)])
        self.assertFalse(order.coupon_point_ids)

    def _quotation(self, partner, amount):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order._update_programs_and_rewards()
        return order
