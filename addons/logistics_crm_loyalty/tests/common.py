from datetime import timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.logistics_crm.tests.common import LogisticsCrmCase


class LoyaltyTierCase(LogisticsCrmCase):
    """Two customers, Big (tier A after a regrade) and Small (tier D); tier A
    gives the "Key account rewards" points program (one point per unit of
    currency, 5 % off for 100 points) in the main company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Change = cls.env["logistics.tier.benefit.change"]
        cls.Card = cls.env["loyalty.card"]
        # a Logistics CRM administrator who is not a Sales manager: Odoo
        # lets him create no loyalty card himself
        cls.manager = new_test_user(
            cls.env,
            "lcrm_loyalty_manager",
            name="Mia Manager",
            groups="logistics_crm.logistics_crm_group_manager",
        )
        cls.seller = new_test_user(
            cls.env,
            "lcrm_loyalty_seller",
            name="Sam Seller",
            groups="sales_team.group_sale_salesman",
        )
        cls.program = cls._program("Key account rewards")
        cls.tier_a.loyalty_program_id = cls.program
        cls._set_weights(revenue=1)
        cls.big = cls._customer("Big Freight", user_id=cls.seller.id)
        cls.small = cls._customer("Small Parcel")
        cls._orders([(cls.big, 1000, 5), (cls.small, 100, 5)])

    @classmethod
    def _program(cls, name, company=None, required_points=100):
        return cls.env["loyalty.program"].create(
            {
                "name": name,
                "program_type": "loyalty",
                "company_id": (company or cls.company).id,
                "trigger": "auto",
                "applies_on": "both",
                "rule_ids": [
                    Command.create(
                        {"reward_point_mode": "money", "reward_point_amount": 1}
                    )
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 5,
                            "discount_mode": "percent",
                            "discount_applicability": "order",
                            "required_points": required_points,
                        }
                    )
                ],
            }
        )

    def _change(self, partner, state="proposed", company=None):
        return self.Change.search(
            [
                ("partner_id", "=", partner.id),
                ("state", "=", state),
                ("company_id", "=", (company or self.company).id),
            ]
        )

    def _cards(self, partner, program=None):
        return self.Card.with_context(active_test=False).search(
            [
                ("partner_id", "=", partner.id),
                ("program_id", "=", (program or self.program).id),
            ]
        )

    def _move_big_down(self, days=1):
        """A bigger order of Small pushes Big out of tier A at the regrade of
        ``days`` days later."""
        self._orders([(self.small, 50000, 0)])
        self.policy._compute_grades(today=self.today + timedelta(days=days))
        self.assertNotEqual(self.big.customer_tier_id, self.tier_a)
