from odoo.tests import TransactionCase, tagged

from odoo.addons.logistics_crm.tests.common import untranslated_terms

MODULE = "logistics_crm_crm"


@tagged("post_install", "-at_install")
class TestCrossSellI18n(TransactionCase):
    def test_every_term_is_translated(self):
        """Every term Odoo's extractor finds in the bridge (fields, views,
        messages) has its Chinese translation, and the menu reads in Chinese."""
        missing = untranslated_terms(self.env, MODULE)
        self.assertFalse(missing, "Terms without a zh_CN translation")
        self.assertEqual(
            self.env.ref("logistics_crm_crm.logistics_cross_sell_suggestion_menu")
            .with_context(lang="zh_CN")
            .name,
            "交叉销售建议",
        )
