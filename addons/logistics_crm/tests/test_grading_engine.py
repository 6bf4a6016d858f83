from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import LogisticsCrmCase


@tagged("post_install", "-at_install")
class TestGradingEngine(LogisticsCrmCase):
    """The engine writes only what moved, keeps its figures on the grade
    table and takes its criteria from one method."""

    def _versions(self, partners):
        """Row versions (ctid changes on every UPDATE) of the partners, their
        grade rows and the number of history rows."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            SQL(
                "SELECT id, ctid::text FROM res_partner WHERE id IN %s",
                tuple(partners.ids),
            )
        )
        partner_rows = dict(cr.fetchall())
        cr.execute(
            SQL(
                "SELECT partner_id, ctid::text FROM logistics_customer_grade "
                "WHERE partner_id IN %s",
                tuple(partners.ids),
            )
        )
        grade_rows = dict(cr.fetchall())
        cr.execute(
            SQL(
                "SELECT count(*) FROM logistics_grade_history WHERE partner_id IN %s",
                tuple(partners.ids),
            )
        )
        return partner_rows, grade_rows, cr.fetchone()[0]

    def test_second_regrade_of_unchanged_data_writes_nothing(self):
        customers = self._customer("North") | self._customer("South")
        customers |= self._customer("East")
        self._orders([(c, 100 * (i + 1), 5 + i) for i, c in enumerate(customers)])
        self._grade()
        before = self._versions(customers)
        self.assertEqual(len(before[1]), 3, "one grade row per customer")
        self.assertEqual(before[2], 3, "one history row per customer")
        self._grade()
        self.assertEqual(self._versions(customers), before)
        self.assertEqual(self.policy.last_run_count, 3)

    def test_regrade_rewrites_only_the_customer_that_moved(self):
        self._set_weights(payment=1)
        late, fine = self._customer("Late payer"), self._customer("Fine payer")
        self._orders([(late, 100, 5), (fine, 100, 5)])
        self._grade()
        partners_before, grades_before, history_before = self._versions(late | fine)
        self._invoice(late, 400, 40, 10)
        self._grade()
        partners_after, grades_after, history_after = self._versions(late | fine)
        self.assertEqual(late.customer_payment_score, 0.0)
        self.assertEqual(fine.customer_payment_score, 100.0)
        self.assertNotEqual(partners_after[late.id], partners_before[late.id])
        self.assertNotEqual(grades_after[late.id], grades_before[late.id])
        self.assertEqual(partners_after[fine.id], partners_before[fine.id])
        self.assertEqual(grades_after[fine.id], grades_before[fine.id])
        self.assertEqual(history_after, history_before + 1)

    def test_figures_live_on_the_grade_table(self):
        self._set_weights(revenue=1)
        low, top = self._customer("Low"), self._customer("Top")
        contact = self.env["res.partner"].create(
            {"name": "Buyer at Top", "parent_id": top.id}
        )
        self._orders([(low, 100, 5), (top, 300, 5)])
        self._grade()
        grade = self.env["logistics.customer.grade"].search(
            [("partner_id", "=", top.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(grade.revenue, 300.0)
        self.assertEqual(grade.revenue_score, 100.0)
        self.assertEqual(top.customer_grade_id, grade)
        self.assertEqual(top.customer_revenue, 300.0)
        # a contact shows its company's figures, and searches find them
        self.assertEqual(contact.customer_revenue, 300.0)
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner.search([("customer_revenue", ">", 200), ("is_company", "=", True)]),
            top,
        )
        graded = Partner.search([("customer_grade_id", "!=", False)])
        self.assertIn(contact, graded)
        self.assertNotIn(self.env.user.partner_id, graded)

    def test_criteria_come_from_one_method(self):
        engine = self.env["logistics.grading.engine"]
        criteria = engine._grading_criteria(self.policy, self.today)
        Grade = self.env["logistics.customer.grade"]
        History = self.env["logistics.grade.history"]
        for name, spec in criteria.items():
            self.assertIn(spec["weight"], self.policy._fields, name)
            self.assertIn(spec["score_field"], Grade._fields, name)
            self.assertIn(spec["score_field"], History._fields, name)
            self.assertIn(spec["scoring"], ("ranked", "absolute"), name)
            partner_field = "customer_%s" % spec["score_field"]
            self.assertIn(partner_field, self.env["res.partner"]._fields, name)

    def test_own_documents_salespeople_see_their_customers_figures_only(self):
        self._set_weights(revenue=1)
        mine_user = new_test_user(
            self.env,
            "lcrm_engine_own",
            groups="sales_team.group_sale_salesman,logistics_crm.logistics_crm_group_user",
        )
        other_user = new_test_user(
            self.env, "lcrm_engine_other", groups="sales_team.group_sale_salesman"
        )
        mine = self._customer("Mine", user_id=mine_user.id)
        theirs = self._customer("Theirs", user_id=other_user.id)
        self._orders([(mine, 100, 5), (theirs, 300, 5)])
        self._grade()
        self.env.invalidate_all()
        as_me = self.env["res.partner"].with_user(mine_user)
        self.assertEqual(as_me.browse(mine.id).customer_revenue, 100.0)
        self.assertFalse(as_me.browse(theirs.id).customer_revenue)
        self.assertFalse(as_me.browse(theirs.id).customer_grade_id)
        # the tier stays visible to every employee
        self.assertEqual(
            as_me.browse(theirs.id).customer_tier_id, theirs.customer_tier_id
        )
