"""Issue #13, complaints and SLA: what a portal customer, an e-mail sender,
a third party in copy, a Logistics CRM administrator and another company may
do to complaints, their stages and causes, and SLA statuses, tried the way
each of them would (ORM as the user, JSON-RPC, HTTP)."""

import re

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, JsonRpcException, freeze_time, new_test_user, tagged

from .common import LogisticsCrmCase
from .test_sla import SlaCase, at

RAW_EMAIL = """Return-Path: <{email_from}>
To: complaints@freight.example.com
From: {email_from}
Subject: {subject}
Message-ID: <lcrm-sec-{subject_id}@sender.example.com>
Date: Mon, 23 Nov 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Your driver dropped two pallets. We will deduct the damage.
"""


class IntakeCase(SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._complaint_alias()
        cls.key_contact = cls.env["res.partner"].create(
            {
                "name": "Key operations",
                "parent_id": cls.key.id,
                "email": "ops@key.example.com",
            }
        )
        cls.key_portal = new_test_user(
            cls.env,
            "lcrm_sec_portal",
            groups="base.group_portal",
            partner_id=cls.key_contact.id,
            email="ops@key.example.com",
        )
        cls.employee = new_test_user(
            cls.env,
            "lcrm_sec_user",
            groups="logistics_crm.logistics_crm_group_user",
        )

    def _receive(self, email_from, subject):
        self.env["mail.thread"].message_process(
            False,
            RAW_EMAIL.format(
                email_from=email_from,
                subject=subject,
                subject_id=re.sub(r"\W", "", subject),
            ),
        )
        complaint = self.Complaint.search([("name", "=", subject)])
        self.assertEqual(len(complaint), 1)
        return complaint


@tagged("post_install", "-at_install")
class TestComplaintEmailIntake(IntakeCase):
    def test_unknown_sender_creates_no_contact(self):
        partners = self.env["res.partner"].with_context(active_test=False)
        count = partners.search_count([])
        with freeze_time(at(0, 9)):
            complaint = self._receive(
                "Anyone <anyone@unknown.example.com>", "Pallets dropped"
            )
        self.assertEqual(partners.search_count([]), count)
        self.assertFalse(
            partners.search([("email", "ilike", "anyone@unknown.example.com")])
        )
        self.assertFalse(complaint.partner_id)
        self.assertTrue(complaint.to_confirm)
        self.assertIn("anyone@unknown.example.com", complaint.email_from)
        self.assertFalse(complaint.sla_status_ids)
        self.assertIn(complaint, self.Complaint.search([("to_confirm", "=", True)]))
        # confirming needs the customer, whatever the path
        with self.assertRefused(UserError, "Link the customer of .* before"):
            complaint.with_user(self.employee).action_confirm_intake()
        with self.assertRefused(ValidationError, "needs a customer"):
            complaint.with_user(self.employee).to_confirm = False
        self.assertTrue(complaint.to_confirm)
        with self.assertRefused(ValidationError, "needs a customer"):
            self.Complaint.create({"name": "No customer"})

    def test_confirming_starts_the_sla_from_the_reporting_date(self):
        with freeze_time(at(0, 9)):
            complaint = self._receive(
                "Anyone <anyone@unknown.example.com>", "Pallets dropped"
            )
        with freeze_time(at(0, 10)):
            complaint.stage_id = self.stage_progress
        self.assertFalse(complaint.sla_status_ids)
        with freeze_time(at(0, 11)):
            complaint.with_user(self.employee).write({"partner_id": self.key.id})
            complaint.with_user(self.employee).action_confirm_intake()
        self.assertFalse(complaint.to_confirm)
        response = self._status(complaint, "response")
        resolution = self._status(complaint, "resolution")
        self.assertEqual(response.date_start, at(0, 9))
        self.assertEqual(resolution.date_start, at(0, 9))
        self.assertEqual(resolution.deadline, at(2, 9))  # 16h, key account
        self.assertEqual(resolution.state, "ongoing")
        # it left the first stage before it was confirmed: answered by then
        self.assertEqual(response.state, "reached")
        self.assertEqual(response.reached_on, at(0, 11))
        with self.assertRefused(UserError, "cannot be sent back to confirmation"):
            complaint.to_confirm = True

    def test_spoofed_customer_counts_nowhere_until_confirmed(self):
        """Anyone can write the customer's address in From:. The contact is
        linked but the complaint stays out of every figure and off the
        customer's portal until an employee confirms it."""
        self._set_weights(complaints=1)
        complaint = self._receive("Key Ops <ops@key.example.com>", "Spoofed claim")
        self.assertEqual(complaint.partner_id, self.key_contact)
        self.assertTrue(complaint.to_confirm)
        self.assertFalse(complaint.sla_status_ids)
        Scorecard = self.env["logistics.customer.scorecard"]
        Report = self.env["report.logistics_crm.report_customer_scorecard"]
        today = fields.Date.context_today(complaint)

        def figures():
            self._grade()
            self.env.flush_all()
            self.env.invalidate_all()
            rows = Scorecard.search([("partner_id", "=", self.key.id)])
            __, listed = Report._scorecard_complaints(
                self.key, self.company, today.replace(day=1), today
            )
            return {
                "grade": self.key.customer_complaint_ratio,
                "scorecard": sum(rows.mapped("complaint_count")),
                "report": len(listed.get(self.key, [])),
                "partner": self.key.complaint_count,
                "portal": self.Complaint.with_user(self.key_portal).search_count([]),
            }

        nothing = dict.fromkeys(
            ("grade", "scorecard", "report", "partner", "portal"), 0
        )
        self.assertEqual(figures(), nothing)
        with self.assertRaises(AccessError):
            complaint.with_user(self.key_portal).read(["name"])
        complaint.with_user(self.employee).action_confirm_intake()
        self.assertTrue(complaint.sla_status_ids)
        counted = figures()
        self.assertGreater(counted.pop("grade"), 0)
        self.assertEqual(counted, dict.fromkeys(counted, 1))

    def test_confirming_needs_the_right_to_edit_the_complaint(self):
        complaint = self._receive("Key Ops <ops@key.example.com>", "Spoofed claim")
        clerk = new_test_user(self.env, "lcrm_sec_clerk", groups="base.group_user")
        for user in (clerk, self.key_portal):
            with self.assertRefused(AccessError, "allowed|access"):
                complaint.with_user(user).action_confirm_intake()
        self.assertTrue(complaint.to_confirm)
        confirmed = self.Complaint.create({"name": "Filed", "partner_id": self.key.id})
        with self.assertRefused(AccessError, "allowed|access"):
            confirmed.with_user(self.key_portal).action_confirm_intake()


@tagged("post_install", "-at_install")
class TestComplaintSlaResponse(IntakeCase):
    def test_only_an_employee_answer_reaches_the_response(self):
        with freeze_time(at(0, 9)):
            complaint = self.Complaint.create(
                {"name": "Damaged", "partner_id": self.key_contact.id}
            )
        response = self._status(complaint, "response")
        carrier = self.env["res.partner"].create(
            {"name": "Carrier dispatch", "email": "dispatch@carrier.example.com"}
        )
        complaint.message_subscribe(partner_ids=carrier.ids)
        with freeze_time(at(0, 10)):
            # the carrier in copy answers everyone, by e-mail and on the portal
            for message_type in ("email", "comment"):
                complaint.message_post(
                    body="Not our fault, the pallets were badly wrapped.",
                    author_id=carrier.id,
                    message_type=message_type,
                    subtype_xmlid="mail.mt_comment",
                )
            complaint.message_post(
                body="Any news?",
                author_id=self.key_contact.id,
                message_type="email",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(response.state, "ongoing")
        with freeze_time(at(0, 11)):
            complaint.with_user(self.employee).message_post(
                body="We are on it.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(response.state, "reached")
        self.assertEqual(response.reached_on, at(0, 11))


@tagged("post_install", "-at_install")
class TestSlaStatusEngineFields(SlaCase):
    def test_what_a_status_measures_is_read_only(self):
        manager = new_test_user(
            self.env,
            "lcrm_sec_sla_manager",
            groups="logistics_crm.logistics_crm_group_manager",
        )
        with freeze_time(at(0, 9)):
            complaint = self.Complaint.create(
                {"name": "Late", "partner_id": self.key.id}
            )
            other = self.Complaint.create(
                {"name": "Other", "partner_id": self.small.id}
            )
        order = self._goods_order(self.small)
        status = self._status(complaint, "response").with_user(manager)
        company2 = self.env["res.company"].create({"name": "Second Freight"})
        before = status.read(
            ["res_model", "res_id", "complaint_id", "partner_id", "company_id", "kind"]
        )
        for fname, value in {
            "res_model": "res.partnerr",
            "res_id": other.id,
            "complaint_id": other.id,
            "sale_order_id": order.id,
            "partner_id": self.small.id,
            "company_id": company2.id,
            "kind": "delivery",
        }.items():
            with (
                self.subTest(field=fname),
                self.assertRefused(AccessError, "cannot be changed"),
            ):
                status.write({fname: value})
        self.assertEqual(status.read(list(before[0]))[0], before[0])
        # a status is linked to its document through the complaint too
        with self.assertRefused(AccessError, "cannot be changed"):
            complaint.with_user(manager).write(
                {
                    "sla_status_ids": [
                        Command.update(status.id, {"res_model": "res.partnerr"})
                    ]
                }
            )
        # handling stays the manager's: responsible, consumed time
        status.write({"user_id": manager.id, "consumed_hours": 1.0})
        self.assertEqual(status.user_id, manager)
        with freeze_time(at(4, 9)):
            self.assertGreater(self.Status._cron_check_deadlines(), 0)
        self.assertEqual(status.state, "failed")

    def test_statuses_measure_orders_and_complaints_only(self):
        complaint = self.Complaint.create({"name": "Late", "partner_id": self.key.id})
        values = {
            "res_model": "logistics.complaint",
            "res_id": complaint.id,
            "complaint_id": complaint.id,
            "partner_id": self.key.id,
            "company_id": self.company.id,
            "policy_id": self.key_policy.id,
            "kind": "response",
            "date_start": fields.Datetime.now(),
        }
        count = self.Status.search_count([])
        for wrong, message in (
            ({"res_model": "res.partnerr"}, "sales orders and complaints only"),
            (
                {"res_model": "res.partner", "res_id": self.key.id},
                "sales orders and complaints only",
            ),
            ({"kind": "delivery"}, "does not match its document"),
            ({"res_id": complaint.id + 1000}, "does not match its document"),
        ):
            with (
                self.subTest(wrong=wrong),
                self.assertRefused(ValidationError, message),
            ):
                self.Status.sudo().create({**values, **wrong})
        self.assertEqual(self.Status.search_count([]), count)


@tagged("post_install", "-at_install")
class TestComplaintStageCompany(LogisticsCrmCase):
    """Stages, causes and types: one company's administrator changes only
    that company's own, shared ones are the settings administrator's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "Second Freight"})
        cls.manager1, cls.manager2 = (
            new_test_user(
                cls.env,
                login,
                groups="logistics_crm.logistics_crm_group_manager",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            for login, company in (
                ("lcrm_sec_mgr1", cls.company),
                ("lcrm_sec_mgr2", cls.company2),
            )
        )
        cls.sysadmin = new_test_user(
            cls.env,
            "lcrm_sec_sysadmin",
            groups="base.group_system,logistics_crm.logistics_crm_group_manager",
            company_id=cls.company.id,
            company_ids=[Command.set((cls.company | cls.company2).ids)],
        )
        cls.customer = cls._customer("Stage Shipper")
        cls.records = {}
        for model, shared in (
            ("logistics.complaint.stage", "logistics_crm.complaint_stage_new"),
            ("logistics.complaint.cause", "logistics_crm.complaint_cause_carrier"),
            ("logistics.complaint.type", "logistics_crm.complaint_type_damaged"),
        ):
            cls.records[model] = {
                "shared": cls.env.ref(shared),
                **{
                    key: cls.env[model].create(
                        {"name": f"{key} {model}", "company_id": company.id}
                    )
                    for key, company in (("c1", cls.company), ("c2", cls.company2))
                },
            }

    def test_data_stays_shared(self):
        for records in self.records.values():
            self.assertFalse(records["shared"].company_id)

    def test_administrators_edit_their_own_companys_only(self):
        for model, records in self.records.items():
            Model1 = self.env[model].with_user(self.manager1)
            with self.subTest(model=model):
                self.assertEqual(
                    Model1.search([("id", "in", [r.id for r in records.values()])]),
                    records["shared"] | records["c1"],
                )
                Model1.browse(records["c1"].id).write({"name": "Ours"})
                Model1.create(
                    {"name": "New one", "company_id": self.company.id}
                ).unlink()
                for key in ("shared", "c2"):
                    foreign = Model1.browse(records[key].id)
                    with self.assertRefused(AccessError, "allowed|access"):
                        foreign.write({"name": "Hijacked"})
                    with self.assertRefused(AccessError, "allowed|access"):
                        foreign.unlink()
                for company in (False, self.company2.id):
                    with self.assertRefused(AccessError, "allowed|access"):
                        Model1.create({"name": "Foreign", "company_id": company})
                self.assertNotEqual(records["shared"].name, "Hijacked")
                self.assertNotEqual(records["c2"].name, "Hijacked")
                self.env[model].with_user(self.sysadmin).browse(
                    records["shared"].id
                ).write({"sequence": 11})
                self.assertEqual(records["shared"].sequence, 11)
                Model2 = self.env[model].with_user(self.manager2)
                with self.assertRefused(AccessError, "allowed|access"):
                    Model2.browse(records["c1"].id).read(["name"])

    def test_complaints_use_their_companys_stages_and_causes(self):
        Stage = self.env["logistics.complaint.stage"]
        Complaint = self.env["logistics.complaint"]
        first2 = Stage.create(
            {"name": "Triage", "sequence": 1, "company_id": self.company2.id}
        )
        complaint1 = Complaint.create(
            {"name": "Company 1", "partner_id": self.customer.id}
        )
        complaint2 = Complaint.with_company(self.company2).create(
            {
                "name": "Company 2",
                "partner_id": self.customer.id,
                "company_id": self.company2.id,
            }
        )
        self.assertEqual(complaint1.stage_id, self.records[Stage._name]["shared"])
        self.assertEqual(complaint2.stage_id, first2)
        for fname, model in (
            ("stage_id", "logistics.complaint.stage"),
            ("root_cause_id", "logistics.complaint.cause"),
            ("complaint_type_id", "logistics.complaint.type"),
        ):
            with (
                self.subTest(field=fname),
                self.assertRefused(UserError, "company inconsistencies"),
            ):
                complaint1.write({fname: self.records[model]["c2"].id})
        columns = Complaint.with_company(self.company)._read_group_stage_ids(
            Stage.sudo(), []
        )
        self.assertIn(self.records[Stage._name]["c1"], columns)
        self.assertIn(self.records[Stage._name]["shared"], columns)
        self.assertNotIn(first2, columns)
        self.assertNotIn(self.records[Stage._name]["c2"], columns)


@tagged("post_install", "-at_install")
class TestComplaintSecurityHttp(HttpCase):
    """The portal customer's and the SLA manager's attacks over JSON-RPC and
    HTTP, and the portal form that must keep working."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env["logistics.complaint"]
        goods = cls.env["product.product"].create(
            {"name": "Cartons", "type": "consu", "list_price": 50.0}
        )
        cls.customer, cls.contact, cls.order = {}, {}, {}
        for key, name in (("a", "Alpha Shipper"), ("b", "Beta Shipper")):
            cls.customer[key] = cls.env["res.partner"].create(
                {"name": name, "is_company": True}
            )
            cls.contact[key] = cls.env["res.partner"].create(
                {
                    "name": f"{name} buyer",
                    "parent_id": cls.customer[key].id,
                    "email": f"buyer@sec-{key}.example.com",
                }
            )
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.customer[key].id,
                    "order_line": [
                        Command.create({"product_id": goods.id, "product_uom_qty": 4})
                    ],
                }
            )
            order.action_confirm()
            cls.order[key] = order
        cls.portal = new_test_user(
            cls.env,
            "lcrm_sec_http_portal",
            groups="base.group_portal",
            partner_id=cls.contact["a"].id,
        )
        cls.employee = new_test_user(
            cls.env,
            "lcrm_sec_http_user",
            groups="logistics_crm.logistics_crm_group_user",
        )
        cls.manager = new_test_user(
            cls.env,
            "lcrm_sec_http_manager",
            groups="logistics_crm.logistics_crm_group_manager",
        )
        cls.complaint = cls.Complaint.create(
            {
                "name": "Alpha cartons crushed",
                "partner_id": cls.contact["a"].id,
                "sale_order_id": cls.order["a"].id,
            }
        )
        cls.invoice_b = cls.env["account.move"].create(
            {"move_type": "out_refund", "partner_id": cls.customer["b"].id}
        )

    def _unconfirmed(self):
        return self.Complaint.create(
            {
                "name": "Spoofed in Alpha's name",
                "partner_id": self.contact["a"].id,
                "to_confirm": True,
            }
        )

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _assert_rpc_refused(self, model, method, *args, **kwargs):
        with self.assertRaises(JsonRpcException) as catcher:
            self._call(model, method, *args, **kwargs)
        self.assertEqual(str(catcher.exception), "odoo.exceptions.AccessError")

    def _complaints_of_a(self):
        return self.Complaint.with_context(active_test=False).search(
            [("commercial_partner_id", "=", self.customer["a"].id)]
        )

    def _file(self, **values):
        form = self.url_open("/my/complaints/new")
        self.assertEqual(form.status_code, 200)
        csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        data = {
            "csrf_token": csrf_token.group(1),
            "name": "",
            "complaint_type_id": "",
            "sale_order_id": "",
            "picking_id": "",
            "description": "",
            **values,
        }
        return self.url_open("/my/complaints/new", data=data, allow_redirects=False)

    def test_portal_rpc_create_and_write_are_refused(self):
        self._login(self.portal)
        before = self._complaints_of_a()
        mine = {"name": "Filed over RPC", "partner_id": self.contact["a"].id}
        staff_values = {
            "user_id": self.employee.id,
            "priority": "3",
            "date_reported": "2020-01-01 00:00:00",
            "compensation_amount": 5000.0,
            "root_cause_id": self.env.ref("logistics_crm.complaint_cause_carrier").id,
            "resolution": "Refund everything",
            "consignee_id": self.customer["b"].id,
            "credit_note_id": self.invoice_b.id,
            "return_picking_id": self.order["b"].picking_ids[:1].id,
        }
        self._assert_rpc_refused("logistics.complaint", "create", mine)
        for fname, value in staff_values.items():
            with self.subTest(field=fname):
                self._assert_rpc_refused(
                    "logistics.complaint", "create", {**mine, fname: value}
                )
        for values in ({"name": "Renamed"}, {"compensation_amount": 5000.0}):
            self._assert_rpc_refused(
                "logistics.complaint", "write", [self.complaint.id], values
            )
        self._assert_rpc_refused(
            "logistics.complaint", "action_create_credit_note", [self.complaint.id]
        )
        self.assertEqual(self._complaints_of_a(), before)
        self.assertEqual(self.complaint.name, "Alpha cartons crushed")
        # reading its own complaint stays allowed
        [read] = self._call(
            "logistics.complaint", "read", [self.complaint.id], ["name"]
        )
        self.assertEqual(read["name"], "Alpha cartons crushed")
        # nor can the customer confirm a complaint sent in its name
        unconfirmed = self._unconfirmed()
        for complaint in (unconfirmed, self.complaint):
            self._assert_rpc_refused(
                "logistics.complaint", "action_confirm_intake", [complaint.id]
            )
        self.assertTrue(unconfirmed.to_confirm)

    def test_portal_form_files_with_the_customers_fields_only(self):
        self._login(self.portal)
        before = self._complaints_of_a()
        response = self._file(
            name="Pallet tipped over",
            sale_order_id=str(self.order["a"].id),
            description="Two cartons wet",
            # what a crafted POST adds: ignored
            user_id=str(self.employee.id),
            priority="3",
            compensation_amount="5000",
            date_reported="2020-01-01 00:00:00",
            partner_id=str(self.customer["b"].id),
            to_confirm="1",
        )
        self.assertIn(response.status_code, (302, 303))
        complaint = self._complaints_of_a() - before
        self.assertEqual(len(complaint), 1)
        self.assertTrue(response.headers["Location"].endswith(complaint.access_url))
        self.assertEqual(complaint.name, "Pallet tipped over")
        self.assertEqual(complaint.partner_id, self.contact["a"])
        self.assertEqual(complaint.sale_order_id, self.order["a"])
        self.assertEqual(complaint.company_id, self.order["a"].company_id)
        # the default responsible, not the one the crafted POST names
        self.assertEqual(complaint.user_id, complaint._default_responsible())
        self.assertNotEqual(complaint.user_id, self.employee)
        self.assertFalse(complaint.to_confirm)
        self.assertEqual(complaint.priority, "1")
        self.assertEqual(complaint.compensation_amount, 0.0)
        self.assertGreater(
            complaint.date_reported, fields.Datetime.to_datetime("2020-01-02")
        )
        self.assertEqual(complaint.create_uid, self.portal)
        page = self.url_open(response.headers["Location"])
        self.assertIn("Pallet tipped over", page.text)

    def test_portal_chatter_still_posts_with_the_page_token(self):
        self._login(self.portal)
        page = self.url_open(self.complaint.access_url)
        self.assertEqual(page.status_code, 200)
        token = re.search(r'data-token="([^"]+)"', page.text).group(1)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "logistics.complaint",
                "thread_id": self.complaint.id,
                "post_data": {
                    "body": "Photos follow by e-mail.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                "token": token,
            },
        )
        message = self.complaint.message_ids.filtered(
            lambda m: "Photos follow" in str(m.body)
        )
        self.assertEqual(message.author_id, self.contact["a"])

    def test_non_ascii_digits_in_form_ids_get_a_form_error(self):
        self._login(self.portal)
        before = self._complaints_of_a()
        for fname, message in (
            ("picking_id", "The delivery you chose is not one of your deliveries."),
            ("sale_order_id", "The order you chose is not one of your confirmed"),
            ("complaint_type_id", "Choose the type of your complaint from the list."),
        ):
            for value in ("²", "٣", "1²", "12٣", "99999999999999999999"):
                with self.subTest(field=fname, value=value):
                    response = self._file(name="Odd id", **{fname: value})
                    self.assertNotEqual(response.status_code, 500)
                    self.assertIn(response.status_code, (200, 400))
                    if response.status_code == 200:
                        self.assertIn(message, response.text)
        self.assertEqual(self._complaints_of_a(), before)

    def test_portal_does_not_show_a_complaint_to_confirm(self):
        unconfirmed = self._unconfirmed()
        self._login(self.portal)
        listing = self.url_open("/my/complaints")
        self.assertIn("Alpha cartons crushed", listing.text)
        self.assertNotIn("Spoofed in Alpha", listing.text)
        token = unconfirmed._portal_ensure_token()
        for query in ("", f"?access_token={token}"):
            response = self.url_open(
                unconfirmed.access_url + query, allow_redirects=False
            )
            self.assertIn(response.status_code, (302, 303))
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["complaint_count"]}
        )
        self.assertEqual(counters["complaint_count"], 1)
        self._assert_rpc_refused(
            "logistics.complaint", "read", [unconfirmed.id], ["name"]
        )

    def test_sla_manager_cannot_repoint_a_status(self):
        status = self.complaint.sla_status_ids[:1]
        self.assertTrue(status)
        other = self.Complaint.create(
            {"name": "Beta's", "partner_id": self.contact["b"].id}
        )
        company2 = self.env["res.company"].create({"name": "Second Freight"})
        self._login(self.manager)
        for values in (
            {"res_model": "res.partnerr"},
            {"res_id": other.id},
            {"company_id": company2.id},
        ):
            self._assert_rpc_refused(
                "logistics.sla.status", "write", [status.id], values
            )
        self.assertEqual(status.res_model, "logistics.complaint")
        self.assertEqual(status.res_id, self.complaint.id)
