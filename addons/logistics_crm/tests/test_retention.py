from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import LogisticsCrmCase
from .test_scorecard import ScorecardCase


class RetentionCase(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Case = cls.env["logistics.retention.case"]
        cls.Rule = cls.env["logistics.retention.rule"]
        cls.kam = new_test_user(
            cls.env,
            "lcrm_kam",
            name="Kim Account",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.seller = new_test_user(
            cls.env,
            "lcrm_seller",
            name="Sam Seller",
            groups="sales_team.group_sale_salesman",
        )
        cls.rule_at_risk = cls.env.ref("logistics_crm.retention_rule_at_risk")
        cls.rule_tier_down = cls.env.ref("logistics_crm.retention_rule_tier_down")

    def _grade_on(self, day):
        with freeze_time(fields.Datetime.to_datetime(day) + timedelta(hours=20)):
            self.policy._compute_grades(today=day)

    def _cases(self, partner, **domain):
        return self.Case.search(
            [("partner_id", "=", partner.id)]
            + [(key, "=", value) for key, value in domain.items()]
        )


@tagged("post_install", "-at_install")
class TestRetentionTriggers(RetentionCase):
    def test_at_risk_opens_one_case_for_the_key_account_manager(self):
        customer = self._customer("Quarterly Steel", user_id=self.seller.id)
        customer.key_account_manager_id = self.kam
        self._orders([(customer, 100, 120), (customer, 100, 60), (customer, 100, 20)])
        self._grade_on(self.today)
        self.assertEqual(customer.customer_lifecycle, "active")
        self.assertFalse(self._cases(customer))

        # median gap 50 days, factor 2: at risk 100 days after the last order
        later = self.today + timedelta(days=90)
        self._grade_on(later)
        self.assertEqual(customer.customer_lifecycle, "at_risk")
        case = self._cases(customer)
        self.assertEqual(len(case), 1)
        self.assertEqual(case.trigger, "at_risk")
        self.assertEqual(case.rule_id, self.rule_at_risk)
        self.assertEqual(case.state, "open")
        self.assertEqual(case.user_id, self.kam)
        self.assertEqual(case.lifecycle, "at_risk")
        # the plan's two activities, for the key-account manager
        self.assertEqual(len(case.activity_ids), 2)
        self.assertEqual(case.activity_ids.user_id, self.kam)
        self.assertIn("Customer at risk", case.message_ids.mapped("body")[-1])

        # the same state found again opens nothing
        self._grade_on(later)
        self._grade_on(later + timedelta(days=1))
        self.assertEqual(len(self._cases(customer)), 1)
        self.assertEqual(len(case.activity_ids), 2)

    def test_case_chatter_and_activities_as_the_manager_sees_them(self):
        """The engine writes the notes, activities and followers in SQL: the
        key-account manager must see them exactly as Odoo's own."""
        self.kam.tz = "Asia/Shanghai"
        customer = self._customer("Harbour Foods", user_id=self.seller.id)
        customer.key_account_manager_id = self.kam
        self._orders([(customer, 100, 120), (customer, 100, 60), (customer, 100, 20)])
        self._grade_on(self.today)
        self._grade_on(self.today + timedelta(days=90))
        self.env.invalidate_all()
        case = self._cases(customer).with_user(self.kam)
        # one internal note: why the case opened, then the plan's activities
        notes = case.message_ids
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
        self.assertTrue(notes.is_internal)
        self.assertEqual(notes.model, "logistics.retention.case")
        self.assertIn("Retention case opened by rule", notes.body)
        self.assertIn("has been started", notes.body)
        self.assertIn("Kim Account", notes.body)
        # the activities in the form's chatter, the list and the systray
        activities = case.activity_ids
        self.assertEqual(len(activities), 2)
        self.assertEqual(set(activities.mapped("res_name")), {"Harbour Foods"})
        self.assertEqual(set(activities.mapped("user_tz")), {"Asia/Shanghai"})
        self.assertEqual(
            activities.activity_plan_id, self.rule_at_risk.activity_plan_id
        )
        self.assertTrue(all(activities.mapped("automated")))
        self.assertIn(case.activity_state, ("today", "planned", "overdue"))
        self.assertEqual(case.activity_user_id, self.kam)
        groups = {
            group["model"]: group
            for group in self.env["res.users"]
            .with_user(self.kam)
            ._get_activity_groups()
        }
        # the systray counts the case once, whatever its activities' state
        group = groups["logistics.retention.case"]
        self.assertEqual(
            group["overdue_count"] + group["today_count"] + group["planned_count"], 1
        )
        # the manager follows the case, with the default subtypes (so that the
        # next notes of the case reach them)
        self.assertIn(self.kam.partner_id, case.message_partner_ids)
        follower = case.message_follower_ids.filtered(
            lambda f: f.partner_id == self.kam.partner_id
        )
        self.assertIn(self.env.ref("mail.mt_comment"), follower.subtype_ids)
        # marking an activity done works as on any activity
        activities[0].action_feedback(feedback="Called them")
        self.assertEqual(len(case.activity_ids), 1)

    def test_case_goes_to_the_salesperson_without_manager(self):
        customer = self._customer("No Manager", user_id=self.seller.id)
        self._orders([(customer, 100, 120), (customer, 100, 60), (customer, 100, 20)])
        self._grade_on(self.today)
        self._grade_on(self.today + timedelta(days=90))
        case = self._cases(customer)
        self.assertEqual(case.user_id, self.seller)
        self.assertEqual(case.activity_ids.user_id, self.seller)

    def test_case_retained_when_the_customer_orders_again(self):
        customer = self._customer("Coming Back")
        self._orders([(customer, 100, 120), (customer, 100, 60), (customer, 100, 20)])
        self._grade_on(self.today)
        later = self.today + timedelta(days=90)
        self._grade_on(later)
        case = self._cases(customer)
        self.assertEqual(case.state, "open")
        back = later + timedelta(days=5)
        with freeze_time(back):
            self._orders([(customer, 100, 0)])
        self._grade_on(back)
        self.assertEqual(case.state, "retained")
        self.assertEqual(case.date_closed.date(), back)
        self.assertFalse(case.activity_ids, "nothing left to do on a closed case")
        self.assertIn("Retained", case.message_ids[0].body)
        # a later regrade does not reopen or duplicate it
        self._grade_on(back + timedelta(days=1))
        self.assertEqual(len(self._cases(customer)), 1)

    def test_lost_trigger_and_inactive_rules(self):
        lost_rule = self.Rule.create({"name": "Lost", "trigger": "lost"})
        self.rule_at_risk.active = False
        customer = self._customer("Gone")
        self._orders([(customer, 100, 120), (customer, 100, 60), (customer, 100, 20)])
        self._grade_on(self.today)
        self._grade_on(self.today + timedelta(days=90))
        self.assertFalse(self._cases(customer), "the at-risk rule is archived")
        # lost 365 days after the last order
        self._grade_on(self.today + timedelta(days=346))
        self.assertEqual(customer.customer_lifecycle, "lost")
        case = self._cases(customer)
        self.assertEqual(case.rule_id, lost_rule)
        self.assertEqual(case.trigger, "lost")

    def test_tier_down_and_score_drop(self):
        self._set_weights(revenue=100)
        drop = self.Rule.create(
            {"name": "Big drop", "trigger": "score_drop", "score_drop_points": 30}
        )
        small = self.Rule.create(
            {
                "name": "Drop of key accounts",
                "trigger": "score_drop",
                "score_drop_points": 30,
                "tier_ids": [(6, 0, self.tier_b.ids)],
            }
        )
        big, little = self._customer("Big"), self._customer("Little")
        self._orders([(big, 1000, 10), (little, 10, 10)])
        self._grade_on(self.today)
        self.assertEqual(big.customer_tier_id, self.tier_a)
        self._orders([(little, 5000, 1)])
        self._grade_on(self.today)
        self.assertEqual(big.customer_tier_id, self.tier_d)
        cases = self._cases(big)
        self.assertEqual(
            sorted(cases.mapped("trigger")), ["score_drop", "tier_down"], cases
        )
        self.assertEqual(
            cases.filtered(lambda c: c.trigger == "score_drop").rule_id, drop
        )
        self.assertNotIn(small, cases.rule_id, "Big was not in tier B")
        tier_case = cases.filtered(lambda c: c.trigger == "tier_down")
        self.assertEqual(tier_case.previous_tier_id, self.tier_a)
        self.assertEqual(tier_case.tier_id, self.tier_d)
        self.assertFalse(self._cases(little), "up is not down")
        # the lifetime values use the churn rates of the tiers this regrade
        # gives: the next regrade of the same data rewrites no grade row
        self.env.flush_all()
        self.env.cr.execute("SELECT id, ctid FROM logistics_customer_grade ORDER BY id")
        versions = self.env.cr.fetchall()
        self._grade_on(self.today)
        self.assertEqual(len(self._cases(big)), 2)
        self.env.cr.execute("SELECT id, ctid FROM logistics_customer_grade ORDER BY id")
        self.assertEqual(self.env.cr.fetchall(), versions)

    def test_score_trend(self):
        self._set_weights(revenue=100)
        big, little = self._customer("Big"), self._customer("Little")
        self._orders([(big, 1000, 10), (little, 10, 10)])
        self._grade_on(self.today)
        self.assertFalse(big.customer_score_trend, "no previous grade yet")
        self._orders([(little, 5000, 1)])
        self._grade_on(self.today)
        self.assertEqual(big.customer_score_trend, "down")
        self.assertEqual(little.customer_score_trend, "up")
        # an unchanged score keeps the trend of its last move
        self._grade_on(self.today)
        self.assertEqual(big.customer_score_trend, "down")
        # a move within the tolerance is flat
        self.policy.score_trend_tolerance = 150
        self._orders([(big, 10000, 1)])
        self._grade_on(self.today)
        self.assertEqual(big.customer_score_trend, "flat")
        with self.assertRaises(ValidationError):
            self.policy.score_trend_tolerance = -1


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestRetentionScale(RetentionCase):
    def _event_queries(self, count):
        """Queries of the regrade that finds ``count`` customers at risk (and
        opens their cases with the plan's activities), rolled back."""
        try:
            with self.env.cr.savepoint():
                customers = [self._customer(f"Risk {count}-{i}") for i in range(count)]
                self._orders(
                    [(c, 100, days) for c in customers for days in (120, 60, 20)]
                )
                self._grade_on(self.today)
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                self._grade_on(self.today + timedelta(days=90))
                self.env.flush_all()
                queries = self.env.cr.sql_log_count - before
                opened = self.Case.search_count(
                    [("partner_id", "in", [c.id for c in customers])]
                )
                raise _Rollback(queries, opened)
        except _Rollback as done:
            self.env.invalidate_all()
            return done.args

    def test_cases_open_in_constant_queries(self):
        self._event_queries(2)  # caches: activity types, plan templates, rules
        small, opened_small = self._event_queries(3)
        large, opened_large = self._event_queries(30)
        self.assertEqual((opened_small, opened_large), (3, 30))
        self.assertEqual(small, large)


@tagged("post_install", "-at_install")
class TestRetentionCases(RetentionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Handmade", user_id=cls.seller.id)
        cls.reason = cls.env.ref("logistics_crm.churn_reason_price")

    def test_lost_needs_a_reason(self):
        case = self.Case.create({"partner_id": self.customer.id})
        self.assertEqual(case.trigger, "manual")
        with self.assertRefused(UserError, "Choose a churn reason"):
            case.action_mark_lost()
        self.assertEqual(case.state, "open")
        with self.assertRefused(ValidationError, "needs a churn reason"):
            case.write({"state": "lost"})
        self.assertEqual(case.state, "open")
        case.churn_reason_id = self.reason
        case.action_mark_lost()
        self.assertEqual(case.state, "lost")
        self.assertTrue(case.date_closed)
        self.assertEqual(self.reason.case_count, 1)
        with self.assertRefused(UserError, "already closed"):
            case.action_mark_retained()
        case.action_reopen()
        self.assertEqual(case.state, "open")
        self.assertFalse(case.date_closed)
        self.assertFalse(case.churn_reason_id)

    def test_form_requires_the_reason_when_lost(self):
        form = Form(self.Case)
        form.partner_id = self.customer
        case = form.save()
        case.action_mark_retained()
        self.assertEqual(case.state, "retained")
        self.assertTrue(case.date_closed)

    def test_save_rate_is_retained_over_closed(self):
        cases = self.Case.create(
            [{"partner_id": self._customer(f"C{i}").id} for i in range(4)]
        )
        cases[0].action_mark_retained()
        cases[1].action_mark_retained()
        cases[2].churn_reason_id = self.reason
        cases[2].action_mark_lost()
        groups = self.Case._read_group(
            [("id", "in", cases.ids)], [], ["save_rate:avg", "retained_count:sum"]
        )
        save_rate, retained = groups[0]
        self.assertAlmostEqual(save_rate, 200 / 3)
        self.assertEqual(retained, 2)

    def test_rule_validation(self):
        with self.assertRefused(ValidationError, "more than 0 points"):
            self.Rule.create(
                {"name": "Zero", "trigger": "score_drop", "score_drop_points": 0}
            )
        partner_plan = self.env["mail.activity.plan"].create(
            {"name": "Partner plan", "res_model": "res.partner"}
        )
        with self.assertRefused(ValidationError, "another kind of record"):
            self.Rule.create(
                {
                    "name": "Wrong plan",
                    "trigger": "at_risk",
                    "activity_plan_id": partner_plan.id,
                }
            )

    def test_partner_smart_button(self):
        case = self.Case.create({"partner_id": self.customer.id})
        self.assertEqual(self.customer.retention_case_open_count, 1)
        action = self.customer.action_view_retention_cases()
        self.assertEqual(self.Case.search(action["domain"]), case)
        case.action_mark_retained()
        self.customer.invalidate_recordset(["retention_case_open_count"])
        self.assertEqual(self.customer.retention_case_open_count, 0)


@tagged("post_install", "-at_install")
class TestRetentionAccess(RetentionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_seller = new_test_user(
            cls.env, "lcrm_other_seller", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env,
            "lcrm_ret_manager",
            groups="logistics_crm.logistics_crm_group_manager",
        )
        cls.portal = new_test_user(
            cls.env, "lcrm_ret_portal", groups="base.group_portal"
        )
        cls.mine = cls._customer("Mine", user_id=cls.seller.id)
        cls.theirs = cls._customer("Theirs", user_id=cls.other_seller.id)
        cls.case_mine = cls.env["logistics.retention.case"].create(
            {"partner_id": cls.mine.id, "user_id": cls.seller.id}
        )
        cls.case_theirs = cls.env["logistics.retention.case"].create(
            {"partner_id": cls.theirs.id, "user_id": cls.other_seller.id}
        )
        cls.company_b = cls.env["res.company"].create({"name": "Retention B"})
        cls.case_b = (
            cls.env["logistics.retention.case"]
            .with_company(cls.company_b)
            .create({"partner_id": cls._customer("B customer").id})
        )

    def test_own_documents_salesperson_sees_own_customers_cases(self):
        cases = self.Case.with_user(self.seller).search([])
        self.assertIn(self.case_mine, cases)
        self.assertNotIn(self.case_theirs, cases)
        with self.assertRaises(AccessError):
            self.case_theirs.with_user(self.seller).read(["state"])
        # and works on them, but never deletes them
        self.case_mine.with_user(self.seller).action_mark_retained()
        with self.assertRaises(AccessError):
            self.case_mine.with_user(self.seller).unlink()

    def test_all_documents_user_and_companies(self):
        cases = self.Case.with_user(self.kam).search([])
        self.assertIn(self.case_theirs, cases)
        self.assertNotIn(self.case_b, cases, "another company's case")
        self.assertEqual(self.case_b.company_id, self.company_b)

    def test_portal_and_rules(self):
        with self.assertRaises(AccessError):
            self.Case.with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.seller).create({"name": "Mine", "trigger": "lost"})
        rule = self.Rule.with_user(self.manager).create(
            {"name": "Managers' rule", "trigger": "lost"}
        )
        self.assertEqual(rule.company_id, self.company)
        self.assertTrue(
            self.env["logistics.churn.reason"].with_user(self.seller).search([])
        )

    def test_plain_employee_has_no_access(self):
        employee = new_test_user(
            self.env, "lcrm_ret_employee", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.Case.with_user(employee).search([])


@tagged("post_install", "-at_install")
class TestRetentionKpi(ScorecardCase):
    def test_kpi_below_target_opens_one_case(self):
        rule = self.env["logistics.retention.rule"].create(
            {"name": "Late deliveries", "trigger": "kpi_below_target"}
        )
        Rule = self.env["logistics.retention.rule"]
        # A: 2 of 3 deliveries on time over the last three months, target 90 %
        cases = Rule._check_kpi(self.company, today=date(2026, 10, 25))
        self.assertEqual(cases.partner_id, self.a)
        self.assertEqual(cases.rule_id, rule)
        self.assertAlmostEqual(cases.on_time_rate, 200 / 3, places=1)
        self.assertIn(
            "over the last three months", cases.message_ids.mapped("body")[-1]
        )
        # daily runs add nothing while the case is open, or once it is closed
        # within the window
        self.assertFalse(Rule._check_kpi(self.company, today=date(2026, 10, 26)))
        cases.action_mark_retained()
        self.assertFalse(Rule._check_kpi(self.company, today=date(2026, 10, 27)))
        # the scheduled action runs the same check
        Rule._cron_check_kpi()
        self.assertEqual(
            self.env["logistics.retention.case"].search_count(
                [("rule_id", "=", rule.id)]
            ),
            1,
        )
