"""Opportunities from cross-sell suggestions, never two open ones for a
customer and category, and the report of what they yield."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import PopulationCase


class OpportunityCase(PopulationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env,
            "cs_seller",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Seller",
        )
        cls.kam = new_test_user(
            cls.env, "cs_kam", groups="sales_team.group_sale_salesman", name="KAM"
        )
        cls.salesperson = new_test_user(
            cls.env,
            "cs_salesperson",
            groups="sales_team.group_sale_salesman",
            name="Salesperson",
        )
        cls.a[5].key_account_manager_id = cls.kam
        cls.a[5].user_id = cls.salesperson
        cls.a[6].user_id = cls.salesperson
        cls._regrade()

    def _suggestion(self, customer, key):
        return self._suggested()[(customer, key)].with_user(self.seller)

    def _leads(self):
        return self.Lead.with_context(active_test=False).search(
            [("logistics_cross_sell_categ_id", "!=", False)]
        )


@tagged("post_install", "-at_install")
class TestCrossSellOpportunity(OpportunityCase):
    def test_create_opportunity(self):
        suggestion = self._suggestion("A5", "cold")
        action = suggestion.action_create_opportunity()
        lead = suggestion.lead_id
        self.assertEqual(action["res_model"], "crm.lead")
        self.assertEqual(action["res_id"], lead.id)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id, self.a[5])
        self.assertEqual(lead.company_id, self.company)
        self.assertEqual(lead.logistics_cross_sell_categ_id, self.categ["cold"])
        self.assertIn(self.tag, lead.tag_ids)
        self.assertIn("Cold chain", lead.name)
        self.assertEqual(lead.expected_revenue, 200.0)
        # the key-account manager first, not the salesperson nor the user
        self.assertEqual(lead.user_id, self.kam)
        self.assertEqual(lead.create_uid, self.seller)
        self.assertEqual(suggestion.state, "opportunity")
        # a second click opens the same opportunity
        again = suggestion.action_create_opportunity()
        self.assertEqual(again["res_id"], lead.id)
        self.assertEqual(self._leads(), lead)

    def test_owner_falls_back_to_salesperson_then_user(self):
        self._suggestion("A6", "cold").action_create_opportunity()
        self._suggestion("A7", "cold").action_create_opportunity()
        self.assertEqual(
            self._suggestion("A6", "cold").lead_id.user_id, self.salesperson
        )
        self.assertEqual(self._suggestion("A7", "cold").lead_id.user_id, self.seller)
        # a key-account manager who left the company does not get it
        self.kam.action_archive()
        self._suggestion("A5", "storage").action_create_opportunity()
        self.assertEqual(
            self._suggestion("A5", "storage").lead_id.user_id, self.salesperson
        )

    def test_selection_reuses_open_leads_also_made_by_hand(self):
        buyer = self.env["res.partner"].create(
            {"name": "A8 buyer", "parent_id": self.a[8].id}
        )
        by_hand = self.Lead.create(
            {
                "name": "Cold chain for A8's new plant",
                "type": "opportunity",
                "partner_id": buyer.id,
                "logistics_cross_sell_categ_id": self.categ["cold"].id,
                "tag_ids": [Command.link(self.tag.id)],
            }
        )
        selection = (
            self._suggestion("A8", "cold")
            | self._suggestion("A8", "storage")
            | self._suggestion("A9", "cold")
        )
        action = selection.action_create_opportunity()
        leads = self.Lead.search(action["domain"])
        self.assertEqual(len(leads), 3)
        self.assertIn(by_hand, leads)
        self.assertEqual(self._suggestion("A8", "cold").lead_id, by_hand)
        self.assertEqual(len(self._leads()), 3)
        # the whole list again: nothing new
        self.Suggestion.search([]).with_user(self.seller).action_create_opportunity()
        self.assertEqual(len(self._leads()), 7 * 2 + 2)

    def test_lost_lead_allows_a_new_one_won_lead_counts(self):
        suggestion = self._suggestion("A9", "storage")
        suggestion.action_create_opportunity()
        lost = suggestion.lead_id
        lost.action_set_lost()
        self.assertFalse(lost.active)
        self.assertEqual(suggestion.state, "lost")
        suggestion.action_create_opportunity()
        second = suggestion.lead_id
        self.assertNotEqual(second, lost)
        self.assertTrue(second.active)
        self.assertEqual(suggestion.state, "opportunity")
        second.action_set_won()
        self.assertEqual(suggestion.state, "won")

    def test_views_offer_the_button_to_salespeople(self):
        arch = self.Suggestion.with_user(self.seller).get_views([(False, "list")])[
            "views"
        ]["list"]["arch"]
        self.assertIn("action_create_opportunity", arch)
        user = new_test_user(
            self.env, "cs_view_user", groups="logistics_crm.logistics_crm_group_user"
        )
        arch = self.Suggestion.with_user(user).get_views([(False, "list")])["views"][
            "list"
        ]["arch"]
        self.assertNotIn("action_create_opportunity", arch)
        self.assertNotIn("lead_id", arch)


@tagged("post_install", "-at_install")
class TestCrossSellReport(OpportunityCase):
    def test_report_counts_suggestions_opportunities_and_wins(self):
        self._suggestion("A5", "cold").action_create_opportunity()
        self._suggestion("A6", "storage").action_create_opportunity()
        self._suggestion("B2", "express").action_create_opportunity()
        self._suggestion("A5", "cold").lead_id.action_set_won()
        self._suggestion("B2", "express").lead_id.action_set_lost()
        Report = self.env["logistics.cross.sell.report"]
        measures = [
            "suggestion_count:sum",
            "opportunity_count:sum",
            "won_count:sum",
            "won_revenue:sum",
            "expected_revenue:sum",
        ]
        by_tier = {
            tier: figures
            for tier, *figures in Report._read_group([], ["tier_id"], measures)
        }
        self.assertEqual(by_tier[self.tier_a], [14, 2, 1, 200.0, 270.0])
        self.assertEqual(by_tier[self.tier_b], [2, 1, 0, 0.0, 600.0])
        by_categ = {
            categ: figures
            for categ, *figures in Report._read_group([], ["categ_id"], measures[:4])
        }
        self.assertEqual(by_categ[self.categ["cold"]], [7, 1, 1, 200.0])
        self.assertEqual(by_categ[self.categ["storage"]], [7, 1, 0, 0.0])
        by_user = {
            user: figures
            for user, *figures in Report._read_group(
                [("opportunity_count", "=", 1)], ["user_id"], ["opportunity_count:sum"]
            )
        }
        self.assertEqual(
            by_user, {self.kam: [1], self.salesperson: [1], self.seller: [1]}
        )
        by_month = Report._read_group([], ["date:month"], measures[:3])
        self.assertEqual(len(by_month), 1)
        self.assertEqual(by_month[0][1:], (16, 3, 1))
