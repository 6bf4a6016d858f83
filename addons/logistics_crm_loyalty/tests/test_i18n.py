from odoo.modules import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools import file_open
from odoo.tools.translate import PoFileReader, TranslationModuleReader

MODULE = "logistics_crm_loyalty"
SAME_IN_CHINESE = {"ID"}


@tagged("post_install", "-at_install")
class TestLoyaltyI18n(TransactionCase):
    def test_every_term_is_translated(self):
        """Every term Odoo's extractor finds in the bridge has its Chinese
        translation, and the tier's programme field reads in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"])
        path = f"{get_module_path(MODULE)}/i18n/zh_CN.po"
        with file_open(path, "rb") as po_file:
            po = {entry["src"]: entry["value"] for entry in PoFileReader(po_file)}
        missing = [
            f"{ttype} {name}: {source!r}"
            for module, ttype, name, __, source, value, __ in TranslationModuleReader(
                self.env.cr, [MODULE], "zh_CN"
            )
            if module == MODULE
            and not (po.get(source) or "").strip()
            and source not in SAME_IN_CHINESE
        ]
        self.assertFalse(missing, "Terms without a zh_CN translation")
        fields = (
            self.env["logistics.customer.tier"]
            .with_context(lang="zh_CN")
            .fields_get(["loyalty_program_id"])
        )
        self.assertEqual(fields["loyalty_program_id"]["string"], "忠诚度计划")
