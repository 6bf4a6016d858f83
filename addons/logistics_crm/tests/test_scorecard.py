from datetime import datetime

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import LogisticsCrmCase


def day(month, dom, hour=9):
    return datetime(2026, month, dom, hour)


class ScorecardCase(LogisticsCrmCase):
    """Two customers over September and October 2026:

    A, September: two orders delivered on time, one of them short (6 of 10);
    a damage complaint resolved in 24 hours and rated 5.
    A, October: one order delivered late and in full; an open complaint.
    B, October: one order not delivered yet.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["logistics.sla.policy"].search([]).action_archive()
        calendar = cls._utc_calendar()
        cls.policy_sla = cls.env["logistics.sla.policy"].create(
            {
                "name": "Default",
                "calendar_id": calendar.id,
                "delivery_lead_days": 3,
                "on_time_target": 90,
                "otif_target": 80,
                "fill_rate_target": 95,
                "damage_rate_max": 10,
            }
        )
        cls.goods = cls.env["product.product"].create(
            {
                "name": "Cartons",
                "type": "consu",
                "list_price": 10.0,
                "standard_price": 6.0,
            }
        )
        cls.a, cls.b = cls._customer("Alpha Freight"), cls._customer("Beta Parcels")
        cls.a1 = cls._goods_order(cls.a, day(9, 1))
        cls._deliver(cls.a1, day(9, 1, 15))
        cls.a2 = cls._goods_order(cls.a, day(9, 2))
        cls._deliver(cls.a2, day(9, 3), qty=6)
        cls.a3 = cls._goods_order(cls.a, day(10, 1))
        cls._deliver(cls.a3, day(10, 20))
        cls.b1 = cls._goods_order(cls.b, day(10, 5))
        Complaint = cls.env["logistics.complaint"]
        with freeze_time(day(9, 5, 10)):
            damage = Complaint.create(
                {
                    "name": "Crushed",
                    "partner_id": cls.a.id,
                    "complaint_type_id": cls.env.ref(
                        "logistics_crm.complaint_type_damaged"
                    ).id,
                }
            )
        with freeze_time(day(9, 6, 10)):
            damage.write(
                {
                    "root_cause_id": cls.env.ref(
                        "logistics_crm.complaint_cause_carrier"
                    ).id,
                    "resolution": "Replaced",
                    "stage_id": cls.env.ref(
                        "logistics_crm.complaint_stage_resolved"
                    ).id,
                }
            )
            damage.rating_apply(5, token=damage.rating_ids.access_token)
        with freeze_time(day(10, 21)):
            Complaint.create(
                {
                    "name": "Late again",
                    "partner_id": cls.a.id,
                    "complaint_type_id": cls.env.ref(
                        "logistics_crm.complaint_type_late"
                    ).id,
                }
            )
        cls.Scorecard = cls.env["logistics.customer.scorecard"]

    @classmethod
    def _goods_order(cls, partner, when, qty=10):
        with freeze_time(when):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.goods.id, "product_uom_qty": qty}
                        )
                    ],
                }
            )
            order.action_confirm()
        return order

    @classmethod
    def _deliver(cls, order, when, qty=None):
        picking = order.picking_ids
        with freeze_time(when):
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty if qty is None else qty
            picking.with_context(
                skip_backorder=True, picking_ids_not_to_backorder=picking.ids
            ).button_validate()


@tagged("post_install", "-at_install")
class TestCustomerScorecard(ScorecardCase):
    def _row(self, partner, month):
        rows = self.Scorecard.search(
            [("partner_id", "=", partner.id), ("date", "=", f"2026-{month:02d}-01")]
        )
        self.assertEqual(len(rows), 1)
        return rows

    def test_columns_per_customer_and_month(self):
        sep = self._row(self.a, 9)
        self.assertEqual(sep.company_id, self.company)
        self.assertEqual(sep.policy_id, self.policy_sla)
        self.assertEqual(sep.on_time_target, 90)
        expected = {
            "order_count": 2,
            "revenue": 200.0,
            "margin": 80.0,
            "delivery_count": 2,
            "on_time_count": 2,
            "in_full_count": 1,
            "otif_count": 1,
            "qty_ordered": 20.0,
            "qty_delivered": 16.0,
            "complaint_count": 1,
            "damage_complaint_count": 1,
            "resolution_hours_sum": 24.0,
            "resolved_count": 1,
            "sla_reached_count": 2,
            "sla_closed_count": 2,
            "rating_count": 1,
            "rating_satisfied_count": 1,
            "cycle_days_sum": 1.25,
            "on_time_rate": 100.0,
            "otif_rate": 50.0,
            "fill_rate": 80.0,
            "damage_rate": 50.0,
            "complaint_rate": 50.0,
            "sla_compliance": 100.0,
            "satisfaction": 100.0,
            "avg_cycle_days": 0.625,
            "avg_resolution_hours": 24.0,
        }
        for fname, value in expected.items():
            self.assertAlmostEqual(sep[fname], value, places=4, msg=fname)
        oct_ = self._row(self.a, 10)
        for fname, value in {
            "order_count": 1,
            "delivery_count": 1,
            "on_time_count": 0,
            "in_full_count": 1,
            "otif_count": 0,
            "complaint_count": 1,
            "damage_complaint_count": 0,
            "resolved_count": 0,
            "sla_reached_count": 0,
            "sla_closed_count": 1,
            "rating_count": 0,
            "cycle_days_sum": 19.0,
            "on_time_rate": 0.0,
            "fill_rate": 100.0,
            "complaint_rate": 100.0,
            "sla_compliance": 0.0,
        }.items():
            self.assertAlmostEqual(oct_[fname], value, places=4, msg=fname)
        beta = self._row(self.b, 10)
        self.assertEqual(beta.order_count, 1)
        self.assertEqual(beta.delivery_count, 0)
        self.assertEqual(beta.complaint_rate, 0.0)
        # empty denominators give no value, not zero
        empty = (
            "on_time_rate",
            "fill_rate",
            "sla_compliance",
            "satisfaction",
            "avg_cycle_days",
            "avg_resolution_hours",
        )
        [values] = self.Scorecard._read_group(
            [("id", "=", beta.id)], [], [f"{f}:avg" for f in empty]
        )
        for fname, value in zip(empty, values, strict=True):
            self.assertIs(value, False, fname)

    def test_grouped_rates_are_ratios_of_sums(self):
        domain = [("partner_id", "in", (self.a + self.b).ids)]
        rates = [
            "on_time_rate",
            "otif_rate",
            "fill_rate",
            "damage_rate",
            "complaint_rate",
            "sla_compliance",
            "avg_cycle_days",
        ]
        by_partner = {
            partner: dict(zip(rates, values, strict=True))
            for partner, *values in self.Scorecard._read_group(
                domain, ["partner_id"], [f"{r}:avg" for r in rates]
            )
        }
        alpha = by_partner[self.a]
        self.assertAlmostEqual(alpha["on_time_rate"], 200 / 3)  # not (100 + 0) / 2
        self.assertAlmostEqual(alpha["otif_rate"], 100 / 3)
        self.assertAlmostEqual(alpha["fill_rate"], 2600 / 30)
        self.assertAlmostEqual(alpha["damage_rate"], 100 / 3)
        self.assertAlmostEqual(alpha["complaint_rate"], 200 / 3)
        self.assertAlmostEqual(alpha["sla_compliance"], 200 / 3)
        self.assertAlmostEqual(alpha["avg_cycle_days"], 20.25 / 3)
        self.assertIs(by_partner[self.b]["on_time_rate"], False)
        by_month = dict(
            self.Scorecard._read_group(domain, ["date:month"], ["complaint_rate:avg"])
        )
        self.assertAlmostEqual(by_month[datetime(2026, 10, 1).date()], 50.0)
        web = self.Scorecard.formatted_read_group(
            domain, ["tier_id"], ["on_time_rate:avg", "order_count:sum"]
        )
        self.assertEqual(sum(g["order_count:sum"] for g in web), 4)
        kpis = self.Scorecard._kpis(domain)
        self.assertEqual(kpis["order_count"], 4)
        self.assertAlmostEqual(kpis["on_time_rate"], 200 / 3)
        self.assertAlmostEqual(kpis["complaint_rate"], 50.0)

    def test_grouped_read_is_one_query_whatever_the_rows(self):
        domain = [("partner_id", "in", (self.a + self.b).ids)]
        self.Scorecard._read_group(
            domain, ["partner_id", "date:month"], ["on_time_rate:avg"]
        )
        self.env.invalidate_all()
        with self.assertQueryCount(2):  # SET LOCAL jit = off, then one SELECT
            self.Scorecard._read_group(
                domain,
                ["partner_id", "date:month"],
                ["on_time_rate:avg", "revenue:sum"],
            )

    def test_other_company_rows_are_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        user = self.env["res.users"].create(
            {
                "name": "Analyst",
                "login": "lcrm_analyst",
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
                "group_ids": [
                    Command.link(
                        self.env.ref("logistics_crm.logistics_crm_group_user").id
                    )
                ],
            }
        )
        self.assertFalse(self.Scorecard.with_user(user).search([]))


@tagged("post_install", "-at_install")
class TestScorecardScreens(ScorecardCase):
    def test_partner_panel_compares_kpis_with_targets(self):
        with freeze_time(day(11, 20)):
            kpis, lines = self.Scorecard._panel_lines(self.a, self.company)
            html = self.a.scorecard_html
        self.assertEqual(kpis["order_count"], 3)
        self.assertIsInstance(kpis["order_count"], int)
        self.assertIn("3 orders", html)  # a count, not "3.0 orders"
        by_field = {line["fname"]: line for line in lines}
        self.assertEqual(by_field["on_time_rate"]["label"], "On-time (%)")
        self.assertAlmostEqual(by_field["on_time_rate"]["value"], 200 / 3)
        self.assertEqual(by_field["on_time_rate"]["target"], 90)
        self.assertIs(by_field["on_time_rate"]["met"], False)
        self.assertAlmostEqual(by_field["fill_rate"]["value"], 2600 / 30)
        self.assertIs(by_field["damage_rate"]["met"], False)  # 33 % > 10 %
        self.assertIsNone(by_field["complaint_rate"]["met"])
        self.assertIn("Missed", html)
        self.assertIn("66.7", html)
        action = self.a.action_view_scorecard()
        rows = self.Scorecard.search(action["domain"])
        self.assertEqual(rows.partner_id, self.a)
