from odoo.modules import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools import file_open
from odoo.tools.translate import PoFileReader, TranslationModuleReader

MODULE = "logistics_crm_survey"
SAME_IN_CHINESE = {"ID"}


@tagged("post_install", "-at_install")
class TestSurveyI18n(TransactionCase):
    def test_every_term_is_translated(self):
        """Every term Odoo's extractor finds in the bridge (fields, views,
        the default survey, the cron, messages) has its Chinese translation,
        and the default survey reads in Chinese."""
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
        question = self.env.ref("logistics_crm_survey.survey_nps_question_score")
        title = question.with_context(lang="zh_CN").title
        self.assertEqual(title, "您向他人推荐我们的可能性有多大？")
        self.assertEqual(
            self.env.ref("logistics_crm_survey.logistics_survey_campaign_menu")
            .with_context(lang="zh_CN")
            .name,
            "调查活动",
        )
