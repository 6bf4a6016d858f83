from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import LogisticsCrmCase

MON = datetime(2026, 11, 23)  # a Monday; Monday 30 November is made a holiday


def at(day_offset, hour, minute=0):
    """A moment of the test weeks: day 0 is Monday 23 November 2026, UTC."""
    return MON + timedelta(days=day_offset, hours=hour, minutes=minute)


class SlaCase(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["logistics.sla.policy"].search([]).action_archive()
        cls.calendar = cls._utc_calendar()
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.calendar.id,
                "date_from": at(7, 0),
                "date_to": at(7, 23, 59),
            }
        )
        cls.Policy = cls.env["logistics.sla.policy"]
        cls.default_policy = cls.Policy.create(
            {
                "name": "Standard",
                "sequence": 100,
                "calendar_id": cls.calendar.id,
                "delivery_lead_days": 3,
                "warn_before_hours": 2,
                "target_ids": [
                    Command.create({"response_hours": 8, "resolution_hours": 40})
                ],
            }
        )
        cls.key_policy = cls.Policy.create(
            {
                "name": "Key",
                "sequence": 10,
                "calendar_id": cls.calendar.id,
                "tier_ids": [Command.set(cls.tier_a.ids)],
                "delivery_lead_days": 1,
                "warn_before_hours": 2,
                "target_ids": [
                    Command.create(
                        {"priority": "3", "response_hours": 1, "resolution_hours": 4}
                    ),
                    Command.create({"response_hours": 4, "resolution_hours": 16}),
                ],
            }
        )
        cls.goods = cls.env["product.product"].create(
            {"name": "Cartons", "type": "consu", "list_price": 50.0}
        )
        cls.key, cls.small = cls._customer("Key"), cls._customer("Small")
        cls._orders([(cls.key, 10000, 30), (cls.small, 10, 30)])
        cls._set_weights(revenue=1)
        cls._grade()
        cls.salesman = new_test_user(
            cls.env, "lcrm_sla_sales", groups="sales_team.group_sale_salesman"
        )
        cls.Complaint = cls.env["logistics.complaint"]
        cls.Status = cls.env["logistics.sla.status"]
        cls.stage_waiting = cls.env.ref("logistics_crm.complaint_stage_waiting")
        cls.stage_progress = cls.env.ref("logistics_crm.complaint_stage_in_progress")
        cls.stage_resolved = cls.env.ref("logistics_crm.complaint_stage_resolved")

    def _goods_order(self, partner, qty=10, **vals):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": self.salesman.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.goods.id, "product_uom_qty": qty}
                    )
                ],
                **vals,
            }
        )
        order.action_confirm()
        return order

    def _deliver(self, picking, qty=None, backorder=True):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
        action = picking.button_validate()
        if (
            isinstance(action, dict)
            and action.get("res_model") == "stock.backorder.confirmation"
        ):
            wizard = Form(
                self.env["stock.backorder.confirmation"].with_context(
                    **action["context"]
                )
            ).save()
            if backorder:
                wizard.process()
            else:
                wizard.process_cancel_backorder()

    def _status(self, record, kind):
        return self.Status.search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("kind", "=", kind),
            ]
        )


