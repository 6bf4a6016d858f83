from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LogisticsCrmCase
from .test_security_partner import lock_tier


@tagged("post_install", "-at_install")
class TestGradingAccess(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(cls.env, "lcrm_employee", groups="base.group_user")
        cls.stock_user = new_test_user(
            cls.env, "lcrm_stock", groups="stock.group_stock_user"
        )
        cls.salesman = new_test_user(
            cls.env,
            "lcrm_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.manager = new_test_user(
            cls.env, "lcrm_manager", groups="logistics_crm.logistics_crm_group_manager"
        )
        cls.customer = cls._customer("Graded")
        cls._orders([(cls.customer, 100, 5)])
        cls._grade()

    def test_salespeople_get_the_user_group(self):
        self.assertTrue(
            self.salesman.has_group("logistics_crm.logistics_crm_group_user")
        )
        self.assertFalse(
            self.salesman.has_group("logistics_crm.logistics_crm_group_manager")
        )
        sale_admin = new_test_user(
            self.env, "lcrm_sale_admin", groups="sales_team.group_sale_manager"
        )
        self.assertTrue(
            sale_admin.has_group("logistics_crm.logistics_crm_group_manager")
        )

    def test_warehouse_staff_see_the_tier_but_not_the_grading(self):
        partner = self.customer.with_user(self.stock_user)
        self.assertEqual(partner.customer_tier_id.name, "Key account")
        with self.assertRaises(AccessError):
            self.env["logistics.grade.history"].with_user(self.stock_user).search([])
        with self.assertRaises(AccessError):
            self.env["logistics.grading.policy"].with_user(self.stock_user).search([])
        with self.assertRaises(AccessError):
            self.tier_a.with_user(self.stock_user).write({"min_score": 10})

    def test_salesman_reads_grades_but_cannot_lock_or_regrade(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        history = self.env["logistics.grade.history"].with_user(self.salesman)
        self.assertTrue(history.search([("partner_id", "=", self.customer.id)]))
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).write(
                {
                    "customer_tier_locked": True,
                    "customer_tier_id": self.tier_d.id,
                    "customer_tier_lock_reason": "Because",
                }
            )
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).write({"customer_score": 1})
        with self.assertRaises(AccessError):
            Partner.action_compute_grades()
        with self.assertRaises(AccessError):
            self.policy.with_user(self.salesman).write({"weight_revenue": 1})
        with self.assertRaises(AccessError):
            history.search([], limit=1).unlink()
        # Salespeople set the potential.
        self.customer.with_user(self.salesman).customer_potential = "high"
        self.assertEqual(self.customer.customer_potential, "high")
        self.assertEqual(self.customer.customer_tier_id, self.tier_a)

    def test_employee_without_the_app(self):
        self.assertFalse(
            self.employee.has_group("logistics_crm.logistics_crm_group_user")
        )
        with self.assertRaises(AccessError):
            self.env["logistics.grade.history"].with_user(self.employee).search([])
        with self.assertRaises(AccessError):
            self.env["logistics.customer.tier"].with_user(self.employee).create(
                {"name": "Mine", "code": "M"}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.employee).action_compute_grades()

    def test_manager_configures_locks_and_regrades(self):
        tier = (
            self.env["logistics.customer.tier"]
            .with_user(self.manager)
            .create({"name": "Platinum", "code": "P", "min_score": 95})
        )
        lock_tier(self.customer, self.manager, tier, "Board decision")
        self.env["res.partner"].with_user(self.manager).action_compute_grades()
        self.assertEqual(self.customer.customer_tier_id, tier)

    def test_other_company_user_sees_no_history_or_policy(self):
        other = self.env["res.company"].create({"name": "Elsewhere"})
        outsider = new_test_user(
            self.env,
            "lcrm_outsider",
            groups="logistics_crm.logistics_crm_group_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        self.assertFalse(
            self.env["logistics.grade.history"].with_user(outsider).search([])
        )
        self.assertFalse(
            self.env["logistics.grading.policy"]
            .with_user(outsider)
            .search([("company_id", "=", self.company.id)])
        )
        with self.assertRaises(AccessError):
            self.policy.with_user(outsider).read(["weight_revenue"])
        self.assertFalse(self.customer.with_user(outsider).customer_tier_id)
