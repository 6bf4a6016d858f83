import io
import re
from datetime import date, datetime

from lxml import html
from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import config
from odoo.tools.pdf import PdfFileReader

from .common import LogisticsCrmCase

PERIOD = {"date_from": "2025-02-01", "date_to": "2025-03-31"}
REPORT = "logistics_crm.action_report_customer_scorecard"


def at(month, dom, hour=9):
    return datetime(2025, month, dom, hour)


@tagged("post_install", "-at_install")
class TestScorecardOutputs(LogisticsCrmCase):
    """Two customers over February and March 2025, against a policy asking
    90% on time, 80% OTIF, 95% fill rate and at most 10% damage.

    Alpha: in February two orders, one delivered on time, one late; in March
    two orders delivered on time, one short (6 of 10). A late-delivery
    complaint in February, a damage complaint (carrier) in March.
    Beta: one order a month, on time and in full; no complaint.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["logistics.sla.policy"].search([]).action_archive()
        cls.policy_sla = cls.env["logistics.sla.policy"].create(
            {
                "name": "Scorecard Standard",
                "on_time_target": 90,
                "otif_target": 80,
                "fill_rate_target": 95,
                "damage_rate_max": 10,
            }
        )
        cls.goods = cls.env["product.product"].create(
            {"name": "Cartons", "type": "consu", "list_price": 10.0}
        )
        cls.alpha = cls._customer("Alpha Scorecard Freight")
        cls.beta = cls._customer("Beta Scorecard Parcels")
        cls.alpha.write(
            {
                "customer_tier_computed_id": cls.tier_b.id,
                "customer_tier_id": cls.tier_b.id,
            }
        )
        cls._order(cls.alpha, at(2, 3), at(2, 5), on_time=True)
        cls._order(cls.alpha, at(2, 10), at(2, 20), on_time=False)
        cls._order(cls.alpha, at(3, 3), at(3, 4), on_time=True)
        cls._order(cls.alpha, at(3, 10), at(3, 12), on_time=True, qty=6)
        cls._order(cls.beta, at(2, 4), at(2, 5), on_time=True)
        cls._order(cls.beta, at(3, 4), at(3, 5), on_time=True)
        Complaint = cls.env["logistics.complaint"]
        cls.late = Complaint.create(
            {
                "name": "Late again",
                "partner_id": cls.alpha.id,
                "date_reported": at(2, 21),
                "complaint_type_id": cls.env.ref(
                    "logistics_crm.complaint_type_late"
                ).id,
            }
        )
        cls.crushed = Complaint.create(
            {
                "name": "Crushed cartons",
                "partner_id": cls.alpha.id,
                "date_reported": at(3, 13),
                "complaint_type_id": cls.env.ref(
                    "logistics_crm.complaint_type_damaged"
                ).id,
                "root_cause_id": cls.env.ref(
                    "logistics_crm.complaint_cause_carrier"
                ).id,
            }
        )
        cls.Report = cls.env["ir.actions.report"]
        cls.Export = cls.env["logistics.scorecard.export"]

    @classmethod
    def _order(cls, partner, ordered, delivered, on_time, qty=10):
        """A confirmed order of 10 cartons at 10, of which ``qty`` are
        delivered; the delivery outcome is set as the SLA check would."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.goods.id,
                            "product_uom_qty": 10,
                            "price_unit": 10.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = qty
        picking.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=picking.ids
        ).button_validate()
        order.write(
            {
                "date_order": ordered,
                "sla_reached_on": delivered,
                "sla_on_time": on_time,
                "sla_in_full": qty >= 10,
                "sla_otif": on_time and qty >= 10,
            }
        )
        return order

    # ------------------------------------------------------------------
    # PDF
    # ------------------------------------------------------------------

    def _html(self, partners, data=PERIOD):
        content, report_type = self.Report._render_qweb_html(
            REPORT, partners.ids, data=dict(data)
        )
        self.assertEqual(report_type, "html")
        return html.fromstring(content)

    def _section(self, tree, partner):
        [section] = tree.xpath(
            f"//div[@data-oe-model='res.partner'][@data-oe-id='{partner.id}']"
        )
        return section

    def _kpi(self, section, key):
        [row] = section.xpath(f".//tr[@data-kpi='{key}']")
        return [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]

    def test_pdf_renders_with_wkhtmltopdf(self):
        # one customer: several documents in one wkhtmltopdf run need its
        # patched-Qt build
        # wkhtmltopdf fetches the page assets from this test server, never
        # from whatever else answers on the default base URL
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", f"http://127.0.0.1:{config['http_port']}"
        )
        with self.allow_pdf_render():
            content, report_type = self.Report.with_context(
                force_report_rendering=True
            )._render_qweb_pdf(REPORT, res_ids=self.alpha.ids, data=dict(PERIOD))
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        # a well-formed document (this wkhtmltopdf build draws text as curves,
        # so the content itself is checked on the HTML rendering)
        self.assertTrue(PdfFileReader(io.BytesIO(content)).pages)

    def test_pdf_content(self):
        tree = self._html(self.alpha + self.beta)
        alpha = self._section(tree, self.alpha)
        text = " ".join(alpha.text_content().split())
        self.assertIn("Alpha Scorecard Freight", text)
        self.assertIn("Scorecard Standard", text)
        self.assertIn(self.tier_b.name, text)
        self.assertEqual(
            self._kpi(alpha, "on_time_rate")[1:], ["75.0", "≥ 90.0", "Missed"]
        )
        self.assertEqual(
            self._kpi(alpha, "otif_rate")[1:], ["50.0", "≥ 80.0", "Missed"]
        )
        self.assertEqual(
            self._kpi(alpha, "fill_rate")[1:], ["90.0", "≥ 95.0", "Missed"]
        )
        self.assertEqual(
            self._kpi(alpha, "damage_rate")[1:], ["25.0", "≤ 10.0", "Missed"]
        )
        self.assertEqual(self._kpi(alpha, "complaint_rate")[1:], ["50.0", "", ""])
        self.assertEqual(self._kpi(alpha, "avg_cycle_days")[1], "3.8")
        # no SLA outcome nor rating in the period: a dash, not 0
        self.assertEqual(self._kpi(alpha, "satisfaction")[1], "—")
        self.assertEqual(self._kpi(alpha, "avg_resolution_hours")[1], "—")
        self.assertEqual(self._kpi(alpha, "order_count")[1], "4")
        self.assertIn("400.00", self._kpi(alpha, "revenue")[1])
        self.assertEqual(self._kpi(alpha, "delivery_count")[1], "4")
        self.assertEqual(self._kpi(alpha, "complaint_count")[1], "2")

        trend = {
            row.get("data-month"): [
                " ".join(td.text_content().split()) for td in row.xpath("./td")
            ][1:]
            for row in alpha.xpath(".//table[@name='scorecard_trend']/tbody/tr")
        }
        self.assertEqual(
            trend,
            {
                "2025-02": ["2", "2", "50.0", "50.0", "100.0", "1"],
                "2025-03": ["2", "2", "100.0", "50.0", "80.0", "1"],
            },
        )
        by_type = alpha.xpath(".//table[@name='complaints_by_type']")[0].text_content()
        self.assertIn("Late delivery", by_type)
        self.assertIn("Damaged goods", by_type)
        # the customer never reads the internal analysis
        self.assertFalse(alpha.xpath(".//table[@name='complaints_by_cause']"))
        self.assertNotIn("Carrier", alpha.text_content())
        listed = alpha.xpath(".//table[@name='complaints_list']/tbody/tr")
        self.assertEqual(
            [row.xpath("./td")[1].text_content() for row in listed],
            ["Late again", "Crushed cartons"],
        )
        self.assertEqual(listed[0].xpath("./td")[0].text_content(), self.late.reference)

        beta = self._section(tree, self.beta)
        for key in ("on_time_rate", "otif_rate", "fill_rate"):
            self.assertEqual(self._kpi(beta, key)[1], "100.0", key)
            self.assertEqual(self._kpi(beta, key)[3], "Met", key)
        self.assertEqual(self._kpi(beta, "damage_rate")[1:], ["0.0", "≤ 10.0", "Met"])
        self.assertIn("No complaints in the period", beta.text_content())

    def test_pdf_period(self):
        # a period covers whole months
        tree = self._html(
            self.alpha, {"date_from": "2025-03-20", "date_to": "2025-03-21"}
        )
        alpha = self._section(tree, self.alpha)
        self.assertEqual(self._kpi(alpha, "on_time_rate")[1], "100.0")
        self.assertEqual(self._kpi(alpha, "complaint_count")[1], "1")
        # the default period is the trailing 12 months: nothing from 2025
        with freeze_time("2026-11-25"):
            values = self.env[
                "report.logistics_crm.report_customer_scorecard"
            ]._get_report_values(self.alpha.ids, {})
        self.assertEqual(values["date_from"], date(2025, 12, 1))
        self.assertEqual(values["date_to"], date(2026, 11, 30))
        [card] = values["scorecards"]
        self.assertEqual(card["kpis"]["order_count"], 0)
        self.assertIsNone(card["kpis"]["on_time_rate"])
        self.assertEqual(len(card["months"]), 12)
        # printed from a contact, the scorecard is the company's
        contact = self.env["res.partner"].create(
            {"name": "Alpha Buyer", "parent_id": self.alpha.id}
        )
        values = self.env[
            "report.logistics_crm.report_customer_scorecard"
        ]._get_report_values(contact.ids, dict(PERIOD))
        self.assertEqual(values["docs"], self.alpha)
        with self.assertRaises(UserError):
            self.Report._render_qweb_html(
                REPORT,
                self.alpha.ids,
                data={"date_from": "2025-03-01", "date_to": "2025-02-01"},
            )

    # ------------------------------------------------------------------
    # Excel
    # ------------------------------------------------------------------

    def _wizard(self, **vals):
        return self.Export.create(
            {
                "date_from": "2025-02-01",
                "date_to": "2025-03-31",
                "partner_ids": [Command.set((self.alpha + self.beta).ids)],
                **vals,
            }
        )

    def _workbook(self, wizard):
        action = wizard.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(
            re.match(r"/web/content/(\d+)\?download=true", action["url"])[1]
        )
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertTrue(attachment.name.endswith(".xlsx"))
        return load_workbook(io.BytesIO(attachment.raw))

    def _rows(self, sheet):
        rows = list(sheet.iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]

    def test_excel_export(self):
        book = self._workbook(self._wizard())
        self.assertEqual(book.sheetnames, ["Summary", "Monthly", "Trend"])

        summary = {row["Customer"]: row for row in self._rows(book["Summary"])}
        self.assertEqual(set(summary), {self.alpha.name, self.beta.name})
        alpha = summary[self.alpha.name]
        self.assertEqual(alpha["Tier"], self.tier_b.name)
        expected = {
            "Orders": 4,
            "Revenue": 400.0,
            "Deliveries": 4,
            "On-time (%)": 75.0,
            "On-time Target (%)": 90.0,
            "OTIF (%)": 50.0,
            "OTIF Target (%)": 80.0,
            "Fill Rate (%)": 90.0,
            "Fill Rate Target (%)": 95.0,
            "Damage Rate (%)": 25.0,
            "Max Damage Rate (%)": 10.0,
            "Complaints": 2,
            "Complaint Rate (%)": 50.0,
            "Avg Cycle (days)": 3.75,
        }
        for header, value in expected.items():
            self.assertAlmostEqual(alpha[header], value, msg=header)
        # empty denominators leave the cell empty
        self.assertIsNone(alpha["Satisfaction (%)"])
        self.assertIsNone(alpha["Avg Resolution (h)"])
        beta = summary[self.beta.name]
        self.assertEqual(
            (beta["Orders"], beta["On-time (%)"], beta["Complaint Rate (%)"]),
            (2, 100.0, 0.0),
        )
        self.assertTrue(book["Summary"].conditional_formatting)

        monthly = {
            (row["Customer"], row["Month"].date()): row
            for row in self._rows(book["Monthly"])
        }
        self.assertEqual(
            set(monthly),
            {
                (partner.name, month)
                for partner in self.alpha + self.beta
                for month in (date(2025, 2, 1), date(2025, 3, 1))
            },
        )
        feb = monthly[self.alpha.name, date(2025, 2, 1)]
        self.assertEqual((feb["Orders"], feb["On-time (%)"]), (2, 50.0))
        mar = monthly[self.alpha.name, date(2025, 3, 1)]
        self.assertEqual((mar["On-time (%)"], mar["Fill Rate (%)"]), (100.0, 80.0))

        trend_sheet = book["Trend"]
        self.assertTrue(trend_sheet._charts)
        trend = {row["Month"].date(): row for row in self._rows(trend_sheet)}
        self.assertEqual(list(trend), [date(2025, 2, 1), date(2025, 3, 1)])
        self.assertAlmostEqual(trend[date(2025, 2, 1)]["On-time (%)"], 200 / 3)
        self.assertAlmostEqual(trend[date(2025, 3, 1)]["On-time (%)"], 100.0)
        self.assertEqual(trend[date(2025, 2, 1)]["Deliveries"], 3)

    def test_excel_selection(self):
        # all customers with activity by default; tiers filter them; a contact
        # stands for its company
        book = self._workbook(self._wizard(partner_ids=False))
        customers = {row["Customer"] for row in self._rows(book["Summary"])}
        self.assertLessEqual({self.alpha.name, self.beta.name}, customers)
        book = self._workbook(
            self._wizard(partner_ids=False, tier_ids=[Command.set(self.tier_b.ids)])
        )
        self.assertEqual(
            [row["Customer"] for row in self._rows(book["Summary"])], [self.alpha.name]
        )
        contact = self.env["res.partner"].create(
            {"name": "Beta Buyer", "parent_id": self.beta.id}
        )
        book = self._workbook(self._wizard(partner_ids=[Command.set(contact.ids)]))
        self.assertEqual(
            [row["Customer"] for row in self._rows(book["Summary"])], [self.beta.name]
        )

    def test_excel_queries_do_not_grow_with_customers(self):
        counts = []
        self._wizard()._build_xlsx()  # warm the registry caches
        for partners in (self.alpha, self.alpha + self.beta):
            wizard = self._wizard(partner_ids=[Command.set(partners.ids)])
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            wizard._build_xlsx()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])

    def test_nothing_to_export(self):
        wizard = self._wizard(tier_ids=[Command.set(self.tier_d.ids)])
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            wizard.action_export_xlsx()
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            wizard.action_print_pdf()
        wizard = self._wizard(date_from="2020-01-01", date_to="2020-06-30")
        with self.assertRaisesRegex(UserError, "Nothing to export"):
            wizard.action_export_xlsx()
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", self.Export._name), ("res_id", "=", wizard.id)]
            )
        )
        with self.assertRaises(ValidationError):
            self._wizard(date_from="2025-03-01", date_to="2025-02-01")

    def test_wizard_defaults_and_print(self):
        with freeze_time("2026-11-25"):
            wizard = self.Export.with_context(
                active_model="res.partner", active_ids=self.alpha.ids
            ).create({})
        self.assertEqual(wizard.date_from, date(2025, 12, 1))
        self.assertEqual(wizard.date_to, date(2026, 11, 25))
        self.assertEqual(wizard.partner_ids, self.alpha)
        self.assertEqual(wizard.company_id, self.env.company)

        action = (
            self._wizard(partner_ids=False, tier_ids=[Command.set(self.tier_b.ids)])
            .with_context(discard_logo_check=True)
            .action_print_pdf()
        )
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "logistics_crm.report_customer_scorecard"
        )
        self.assertEqual(action["context"]["active_ids"], self.alpha.ids)
        self.assertEqual(action["data"], {**PERIOD, "partner_ids": self.alpha.ids})
