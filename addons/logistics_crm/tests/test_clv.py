"""Cost to serve, net margin and customer lifetime value, against a hand
computation; net margin as a grading criterion; a criterion added through
the engine's hook.

Company 1, today 2026-07-15, 'Lost after' 60 days, 10 per complaint, 25 per
return, CLV at 10 %/year capped at 5 years:

- Xpress (tier A): a service order of 1000 costing 600 and 4 cartons at 50
  costing 30 (margin 400 + 80), one carton returned, two complaints, one
  compensated by a posted credit note of 50. Cost to serve 50 + 25 + 2 x 10
  = 95, net margin 385.
- Yonder (tier A): one order of 100 at cost on 2026-04-20, so active at the
  start of May and June and lost on June 19: tier A churns 1 of 2 customer
  months, 12 x 1 / 2 = 6 a year, an expected lifetime of 1/6 year.
- Zenith (tier B): a service order of 1000 costing 600, no cost to serve; tier B
  has not churned, so its lifetime is the 5-year cap.
"""

from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import SQL

from .common import LogisticsCrmCase

TODAY = date(2026, 7, 15)


def annuity(rate, years):
    """Present value of 1 a year for ``years`` years at ``rate``."""
    return (1 - (1 + rate) ** -years) / rate if rate else years


class ClvCase(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(freeze_time("2026-07-15 12:00:00"))
        cls.today = TODAY
        cls.policy.write(
            {
                "lifecycle_lost_days": 60,
                "cost_per_complaint": 10.0,
                "cost_per_return": 25.0,
                "clv_discount_rate": 10.0,
                "clv_max_years": 5.0,
            }
        )
        cls.goods = cls.env["product.product"].create(
            {
                "name": "Cartons",
                "type": "consu",
                "list_price": 50.0,
                "standard_price": 30.0,
            }
        )
        cls.xpress = cls._locked("Xpress", cls.tier_a)
        cls.yonder = cls._locked("Yonder", cls.tier_a)
        cls.zenith = cls._locked("Zenith", cls.tier_b)
        cls._orders(
            [
                (cls.xpress, 1000, 5, 600),
                (cls.yonder, 100, (TODAY - date(2026, 4, 20)).days, 100),
                (cls.zenith, 1000, 5, 600),
            ]
        )
        # 4 cartons delivered, one returned
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.xpress.id,
                "order_line": [
                    (0, 0, {"product_id": cls.goods.id, "product_uom_qty": 4})
                ],
            }
        )
        order.action_confirm()
        delivery = order.picking_ids
        delivery.move_ids.quantity = 4
        delivery.button_validate()
        wizard = (
            cls.env["stock.return.picking"]
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 1
        cls.return_picking = cls.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        cls.return_picking.move_ids.quantity = 1
        cls.return_picking.button_validate()
        # two complaints, one compensated by a posted credit note
        Complaint = cls.env["logistics.complaint"]
        compensated = Complaint.create(
            {
                "name": "Cartons crushed",
                "partner_id": cls.xpress.id,
                "compensation_amount": 50.0,
            }
        )
        compensated.action_create_credit_note()
        compensated.credit_note_id.action_post()
        Complaint.create({"name": "Late truck", "partner_id": cls.xpress.id})

    @classmethod
    def _locked(cls, name, tier, company=None):
        partner = cls._customer(name)
        partner.with_company(company or cls.company).write(
            {
                "customer_tier_locked": True,
                "customer_tier_id": tier.id,
                "customer_tier_lock_reason": "Held for the CLV test",
            }
        )
        return partner


@tagged("post_install", "-at_install")
class TestClv(ClvCase):
    def test_cost_to_serve_net_margin_and_clv_match_the_hand_computation(self):
        self.assertEqual(self.return_picking.state, "done")
        self._grade()
        xpress, zenith = self.xpress, self.zenith
        self.assertAlmostEqual(xpress.customer_margin, 480.0)
        self.assertAlmostEqual(xpress.customer_cost_to_serve, 50 + 25 + 2 * 10)
        self.assertAlmostEqual(xpress.customer_net_margin, 385.0)
        self.assertAlmostEqual(
            xpress.customer_clv, 385.0 * annuity(0.10, 1 / 6), places=4
        )
        self.assertAlmostEqual(zenith.customer_cost_to_serve, 0.0)
        self.assertAlmostEqual(zenith.customer_net_margin, 400.0)
        self.assertAlmostEqual(zenith.customer_clv, 400.0 * annuity(0.10, 5), places=4)
        # the figures are on the grade row and in the history
        grade = xpress.customer_grade_id
        self.assertAlmostEqual(grade.customer_net_margin, 385.0)
        history = self.env["logistics.grade.history"].search(
            [("partner_id", "=", xpress.id)], limit=1
        )
        self.assertAlmostEqual(history.customer_cost_to_serve, 95.0)
        self.assertAlmostEqual(history.customer_clv, grade.customer_clv)

    def test_clv_without_discount_and_with_a_shorter_window(self):
        # window of 73 days: the annual net margin is 5 x the window's
        self.policy.write({"clv_discount_rate": 0.0, "window_days": 73})
        self._grade()
        self.assertAlmostEqual(self.zenith.customer_clv, 400.0 * 5 * 5, places=4)
        self.assertAlmostEqual(self.xpress.customer_clv, 385.0 * 5 / 6, places=4)

    def test_net_margin_is_a_grading_criterion(self):
        self.assertEqual(self.policy.weight_net_margin, 0.0, "off by default")
        self._set_weights(margin=1)
        self._grade()
        # on margin, Xpress (480) beats Zenith (400)
        self.assertEqual(self.xpress.customer_score, 100.0)
        self.assertEqual(self.zenith.customer_score, 50.0)
        self._set_weights(net_margin=1)
        self.assertEqual(self.policy.weight_total, 1.0)
        self._grade()
        # after its cost to serve, Xpress (385) falls behind Zenith (400)
        self.assertEqual(self.xpress.customer_score, 50.0)
        self.assertEqual(self.zenith.customer_score, 100.0)
        self.assertEqual(self.xpress.customer_net_margin_score, 50.0)
        self.assertEqual(self.xpress.customer_weight_net_margin, 1.0)

    def test_a_bridge_adds_a_criterion_through_the_hook(self):
        self._set_weights(revenue=1)
        self._grade()
        # revenue: Xpress 1200, Zenith 1000, Yonder 100
        self.assertEqual(
            (self.zenith.customer_score, self.yonder.customer_score), (50.0, 0.0)
        )
        engine = self.env["logistics.grading.engine"]
        criteria = type(engine)._grading_criteria

        def _grading_criteria(self, policy, today):
            result = criteria(self, policy, today)
            result["lifetime_orders"] = {
                "value": SQL("c.orders_all"),
                "scoring": "ranked",
                "direction": "asc",
                "weight": "weight_revenue",
                "value_field": None,
                "score_field": "lifetime_orders_score",
            }
            return result

        self.patch(type(engine), "_grading_criteria", _grading_criteria)
        self._grade()
        # lifetime orders: Xpress 2 (100), Zenith and Yonder tied at 1 (25);
        # the score is the mean of the two equally weighted criteria
        self.assertEqual(self.xpress.customer_score, 100.0)
        self.assertEqual(self.zenith.customer_score, 37.5)
        self.assertEqual(self.yonder.customer_score, 12.5)

    def test_companies_are_graded_apart(self):
        self._grade()
        company2 = self.env["res.company"].create({"name": "Other Freight"})
        self._orders([(self.xpress, 5000, 5, 0)], company=company2)
        self.env["logistics.grading.policy"]._get_for_company(
            company2
        )._compute_grades()
        self.assertAlmostEqual(
            self.xpress.with_company(company2).customer_net_margin, 5000.0
        )
        self.assertAlmostEqual(
            self.xpress.with_company(company2).customer_cost_to_serve, 0.0
        )
        self.assertAlmostEqual(self.xpress.customer_net_margin, 385.0)

    def test_who_sees_the_figures(self):
        self._grade()
        user = new_test_user(
            self.env, "clv_user", groups="logistics_crm.logistics_crm_group_user"
        )
        manager = new_test_user(
            self.env, "clv_manager", groups="logistics_crm.logistics_crm_group_manager"
        )
        portal = new_test_user(self.env, "clv_portal", groups="base.group_portal")
        for login in (user, manager):
            partner = self.xpress.with_user(login)
            self.assertAlmostEqual(partner.customer_clv, self.xpress.customer_clv)
            self.assertAlmostEqual(partner.customer_cost_to_serve, 95.0)
        with self.assertRaises(AccessError):
            self.xpress.with_user(portal).read(["customer_clv"])
        with self.assertRaises(AccessError):
            self.env["logistics.customer.grade"].with_user(portal).search([])
