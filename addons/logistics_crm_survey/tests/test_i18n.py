from odoo.tests import TransactionCase, tagged

from odoo.addons.logistics_crm.tests.common import untranslated_terms

MODULE = "logistics_crm_survey"


@tagged("post_install", "-at_install")
class TestSurveyI18n(TransactionCase):
    def test_every_term_is_translated(self):
        """Every term Odoo's extractor finds in the bridge (fields, views,
        the default survey, the cron, messages) has its Chinese translation,
        and the default survey reads in Chinese."""
        missing = untranslated_terms(self.env, MODULE)
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
