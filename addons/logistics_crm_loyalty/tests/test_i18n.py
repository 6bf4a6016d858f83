from odoo.tests import TransactionCase, tagged

from odoo.addons.logistics_crm.tests.common import untranslated_terms

MODULE = "logistics_crm_loyalty"


@tagged("post_install", "-at_install")
class TestLoyaltyI18n(TransactionCase):
    def test_every_term_is_translated(self):
        """Every term Odoo's extractor finds in the bridge has its Chinese
        translation, and the tier's programme field reads in Chinese."""
        missing = untranslated_terms(self.env, MODULE)
        self.assertFalse(missing, "Terms without a zh_CN translation")
        fields = (
            self.env["logistics.customer.tier"]
            .with_context(lang="zh_CN")
            .fields_get(["loyalty_program_id"])
        )
        self.assertEqual(fields["loyalty_program_id"]["string"], "忠诚度计划")
