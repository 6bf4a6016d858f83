"""The scorecard PDF as the web client prints it from Analysis > Export
Scorecards, and what it shows the customer it is sent to."""

import io
import json
from urllib.parse import quote

from lxml import html

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config
from odoo.tools.pdf import PdfFileReader

from odoo.addons.base.models.ir_actions_report import _wkhtml

from .common import LogisticsCrmCase

REPORT = "logistics_crm.action_report_customer_scorecard"
EXPORT = "logistics.scorecard.export"


class ScorecardPrintCase(LogisticsCrmCase):
    """Three customers with an order this month: one of salesperson Own, one of
    salesperson Other, one without salesperson. Own's customer has a closed
    complaint whose root cause is the carrier, and an open one not analysed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": "Harbour Logistics BV",
                "street": "12 Quay Road",
                "city": "Rotterdam",
            }
        )
        cls.own = new_test_user(
            cls.env, "print_own", groups="sales_team.group_sale_salesman"
        )
        cls.other = new_test_user(
            cls.env, "print_other", groups="sales_team.group_sale_salesman"
        )
        cls.manager = new_test_user(
            cls.env, "print_manager", groups="sales_team.group_sale_manager"
        )
        cls.mine = cls._customer("Mine Print Freight", user_id=cls.own.id)
        cls.theirs = cls._customer("Theirs Print Freight", user_id=cls.other.id)
        cls.unassigned = cls._customer("Unassigned Print Freight")
        cls._orders([(cls.mine, 100, 0), (cls.theirs, 900, 0), (cls.unassigned, 40, 0)])
        Complaint = cls.env["logistics.complaint"]
        cls.closed = Complaint.create(
            {
                "name": "Crushed cartons",
                "partner_id": cls.mine.id,
                "complaint_type_id": cls.env.ref(
                    "logistics_crm.complaint_type_damaged"
                ).id,
            }
        )
        cls.closed.write(
            {
                "root_cause_id": cls.env.ref(
                    "logistics_crm.complaint_cause_carrier"
                ).id,
                "responsibility": "carrier",
                "resolution": "Replaced the crushed cartons free of charge",
                "stage_id": cls.env.ref("logistics_crm.complaint_stage_resolved").id,
            }
        )
        cls.open = Complaint.create(
            {
                "name": "Missing pallet label",
                "partner_id": cls.mine.id,
                "resolution": "Draft: blame the night shift",
            }
        )


@tagged("post_install", "-at_install")
class TestScorecardPrintFromWizard(HttpCase, ScorecardPrintCase):
    """Print PDF in the export wizard, through the routes the web client uses:
    the button's action, then /report/download with the report's URL."""

    def _print(self, user, **vals):
        """Click Print PDF as ``user`` and download the report as the web
        client does (getReportUrl and downloadReport of
        web/static/src/webclient/actions/reports/utils.js)."""
        wizard = self.env[EXPORT].with_user(user).create(vals)
        self.env.flush_all()
        self.authenticate(user.login, user.login)
        user_context = {"lang": "en_US", "tz": "UTC", "uid": user.id}
        action = self.make_jsonrpc_request(
            "/web/dataset/call_button",
            {
                "model": EXPORT,
                "method": "action_print_pdf",
                "args": [wizard.ids],
                "kwargs": {"context": user_context},
            },
        )
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertTrue(action["data"])
        url = (
            f"/report/pdf/{action['report_name']}"
            f"?options={quote(json.dumps(action['data']))}"
            f"&context={quote(json.dumps(action['context']))}"
        )
        response = self.url_open(
            "/report/download",
            data={
                "data": json.dumps([url, action["report_type"]]),
                "context": json.dumps({**user_context, **action["context"]}),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertIn("attachment", response.headers["Content-Disposition"])
        # the test server answers the PDF route with the report's HTML
        return response.text, action

    def test_the_chosen_customer_is_printed(self):
        content, action = self._print(
            self.own, partner_ids=[Command.set(self.mine.ids)]
        )
        self.assertIn("Mine Print Freight", content)
        self.assertIn("Crushed cartons", content)
        self.assertNotIn("Unassigned Print Freight", content)
        # the dialog closes once the file is downloaded
        self.assertTrue(action["close_on_report_download"])

    def test_without_a_choice_his_customers_are_printed(self):
        content, __ = self._print(self.own)
        self.assertIn("Mine Print Freight", content)
        self.assertIn("Unassigned Print Freight", content)
        self.assertNotIn("Theirs Print Freight", content)
        content, __ = self._print(self.manager)
        for customer in (self.mine, self.theirs, self.unassigned):
            self.assertIn(customer.name, content)
        # a tier filters them
        self.mine.write(
            {
                "customer_tier_computed_id": self.tier_b.id,
                "customer_tier_id": self.tier_b.id,
            }
        )
        content, __ = self._print(self.manager, tier_ids=[Command.set(self.tier_b.ids)])
        self.assertIn("Mine Print Freight", content)
        self.assertNotIn("Theirs Print Freight", content)

    def test_customers_in_the_options_follow_the_record_rules(self):
        self.authenticate(self.own.login, self.own.login)

        def report(partner_ids):
            options = {"date_from": None, "date_to": None, "partner_ids": partner_ids}
            return self.url_open(
                "/report/pdf/logistics_crm.report_customer_scorecard"
                f"?options={quote(json.dumps(options))}"
            )

        response = report([self.mine.id, self.unassigned.id])
        self.assertEqual(response.status_code, 200)
        self.assertIn("Unassigned Print Freight", response.text)
        for partner_ids, status in (
            ([self.mine.id, self.theirs.id], 403),
            ("1,2", 422),
            ([[self.mine.id]], 422),
            ([], 422),
        ):
            response = report(partner_ids)
            self.assertEqual(response.status_code, status, partner_ids)
            self.assertNotIn("scorecard_kpis", response.text)
            self.assertNotIn("900.00", response.text)

    def test_tour_the_export_dialog_closes_after_each_download(self):
        self.start_tour(
            "/odoo/customers-by-tier", "logistics_crm_export_tour", login=self.own.login
        )


@tagged("post_install", "-at_install")
class TestScorecardForTheCustomer(ScorecardPrintCase):
    """The scorecard is the document a customer receives."""

    def _html(self, partners):
        content, __ = (
            self.env["ir.actions.report"]
            .with_user(self.own)
            ._render_qweb_html(REPORT, partners.ids)
        )
        return html.fromstring(content)

    def test_the_customer_reads_resolutions_not_the_internal_analysis(self):
        page = self._html(self.mine)
        text = " ".join(page.text_content().split())
        for internal in (
            "Carrier",
            "Not analysed yet",
            "Root Cause",
            "Responsibility",
            "blame the night shift",
        ):
            self.assertNotIn(internal, text)
        [row] = page.xpath(
            f"//table[@name='complaints_list']/tbody/tr[td='{self.closed.reference}']"
        )
        self.assertIn("Replaced the crushed cartons free of charge", row.text_content())
        self.assertIn("Missing pallet label", text)
        # the company heads the document
        self.assertIn("Harbour Logistics BV", text)
        self.assertIn("12 Quay Road", text)

    def test_rows_do_not_split_across_pages(self):
        page = self._html(self.mine + self.unassigned)
        style = " ".join(" ".join(page.xpath("//style/text()")).split())
        self.assertIn(".o_logistics_scorecard tr { page-break-inside: avoid; }", style)
        self.assertIn(
            ".o_logistics_scorecard thead { display: table-header-group; }", style
        )
        sections = page.xpath("//div[contains(@class, 'o_logistics_scorecard')]")
        self.assertEqual(len(sections), 2)
        # each customer starts on a new page
        self.assertFalse(sections[0].get("style"))
        self.assertIn("page-break-before: always", sections[1].get("style"))
        for section in sections:
            self.assertTrue(section.xpath(".//table[@name='scorecard_kpis']/thead"))

    def test_the_company_heads_the_pdf_where_the_engine_allows_it(self):
        """A wkhtmltopdf built on a patched Qt prints the company in the page
        header; an unpatched one ignores page headers and prints one document
        per run only, so the company heads each scorecard in the page."""
        Report = self.env["ir.actions.report"].with_user(self.own)
        customers = self.mine + self.unassigned
        # the HTML and the pieces that _render_qweb_pdf hands to wkhtmltopdf
        content, __ = Report._render_qweb_html(
            REPORT, customers.ids, data={"report_type": "pdf"}
        )
        bodies, __, header, __, __ = Report._get_report(REPORT)._prepare_html(
            content, report_model="res.partner"
        )
        self.assertEqual(len(bodies), 1)
        shown = header if _wkhtml().is_patched_qt else bodies[0]
        text = " ".join(html.fromstring(shown).text_content().split())
        self.assertIn("Harbour Logistics BV", text)
        self.assertIn("12 Quay Road", text)
        # wkhtmltopdf prints them, each customer from a new page
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", f"http://127.0.0.1:{config['http_port']}"
        )
        with self.allow_pdf_render():
            content, report_type = Report.with_context(
                force_report_rendering=True
            )._render_qweb_pdf(REPORT, res_ids=customers.ids)
        self.assertEqual(report_type, "pdf")
        self.assertGreaterEqual(len(PdfFileReader(io.BytesIO(content)).pages), 2)
