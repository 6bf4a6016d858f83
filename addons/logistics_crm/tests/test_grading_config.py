from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import LogisticsCrmCase


@tagged("post_install", "-at_install")
class TestGradingConfiguration(LogisticsCrmCase):
    def test_default_tiers(self):
        tiers = self.Tier._for_company(self.company)
        self.assertEqual(tiers.mapped("code"), ["A", "B", "C", "D"])
        self.assertEqual(tiers.mapped("min_score"), [80.0, 50.0, 20.0, 0.0])
        self.assertEqual(tiers.filtered("priority_delivery"), self.tier_a)

    def test_company_created_after_install_has_tiers_and_policy(self):
        company = self.env["res.company"].create({"name": "New Freight Co"})
        self.assertEqual(
            self.Tier._for_company(company).mapped("code"), ["A", "B", "C", "D"]
        )
        policy = self.env["logistics.grading.policy"]._get_for_company(company)
        self.assertEqual(policy.company_id, company)
        self.assertEqual(policy.window_days, 365)
        self.assertEqual(
            self.env["logistics.grading.policy"]._get_for_company(company), policy
        )

    def test_default_weights(self):
        self.assertEqual(
            [
                self.policy.weight_revenue,
                self.policy.weight_margin,
                self.policy.weight_frequency,
                self.policy.weight_recency,
                self.policy.weight_growth,
                self.policy.weight_payment,
                self.policy.weight_potential,
                self.policy.weight_complaints,
            ],
            [30, 20, 15, 10, 10, 5, 5, 5],
        )

    def test_negative_weight_refused_and_nothing_changes(self):
        with self.assertRefused(ValidationError, "cannot be negative: Margin"):
            self.policy.write({"weight_revenue": 50, "weight_margin": -1})
        self.assertEqual(self.policy.weight_revenue, 30)
        self.assertEqual(self.policy.weight_margin, 20)

    def test_all_zero_weights_refused(self):
        with self.assertRefused(ValidationError, "must be positive"):
            self._set_weights()
        self.policy.invalidate_recordset()
        self.assertEqual(self.policy.weight_total, 100)

    def test_window_and_lifecycle_bounds(self):
        with self.assertRefused(ValidationError, "at least 2 days"):
            self.policy.window_days = 0
        with self.assertRefused(ValidationError, "thresholds must be positive"):
            self.policy.lifecycle_at_risk_factor = 0
        self.assertEqual(self.policy.window_days, 365)

    def test_one_policy_per_company(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["logistics.grading.policy"].create({"company_id": self.company.id})

    def test_tier_score_bounds(self):
        for bad in (-1, 100.5, 150):
            with self.assertRefused(ValidationError, "between 0 and 100"):
                self.Tier.create({"name": "Bad", "code": f"X{bad}", "min_score": bad})
        self.assertFalse(self.Tier.search([("name", "=", "Bad")]))

    def test_duplicate_code_refused_per_company(self):
        with self.assertRefused(ValidationError, "unique per company"):
            self.Tier.create({"name": "Another A", "code": "a", "min_score": 90})
        other = self.env["res.company"].create({"name": "Other Co"})
        own = self.Tier.create(
            {"name": "Own A", "code": "A", "min_score": 90, "company_id": other.id}
        )
        self.assertEqual(self.Tier._for_company(other), own)
        self.assertEqual(self.Tier.search_count([("name", "=", "Another A")]), 0)

    def test_policy_form_shows_the_weight_total(self):
        with Form(self.policy) as form:
            form.weight_revenue = 50
            self.assertEqual(form.weight_total, 120)

    def test_cron_regrades_every_company(self):
        customer = self._customer("Cron customer")
        self._orders([(customer, 10, 5)])
        cron = self.env.ref("logistics_crm.ir_cron_compute_grades")
        self.assertEqual(cron.code, "model._cron_compute_grades()")
        self.env["logistics.grading.policy"]._cron_compute_grades()
        self.assertEqual(customer.customer_tier_id, self.tier_a)
        self.assertTrue(self.policy.last_run)
        self.assertGreaterEqual(self.policy.last_run_count, 1)
