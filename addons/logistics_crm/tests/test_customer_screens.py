from dateutil.relativedelta import relativedelta
from lxml import html

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.logistics_crm.report.scorecard_report import (
    period_months,
    scorecard_period,
)

from .common import LogisticsCrmCase

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
CHART = "//svg[contains(concat(' ', @class, ' '), ' o_logistics_crm_trend_chart ')]"


@tagged("post_install", "-at_install")
class TestCustomerScreens(HttpCase, LogisticsCrmCase):
    """Five customers graded on revenue alone (scores 100, 75, 50, 25 and 0);
    the best one is locked on Growth account while the grading computes Key
    account. Kim Account manages Zeta Haulage's account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.omega = cls._customer("Omega Freight")
        cls.zeta = cls._customer("Zeta Haulage")
        cls.alpha = cls._customer("Alpha Cargo")
        cls.beta = cls._customer("Beta Parcels")
        cls.gamma = cls._customer("Gamma Post")
        cls._orders(
            [
                (cls.omega, 500, 3),
                (cls.zeta, 400, 3),
                (cls.alpha, 300, 3),
                (cls.beta, 200, 3),
                (cls.gamma, 100, 3),
            ]
        )
        cls._set_weights(revenue=1)
        cls._grade()
        cls.zeta.key_account_manager_id = new_test_user(
            cls.env, "lcrm_key_account", name="Kim Account", groups="base.group_user"
        )
        cls.env["logistics.tier.lock.wizard"].with_context(
            active_model="res.partner", active_id=cls.omega.id
        ).create(
            {"mode": "lock", "tier_id": cls.tier_b.id, "reason": "Contract review"}
        ).action_apply()

    def test_grades_of_the_story(self):
        self.assertEqual(
            (self.omega + self.zeta + self.alpha).mapped("customer_score"),
            [100.0, 75.0, 50.0],
        )
        self.assertEqual(
            (self.omega + self.zeta + self.alpha).customer_tier_id, self.tier_b
        )
        self.assertEqual(self.omega.customer_tier_computed_id, self.tier_a)
        self.assertTrue(self.omega.customer_tier_locked)

    def test_customer_screens_tour(self):
        """Customers by Tier: the kanban labels and sorts the scores, the list
        has the Score and Lifecycle columns, the lock warning is one sentence
        and an unlocked customer shows no locked tier."""
        self.start_tour(
            "/odoo/customers-by-tier",
            "logistics_crm_customer_screens_tour",
            login="admin",
        )

    def test_lock_warning_is_one_sentence(self):
        self.assertEqual(
            self.omega.customer_tier_lock_warning,
            "The tier is locked on Growth account while the grading computes "
            "Key account.",
        )
        self.assertFalse(self.zeta.customer_tier_lock_warning)

    def test_lock_warning_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["logistics_crm"], ["zh_CN"])
        omega = self.omega.with_context(lang="zh_CN")
        self.assertEqual(
            omega.customer_tier_lock_warning,
            "客户等级锁定为成长客户，而分级计算结果为关键客户。",
        )


@tagged("post_install", "-at_install")
class TestPortalScorecardMonths(HttpCase, LogisticsCrmCase):
    """A customer who ordered two months ago and this month, but not last
    month: the portal lists every month of the trailing year, the empty ones
    too, named as in the PDF, and charts the trend."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.customer = cls._customer("Monthly Shipper")
        contact = cls.env["res.partner"].create(
            {"name": "Monthly buyer", "parent_id": cls.customer.id}
        )
        cls.portal_user = new_test_user(
            cls.env,
            "lcrm_portal_months",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        two_months_ago = cls.today - relativedelta(months=2)
        orders = cls._orders(
            [
                (cls.customer, 700, (cls.today - two_months_ago).days),
                (cls.customer, 300, 0),
            ]
        )
        orders.write({"sla_reached_on": cls.env.cr.now(), "sla_on_time": True})
        cls.months = period_months(*scorecard_period(cls.env))

    def _portal_months(self, lang):
        self.portal_user.lang = lang
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/scorecard")
        self.assertEqual(response.status_code, 200)
        page = html.fromstring(response.text)
        rows = page.xpath("//div[@name='scorecard_months']//table/tbody/tr")
        labels = [" ".join(row.xpath("./td")[0].text_content().split()) for row in rows]
        [chart] = page.xpath(CHART)
        # the chart's axis names the months alike
        self.assertEqual(
            [
                text.text_content().strip()
                for text in chart.xpath(".//*[@class='o_trend_months']/text")
            ],
            labels,
        )
        return labels

    def _labels(self, lang):
        if lang == "zh_CN":
            return [f"{month.year}年{month.month}月" for month in self.months]
        return [f"{MONTHS[month.month - 1]} {month.year}" for month in self.months]

    def test_every_month_in_english(self):
        # the 12 months of the header's period, December 2025 to November
        # 2026 say, the empty one too; "Dec 2025", as the PDF writes it, not
        # "2025-12"
        self.assertEqual(len(self.months), 12)
        self.assertEqual(self._portal_months("en_US"), self._labels("en_US"))

    def test_every_month_in_chinese(self):
        # "2025年12月", as Chinese writes a month
        self.assertEqual(self._portal_months("zh_CN"), self._labels("zh_CN"))

    def _pdf_months(self):
        content, __ = self.env["ir.actions.report"]._render_qweb_html(
            "logistics_crm.action_report_customer_scorecard", self.customer.ids
        )
        page = html.fromstring(content)
        self.assertTrue(page.xpath(CHART))
        rows = page.xpath("//table[@name='scorecard_trend']/tbody/tr")
        return [" ".join(row.xpath("./td")[0].text_content().split()) for row in rows]

    def test_pdf_uses_the_same_months_and_chart(self):
        self.assertEqual(self._pdf_months(), self._labels("en_US"))
        # the PDF speaks the customer's language
        self.customer.lang = "zh_CN"
        self.assertEqual(self._pdf_months(), self._labels("zh_CN"))
