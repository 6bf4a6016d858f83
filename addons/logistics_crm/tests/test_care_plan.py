"""Care plans on the tiers: the daily scheduled action gives each customer of
a tier its care activities, once per interval, for the right person."""

import logging
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import LogisticsCrmCase

_logger = logging.getLogger(__name__)

DAY0 = date(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestCarePlan(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_care = cls.env.ref("logistics_crm.care_plan_key_account")
        cls.growth_care = cls.env.ref("logistics_crm.care_plan_growth_account")
        cls.kam = new_test_user(
            cls.env, "care_kam", groups="logistics_crm.logistics_crm_group_user"
        )
        cls.salesman = new_test_user(
            cls.env, "care_sales", groups="sales_team.group_sale_salesman"
        )
        cls.admin_user = new_test_user(
            cls.env, "care_admin", groups="logistics_crm.logistics_crm_group_manager"
        )
        cls.company.complaint_user_id = cls.admin_user
        cls.key = cls._tiered("Key Care Freight", cls.tier_a, user_id=cls.salesman.id)
        cls.key.key_account_manager_id = cls.kam
        cls.key_buyer = cls.env["res.partner"].create(
            {"name": "Key buyer", "parent_id": cls.key.id}
        )
        cls.sold = cls._tiered("Sold Care Parcels", cls.tier_a, user_id=cls.salesman.id)
        cls.orphan = cls._tiered("Orphan Care Cargo", cls.tier_a)
        cls.growth = cls._tiered(
            "Growth Care Lines", cls.tier_b, user_id=cls.salesman.id
        )
        cls.general = cls._tiered(
            "General Care Trucks", cls.tier_c, user_id=cls.salesman.id
        )

    @classmethod
    def _tiered(cls, name, tier, company=None, **vals):
        partner = cls._customer(name, **vals)
        partner.with_company(company or cls.company).write(
            {"customer_tier_computed_id": tier.id, "customer_tier_id": tier.id}
        )
        return partner

    def _care(self, partner, plan=None, done=None):
        """The care activities of ``partner``: open ones, or with ``done``
        the done ones too."""
        domain = [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        if plan:
            domain.append(("activity_plan_id", "=", plan.id))
        Activity = self.env["mail.activity"]
        if done:
            Activity = Activity.with_context(active_test=False)
        return Activity.search(domain + [("activity_plan_id", "!=", False)])

    def _run(self, day):
        with freeze_time(day):
            self.Tier._cron_launch_care_plans()

    def test_default_care_on_the_tiers(self):
        self.assertEqual(
            [(t.care_plan_id, t.care_interval_days) for t in self.tier_a | self.tier_b],
            [(self.key_care, 30), (self.growth_care, 90)],
        )
        self.assertFalse((self.tier_c | self.tier_d).care_plan_id)
        self.assertEqual(self.key_care.res_model, "res.partner")
        self.assertEqual(
            set(self.key_care.template_ids.mapped("responsible_type")), {"on_demand"}
        )

    def test_plan_launches_once_per_interval(self):
        self._run(DAY0)
        care = self._care(self.key)
        self.assertEqual(
            sorted((a.activity_type_id, a.date_deadline, a.user_id) for a in care),
            sorted(
                [
                    (self.env.ref("mail.mail_activity_data_call"), DAY0, self.kam),
                    (
                        self.env.ref("mail.mail_activity_data_meeting"),
                        DAY0 + timedelta(days=7),
                        self.kam,
                    ),
                ]
            ),
        )
        self.assertEqual(care.activity_plan_id, self.key_care)
        note = self.key.message_ids.filtered(lambda m: "Key account care" in m.body)
        self.assertEqual(len(note), 1)
        self.assertIn("Business review", note.body)
        self.assertIn(self.kam.name, note.body)
        # the growth plan for tier B, nothing for tier C nor for contacts
        self.assertEqual(len(self._care(self.growth, self.growth_care)), 2)
        self.assertFalse(self._care(self.general))
        self.assertFalse(self._care(self.key_buyer))

        # a second run the same day launches nothing
        self._run(DAY0)
        self.assertEqual(self._care(self.key), care)

        # done on day 0: still nothing 10 days later, nor on day 29
        with freeze_time(DAY0):
            care.action_feedback(feedback="Called, all fine")
            self.env.flush_all()
        self.assertFalse(self._care(self.key))
        self._run(DAY0 + timedelta(days=10))
        self._run(DAY0 + timedelta(days=29))
        self.assertFalse(self._care(self.key))
        self.assertEqual(len(self._care(self.key, done=True)), 2)

        # the interval has passed: launched again, once
        self._run(DAY0 + timedelta(days=30))
        self._run(DAY0 + timedelta(days=30))
        again = self._care(self.key)
        self.assertEqual(len(again), 2)
        self.assertEqual(min(again.mapped("date_deadline")), DAY0 + timedelta(days=30))
        self.assertEqual(len(self._care(self.key, done=True)), 4)

    def test_daily_scheduled_action_launches_the_care(self):
        cron = self.env.ref("logistics_crm.ir_cron_launch_care_plans")
        self.assertEqual(cron.interval_type, "days")
        self.assertTrue(cron.active)
        with freeze_time(DAY0):
            # the scheduled action's own code, in this transaction
            cron.ir_actions_server_id.run()
            cron.ir_actions_server_id.run()
        self.assertEqual(len(self._care(self.key, self.key_care)), 2)
        self.assertEqual(len(self._care(self.growth, self.growth_care)), 2)
        self.assertFalse(self._care(self.general))

    def test_launch_is_set_based(self):
        """The queries of a run do not grow with the number of customers."""
        counts = []
        for day, size in ((DAY0, 20), (DAY0 + timedelta(days=1), 60)):
            for n in range(size):
                self._tiered(f"Bulk {day} {n}", self.tier_a, user_id=self.salesman.id)
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            self._run(day)
            counts.append(self.env.cr.sql_log_count - start)
        _logger.info("care plan run: %s queries for 20 customers, %s for 60", *counts)
        self.assertLessEqual(counts[1], counts[0] + 5)
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [
                    ("activity_plan_id", "=", self.key_care.id),
                    ("user_id", "=", self.salesman.id),
                ]
            ),
            2 * (20 + 60 + 1),
        )

    def test_open_care_is_never_doubled(self):
        # nobody did the activities: no new ones, however long it takes
        self._run(DAY0)
        self._run(DAY0 + timedelta(days=45))
        self.assertEqual(len(self._care(self.key)), 2)
        self.assertEqual(len(self._care(self.growth)), 2)

    def test_responsible_is_the_key_account_manager_else_the_salesperson(self):
        self._run(DAY0)
        self.assertEqual(self._care(self.key).user_id, self.kam)
        self.assertEqual(self._care(self.sold).user_id, self.salesman)
        # neither: the company's default handler, never nobody
        self.assertEqual(self._care(self.orphan).user_id, self.admin_user)
        # a manager who left (Odoo drops his open activities): the
        # salesperson takes over at the next run
        self.kam.action_archive()
        self.assertFalse(self._care(self.key))
        self._run(DAY0 + timedelta(days=1))
        self.assertEqual(self._care(self.key).user_id, self.salesman)

    def test_care_needs_a_positive_interval(self):
        for days in (0, -30):
            with self.assertRefused(ValidationError, "at least one day"):
                self.tier_c.write(
                    {"care_plan_id": self.key_care.id, "care_interval_days": days}
                )
        order_plan = self.env["mail.activity.plan"].create(
            {
                "name": "Order follow-up",
                "res_model": "sale.order",
                "template_ids": [Command.create({"summary": "Follow up"})],
            }
        )
        with self.assertRefused(ValidationError, "must apply to contacts"):
            self.tier_c.write({"care_plan_id": order_plan.id, "care_interval_days": 30})
        # no plan, no interval needed
        self.tier_a.write({"care_plan_id": False, "care_interval_days": 0})
        self._run(DAY0)
        self.assertFalse(self._care(self.key))

    def test_manager_sets_the_care_plan_and_users_read_it(self):
        with Form(self.tier_c.with_user(self.admin_user)) as form:
            form.care_plan_id = self.growth_care
            form.care_interval_days = 60
        self.assertEqual(
            (self.tier_c.care_plan_id, self.tier_c.care_interval_days),
            (self.growth_care, 60),
        )
        self._run(DAY0)
        self.assertEqual(self._care(self.general).activity_plan_id, self.growth_care)

        form = Form(self.tier_a.with_user(self.kam))
        self.assertEqual(form.care_plan_id, self.key_care)
        self.assertEqual(form.care_interval_days, 30)
        with self.assertRaises(AccessError):
            self.tier_a.with_user(self.kam).write({"care_interval_days": 7})


@tagged("post_install", "-at_install")
class TestCarePlanMultiCompany(LogisticsCrmCase):
    """Company B's tiers and plan care for company B's customers, with
    company B's managers; company A's plan is not theirs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Care Freight B"})
        cls.plan_b = cls.env["mail.activity.plan"].create(
            {
                "name": "B care",
                "res_model": "res.partner",
                "company_id": cls.company_b.id,
                "template_ids": [Command.create({"summary": "B care call"})],
            }
        )
        cls.tier_b_key = cls.env["logistics.customer.tier"].create(
            {
                "name": "B key",
                "code": "BA",
                "min_score": 80,
                "company_id": cls.company_b.id,
                "care_plan_id": cls.plan_b.id,
                "care_interval_days": 14,
            }
        )
        cls.kam_a, cls.kam_b = (
            new_test_user(
                cls.env,
                login,
                groups="logistics_crm.logistics_crm_group_user",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            for login, company in (
                ("care_kam_a", cls.company),
                ("care_kam_b", cls.company_b),
            )
        )
        # one customer of both companies: key account of B, general in A
        cls.shared = cls.env["res.partner"].create(
            {"name": "Shared Care Shipping", "is_company": True}
        )
        for company, tier, kam in (
            (cls.company, cls.env.ref("logistics_crm.customer_tier_c"), cls.kam_a),
            (cls.company_b, cls.tier_b_key, cls.kam_b),
        ):
            cls.shared.with_company(company).write(
                {
                    "customer_tier_computed_id": tier.id,
                    "customer_tier_id": tier.id,
                    "key_account_manager_id": kam.id,
                }
            )
        cls.key_a = cls.env["res.partner"].create(
            {"name": "A Key Care", "is_company": True, "company_id": cls.company.id}
        )
        cls.key_a.with_company(cls.company).write(
            {
                "customer_tier_computed_id": cls.env.ref(
                    "logistics_crm.customer_tier_a"
                ).id,
                "customer_tier_id": cls.env.ref("logistics_crm.customer_tier_a").id,
                "key_account_manager_id": cls.kam_a.id,
            }
        )

    def _care(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("activity_plan_id", "!=", False),
            ]
        )

    def test_each_company_cares_with_its_own_plan_and_managers(self):
        with freeze_time(DAY0):
            self.env["logistics.customer.tier"]._cron_launch_care_plans()
        shared = self._care(self.shared)
        self.assertEqual(
            [(a.activity_plan_id, a.summary, a.user_id) for a in shared],
            [(self.plan_b, "B care call", self.kam_b)],
        )
        key_a = self._care(self.key_a)
        self.assertEqual(
            key_a.activity_plan_id, self.env.ref("logistics_crm.care_plan_key_account")
        )
        self.assertEqual(key_a.user_id, self.kam_a)
        # the interval is company B's tier's: 14 days
        with freeze_time(DAY0):
            shared.action_feedback()
            self.env.flush_all()
        with freeze_time(DAY0 + timedelta(days=13)):
            self.env["logistics.customer.tier"]._cron_launch_care_plans()
        self.assertFalse(self._care(self.shared))
        with freeze_time(DAY0 + timedelta(days=15)):
            self.env["logistics.customer.tier"]._cron_launch_care_plans()
        self.assertEqual(self._care(self.shared).user_id, self.kam_b)
