import logging
import re

from odoo.exceptions import ValidationError
from odoo.modules import get_module_path
from odoo.tests import tagged
from odoo.tools import file_open
from odoo.tools.translate import PoFileReader, TranslationModuleReader

from .common import LogisticsCrmCase

_logger = logging.getLogger(__name__)

MODULE = "logistics_crm"
# Terms whose Chinese is the term itself: acronyms used as such in Chinese
# business writing, the example local part of the complaint e-mail alias, and
# the @ between that local part and its domain.
SAME_IN_CHINESE = {
    "ID",
    "KPI",
    "RFM",
    "SLA",
    "<strong>SLA</strong>",
    "complaints",
    '<span class="mx-1">@</span>',
}
# Python identifiers the extractor picks up next to labels passed to _().
IDENTIFIER = re.compile(r"^[a-z]+(_[a-z]+)+$")


@tagged("post_install", "-at_install")
class TestI18n(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms([MODULE], ["zh_CN"])
        cls.zh = cls.env(context=dict(cls.env.context, lang="zh_CN"))

    def _po_entries(self):
        path = f"{get_module_path(MODULE)}/i18n/zh_CN.po"
        with file_open(path, "rb") as po_file:
            return {entry["src"]: entry["value"] for entry in PoFileReader(po_file)}

    def test_every_term_is_translated(self):
        """Every term Odoo's own extractor finds in the module (code, fields,
        selections, menus, views, reports, data, mail templates) has a Chinese
        translation once the module's zh_CN terms are loaded."""
        po = self._po_entries()
        self.assertEqual(po.get("Key account"), "关键客户")
        terms = {}
        for row in TranslationModuleReader(self.env.cr, [MODULE], "zh_CN"):
            module, ttype, name, __, source, value, __ = row
            if module == MODULE:
                terms.setdefault(source, []).append((ttype, name, value))
        self.assertGreater(len(terms), 500)

        missing = []
        for source, uses in terms.items():
            # Odoo reports a record translation equal to its source as empty,
            # and a code translation as the source itself.
            same = po.get(source) == source and (
                source in SAME_IN_CHINESE or IDENTIFIER.match(source)
            )
            for ttype, name, value in uses:
                value = (value or "").strip()
                if (not value or value == source.strip()) and not same:
                    missing.append(f"{ttype} {name}: {source!r}")
        _logger.info(
            "zh_CN: %d terms of %s checked (%d uses), %d untranslated",
            len(terms),
            MODULE,
            sum(len(uses) for uses in terms.values()),
            len(missing),
        )
        if missing:
            self.fail(
                "Terms without a zh_CN translation (re-export the pot and "
                "complete i18n/zh_CN.po):\n" + "\n".join(sorted(missing))
            )

    def test_po_keeps_placeholders(self):
        """A translation keeps the placeholders, QWeb expressions and tags of
        its source, so formatting and rendering still work in Chinese."""
        marks = re.compile(r"%\(\w+\)s|%s|\{\{.*?\}\}|<[^>]+>")
        attribute_text = re.compile(r' (alt|title)="[^"]*"')
        wrong = [
            source
            for source, value in self._po_entries().items()
            if source
            and sorted(attribute_text.sub("", m) for m in marks.findall(source))
            != sorted(attribute_text.sub("", m) for m in marks.findall(value))
        ]
        if wrong:
            self.fail("Placeholders differ:\n" + "\n".join(wrong))

    def test_database_in_chinese(self):
        Partner = self.zh["res.partner"]
        Complaint = self.zh["logistics.complaint"]
        # field labels and help
        fields = Complaint.fields_get(["claim_amount", "root_cause_id"], ["string"])
        self.assertEqual(fields["claim_amount"]["string"], "索赔金额")
        self.assertEqual(fields["root_cause_id"]["string"], "根本原因")
        info = Partner.fields_get(["customer_tier_id"], ["string", "help"])
        self.assertEqual(info["customer_tier_id"]["string"], "客户等级")
        self.assertIn("锁定", info["customer_tier_id"]["help"])
        # selection values
        lifecycle = dict(
            Partner.fields_get(["customer_lifecycle"], ["selection"])[
                "customer_lifecycle"
            ]["selection"]
        )
        self.assertEqual(lifecycle["lost"], "已流失")
        self.assertEqual(lifecycle["won_back"], "已挽回")
        responsibility = dict(
            Complaint.fields_get(["responsibility"], ["selection"])["responsibility"][
                "selection"
            ]
        )
        self.assertEqual(responsibility["carrier"], "承运商")
        # menus and actions
        self.assertEqual(
            self.zh.ref("logistics_crm.logistics_complaint_menu").name, "投诉"
        )
        self.assertEqual(
            self.zh.ref("logistics_crm.logistics_sla_menu").name, "服务水平"
        )
        self.assertEqual(
            self.zh.ref("logistics_crm.res_partner_action_customer_value").name,
            "按等级查看客户",
        )
        # view arch
        arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('string="客户价值"', arch)
        self.assertIn("打开计分卡分析", arch)
        self.assertNotIn("Customer Value", arch)
        # data records: tiers, complaint types, stages and causes
        tier_names = [
            self.zh.ref(f"logistics_crm.customer_tier_{code}").name
            for code in ("a", "c", "d")
        ]
        self.assertEqual(tier_names, ["关键客户", "一般客户", "低价值客户"])
        self.assertEqual(
            self.zh.ref("logistics_crm.complaint_type_damaged").name, "货物破损"
        )
        self.assertEqual(
            self.zh.ref("logistics_crm.complaint_stage_resolved").name, "已解决"
        )
        # mail template
        template = self.zh.ref("logistics_crm.mail_template_complaint_rating")
        self.assertEqual(
            template.subject, "{{ object.reference }}：您对我们的投诉处理满意吗？"
        )
        self.assertIn("您对我们的处理方式满意吗", template.body_html)

    def test_error_message_in_chinese(self):
        with self.assertRaises(ValidationError) as catcher:
            self.zh["logistics.customer.tier"].create(
                {"name": "Z", "code": "Z", "min_score": 150}
            )
        self.assertEqual(
            str(catcher.exception),
            "客户等级 Z 的最低分必须介于 0 到 100 之间，而不是 150.0。",
        )
        customer = self._customer("华东冷链物流有限公司")
        with self.assertRaises(ValidationError) as catcher:
            self.zh["logistics.complaint"].create(
                {"name": "货损", "partner_id": customer.id, "claim_amount": -1}
            )
        self.assertIn("不能为负数", str(catcher.exception))

    def test_scorecard_panel_in_chinese(self):
        customer = self._customer("华东冷链物流有限公司")
        self._orders([(customer, 5000, 3)])
        html = str(customer.with_env(self.zh).scorecard_html)
        for label in (
            "近 12 个月",
            "准时率",
            "准时足额率 (OTIF)",
            "订单满足率",
            "货损率",
        ):
            self.assertIn(label, html)
