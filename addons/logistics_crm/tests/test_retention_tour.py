from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import LogisticsCrmCase


@tagged("post_install", "-at_install")
class TestRetentionTour(HttpCase, LogisticsCrmCase):
    def test_customer_turns_at_risk_and_is_retained(self):
        kam = new_test_user(
            self.env,
            "tour_kam",
            name="Kim Account",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        customer = self._customer("Tour Steel Ltd")
        customer.key_account_manager_id = kam
        self._orders([(customer, 900, 120), (customer, 900, 60), (customer, 900, 20)])
        self.policy._compute_grades(today=self.today)
        self.assertEqual(customer.customer_lifecycle, "active")
        # three months without an order: the daily regrade finds it at risk
        later = self.today + timedelta(days=90)
        with freeze_time(fields.Datetime.to_datetime(later)):
            self.policy._compute_grades(today=later)
        self.assertEqual(customer.customer_lifecycle, "at_risk")
        case = self.env["logistics.retention.case"].search(
            [("partner_id", "=", customer.id)]
        )
        self.assertEqual(case.user_id, kam)
        self.start_tour(
            "/odoo/action-logistics_crm.logistics_retention_case_action",
            "logistics_crm_retention_tour",
            login="tour_kam",
        )
        self.assertEqual(case.state, "retained")
        self.assertTrue(case.date_closed)
        self.assertFalse(case.churn_reason_id)
