"""Issue #14, complaints have an owner: a complaint that arrives without a
responsible (customer portal, e-mail) goes to the customer's key-account
manager, else its salesperson, else the type's responsible, else the
company's default; that person follows it and gets one activity, and the SLA
alerts of a complaint without responsible go to the same person."""

import re

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, freeze_time, new_test_user, tagged

from .test_security_complaint import IntakeCase
from .test_sla import at

RAW_EMAIL = """Return-Path: <{email_from}>
To: complaints@freight.example.com
From: {email_from}
Subject: {subject}
Message-ID: <lcrm-owner-{subject_id}@sender.example.com>
Date: Mon, 23 Nov 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Two pallets arrived crushed.
"""


def arrival_activities(complaint):
    return complaint.env["mail.activity"].search(
        [
            ("res_model", "=", "logistics.complaint"),
            ("res_id", "=", complaint.id),
            (
                "activity_type_id",
                "=",
                complaint.env.ref("logistics_crm.mail_activity_type_complaint_new").id,
            ),
        ]
    )


def sla_alerts(record):
    return record.env["mail.activity"].search(
        [
            ("res_model", "=", record._name),
            ("res_id", "=", record.id),
            (
                "activity_type_id",
                "=",
                record.env.ref("mail.mail_activity_data_todo").id,
            ),
        ]
    )


