"""Scorecards, grade history, and exports show each user what
Odoo's own roles allow: a salesperson limited to his own documents sees his
customers only, a wizard is its user's own, the Excel file holds no formula,
the background queue survives a failing export and a period is capped."""

import inspect
import io
import json
from urllib.parse import quote

from openpyxl import load_workbook

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import SQL

from .common import LogisticsCrmCase
from .test_grading_background import BusMixin

REPORT_URL = "/report/pdf/logistics_crm.report_customer_scorecard/"
SCORECARD = "logistics.customer.scorecard"
HISTORY = "logistics.grade.history"
EXPORT = "logistics.scorecard.export"
REPORT = "report.logistics_crm.report_customer_scorecard"


def _workbook(attachment):
    return load_workbook(io.BytesIO(attachment.raw))


def _customer_names(book, sheet="Summary"):
    return {row[0].value for row in book[sheet].iter_rows(min_row=2)}


class SalespeopleCase(LogisticsCrmCase):
    """Three customers: one of salesperson A, one of salesperson B, one with
    no salesperson, each with a confirmed order and a grade."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_a = new_test_user(
            cls.env, "sec_own_a", groups="sales_team.group_sale_salesman"
        )
        cls.own_b = new_test_user(
            cls.env, "sec_own_b", groups="sales_team.group_sale_salesman"
        )
        cls.all_docs = new_test_user(
            cls.env,
            "sec_all_docs",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.sale_manager = new_test_user(
            cls.env, "sec_sale_manager", groups="sales_team.group_sale_manager"
        )
        cls.mine = cls._customer("Mine Freight", user_id=cls.own_a.id)
        cls.theirs = cls._customer("Theirs Freight", user_id=cls.own_b.id)
        cls.unassigned = cls._customer("Unassigned Freight")
        cls.customers = cls.mine + cls.theirs + cls.unassigned
        cls._orders([(cls.mine, 100, 5), (cls.theirs, 900, 5), (cls.unassigned, 40, 5)])
        cls._set_weights(revenue=1)
        cls._grade()

    def _seen(self, user, model):
        return (
            self.env[model]
            .with_user(user)
            .search([("partner_id", "in", self.customers.ids)])
            .partner_id
        )


@tagged("post_install", "-at_install")
class TestSalespersonRules(SalespeopleCase):
    def test_own_documents_salesperson_sees_his_and_unassigned_customers(self):
        for model in (SCORECARD, HISTORY):
            self.assertEqual(
                self._seen(self.own_a, model), self.mine + self.unassigned, model
            )
            self.assertEqual(
                self._seen(self.own_b, model), self.theirs + self.unassigned, model
            )
        # grouped reads (list totals, pivot, graph) add up his rows only
        Scorecard = self.env[SCORECARD].with_user(self.own_a)
        [(revenue,)] = Scorecard._read_group(
            [("partner_id", "in", self.customers.ids)], [], ["revenue:sum"]
        )
        self.assertEqual(revenue, 140.0)
        # the scorecard panel and the grade count of another's customer
        kpis, __ = Scorecard._panel_lines(self.theirs, self.company)
        self.assertFalse(kpis["order_count"])
        self.assertFalse(kpis["revenue"])
        kpis, __ = Scorecard._panel_lines(self.mine, self.company)
        self.assertEqual(kpis["order_count"], 1)
        self.assertEqual(
            self.theirs.with_user(self.own_a).customer_grade_history_count, 0
        )
        self.assertEqual(
            self.mine.with_user(self.own_a).customer_grade_history_count, 1
        )

    def test_all_documents_salespeople_and_managers_see_every_customer(self):
        for user in (self.all_docs, self.sale_manager):
            for model in (SCORECARD, HISTORY):
                self.assertEqual(self._seen(user, model), self.customers, model)

    def test_report_refuses_another_salespersons_customer(self):
        Report = self.env[REPORT].with_user(self.own_a)
        with self.assertRefused(AccessError, "Theirs Freight"):
            Report._get_report_values((self.mine + self.theirs).ids, {})
        values = Report._get_report_values((self.mine + self.unassigned).ids, {})
        self.assertEqual(values["docs"], self.mine + self.unassigned)
        values = (
            self.env[REPORT]
            .with_user(self.all_docs)
            ._get_report_values(self.theirs.ids, {})
        )
        self.assertEqual(values["scorecards"][0]["kpis"]["revenue"], 900.0)
        # an employee without the app gets nothing, whatever the customer
        employee = new_test_user(self.env, "sec_employee", groups="base.group_user")
        with self.assertRefused(AccessError, "Logistics CRM users"):
            self.env[REPORT].with_user(employee)._get_report_values(
                self.unassigned.ids, {}
            )

    def test_excel_export_lists_his_customers_only(self):
        Export = self.env[EXPORT].with_user(self.own_a)
        wizard = Export.create({})
        action = wizard.action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        book = _workbook(wizard.attachment_id)
        for sheet in ("Summary", "Monthly"):
            names = _customer_names(book, sheet) & set(self.customers.mapped("name"))
            self.assertEqual(names, {"Mine Freight", "Unassigned Freight"}, sheet)
        action = wizard.action_print_pdf()
        self.assertNotIn(self.theirs.id, action["context"]["active_ids"])
        self.assertIn(self.mine.id, action["context"]["active_ids"])
        # another's customer chosen by hand is refused, not silently dropped
        chosen = Export.create({"partner_ids": [Command.set(self.theirs.ids)]})
        with self.assertRefused(AccessError, "Theirs Freight"):
            chosen.action_export_xlsx()
        with self.assertRefused(AccessError, "Theirs Freight"):
            chosen.action_print_pdf()
        # the manager's file lists all three
        wizard = self.env[EXPORT].with_user(self.sale_manager).create({})
        wizard.action_export_xlsx()
        self.assertLessEqual(
            set(self.customers.mapped("name")),
            _customer_names(_workbook(wizard.attachment_id)),
        )

    def test_background_export_is_built_with_the_requesters_rights(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "logistics_crm.export_sync_limit", "1"
        )
        wizard = self.env[EXPORT].with_user(self.own_a).create({})
        wizard.action_export_xlsx()
        self.assertEqual(wizard.state, "queued")
        # the cron runs as the superuser
        self.env[EXPORT]._cron_build_queued_exports()
        self.assertEqual(wizard.state, "done")
        names = _customer_names(_workbook(wizard.attachment_id))
        self.assertIn("Mine Freight", names)
        self.assertNotIn("Theirs Freight", names)


@tagged("post_install", "-at_install")
class TestSalespersonRulesHttp(HttpCase, SalespeopleCase):
    """The same, as the web client and an RPC client ask for it."""

    def _report(self, user, partners, options=None):
        self.authenticate(user.login, user.login)
        url = REPORT_URL + ",".join(map(str, partners.ids))
        if options is not None:
            url += "?options=" + quote(json.dumps(options))
        return self.url_open(url)

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_pdf_of_another_salespersons_customer_is_refused(self):
        response = self._report(self.own_a, self.mine)
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"Mine Freight", response.content)
        for partners in (self.theirs, self.mine + self.theirs):
            response = self._report(self.own_a, partners)
            self.assertEqual(response.status_code, 403)
            self.assertNotIn(b"900.00", response.content)
        for user in (self.all_docs, self.sale_manager):
            response = self._report(user, self.mine + self.theirs)
            self.assertEqual(response.status_code, 200, user.login)
            self.assertIn(b"Mine Freight", response.content)
            self.assertIn(b"Theirs Freight", response.content)

    def test_rpc_reads_return_his_customers_only(self):
        self.authenticate(self.own_a.login, self.own_a.login)
        domain = [("partner_id", "in", self.customers.ids)]
        for model in (SCORECARD, HISTORY):
            rows = self._rpc(model, "search_read", domain, fields=["partner_id"])
            self.assertEqual(
                {row["partner_id"][0] for row in rows},
                {self.mine.id, self.unassigned.id},
                model,
            )
        groups = self._rpc(
            SCORECARD,
            "formatted_read_group",
            domain,
            groupby=["partner_id"],
            aggregates=["revenue:sum"],
        )
        self.assertEqual(sum(group["revenue:sum"] for group in groups), 140.0)


@tagged("post_install", "-at_install")
class TestScorecardPeriodHttp(HttpCase, SalespeopleCase):
    """The report route takes its period from the URL: it is checked there."""

    def _report(self, options, converter="pdf"):
        self.authenticate(self.sale_manager.login, self.sale_manager.login)
        return self.url_open(
            f"/report/{converter}/logistics_crm.report_customer_scorecard/"
            f"{self.mine.id}?options={quote(json.dumps(options))}"
        )

    def test_the_period_is_capped(self):
        for converter in ("pdf", "html"):
            for options, message in (
                (
                    {"date_from": "0001-01-01", "date_to": "9999-12-31"},
                    "must lie between",
                ),
                ({"date_from": "2023-01-01", "date_to": "2026-01-31"}, "at most 36"),
                ({"date_from": "the beginning"}, "invalid date"),
                ({"date_from": 20230101}, "invalid date"),
            ):
                response = self._report(options, converter)
                self.assertEqual(response.status_code, 422, (converter, options))
                self.assertIn(message, response.text)
                self.assertNotIn("Mine Freight", response.text)
        response = self._report({"date_from": "2023-01-01", "date_to": "2025-12-31"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text.count("data-month="), 36)


@tagged("post_install", "-at_install")
class TestScorecardPeriod(LogisticsCrmCase):
    def test_export_period_is_capped(self):
        Export = self.env[EXPORT]
        wizard = Export.create({"date_from": "2020-01-15", "date_to": "2022-12-01"})
        self.assertEqual(wizard._period()[1], fields.Date.to_date("2022-12-31"))
        for dates, message in (
            (("2020-01-01", "2023-01-01"), "at most 36 months"),
            (("0001-01-01", "0002-01-01"), "must lie between"),
            (("2099-12-01", "9999-12-31"), "must lie between"),
            (("2022-02-01", "2022-01-01"), "ends .* before it starts"),
        ):
            with self.assertRefused(ValidationError, message):
                Export.create({"date_from": dates[0], "date_to": dates[1]})
        with (
            self.assertRefused(ValidationError, "at most 36 months"),
            self.env.cr.savepoint(),
        ):
            wizard.date_to = "2023-01-01"
        self.assertEqual(wizard.date_to, fields.Date.to_date("2022-12-01"))

    def test_report_period_is_capped(self):
        Report = self.env[REPORT]
        partner = self._customer("Period Freight")
        for data, message in (
            ({"date_from": "0001-01-01", "date_to": "9999-12-31"}, "must lie between"),
            ({"date_from": "2020-01-01", "date_to": "2024-12-31"}, "at most 36"),
            ({"date_to": "2025-13-45"}, "invalid date"),
        ):
            with self.assertRefused(ValidationError, message):
                Report._get_report_values(partner.ids, data)


@tagged("post_install", "-at_install")
class TestExcelFormulaInjection(LogisticsCrmCase):
    NAMES = (
        '=HYPERLINK("http://x.example","click")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "http://x.example/pay",
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = [cls._customer(name) for name in cls.NAMES]
        cls._orders([(customer, 100, 5) for customer in cls.customers])

    def test_customer_names_are_written_as_text(self):
        wizard = self.env[EXPORT].create(
            {"partner_ids": [Command.set([c.id for c in self.customers])]}
        )
        wizard.action_export_xlsx()
        book = _workbook(wizard.attachment_id)
        for sheet in ("Summary", "Monthly"):
            cells = [row[0] for row in book[sheet].iter_rows(min_row=2)]
            self.assertEqual(sorted(c.value for c in cells), sorted(self.NAMES))
            for cell in cells:
                self.assertEqual(cell.data_type, "s", f"{sheet}: {cell.value}")
                self.assertIsNone(cell.hyperlink, f"{sheet}: {cell.value}")


@tagged("post_install", "-at_install")
class TestWizardOwnership(HttpCase, LogisticsCrmCase):
    """An export is its user's own: a colleague of the same
    company neither reads, changes nor uses it, nor downloads its file."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = new_test_user(
            cls.env, "sec_owner", groups="logistics_crm.logistics_crm_group_user"
        )
        cls.colleague = new_test_user(
            cls.env, "sec_colleague", groups="logistics_crm.logistics_crm_group_user"
        )
        customer = cls._customer("Owned Freight")
        cls._orders([(customer, 100, 5)])
        cls.env.flush_all()
        cls.export = (
            cls.env[EXPORT]
            .with_user(cls.owner)
            .create({"partner_ids": [Command.set(customer.ids)]})
        )
        cls.url = cls.export.action_export_xlsx()["url"]

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_a_colleague_cannot_use_someone_elses_wizard(self):
        self.authenticate(self.colleague.login, self.colleague.login)
        for model, record, fname, values in (
            (EXPORT, self.export, "attachment_id", {"date_to": "2025-01-31"}),
        ):
            self.assertFalse(self._rpc(model, "search", [("id", "=", record.id)]))
            for method, args in (
                ("read", [[record.id], [fname]]),
                ("web_read", [[record.id], {fname: {}}]),
                ("write", [[record.id], values]),
            ):
                with self.assertRaisesRegex(JsonRpcException, "AccessError"):
                    self._rpc(model, method, *args)
        for method in ("action_export_xlsx", "action_print_pdf"):
            with self.assertRaisesRegex(JsonRpcException, "AccessError"):
                self._rpc(EXPORT, method, [self.export.id])
        response = self.url_open(self.url, allow_redirects=False)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotEqual(response.content[:2], b"PK")
        # the owner still has both
        self.authenticate(self.owner.login, self.owner.login)
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content[:2], b"PK")

    def test_public_methods_are_the_audited_ones(self):
        """Any public method is callable over RPC by whoever reads the record:
        the README lists these, with who may call them."""
        audited = {
            EXPORT: {"action_export_xlsx", "action_print_pdf"},
            SCORECARD: set(),
            HISTORY: set(),
            "logistics.grading.policy": {"action_compute_grades"},
            "logistics.customer.tier": {"action_view_customers"},
            REPORT: set(),
        }
        for model, expected in audited.items():
            public = {
                name
                for cls in type(self.env[model]).__mro__
                if getattr(cls, "_module", None) == "logistics_crm"
                for name, attr in vars(cls).items()
                if not name.startswith("_")
                and (
                    inspect.isfunction(attr)
                    or isinstance(attr, (staticmethod, classmethod))
                )
            }
            self.assertEqual(public, expected, model)
        # a private method is out of RPC's reach, whoever asks
        self.authenticate(self.owner.login, self.owner.login)
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._rpc(EXPORT, "_cron_build_queued_exports")
        # regrading is for administrators only
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._rpc(
                "logistics.grading.policy", "action_compute_grades", [self.policy.id]
            )
        # the tier's button only returns the customers' list action
        tier = self.env.ref("logistics_crm.customer_tier_a")
        action = self._rpc(
            "logistics.customer.tier", "action_view_customers", [tier.id]
        )
        self.assertEqual(action["res_model"], "res.partner")


