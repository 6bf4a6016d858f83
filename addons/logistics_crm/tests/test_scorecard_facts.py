"""The scorecard's monthly facts, kept up to date as documents change, are
the figures a full rebuild from the documents gives."""

from odoo.tests import Form, freeze_time, tagged
from odoo.tools import SQL

from ..report.customer_scorecard import COUNTS
from .test_scorecard import ScorecardCase, day


@tagged("post_install", "-at_install")
class TestScorecardFacts(ScorecardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Fact = cls.env["logistics.customer.scorecard.fact"]
        cls.stage = {
            name: cls.env.ref(f"logistics_crm.complaint_stage_{name}")
            for name in ("in_progress", "resolved", "cancelled")
        }

    def _facts(self):
        """Every fact row, all its columns but the row's own id and dates."""
        self.Fact._refresh_pending()
        columns = SQL(", ").join(
            SQL(c) for c in ("company_id", "partner_id", "month", *COUNTS)
        )
        rows = self.env.execute_query(
            SQL(
                "SELECT %s FROM logistics_customer_scorecard_fact"
                " ORDER BY company_id, partner_id, month",
                columns,
            )
        )
        return [
            tuple(round(v, 6) if isinstance(v, float) else v for v in row)
            for row in rows
        ]

    def _complaint(self, partner, when, name, **vals):
        with freeze_time(when):
            return self.env["logistics.complaint"].create(
                {"name": name, "partner_id": partner.id, **vals}
            )

    def _row(self, partner, month, year=2026):
        return self.Scorecard.search(
            [("partner_id", "=", partner.id), ("date", "=", f"{year}-{month:02d}-01")]
        )

    def test_incremental_facts_equal_a_rebuild(self):
        # B: a November order confirmed, then cancelled
        cancelled = self._goods_order(self.b, day(11, 2))
        with freeze_time(day(11, 3)):
            cancelled.with_context(disable_cancel_warning=True)._action_cancel()
        # A: a November order delivered in two parts, the backorder in December
        split = self._goods_order(self.a, day(11, 4))
        picking = split.picking_ids
        with freeze_time(day(11, 5)):
            picking.move_ids.quantity = 4
            action = picking.button_validate()
            Form(
                self.env["stock.backorder.confirmation"].with_context(
                    **action["context"]
                )
            ).save().process()
        backorder = split.picking_ids - picking
        self.assertTrue(backorder, "the rest of the order waits in a backorder")
        with freeze_time(day(12, 1)):
            backorder.move_ids.quantity = 6
            backorder.button_validate()
        self.assertTrue(split.sla_reached_on)
        # B's October order delivered late, in November
        self._deliver(self.b1, day(11, 20))
        # A's September order moved to August
        self.a2.date_order = day(8, 30)
        # B: a complaint moved, resolved and rated; another one cancelled
        handled = self._complaint(self.b, day(11, 6), "Wet boxes")
        with freeze_time(day(11, 7)):
            handled.stage_id = self.stage["in_progress"]
        with freeze_time(day(12, 2)):
            handled.write(
                {
                    "root_cause_id": self.env.ref(
                        "logistics_crm.complaint_cause_carrier"
                    ).id,
                    "resolution": "Refunded",
                    "stage_id": self.stage["resolved"].id,
                }
            )
            handled.rating_apply(2, token=handled.rating_ids.access_token)
        dropped = self._complaint(self.b, day(11, 8), "Wrong address")
        with freeze_time(day(11, 9)):
            dropped.stage_id = self.stage["cancelled"]
        # A: an archived complaint, a deleted one
        self._complaint(self.a, day(11, 10), "Archived").action_archive()
        self._complaint(self.a, day(11, 11), "Deleted").unlink()
        # the open deadlines of November and December pass unmet
        with freeze_time(day(12, 31)):
            self.env["logistics.sla.status"]._cron_check_deadlines()

        incremental = self._facts()
        self.assertIn(self.b.id, {row[1] for row in incremental})
        self.Fact._rebuild()
        self.assertEqual(incremental, self._facts())
        # and each figure seen through the scorecard
        self.assertFalse(self._row(self.b, 11).filtered("order_count"))
        self.assertEqual(self._row(self.a, 8).order_count, 1)
        self.assertEqual(self._row(self.a, 9).order_count, 1)
        dec = self._row(self.a, 12)
        self.assertEqual(dec.delivery_count, 1)
        self.assertAlmostEqual(dec.qty_delivered, 10.0)
        self.assertEqual(self._row(self.b, 12).rating_count, 1)
        self.assertEqual(self._row(self.b, 12).rating_satisfied_count, 0)
        self.assertEqual(self._row(self.b, 11).complaint_count, 1)

    def test_confirmed_order_shows_at_once_and_leaves_when_cancelled(self):
        before = self._row(self.b, 11)
        self.assertFalse(before)
        order = self._goods_order(self.b, day(11, 2))
        row = self._row(self.b, 11)
        self.assertEqual(row.order_count, 1)
        self.assertAlmostEqual(row.revenue, 100.0)
        order.with_context(disable_cancel_warning=True)._action_cancel()
        self.assertFalse(self._row(self.b, 11))

    def test_refresh_touches_only_the_changed_keys(self):
        self.Fact._refresh_pending()
        other = self.Fact.search([("partner_id", "=", self.b.id)])
        self.assertTrue(other)
        self.env.cr.execute(
            SQL(
                "UPDATE logistics_customer_scorecard_fact SET write_date = %s"
                " WHERE partner_id = %s",
                "2020-01-01 00:00:00",
                self.b.id,
            )
        )
        self.Fact.invalidate_model()
        stamp = {fact.id: fact.write_date for fact in other}
        self._goods_order(self.a, day(10, 9))
        self.assertEqual(self._row(self.a, 10).order_count, 2)
        self.Fact.invalidate_model()
        self.assertEqual({fact.id: fact.write_date for fact in other.exists()}, stamp)
        # the counted queries do not grow with the number of keys
        keys = {
            (f.company_id.id, f.partner_id.id, f.month) for f in self.Fact.search([])
        }
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.Fact._refresh(keys)
        with self.assertQueryCount(1):
            self.Fact._refresh(list(keys)[:1])

    def test_row_ids_do_not_collide(self):
        company = self.env["res.company"].create({"name": "Far Freight"})
        self.env.cr.execute(SQL("SELECT setval('res_company_id_seq', 1500)"))
        far = self.env["res.company"].create({"name": "Farther Freight"})
        self.assertGreaterEqual(far.id, 1000)
        self.Fact._refresh_pending()
        self.env.cr.execute(
            SQL(
                """INSERT INTO logistics_customer_scorecard_fact
                   (company_id, partner_id, month, order_count)
                   VALUES (%s, %s, '1999-12-01', 1), (%s, %s, '2100-01-01', 2),
                          (%s, %s, '2026-09-01', 3)""",
                far.id,
                self.a.id,
                company.id,
                self.a.id,
                far.id,
                self.a.id,
            )
        )
        rows = (
            self.Scorecard.sudo()
            .with_context(allowed_company_ids=[self.company.id, company.id, far.id])
            .search([("partner_id", "=", self.a.id)])
        )
        self.assertEqual(len(rows), len(set(rows.ids)))
        self.assertEqual(sorted(rows.mapped("order_count")), sorted([1, 2, 3, 2, 1]))
        self.assertEqual(
            {(r.company_id, str(r.date)) for r in rows if r.company_id != self.company},
            {
                (far, "1999-12-01"),
                (company, "2100-01-01"),
                (far, "2026-09-01"),
            },
        )
