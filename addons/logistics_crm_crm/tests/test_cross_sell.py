"""Cross-sell suggestions after a regrade, checked against a hand count."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CrossSellCase, PopulationCase


@tagged("post_install", "-at_install")
class TestCrossSellSuggestions(PopulationCase):
    def test_hand_count(self):
        self._regrade()
        expected = {
            # A3-A9 lack cold chain and warehousing, bought by 3 of the 10
            **{
                (f"A{i}", key): None
                for i in range(3, 10)
                for key in ("cold", "storage")
            },
            # B2 and B3 lack express parcels, bought by 2 of the 4
            ("B2", "express"): None,
            ("B3", "express"): None,
        }
        suggested = self._suggested()
        self.assertEqual(set(suggested), set(expected))
        # figures: shares, medians and the score (share x rank of the median
        # among the 3 suggested pairs: warehousing 70, cold 200, express 600)
        figures = {
            "cold": (self.tier_a, 30.0, 200.0, 20.0),
            "storage": (self.tier_a, 30.0, 70.0, 10.0),
            "express": (self.tier_b, 50.0, 600.0, 50.0),
        }
        for (__, key), suggestion in suggested.items():
            with self.subTest(customer=suggestion.partner_id.name, category=key):
                self.assertEqual(
                    (
                        suggestion.tier_id,
                        suggestion.peer_share,
                        suggestion.peer_median_revenue,
                        suggestion.score,
                    ),
                    figures[key],
                )
                self.assertEqual(suggestion.state, "new")
                self.assertEqual(suggestion.currency_id, self.company.currency_id)
        self.assertEqual(self.a[5].cross_sell_suggestion_count, 2)
        self.assertEqual(self.a[0].cross_sell_suggestion_count, 0)
        action = self.a[5].action_view_cross_sell_suggestions()
        self.assertEqual(self.Suggestion.search(action["domain"]).partner_id, self.a[5])

    def test_threshold_is_inclusive_and_configurable(self):
        self.policy.cross_sell_min_peer_share = 50.0
        self._regrade()
        self.assertEqual(set(self._suggested()), {("B2", "express"), ("B3", "express")})
        self.policy.cross_sell_min_peer_share = 20.0
        self._regrade()
        suggested = self._suggested()
        # express parcels in A (2 of 10) and cold chain in B (1 of 4) now
        self.assertIn(("A9", "express"), suggested)
        self.assertIn(("B3", "cold"), suggested)
        self.assertEqual(len(suggested), 7 * 2 + 8 + 2 + 3)

    def test_refresh_updates_and_drops_stale_suggestions(self):
        self._regrade()
        first = self._suggested()
        kept = first[("A9", "cold")]
        # A3 buys cold chain now: its suggestion goes; 4 of 10 buy it now
        self._buy(self.a[3], [("cold", 400)])
        self._regrade()
        suggested = self._suggested()
        self.assertNotIn(("A3", "cold"), suggested)
        self.assertFalse(first[("A3", "cold")].exists())
        self.assertEqual(suggested[("A9", "cold")], kept, "updated, not replaced")
        self.assertEqual(kept.peer_share, 40.0)
        self.assertEqual(kept.peer_median_revenue, 250.0)
        # a regrade of unchanged data changes nothing
        before = {s.id: (s.peer_share, s.score) for s in suggested.values()}
        self._regrade()
        after = {s.id: (s.peer_share, s.score) for s in self._suggested().values()}
        self.assertEqual(before, after)

    def test_stale_suggestion_with_an_opportunity_is_archived(self):
        self._regrade()
        with_lead = self._suggested()[("A4", "storage")]
        with_lead.action_create_opportunity()
        lead = with_lead.lead_id
        # warehousing is no longer bought by enough peers
        self.policy.cross_sell_min_peer_share = 31.0
        self._regrade()
        self.assertNotIn(("A5", "storage"), self._suggested())
        self.assertFalse(
            self.Suggestion.with_context(active_test=False).search_count(
                [("categ_id", "=", self.categ["storage"].id), ("lead_id", "=", False)]
            )
        )
        self.assertTrue(with_lead.exists())
        self.assertFalse(with_lead.active)
        self.assertEqual(with_lead.lead_id, lead)
        # it qualifies again: a new open suggestion, the archived one kept
        self.policy.cross_sell_min_peer_share = 30.0
        self._regrade()
        again = self._suggested()[("A4", "storage")]
        self.assertNotEqual(again, with_lead)
        self.assertFalse(again.lead_id)
        self.assertTrue(with_lead.exists())

    def test_tier_change_moves_the_suggestions(self):
        self._regrade()
        # B2 locked in tier A now: it lacks A's cold chain and warehousing
        self._lock(self.b[2], self.tier_a)
        self._regrade()
        suggested = self._suggested()
        self.assertNotIn(("B2", "express"), suggested)
        # 3 of 11 customers of A: 27 % < 30 %, nothing left in A; B0's cold
        # chain is 1 of 3 customers of B now: 33 %
        self.assertEqual(
            set(suggested), {("B3", "express"), ("B1", "cold"), ("B3", "cold")}
        )
        self.assertEqual(suggested[("B3", "express")].peer_share, 66.67)
        self.assertEqual(suggested[("B3", "cold")].peer_share, 33.33)


@tagged("post_install", "-at_install")
class TestCrossSellPolicy(CrossSellCase):
    def test_min_peer_share_is_a_percentage(self):
        self.assertEqual(self.policy.cross_sell_min_peer_share, 30.0)
        for value in (0.0, -5.0, 100.5):
            with (
                self.subTest(value=value),
                self.assertRaisesRegex(ValidationError, "more than 0 and at most 100"),
            ):
                self.policy.cross_sell_min_peer_share = value
                self.policy.flush_recordset()
        self.policy.cross_sell_min_peer_share = 100.0

    def test_policy_form_shows_the_setting(self):
        manager = new_test_user(
            self.env,
            "cs_policy_manager",
            groups="logistics_crm.logistics_crm_group_manager",
        )
        with Form(self.policy.with_user(manager)) as form:
            form.cross_sell_min_peer_share = 40.0
        self.assertEqual(self.policy.cross_sell_min_peer_share, 40.0)


@tagged("post_install", "-at_install")
class TestCrossSellMultiCompany(CrossSellCase):
    def test_companies_are_isolated(self):
        company2 = self.env["res.company"].create({"name": "Other Freight"})
        policy2 = self.env["logistics.grading.policy"]._get_for_company(company2)
        x, y, z = (self._tiered(name, self.tier_a) for name in ("X", "Y", "Z"))
        for partner in (x, y, z):
            self._lock(partner, self.tier_b, company2)
        # company 1: X and Y buy cold chain, Z only road freight
        self._buy(x, [("road", 100), ("cold", 100)])
        self._buy(y, [("road", 100), ("cold", 300)])
        self._buy(z, [("road", 100)])
        # company 2: only Z buys express parcels, X and Y road freight
        self._buy(x, [("road", 100)], company=company2)
        self._buy(y, [("road", 100)], company=company2)
        self._buy(z, [("road", 100), ("express", 900)], company=company2)
        self._regrade()
        self._regrade(policy2)
        self.assertEqual(set(self._suggested()), {("Z", "cold")})
        self.assertEqual(
            set(self._suggested(company2)), {("X", "express"), ("Y", "express")}
        )
        in2 = self._suggested(company2)[("X", "express")]
        self.assertEqual(in2.tier_id, self.tier_b)
        self.assertEqual(in2.peer_median_revenue, 900.0)
        # regrading one company leaves the other's suggestions alone
        self.policy.cross_sell_min_peer_share = 100.0
        self._regrade()
        self.assertFalse(self._suggested())
        self.assertEqual(len(self._suggested(company2)), 2)
        # a company-1 user sees its company's only
        user = new_test_user(
            self.env, "cs_mc_user", groups="logistics_crm.logistics_crm_group_user"
        )
        self.assertFalse(self.Suggestion.with_user(user).search([]))
        user.write(
            {"company_ids": [Command.link(company2.id)], "company_id": company2.id}
        )
        self.assertEqual(
            len(self.Suggestion.with_user(user).with_company(company2).search([])), 2
        )


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestCrossSellScale(CrossSellCase):
    def _regrade_queries(self, count):
        """Queries of a regrade of ``count`` new customers, rolled back: half
        buy road freight and cold chain, half road freight only, so that
        every tier has suggestions."""
        try:
            with self.env.cr.savepoint():
                for i in range(count):
                    lines = [("road", 100 * (i + 1))]
                    if i % 2:
                        lines.append(("cold", 50 * (i + 1)))
                    self._buy(self._customer(f"Scale {count}-{i}"), lines)
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                self._regrade()
                self.env.flush_all()
                queries = self.env.cr.sql_log_count - before
                raise _Rollback(queries, self.Suggestion.search_count([]))
        except _Rollback as done:
            self.env.invalidate_all()
            return done.args

    def test_regrade_in_constant_queries(self):
        self.env["logistics.retention.rule"].search([]).action_archive()
        self._regrade_queries(4)  # caches
        small, suggested_small = self._regrade_queries(10)
        large, suggested_large = self._regrade_queries(20)
        self.assertGreater(suggested_small, 0)
        self.assertGreater(suggested_large, 0)
        self.assertEqual(small, large)