@tagged("post_install", "-at_install")
class TestSlaPolicies(SlaCase):
    def test_precedence_customer_then_tier_then_default(self):
        self.assertEqual(self.key.sla_policy_id, self.key_policy)
        self.assertEqual(self.small.sla_policy_id, self.default_policy)
        named = self.Policy.create(
            {
                "name": "Small's contract",
                "sequence": 50,
                "calendar_id": self.calendar.id,
                "partner_ids": [Command.set((self.small + self.key).ids)],
            }
        )
        earlier = self.Policy.create(
            {
                "name": "Earlier contract",
                "sequence": 5,
                "calendar_id": self.calendar.id,
                "partner_ids": [Command.set(self.small.ids)],
            }
        )
        self.small.invalidate_recordset(["sla_policy_id"])
        self.key.invalidate_recordset(["sla_policy_id"])
        self.assertEqual(self.small.sla_policy_id, earlier)
        self.assertEqual(self.key.sla_policy_id, named)
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.key.id}
        )
        self.assertEqual(contact.sla_policy_id, named)
        self.assertEqual(self.key.sla_target_ids, named.target_ids)

    def test_validity_dates(self):
        with freeze_time(at(2, 10)):
            self.Policy.create(
                {
                    "name": "Expired",
                    "sequence": 1,
                    "calendar_id": self.calendar.id,
                    "partner_ids": [Command.set(self.small.ids)],
                    "date_start": "2026-01-01",
                    "date_end": "2026-11-24",
                }
            )
            future = self.Policy.create(
                {
                    "name": "Next year",
                    "sequence": 2,
                    "calendar_id": self.calendar.id,
                    "partner_ids": [Command.set(self.small.ids)],
                    "date_start": "2027-01-01",
                }
            )
            self.assertEqual(self.small.sla_policy_id, self.default_policy)
            policies = self.Policy._policies_for(
                self.small, self.company, at(40, 0).date()
            )
            self.assertEqual(policies[self.small.id], future)

    def test_bad_input_is_refused(self):
        for vals, message in (
            ({"on_time_target": 120}, "between 0 and 100"),
            ({"damage_rate_max": -1}, "between 0 and 100"),
            ({"delivery_lead_days": -2}, "cannot be negative"),
            ({"warn_before_hours": -1}, "cannot be negative"),
            (
                {"date_start": "2026-12-01", "date_end": "2026-11-01"},
                "ends before it starts",
            ),
        ):
            with self.assertRefused(ValidationError, message):
                self.Policy.create(
                    {"name": "Bad", "calendar_id": self.calendar.id, **vals}
                )
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.default_policy.target_ids.response_hours = -4
        self.assertEqual(self.Policy.search_count([("name", "=", "Bad")]), 0)
        self.assertEqual(self.default_policy.target_ids.response_hours, 8)

    def test_policy_with_history_is_archived_not_deleted(self):
        unused = self.Policy.create({"name": "Unused", "calendar_id": self.calendar.id})
        unused.unlink()
        self.assertFalse(unused.exists())
        order = self._goods_order(self.small)
        self.assertEqual(self._status(order, "delivery").policy_id, self.default_policy)
        with self.assertRefused(UserError, "archive it instead"):
            self.default_policy.unlink()
        self.assertTrue(self.default_policy.exists())
        self.default_policy.action_archive()
        self.assertEqual(self._status(order, "delivery").policy_id, self.default_policy)


