import logging

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .test_sla import SlaCase, at

_logger = logging.getLogger(__name__)


class LadderCase(SlaCase):
    """The standard policy (small customers, 3 working days) gets a ladder:
    2 working hours past the deadline the key-account manager is told, 8
    hours past it a dispatcher, and the document's priority goes up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kam = new_test_user(
            cls.env,
            "lcrm_ladder_kam",
            groups="logistics_crm.logistics_crm_group_user",
        )
        cls.dispatcher = new_test_user(
            cls.env,
            "lcrm_ladder_dispatch",
            groups="logistics_crm.logistics_crm_group_user",
        )
        cls.small.key_account_manager_id = cls.kam
        cls.default_policy.write(
            {
                "escalation_ids": [
                    Command.create(
                        {
                            "hours_after": 8,
                            "notify": "user",
                            "user_id": cls.dispatcher.id,
                            "raise_priority": True,
                        }
                    ),
                    Command.create({"hours_after": 2, "notify": "key_account_manager"}),
                ]
            }
        )
        cls.Escalation = cls.env["logistics.sla.escalation"]

    def _run(self, *moments):
        for moment in moments:
            with freeze_time(moment):
                self.Status._cron_check_deadlines()

    def _fired(self, record):
        """{level: (activity users, notes)} fired on ``record``."""
        result = {}
        for level in (1, 2):
            summary = f"SLA escalation level {level}"
            activities = self.env["mail.activity"].search(
                [
                    ("res_model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("summary", "=", summary),
                ]
            )
            notes = self.env["mail.message"].search_count(
                [
                    ("model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("body", "ilike", summary + ":"),
                ]
            )
            result[level] = (activities.user_id, len(activities), notes)
        return result


@tagged("post_install", "-at_install")
class TestSlaEscalationLadder(LadderCase):
    def test_levels_are_ranked_by_hours(self):
        levels = self.default_policy.escalation_ids
        self.assertEqual(levels.mapped("hours_after"), [2.0, 8.0])
        self.assertEqual(levels.mapped("sequence"), [1, 2])

    def test_each_level_fires_once_on_a_late_delivery(self):
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.small)
        status = self._status(order, "delivery")
        self.assertEqual(status.deadline, at(3, 17))  # Thursday 17:00
        self.assertEqual(order.picking_ids.priority, "0")
        # the breach, then Friday: 1h59 past, 2h (level 1), 7h59, 8h (level 2)
        self._run(at(3, 18), at(4, 9, 59))
        self.assertEqual(status.state, "failed")
        self.assertEqual(
            self._fired(order),
            {1: (self.env["res.users"], 0, 0), 2: (self.env["res.users"], 0, 0)},
        )
        self._run(at(4, 10), at(4, 10), at(4, 16, 59))
        self.assertEqual(self._fired(order)[1], (self.kam, 1, 1))
        self.assertEqual(self._fired(order)[2][1:], (0, 0))
        self.assertEqual(order.picking_ids.priority, "0")
        # weekend and the Monday holiday count no working hour
        self._run(at(4, 17), at(4, 17), at(5, 12), at(7, 12), at(8, 9), at(10, 9))
        fired = self._fired(order)
        self.assertEqual(fired[1], (self.kam, 1, 1))
        self.assertEqual(fired[2], (self.dispatcher, 1, 1))
        self.assertEqual(order.picking_ids.priority, "1")
        self.assertEqual(status.policy_id.escalation_ids.fired_status_ids, status)
        note = order.message_ids.filtered(
            lambda m: "SLA escalation level 2:" in (m.body or "")
        )
        self.assertIn("8.0 working hours", note.body)
        self.assertIn(self.dispatcher.name, note.body)

    def test_a_cron_down_for_days_fires_every_due_level_once(self):
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.small)
        self._run(at(8, 9), at(8, 9))  # the breach and both levels, one run
        fired = self._fired(order)
        self.assertEqual(fired[1], (self.kam, 1, 1))
        self.assertEqual(fired[2], (self.dispatcher, 1, 1))
        self.assertEqual(order.picking_ids.priority, "1")

    def test_the_ladder_stops_once_delivered(self):
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.small)
        self._run(at(3, 18), at(4, 10))
        with freeze_time(at(4, 11)):
            self._deliver(order.picking_ids)
        self._run(at(4, 17), at(8, 9))
        fired = self._fired(order)
        self.assertEqual(fired[1], (self.kam, 1, 1))
        self.assertEqual(fired[2][1:], (0, 0))

    def test_complaint_resolution_climbs_and_priority_rises_once(self):
        """Response 8h, resolution 40h: the late first answer is escalated at
        its deadline only; the resolution climbs the ladder until closed."""
        with freeze_time(at(0, 9)):
            complaint = self.Complaint.create(
                {
                    "name": "Crushed pallets",
                    "partner_id": self.small.id,
                    "user_id": self.salesman.id,
                }
            )
        resolution = self._status(complaint, "resolution")
        self.assertEqual(resolution.deadline, at(8, 9))  # Tuesday after the holiday
        self.assertEqual(complaint.priority, "1")
        # the response breached on Tuesday 9:00: Tuesday 11:00 is 2h past it
        self._run(at(1, 9, 30), at(1, 11), at(1, 18))
        self.assertEqual(self._fired(complaint)[1][1:], (0, 0))
        self._run(at(8, 10), at(8, 11), at(8, 11), at(9, 9), at(9, 9), at(10, 9))
        fired = self._fired(complaint)
        self.assertEqual(fired[1], (self.kam, 1, 1))
        self.assertEqual(fired[2], (self.dispatcher, 1, 1))
        self.assertEqual(complaint.priority, "2")

    def test_team_leader_and_group(self):
        leader = new_test_user(
            self.env, "lcrm_ladder_leader", groups="sales_team.group_sale_salesman"
        )
        team = self.env["crm.team"].create({"name": "Freight", "user_id": leader.id})
        planners = self.env["res.groups"].create(
            {
                "name": "Planners",
                "user_ids": [Command.set([self.kam.id, self.dispatcher.id])],
            }
        )
        self.default_policy.escalation_ids.unlink()
        self.default_policy.escalation_ids = [
            Command.create({"hours_after": 2, "notify": "team_leader"}),
            Command.create(
                {"hours_after": 8, "notify": "group", "group_id": planners.id}
            ),
        ]
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.small, team_id=team.id)
        self._run(at(3, 18), at(8, 9))
        fired = self._fired(order)
        self.assertEqual(fired[1], (leader, 1, 1))
        self.assertEqual(fired[2][0], self.kam | self.dispatcher)
        self.assertEqual(fired[2][1:], (2, 1))


@tagged("post_install", "-at_install")
class TestSlaEscalationClaims(LadderCase):
    def _late_orders(self, count):
        with freeze_time(at(0, 9)):
            return self.env["sale.order"].browse(
                self._goods_order(self.small).id for __ in range(count)
            )

    def test_overlapping_runs_fire_each_level_once(self):
        """Run A selects the due levels; run B, started meanwhile, selects
        the same ones and fires them; then run A claims its selection: it
        finds them fired and fires nothing."""
        orders = self._late_orders(3)
        self._run(at(3, 18))
        Escalation = self.Escalation.sudo()
        with freeze_time(at(8, 9)):
            selected_by_a = Escalation._due_levels(at(8, 9))
            self.assertEqual(len(selected_by_a), 3)
            self.assertEqual({len(levels) for levels in selected_by_a.values()}, {2})
            self.Status._cron_check_deadlines()  # run B
            self.assertEqual(
                Escalation._fire(Escalation._claim(selected_by_a), at(8, 9)), 0
            )
            self.Status._cron_check_deadlines()  # and a third one
        for order in orders:
            fired = self._fired(order)
            self.assertEqual(fired[1], (self.kam, 1, 1))
            self.assertEqual(fired[2], (self.dispatcher, 1, 1))
            self.assertEqual(order.picking_ids.priority, "1")

    def test_a_killed_run_fires_again_in_the_next_one(self):
        """A run that claimed levels and died before its commit left nothing:
        the next run fires them, once."""
        orders = self._late_orders(2)
        self._run(at(3, 18))
        with freeze_time(at(4, 10)):
            with self.assertRaises(InterruptedError), self.env.cr.savepoint():
                self.Status._cron_check_deadlines()
                self.assertEqual(self._fired(orders[0])[1][1:], (1, 1))
                raise InterruptedError
            self.env.invalidate_all()
            self.assertEqual(self._fired(orders[0])[1][1:], (0, 0))
            self.Status._cron_check_deadlines()
            self.Status._cron_check_deadlines()
        for order in orders:
            self.assertEqual(self._fired(order)[1], (self.kam, 1, 1))

    def test_queries_do_not_grow_with_the_statuses(self):
        """The due levels are found in one query and one calendar read per
        policy, however many statuses are late."""
        counts = []
        for count in (2, 6):
            orders = self._late_orders(count)
            self._run(at(3, 18))
            self.env.flush_all()
            self.env.invalidate_all()
            with freeze_time(at(4, 10)):
                start = self.env.cr.sql_log_count
                due = self.Escalation.sudo()._due_levels(at(4, 10))
                counts.append(self.env.cr.sql_log_count - start)
            self.assertLessEqual(set(self._status_ids(orders)), set(due))
            self._run(at(8, 9))  # clear them for the next round
        _logger.info(
            "ladder: due levels found in %s queries for 2 and 6 statuses", counts
        )
        self.assertEqual(counts[0], counts[1])

    def _status_ids(self, orders):
        return self.Status.search([("sale_order_id", "in", orders.ids)]).ids


@tagged("post_install", "-at_install")
class TestSlaEscalationRules(LadderCase):
    def test_bad_levels_are_refused(self):
        policy = self.default_policy
        for vals, pattern in (
            ({"hours_after": 0}, "more than 0"),
            ({"hours_after": -1}, "more than 0"),
            ({"hours_after": 2}, "two escalation levels at 2.0 hours"),
            ({"hours_after": 4, "notify": "group"}, "Choose the group"),
            ({"hours_after": 4, "notify": "user"}, "Choose the user"),
        ):
            with self.subTest(vals=vals), self.assertRefused(ValidationError, pattern):
                self.Escalation.create({"policy_id": policy.id, **vals})
        company_b = self.env["res.company"].create({"name": "Other Freight"})
        outsider = new_test_user(
            self.env,
            "lcrm_ladder_outsider",
            groups="logistics_crm.logistics_crm_group_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        with self.assertRefused(ValidationError, "active internal user of"):
            self.Escalation.create(
                {
                    "policy_id": policy.id,
                    "hours_after": 4,
                    "notify": "user",
                    "user_id": outsider.id,
                }
            )
        self.assertEqual(len(policy.escalation_ids), 2)

    def test_policy_form_edits_the_ladder(self):
        """The ladder is an editable list of the policy form: the group or the
        user is asked for when the level notifies one."""
        with Form(self.key_policy) as form:
            with form.escalation_ids.new() as level:
                level.hours_after = 4
                level.notify = "group"
                self.assertTrue(level._get_modifier("group_id", "required"))
                self.assertTrue(level._get_modifier("user_id", "invisible"))
                level.group_id = self.env.ref(
                    "logistics_crm.logistics_crm_group_manager"
                )
            with form.escalation_ids.new() as level:
                level.hours_after = 1
                level.raise_priority = True
        levels = self.key_policy.escalation_ids
        self.assertEqual(levels.mapped("hours_after"), [1.0, 4.0])
        self.assertEqual(levels.mapped("sequence"), [1, 2])
        self.assertEqual(levels[0].notify, "key_account_manager")

    def test_multi_company_isolation(self):
        """Company B's ladder is B's: A's users neither see it nor get its
        alerts, and it never fires on A's documents."""
        company_b = self.env["res.company"].create({"name": "Other Freight"})
        user_b = new_test_user(
            self.env,
            "lcrm_ladder_user_b",
            groups="logistics_crm.logistics_crm_group_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        policy_b = self.Policy.create(
            {
                "name": "Standard B",
                "company_id": company_b.id,
                "calendar_id": self.calendar.id,
                "escalation_ids": [
                    Command.create(
                        {"hours_after": 1, "notify": "user", "user_id": user_b.id}
                    )
                ],
            }
        )
        level_b = policy_b.escalation_ids
        self.assertEqual(level_b.company_id, company_b)
        manager_a = new_test_user(
            self.env,
            "lcrm_ladder_mgr_a",
            groups="logistics_crm.logistics_crm_group_manager",
        )
        Escalation_a = self.Escalation.with_user(manager_a)
        self.assertFalse(Escalation_a.search([("id", "=", level_b.id)]))
        self.assertEqual(Escalation_a.search([]), self.default_policy.escalation_ids)
        with self.assertRaises(AccessError):
            Escalation_a.browse(level_b.id).read(["hours_after"])
        with self.assertRaises(AccessError):
            Escalation_a.browse(level_b.id).write({"hours_after": 3})
        self.assertEqual(self.Escalation.with_user(user_b).search([]), level_b)
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.small)
        self._run(at(3, 18), at(8, 9))
        self.assertFalse(
            self.env["mail.activity"].search([("user_id", "=", user_b.id)])
        )
        self.assertEqual(self._fired(order)[1], (self.kam, 1, 1))
        self.assertFalse(level_b.fired_status_ids)