@tagged("post_install", "-at_install")
class TestComplaintOwnerPortal(HttpCase):
    """The real portal form: the key-account manager of the customer gets the
    complaint, follows it and has exactly one activity, due by the response
    deadline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        goods = cls.env["product.product"].create(
            {"name": "Cartons", "type": "consu", "list_price": 50.0}
        )
        cls.manager = new_test_user(
            cls.env,
            "lcrm_owner_kam",
            groups="logistics_crm.logistics_crm_group_user",
            tz="Asia/Shanghai",
        )
        cls.salesman = new_test_user(
            cls.env, "lcrm_owner_sales", groups="sales_team.group_sale_salesman"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Alpha Shipper", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.customer.key_account_manager_id = cls.manager
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Alpha buyer",
                "parent_id": cls.customer.id,
                "email": "buyer@owner-a.example.com",
            }
        )
        cls.portal = new_test_user(
            cls.env,
            "lcrm_owner_portal",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            name="Alpha buyer",
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    Command.create({"product_id": goods.id, "product_uom_qty": 4})
                ],
            }
        )
        cls.order.action_confirm()

    def _file(self, **values):
        form = self.url_open("/my/complaints/new")
        self.assertEqual(form.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        data = {
            "csrf_token": token,
            "name": "",
            "complaint_type_id": "",
            "sale_order_id": "",
            "picking_id": "",
            "description": "",
            **values,
        }
        return self.url_open("/my/complaints/new", data=data, allow_redirects=False)

    def test_portal_complaint_goes_to_the_key_account_manager(self):
        Complaint = self.env["logistics.complaint"]
        self.authenticate(self.portal.login, self.portal.login)
        response = self._file(
            name="Pallet tipped over",
            sale_order_id=str(self.order.id),
            # a crafted responsible is ignored
            user_id=str(self.salesman.id),
        )
        self.assertIn(response.status_code, (302, 303))
        complaint = Complaint.search([("commercial_partner_id", "=", self.customer.id)])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.user_id, self.manager)
        self.assertIn(self.manager.partner_id, complaint.message_partner_ids)
        self.assertNotIn(self.salesman.partner_id, complaint.message_partner_ids)
        activity = arrival_activities(complaint)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(
            activity.summary,
            "New complaint from Alpha Shipper, Alpha buyer: Pallet tipped over",
        )
        response_status = complaint.sla_status_ids.filtered(
            lambda s: s.kind == "response"
        )
        self.assertTrue(response_status.deadline)
        self.assertEqual(
            activity.date_deadline,
            fields.Datetime.context_timestamp(
                complaint.with_context(tz="Asia/Shanghai"), response_status.deadline
            ).date(),
        )
        # told of the assignment, once
        assigned = self.env["mail.message"].search(
            [
                ("model", "=", "logistics.complaint"),
                ("res_id", "=", complaint.id),
                ("partner_ids", "in", self.manager.partner_id.ids),
            ]
        )
        self.assertEqual(len(assigned), 1)
        # never twice
        complaint._schedule_arrival_activity()
        complaint.write({"to_confirm": False, "name": "Pallet tipped over twice"})
        self.assertEqual(len(arrival_activities(complaint)), 1)
        # the customer still cannot write or assign its complaint itself
        with self.assertRaises(AccessError):
            complaint.with_user(self.portal).write({"user_id": self.salesman.id})
        self.assertEqual(complaint.user_id, self.manager)


@tagged("post_install", "-at_install")
class TestComplaintOwner(IntakeCase):
    """The precedence of the default responsible, the e-mail intake, the SLA
    alerts and the settings, in one company and across two."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env["logistics.complaint"]
        cls.kam = new_test_user(
            cls.env, "lcrm_owner_kam2", groups="logistics_crm.logistics_crm_group_user"
        )
        cls.type_user = new_test_user(
            cls.env, "lcrm_owner_type", groups="logistics_crm.logistics_crm_group_user"
        )
        cls.default_user = new_test_user(
            cls.env,
            "lcrm_owner_default",
            groups="logistics_crm.logistics_crm_group_user",
        )
        cls.clerk = new_test_user(cls.env, "lcrm_owner_clerk", groups="base.group_user")
        cls.type_damaged = cls.env.ref("logistics_crm.complaint_type_damaged")
        cls.type_late = cls.env.ref("logistics_crm.complaint_type_late")
        cls.type_damaged.user_id = cls.type_user
        cls.company.complaint_user_id = cls.default_user

    def _portal_file(self, partner, **vals):
        """What the portal form does: create as superuser for the customer,
        without a responsible."""
        return (
            self.Complaint.with_user(self.key_portal)
            .sudo()
            .create(
                {"name": "Crushed", "partner_id": partner.id, "user_id": False, **vals}
            )
        )

    def test_precedence_key_account_salesperson_type_company(self):
        self.key.write(
            {"user_id": self.salesman.id, "key_account_manager_id": self.kam.id}
        )
        complaint = self._portal_file(
            self.key_contact, complaint_type_id=self.type_damaged.id
        )
        self.assertEqual(complaint.user_id, self.kam)
        self.assertEqual(arrival_activities(complaint).user_id, self.kam)
        self.key.key_account_manager_id = False
        complaint = self._portal_file(
            self.key_contact, complaint_type_id=self.type_damaged.id
        )
        self.assertEqual(complaint.user_id, self.salesman)
        self.assertIn(self.salesman.partner_id, complaint.message_partner_ids)
        self.assertEqual(len(arrival_activities(complaint)), 1)
        # a salesperson who left is skipped
        self.salesman.action_archive()
        complaint = self._portal_file(
            self.key_contact, complaint_type_id=self.type_damaged.id
        )
        self.assertEqual(complaint.user_id, self.type_user)
        self.assertEqual(arrival_activities(complaint).user_id, self.type_user)
        complaint = self._portal_file(
            self.key_contact, complaint_type_id=self.type_late.id
        )
        self.assertEqual(complaint.user_id, self.default_user)
        self.assertEqual(arrival_activities(complaint).user_id, self.default_user)
        self.assertIn(self.default_user.partner_id, complaint.message_partner_ids)
        # no default: a Logistics CRM administrator, never nobody
        self.company.complaint_user_id = False
        complaint = self._portal_file(self.key_contact)
        self.assertTrue(complaint.user_id)
        self.assertTrue(
            complaint.user_id.has_group("logistics_crm.logistics_crm_group_manager")
        )

    def test_employee_filing_for_himself_gets_no_activity(self):
        self.key.key_account_manager_id = self.kam
        mine = self.Complaint.with_user(self.kam).create(
            {"name": "Seen at the dock", "partner_id": self.key.id}
        )
        self.assertEqual(mine.user_id, self.kam)
        self.assertFalse(arrival_activities(mine))
        # asked to leave it to the default responsible, who is himself
        mine = self.Complaint.with_user(self.kam).create(
            {"name": "Seen at the dock", "partner_id": self.key.id, "user_id": False}
        )
        self.assertEqual(mine.user_id, self.kam)
        self.assertFalse(arrival_activities(mine))
        # a colleague who chose the responsible himself: Odoo's assignment
        # notice, no arrival activity
        chosen = self.Complaint.with_user(self.employee).create(
            {
                "name": "Seen at the dock",
                "partner_id": self.key.id,
                "user_id": self.kam.id,
            }
        )
        self.assertIn(self.kam.partner_id, chosen.message_partner_ids)
        self.assertFalse(arrival_activities(chosen))

    def test_email_from_unknown_sender_goes_to_the_company_default(self):
        self.key.key_account_manager_id = self.kam
        with freeze_time(at(0, 9)):
            self.env["mail.thread"].message_process(
                False,
                RAW_EMAIL.format(
                    email_from="Anyone <anyone@owner.example.com>",
                    subject="Pallets crushed",
                    subject_id="unknown",
                ),
            )
        complaint = self.Complaint.search([("name", "=", "Pallets crushed")])
        self.assertEqual(len(complaint), 1)
        self.assertTrue(complaint.to_confirm)
        self.assertFalse(complaint.partner_id)
        self.assertEqual(complaint.user_id, self.default_user)
        self.assertIn(self.default_user.partner_id, complaint.message_partner_ids)
        activity = arrival_activities(complaint)
        self.assertEqual(activity.user_id, self.default_user)
        self.assertRegex(
            activity.summary,
            r"^New complaint from .*anyone@owner\.example\.com.*: Pallets crushed$",
        )
        # linking the customer hands it to the key-account manager, activity
        # included; confirming dates the activity by the response deadline
        with freeze_time(at(0, 10)):
            complaint.with_user(self.employee).write({"partner_id": self.key.id})
        self.assertEqual(complaint.user_id, self.kam)
        activity = arrival_activities(complaint)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.kam)
        with freeze_time(at(0, 10)):
            complaint.with_user(self.employee).action_confirm_intake()
        response = self._status(complaint, "response")
        self.assertEqual(response.deadline, at(0, 14))  # 4 working hours
        self.assertEqual(arrival_activities(complaint).date_deadline, at(0, 0).date())
        self.assertEqual(len(arrival_activities(complaint)), 1)
        # a responsible chosen by an employee is kept
        with freeze_time(at(0, 9)):
            self.env["mail.thread"].message_process(
                False,
                RAW_EMAIL.format(
                    email_from="Anyone <anyone@owner.example.com>",
                    subject="Pallets crushed again",
                    subject_id="chosen",
                ),
            )
        other = self.Complaint.search([("name", "=", "Pallets crushed again")])
        other.user_id = self.type_user
        other.with_user(self.employee).write({"partner_id": self.key.id})
        self.assertEqual(other.user_id, self.type_user)

    def test_sla_alerts_without_responsible_go_to_the_default(self):
        with freeze_time(at(0, 9)):  # response due at 14:00, warned from 12:00
            complaint = self.Complaint.create(
                {"name": "No answer", "partner_id": self.key.id, "user_id": self.kam.id}
            )
            complaint.user_id = False
        self.assertFalse(complaint.user_id)
        with freeze_time(at(0, 12, 30)):
            self.Status._cron_check_deadlines()
        self.assertEqual(self._status(complaint, "response").state, "warning")
        alert = sla_alerts(complaint)
        self.assertEqual(alert.user_id, self.default_user)
        self.assertIn("SLA at risk", alert.summary)
        with freeze_time(at(0, 15)):
            self.Status._cron_check_deadlines()
        self.assertEqual(len(sla_alerts(complaint)), 2)
        self.assertEqual(sla_alerts(complaint).user_id, self.default_user)
        # the key-account manager, once set, comes first
        self.key.key_account_manager_id = self.kam
        with freeze_time(at(0, 9)):
            complaint = self.Complaint.create(
                {"name": "Still no answer", "partner_id": self.key.id, "user_id": False}
            )
            complaint.user_id = False
        with freeze_time(at(0, 12, 30)):
            self.Status._cron_check_deadlines()
        self.assertEqual(sla_alerts(complaint).user_id, self.kam)

    def test_delivery_alerts_go_to_the_key_account_manager(self):
        self.key.key_account_manager_id = self.kam
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.key)  # due Tuesday 17:00
        with freeze_time(at(1, 15, 30)):
            self.Status._cron_check_deadlines()
        self.assertEqual(self._status(order, "delivery").state, "warning")
        self.assertEqual(sla_alerts(order).user_id, self.kam)
        self.key.key_account_manager_id = False
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.key)
        with freeze_time(at(1, 15, 30)):
            self.Status._cron_check_deadlines()
        self.assertEqual(sla_alerts(order).user_id, self.salesman)

    def test_settings_set_the_company_default(self):
        self.company.complaint_user_id = False
        settings = Form(self.env["res.config.settings"])
        settings.complaint_user_id = self.type_user
        settings.save().execute()
        self.assertEqual(self.company.complaint_user_id, self.type_user)
        with self.assertRefused(ValidationError, "choose an active internal user"):
            self.company.complaint_user_id = self.key_portal
        other = self.env["res.company"].create({"name": "Other freight"})
        stranger = new_test_user(
            self.env,
            "lcrm_owner_stranger",
            groups="logistics_crm.logistics_crm_group_user",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        with self.assertRefused(ValidationError, "choose an active internal user"):
            self.company.complaint_user_id = stranger

    def test_type_responsible_is_company_consistent(self):
        other = self.env["res.company"].create({"name": "Other freight"})
        stranger = new_test_user(
            self.env,
            "lcrm_owner_stranger2",
            groups="logistics_crm.logistics_crm_group_user",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        own_type = self.env["logistics.complaint.type"].create(
            {"name": "Customs hold", "company_id": self.company.id}
        )
        with self.assertRefused(UserError, "company"):
            own_type.user_id = stranger
        with self.assertRefused(ValidationError, "must be an internal user"):
            own_type.user_id = self.key_portal
        # a shared type's responsible outside the company is skipped
        self.type_late.user_id = stranger
        complaint = self._portal_file(
            self.key_contact, complaint_type_id=self.type_late.id
        )
        self.assertEqual(complaint.user_id, self.default_user)

    def test_key_account_manager_is_set_by_logistics_crm_users(self):
        # readable by every employee, who may get its SLA alerts
        [read] = self.key.with_user(self.clerk).read(["key_account_manager_id"])
        self.assertFalse(read["key_account_manager_id"])
        # a salesperson has no write on contacts (unless Odoo's CRM app gives
        # it, as installed here with the cross-sell bridge): the wizard sets it
        if "crm.lead" not in self.env:
            with self.assertRaises(AccessError):
                self.key.with_user(self.salesman).write(
                    {"key_account_manager_id": self.kam.id}
                )
        action_env = self.env(
            user=self.salesman,
            context={"active_model": "res.partner", "active_id": self.key_contact.id},
        )
        wizard = Form(action_env["logistics.customer.potential.wizard"])
        self.assertEqual(wizard.partner_id, self.key)
        wizard.key_account_manager_id = self.kam
        wizard.save().action_apply()
        self.assertEqual(self.key.key_account_manager_id, self.kam)
        self.assertEqual(self.key_contact.key_account_manager_id, self.kam)
        self.env.flush_all()
        self.env.cr.precommit.run()  # the chatter tracks at commit
        tracked = self.key.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "key_account_manager_id"
        )
        self.assertEqual(len(tracked), 1)
        groups = self.env["res.partner"]._read_group(
            [("id", "=", self.key.id)], ["key_account_manager_id"], ["__count"]
        )
        self.assertEqual(groups, [(self.kam, 1)])
        # a plain employee may not, nor may anyone name a customer's user
        with self.assertRaises(AccessError):
            self.env(user=self.clerk)["logistics.customer.potential.wizard"].create(
                {"partner_id": self.key.id, "key_account_manager_id": self.type_user.id}
            ).action_apply()
        wizard = action_env["logistics.customer.potential.wizard"].create(
            {"partner_id": self.key.id, "key_account_manager_id": self.key_portal.id}
        )
        with self.assertRefused(ValidationError, "choose an active internal user"):
            wizard.action_apply()
        self.assertEqual(self.key.key_account_manager_id, self.kam)

    def test_multi_company_defaults_stay_in_their_company(self):
        other = self.env["res.company"].create({"name": "Other freight"})
        other_default = new_test_user(
            self.env,
            "lcrm_owner_other_default",
            groups="logistics_crm.logistics_crm_group_user",
            company_id=other.id,
            company_ids=[Command.set((other | self.company).ids)],
        )
        other_kam = new_test_user(
            self.env,
            "lcrm_owner_other_kam",
            groups="logistics_crm.logistics_crm_group_user",
            company_id=other.id,
            company_ids=[Command.set((other | self.company).ids)],
        )
        other.complaint_user_id = other_default
        self.key.with_company(other).key_account_manager_id = other_kam
        self.assertFalse(self.key.key_account_manager_id)
        self.company.complaint_user_id = False
        complaint = self._portal_file(self.key_contact, company_id=self.company.id)
        self.assertNotIn(complaint.user_id, other_default | other_kam)
        self.assertTrue(complaint.user_id)
        self.company.complaint_user_id = self.default_user
        complaint = self._portal_file(self.key_contact, company_id=self.company.id)
        self.assertEqual(complaint.user_id, self.default_user)
        in_other = self._portal_file(self.key_contact, company_id=other.id)
        self.assertEqual(in_other.user_id, other_kam)
        self.key.with_company(other).key_account_manager_id = False
        in_other = self._portal_file(self.key_contact, company_id=other.id)
        self.assertEqual(in_other.user_id, other_default)