@tagged("post_install", "-at_install")
class TestExportQueue(BusMixin, LogisticsCrmCase):
    """Exports queued for the background cron, one of which fails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alice = new_test_user(
            cls.env, "sec_queue_a", groups="logistics_crm.logistics_crm_group_user"
        )
        cls.bob = new_test_user(
            cls.env, "sec_queue_b", groups="logistics_crm.logistics_crm_group_user"
        )
        cls.other_company = cls.env["res.company"].create({"name": "Queue Freight 2"})
        customer = cls._customer("Queued Freight")
        cls._orders([(customer, 100, 5)])
        cls.env["ir.config_parameter"].sudo().set_param(
            "logistics_crm.export_sync_limit", "0"
        )
        cls.cron = cls.env.ref("logistics_crm.ir_cron_scorecard_exports")

    def _queue(self, user):
        wizard = self.env[EXPORT].with_user(user).create({})
        wizard.action_export_xlsx()
        self.assertEqual(wizard.state, "queued")
        return wizard.sudo()

    def _run_cron(self):
        """One run of the cron as the scheduler runs it: in its own
        transaction, committing its progress."""
        with self.enter_registry_test_mode():
            self.assertIs(self.cron.method_direct_trigger(), True)
        self.env.invalidate_all()

    def _attachments(self, wizards):
        return self.env["ir.attachment"].search(
            [("res_model", "=", EXPORT), ("res_id", "in", wizards.ids)]
        )

    def test_a_failing_export_does_not_block_the_queue(self):
        legacy = self._queue(self.alice)
        # queued before periods were capped: a period no scorecard covers
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE logistics_scorecard_export "
                "SET date_from = '0001-01-01', date_to = '9999-12-31' WHERE id = %s",
                legacy.id,
            )
        )
        moved = self._queue(self.bob)
        # meanwhile Bob moves to the other company
        self.bob.write(
            {
                "company_ids": [Command.set(self.other_company.ids)],
                "company_id": self.other_company.id,
            }
        )
        good = self._queue(self.alice)
        self.env.invalidate_all()

        self._run_cron()
        self.assertEqual(
            (legacy.state, moved.state, good.state), ("failed", "failed", "done")
        )
        self.assertRegex(legacy.error_message, "must lie between")
        self.assertRegex(moved.error_message, "unauthorized or invalid companies")
        self.assertEqual(self._attachments(legacy + moved + good), good.attachment_id)
        failures = self._bus_messages(self.alice, "simple_notification")
        self.assertEqual(
            [m["payload"]["message"] for m in failures], [legacy.error_message]
        )
        self.assertEqual(failures[0]["payload"]["type"], "danger")
        [ready] = self._bus_messages(self.alice, "logistics_crm_export_ready")
        self.assertIn(f"/web/content/{good.attachment_id.id}", ready["payload"]["url"])
        self.assertEqual(len(self._bus_messages(self.bob, "simple_notification")), 1)

        # the next run retries nothing
        self._run_cron()
        self.assertEqual(
            (legacy.state, moved.state, good.state), ("failed", "failed", "done")
        )
        self.assertEqual(len(self._attachments(legacy + moved + good)), 1)
        self.assertEqual(len(self._bus_messages(self.alice, "simple_notification")), 1)

    def test_an_export_without_its_requester_is_not_built(self):
        orphan = self._queue(self.alice)
        # what deleting the user leaves behind (create_uid ON DELETE SET NULL)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE logistics_scorecard_export SET create_uid = NULL WHERE id = %s",
                orphan.id,
            )
        )
        self.env.invalidate_all()
        self.env[EXPORT]._cron_build_queued_exports()
        self.assertEqual(orphan.state, "failed")
        self.assertRegex(orphan.error_message, "no longer exists")
        self.assertFalse(self._attachments(orphan))
