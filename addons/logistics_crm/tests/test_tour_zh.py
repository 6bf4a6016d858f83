from odoo.tests import HttpCase, new_test_user, tagged

from .common import LogisticsCrmCase


@tagged("post_install", "-at_install")
class TestTourZh(HttpCase, LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["logistics_crm"], ["zh_CN"])
        cls.user = new_test_user(
            cls.env,
            login="zh_account_manager",
            name="王经理",
            lang="zh_CN",
            groups="base.group_user,base.group_partner_manager,"
            "logistics_crm.logistics_crm_group_user",
        )
        cls.customer = cls._customer("华东冷链物流有限公司", user_id=cls.user.id)
        other = cls._customer("小件快递商行")
        cls._orders([(cls.customer, 5000, 3), (other, 10, 200)])
        cls._set_weights(revenue=1, recency=1)
        cls._grade()
        cls.complaint = cls.env["logistics.complaint"].create(
            {
                "name": "两个托盘到货时被压坏",
                "partner_id": cls.customer.id,
                "complaint_type_id": cls.env.ref(
                    "logistics_crm.complaint_type_damaged"
                ).id,
                "stage_id": cls.env.ref("logistics_crm.complaint_stage_in_progress").id,
                "claim_amount": 800.0,
                "user_id": cls.user.id,
            }
        )

    def test_customer_scorecard_complaint_tour_in_chinese(self):
        self.assertEqual(self.customer.customer_tier_id, self.tier_a)
        self.start_tour(
            "/odoo/customers-by-tier", "logistics_crm_zh_tour", login=self.user.login
        )