@tagged("post_install", "-at_install")
class TestSlaDeliveries(SlaCase):
    def test_deadline_counts_working_days_weekends_and_holidays(self):
        with freeze_time(at(3, 10)):  # Thursday 10:00, key account: 1 day
            thursday = self._goods_order(self.key)
        self.assertEqual(thursday.sla_policy_id, self.key_policy)
        self.assertEqual(thursday.sla_deadline, at(4, 17))  # Friday 17:00
        self.assertEqual(thursday.picking_ids.sla_deadline, at(4, 17))
        with freeze_time(at(4, 18)):  # Friday after hours: Monday is a holiday
            friday = self._goods_order(self.key)
        self.assertEqual(friday.sla_deadline, at(9, 17))  # Wednesday 2 December
        with freeze_time(at(2, 9)):  # Wednesday, standard: 3 days
            standard = self._goods_order(self.small)
        self.assertEqual(standard.sla_deadline, at(8, 17))  # Tue (Mon holiday)

    def test_commitment_date_overrides_the_lead_time(self):
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.key, commitment_date=at(10, 12))
        self.assertEqual(order.sla_deadline, at(10, 12))
        self.assertEqual(self._status(order, "delivery").deadline, at(10, 12))

    def test_on_time_in_full(self):
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.key)
        with freeze_time(at(0, 15)):
            self._deliver(order.picking_ids)
        status = self._status(order, "delivery")
        self.assertEqual(status.state, "reached")
        self.assertEqual(status.reached_on, at(0, 15))
        self.assertTrue(order.sla_on_time and order.sla_in_full and order.sla_otif)
        self.assertEqual(order.sla_state, "reached")

    def test_backorder_keeps_the_clock_running_and_late_completion_fails(self):
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.key, qty=10)
            self._deliver(order.picking_ids, qty=6)
        status = self._status(order, "delivery")
        self.assertEqual(status.state, "ongoing")
        self.assertFalse(order.sla_reached_on)
        backorder = order.picking_ids.filtered(lambda p: p.state != "done")
        self.assertTrue(backorder)
        with freeze_time(at(2, 10)):  # Wednesday 10:00, deadline was Tuesday 17:00
            self._deliver(backorder)
        self.assertEqual(status.state, "failed")
        self.assertEqual(status.exceeded_hours, 2.0)
        self.assertTrue(order.sla_in_full)
        self.assertFalse(order.sla_on_time)
        self.assertFalse(order.sla_otif)

    def test_users_cannot_backdate_a_delivery_to_make_it_on_time(self):
        with freeze_time(at(0, 9)):
            late = self._goods_order(self.key)
            early = self._goods_order(self.key)
        clerk = new_test_user(
            self.env, "lcrm_sla_clerk", groups="stock.group_stock_user"
        )
        with freeze_time(at(3, 10)):  # deadline was Tuesday 17:00
            picking = late.picking_ids.with_user(clerk)
            picking.move_ids.quantity = 10
            picking.with_context(logistics_crm_as_of=at(0, 15)).button_validate()
        self.assertEqual(late.picking_ids.date_done, at(3, 10))
        self.assertEqual(self._status(late, "delivery").state, "failed")
        self.assertFalse(late.sla_on_time)
        # data recorded after the fact by the superuser keeps its time
        with freeze_time(at(3, 10)):
            picking = early.picking_ids.sudo()
            picking.move_ids.quantity = 10
            picking.with_context(logistics_crm_as_of=at(0, 15)).button_validate()
        self.assertEqual(early.picking_ids.date_done, at(0, 15))
        self.assertTrue(early.sla_on_time)

    def test_partial_delivery_without_backorder_is_not_in_full(self):
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.key, qty=10)
            self._deliver(order.picking_ids, qty=7, backorder=False)
        self.assertEqual(self._status(order, "delivery").state, "reached")
        self.assertTrue(order.sla_on_time)
        self.assertFalse(order.sla_in_full)
        self.assertFalse(order.sla_otif)

    def test_warning_then_failure_exactly_once(self):
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.key)  # deadline Tuesday 17:00
        status = self._status(order, "delivery")
        Activity = self.env["mail.activity"]

        def activities():
            return Activity.search(
                [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
            )

        with freeze_time(at(1, 14)):
            self.Status._cron_check_deadlines()
        self.assertEqual(status.state, "ongoing")
        self.assertFalse(activities())
        with freeze_time(at(1, 15, 30)):
            self.Status._cron_check_deadlines()
            self.Status._cron_check_deadlines()
        self.assertEqual(status.state, "warning")
        self.assertEqual(len(activities()), 1)
        self.assertEqual(activities().user_id, self.salesman)
        with freeze_time(at(1, 18)):
            self.Status._cron_check_deadlines()
            self.Status._cron_check_deadlines()
        self.assertEqual(status.state, "failed")
        self.assertEqual(len(activities()), 2)
        notes = order.message_ids.filtered(lambda m: "SLA" in (m.body or ""))
        self.assertEqual(len(notes), 2)
        self.assertIn("breached", notes[0].body)
        self.assertEqual(
            self.env["sale.order"].search(
                [("sla_state", "=", "failed"), ("id", "=", order.id)]
            ),
            order,
        )


@tagged("post_install", "-at_install")
class TestSlaComplaints(SlaCase):
    def _complaint(self, partner, **vals):
        return self.Complaint.create(
            {"name": "Damaged", "partner_id": partner.id, **vals}
        )

    def test_deadlines_on_working_hours_across_night_weekend_and_holiday(self):
        with freeze_time(at(4, 15)):  # Friday 15:00
            complaint = self._complaint(self.key)
        response, resolution = (
            self._status(complaint, "response"),
            self._status(complaint, "resolution"),
        )
        # 4h: Friday 15-17, then Monday is a holiday, Tuesday 8-10
        self.assertEqual(response.deadline, at(8, 10))
        # 16h: Friday 2h, Tuesday 8h, Wednesday 6h
        self.assertEqual(resolution.deadline, at(9, 15))
        self.assertEqual(complaint.sla_deadline, at(8, 10))

    def test_first_matching_target_by_priority(self):
        with freeze_time(at(0, 9)):
            urgent = self._complaint(self.key, priority="3")
        self.assertEqual(self._status(urgent, "response").deadline, at(0, 10))
        self.assertEqual(self._status(urgent, "resolution").deadline, at(0, 14))

    def test_response_reached_by_message_to_customer_not_by_note(self):
        with freeze_time(at(0, 9)):
            complaint = self._complaint(self.key)
        response = self._status(complaint, "response")
        with freeze_time(at(0, 10)):
            complaint.message_post(
                body="Checking with the carrier", subtype_xmlid="mail.mt_note"
            )
        self.assertEqual(response.state, "ongoing")
        with freeze_time(at(0, 11)):
            complaint.message_post(
                body="We are on it",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(response.state, "reached")
        self.assertEqual(response.reached_on, at(0, 11))

    def test_response_reached_by_leaving_the_first_stage_and_resolution_by_closing(
        self,
    ):
        with freeze_time(at(0, 9)):
            complaint = self._complaint(self.key)
        with freeze_time(at(0, 9, 30)):
            complaint.stage_id = self.stage_progress
        self.assertEqual(self._status(complaint, "response").state, "reached")
        with freeze_time(at(3, 9)):
            complaint.write(
                {
                    "root_cause_id": self.env.ref(
                        "logistics_crm.complaint_cause_carrier"
                    ).id,
                    "resolution": "Replaced",
                    "stage_id": self.stage_resolved.id,
                }
            )
        resolution = self._status(complaint, "resolution")
        self.assertEqual(resolution.state, "failed")
        # 16h from Monday 09:00 end on Wednesday 09:00; resolved Thursday 09:00
        self.assertEqual(resolution.deadline, at(2, 9))
        self.assertEqual(resolution.exceeded_hours, 8.0)
        self.assertTrue(complaint.sla_failed)

    def test_waiting_on_customer_pauses_the_clock(self):
        with freeze_time(at(0, 9)):  # Monday 09:00, resolution 16h -> Wed 09:00
            complaint = self._complaint(self.key)
        resolution = self._status(complaint, "resolution")
        self.assertEqual(resolution.deadline, at(2, 9))
        with freeze_time(at(0, 11)):
            complaint.stage_id = self.stage_waiting
        self.assertEqual(resolution.state, "paused")
        self.assertEqual(resolution.consumed_hours, 2.0)
        with freeze_time(at(2, 9)):  # Wednesday 09:00: 14h left
            self.Status._cron_check_deadlines()
            self.assertEqual(resolution.state, "paused")
            complaint.stage_id = self.stage_progress
        self.assertEqual(resolution.state, "ongoing")
        self.assertEqual(resolution.deadline, at(3, 16))  # Thursday 16:00

    def test_cancelled_complaints_leave_no_open_status(self):
        with freeze_time(at(0, 9)):
            complaint = self._complaint(self.key)
            complaint.stage_id = self.env.ref("logistics_crm.complaint_stage_cancelled")
        self.assertFalse(complaint.sla_status_ids)


@tagged("post_install", "-at_install")
class TestSlaComplianceAndRecompute(SlaCase):
    def test_compliance_is_met_over_closed_for_any_grouping(self):
        with freeze_time(at(0, 9)):
            orders = [self._goods_order(self.key) for _ in range(3)]
            open_order = self._goods_order(self.small)
        with freeze_time(at(0, 15)):
            self._deliver(orders[0].picking_ids)
            self._deliver(orders[1].picking_ids)
        with freeze_time(at(3, 9)):
            self._deliver(orders[2].picking_ids)
        self.assertEqual(self._status(open_order, "delivery").state, "ongoing")
        domain = [("sale_order_id", "in", [o.id for o in orders + [open_order]])]
        [(compliance, closed)] = self.Status._read_group(
            domain, [], ["compliance:avg", "closed_count:sum"]
        )
        self.assertAlmostEqual(compliance, 200 / 3)
        self.assertEqual(closed, 3)
        by_partner = dict(
            self.Status._read_group(domain, ["partner_id"], ["compliance:avg"])
        )
        self.assertAlmostEqual(by_partner[self.key], 200 / 3)
        self.assertIs(by_partner[self.small], False)  # no closed status: no value
        web = self.Status.formatted_read_group(domain, ["kind"], ["compliance:avg"])
        self.assertAlmostEqual(web[0]["compliance:avg"], 200 / 3)

    def test_recompute_is_explicit_and_spares_closed_statuses(self):
        with freeze_time(at(0, 9)):
            done = self._goods_order(self.small)
            pending = self._goods_order(self.small)
        with freeze_time(at(0, 10)):
            self._deliver(done.picking_ids)
        self.assertEqual(pending.sla_deadline, at(3, 17))
        self.key_policy.partner_ids = [Command.link(self.small.id)]
        self.assertEqual(pending.sla_deadline, at(3, 17))  # nothing silent
        with freeze_time(at(0, 11)):
            self.small.action_recompute_sla_deadlines()
        self.assertEqual(pending.sla_policy_id, self.key_policy)
        self.assertEqual(pending.sla_deadline, at(1, 17))
        self.assertEqual(done.sla_policy_id, self.default_policy)
        self.assertEqual(self._status(done, "delivery").state, "reached")


@tagged("post_install", "-at_install")
class TestSlaComplaintEscalation(SlaCase):
    def test_complaint_deadlines_warn_and_escalate_once(self):
        with freeze_time(at(0, 9)):  # 4 working hours: 9-12, lunch, 13-14
            complaint = self.Complaint.create(
                {
                    "name": "No answer",
                    "partner_id": self.key.id,
                    "user_id": self.salesman.id,
                }
            )
        response = self._status(complaint, "response")
        self.assertEqual(response.deadline, at(0, 14))
        for moment in (at(0, 11, 30), at(0, 12, 30), at(0, 13), at(0, 15), at(0, 16)):
            with freeze_time(moment):
                self.Status._cron_check_deadlines()
        self.assertEqual(response.state, "failed")
        self.assertEqual(response.exceeded_hours, 1.0)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "logistics.complaint"), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(len(activities), 2)  # one warning, one breach
        self.assertEqual(activities.user_id, self.salesman)
        self.assertTrue(complaint.sla_failed)
        self.assertIn(complaint, self.Complaint.search([("sla_failed", "=", True)]))


@tagged("post_install", "-at_install")
class TestSlaCronResilience(SlaCase):
    """The escalation cron commits batch by batch; a run killed after some
    batches, or racing a delivery, has no double or stale effect."""

    def _late_orders(self, count):
        with freeze_time(at(0, 9)):
            orders = self.env["sale.order"].browse(
                self._goods_order(self.small).id for __ in range(count)
            )
        return orders, self.Status.browse(
            self._status(order, "delivery").id for order in orders
        )

    def _effects(self, orders):
        activities = self.env["mail.activity"]._read_group(
            [("res_model", "=", "sale.order"), ("res_id", "in", orders.ids)],
            ["res_id"],
            ["__count"],
        )
        notes = self.env["mail.message"]._read_group(
            [
                ("model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
                ("body", "ilike", "SLA breached"),
            ],
            ["res_id"],
            ["__count"],
        )
        return dict(activities), dict(notes)

    def test_run_killed_after_a_batch_resumes_without_duplicates(self):
        orders, statuses = self._late_orders(3)
        with freeze_time(at(10, 9)):
            # the killed run had committed its first batch of one status
            statuses[:1]._escalate("failed", at(10, 9))
            self.Status._cron_check_deadlines(batch_size=1)
            self.Status._cron_check_deadlines(batch_size=1)
        self.assertEqual(set(statuses.mapped("state")), {"failed"})
        activities, notes = self._effects(orders)
        self.assertEqual(activities, dict.fromkeys(orders.ids, 1))
        self.assertEqual(notes, dict.fromkeys(orders.ids, 1))

    def test_status_reached_after_selection_is_not_escalated(self):
        """The cron picked the overdue statuses, then a warehouse user
        validated one delivery (late) before the cron's batch was written:
        that status keeps the outcome of the delivery and gets no alert."""
        orders, statuses = self._late_orders(2)
        delivered, late = orders
        with freeze_time(at(10, 9)):
            selected = statuses.sudo()  # what the cron selected
            self._deliver(delivered.picking_ids)
            selected._escalate("failed", at(10, 9))
        closed = self._status(delivered, "delivery")
        self.assertEqual(closed.reached_on, at(10, 9))
        self.assertFalse(closed.escalated)
        self.assertTrue(self._status(late, "delivery").escalated)
        activities, notes = self._effects(orders)
        self.assertEqual(activities, {late.id: 1})
        self.assertEqual(notes, {late.id: 1})

    def test_batched_working_hours_match_the_calendar(self):
        """The cron sums overdue working time for a whole batch from one read
        of the calendar; it must agree with the calendar's own figure for
        every period: inside a day, across lunch, nights, the weekend and the
        public holiday, and for empty or reversed periods."""
        moments = [
            at(0, 7),
            at(0, 9, 15),
            at(0, 12, 30),
            at(0, 16, 45),
            at(1, 3),
            at(4, 11),
            at(5, 10),
            at(7, 10),
            at(8, 8, 20),
            at(12, 17, 30),
        ]
        periods = [(a, b) for a in moments for b in moments] + [(None, at(1, 9))]
        batched = self.key_policy._working_hours_batch(periods)
        calendar = self.key_policy.calendar_id
        single = [
            calendar.get_work_duration_data(a, b)["hours"] if a and b and b > a else 0
            for a, b in periods
        ]
        self.assertEqual([round(h, 6) for h in batched], [round(h, 6) for h in single])
        # Monday 9:00 to the Tuesday after: 7 + 4 x 8 + 0 (holiday) + 1 hours
        self.assertEqual(
            self.key_policy._working_hours_batch([(at(0, 9), at(8, 9))]), [40.0]
        )
