from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import LogisticsCrmCase

RAW_EMAIL = """Return-Path: <{email_from}>
To: {to}
From: {email_from}
Subject: {subject}
Message-ID: <lcrm-{subject_id}@shipper.example.com>
Date: Tue, 24 Nov 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

Two pallets of order {order} arrived crushed at our Suzhou warehouse.
"""


class ComplaintCase(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env["logistics.complaint"]
        cls.goods = cls.env["product.product"].create(
            {"name": "Cartons", "type": "consu", "list_price": 50.0}
        )
        cls.key = cls._customer("Key Shipper", email="ops@keyshipper.example.com")
        cls.small = cls._customer("Small Shipper")
        cls._orders([(cls.key, 10000, 5), (cls.small, 10, 5)])
        cls._set_weights(revenue=1)
        cls._grade()
        cls.order = cls._goods_order(cls.key)
        cls.delivery = cls.order.picking_ids
        cls.other_order = cls._goods_order(cls.small)
        cls.stage_new = cls.env.ref("logistics_crm.complaint_stage_new")
        cls.stage_resolved = cls.env.ref("logistics_crm.complaint_stage_resolved")
        cls.stage_progress = cls.env.ref("logistics_crm.complaint_stage_in_progress")
        cls.stage_cancelled = cls.env.ref("logistics_crm.complaint_stage_cancelled")
        cls.type_damaged = cls.env.ref("logistics_crm.complaint_type_damaged")
        cls.cause_carrier = cls.env.ref("logistics_crm.complaint_cause_carrier")

    @classmethod
    def _goods_order(cls, partner, qty=10):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": cls.goods.id, "product_uom_qty": qty})
                ],
            }
        )
        order.action_confirm()
        return order

    @classmethod
    def _deliver(cls, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()

    def _complaint(self, **vals):
        return self.Complaint.create(
            {"name": "Crushed pallets", "partner_id": self.key.id, **vals}
        )


@tagged("post_install", "-at_install")
class TestComplaintEntryPoints(ComplaintCase):
    def test_back_office_form_links_the_documents(self):
        with Form(self.Complaint) as form:
            form.name = "Late truck"
            form.picking_id = self.delivery
            self.assertEqual(form.sale_order_id, self.order)
            self.assertEqual(form.partner_id, self.key)
            form.complaint_type_id = self.type_damaged
            form.root_cause_id = self.cause_carrier
            self.assertEqual(form.responsibility, "carrier")
        complaint = form.save()
        self.assertRegex(complaint.reference, r"^CMP/\d{4}/\d{5}$")
        self.assertEqual(complaint.stage_id, self.stage_new)
        self.assertEqual(complaint.commercial_partner_id, self.key)
        self.assertEqual(complaint.customer_tier_id, self.tier_a)
        self.assertTrue(complaint.is_damage)
        self.assertEqual(complaint.display_name, f"{complaint.reference} - Late truck")

    def test_from_sale_order_delivery_and_invoice_buttons(self):
        self.assertEqual(self.order.complaint_count, 0)
        action = self.order.action_view_complaints()
        self.assertEqual(action["views"], [(False, "form")])
        with Form(self.Complaint.with_context(**action["context"])) as form:
            form.name = "Missing carton"
        complaint = form.save()
        self.assertEqual(complaint.sale_order_id, self.order)
        self.order.invalidate_recordset(["complaint_count"])
        self.assertEqual(self.order.complaint_count, 1)
        self.assertIn(
            complaint,
            self.Complaint.search(self.order.action_view_complaints()["domain"]),
        )
        delivery_action = self.delivery.action_view_complaints()
        self.assertEqual(
            delivery_action["context"]["default_picking_id"], self.delivery.id
        )
        invoice = self._invoice(self.key, 100, 1, -30)
        invoice_action = invoice.action_view_complaints()
        self.assertEqual(invoice_action["context"]["default_invoice_id"], invoice.id)
        self.assertEqual(self.key.complaint_count, 1)

    def test_from_an_email_to_the_alias(self):
        alias = self._complaint_alias()
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.logistics_complaint_alias_name, "complaints")
        settings.logistics_complaint_alias_name = "claims"
        settings.execute()
        self.assertEqual(alias.alias_name, "claims")
        raw = RAW_EMAIL.format(
            email_from="Key Ops <ops@keyshipper.example.com>",
            to="claims@freight.example.com",
            subject="Crushed pallets on delivery",
            subject_id="1",
            order=self.order.name,
        )
        self.env["mail.thread"].message_process(False, raw)
        complaint = self.Complaint.search(
            [("name", "=", "Crushed pallets on delivery")]
        )
        self.assertEqual(len(complaint), 1)
        # a known sender's contact is linked, but the From: header proves
        # nothing: an employee confirms the complaint
        self.assertEqual(complaint.partner_id, self.key)
        self.assertTrue(complaint.to_confirm)
        self.assertIn("arrived crushed", complaint.description)
        self.assertEqual(complaint.priority, "2")
        # no key-account manager, salesperson or default responsible: a
        # Logistics CRM administrator owns it (see test_complaint_owner)
        self.assertEqual(complaint.user_id, self.env.ref("base.user_admin"))
        complaint.action_confirm_intake()
        self.assertFalse(complaint.to_confirm)
        # an unknown sender creates no contact: the address stays on the
        # complaint until an employee links the customer
        partners = self.env["res.partner"].search_count([])
        raw = RAW_EMAIL.format(
            email_from="New Shipper <claims@newshipper.example.com>",
            to="claims@freight.example.com",
            subject="Wrong invoice",
            subject_id="2",
            order="-",
        )
        self.env["mail.thread"].message_process(False, raw)
        unknown = self.Complaint.search([("name", "=", "Wrong invoice")])
        self.assertFalse(unknown.partner_id)
        self.assertTrue(unknown.to_confirm)
        self.assertIn("claims@newshipper.example.com", unknown.email_from)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_key_account_tier_defaults_to_high_priority(self):
        self.assertEqual(self._complaint().priority, "2")
        small = self.Complaint.create({"name": "Late", "partner_id": self.small.id})
        self.assertEqual(small.priority, "1")
        self.tier_d.complaint_priority = "0"
        small = self.Complaint.create({"name": "Late", "partner_id": self.small.id})
        self.assertEqual(small.priority, "0")
        explicit = self._complaint(priority="3")
        self.assertEqual(explicit.priority, "3")


@tagged("post_install", "-at_install")
class TestComplaintRules(ComplaintCase):
    def test_documents_of_another_customer_are_refused(self):
        count = self.Complaint.search_count([])
        with self.assertRefused(ValidationError, "do not belong to Key Shipper"):
            self._complaint(sale_order_id=self.other_order.id)
        with self.assertRefused(ValidationError, "do not belong"):
            self._complaint(picking_id=self.other_order.picking_ids.id)
        foreign_invoice = self._invoice(self.small, 10, 1, -30)
        with self.assertRefused(ValidationError, "do not belong"):
            self._complaint(invoice_id=foreign_invoice.id)
        self.assertEqual(self.Complaint.search_count([]), count)

    def test_negative_amounts_are_refused(self):
        for field in ("damaged_qty", "claim_amount", "compensation_amount"):
            with self.assertRefused(ValidationError, "cannot be negative"):
                self._complaint(**{field: -1})
        complaint = self._complaint(claim_amount=100)
        with self.assertRefused(ValidationError, "cannot be negative"):
            complaint.compensation_amount = -5
        self.assertEqual(complaint.compensation_amount, 0)

    def test_closing_requires_root_cause_and_resolution(self):
        complaint = self._complaint()
        with self.assertRefused(ValidationError, "a root cause and a resolution"):
            complaint.stage_id = self.stage_resolved
        self.assertEqual(complaint.stage_id, self.stage_new)
        self.assertFalse(complaint.date_closed)
        complaint.root_cause_id = self.cause_carrier
        with self.assertRefused(ValidationError, "a resolution"):
            complaint.stage_id = self.stage_resolved
        complaint.write(
            {"resolution": "Replacement shipped", "stage_id": self.stage_resolved.id}
        )
        self.assertTrue(complaint.date_closed)
        complaint.stage_id = self.stage_progress
        self.assertFalse(complaint.date_closed)

    def test_cancelling_needs_no_resolution_nor_rating(self):
        complaint = self._complaint()
        complaint.stage_id = self.stage_cancelled
        self.assertTrue(complaint.date_closed)
        self.assertFalse(complaint.rating_ids)


@tagged("post_install", "-at_install")
class TestComplaintRatingAndCompensation(ComplaintCase):
    def _close(self, complaint):
        complaint.write(
            {
                "root_cause_id": self.cause_carrier.id,
                "resolution": "Goods replaced free of charge",
                "stage_id": self.stage_resolved.id,
            }
        )

    def test_closing_asks_for_a_rating_that_rolls_up_to_the_customer(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Key buyer",
                "parent_id": self.key.id,
                "email": "buyer@key.example.com",
            }
        )
        happy = self._complaint(partner_id=contact.id)
        unhappy = self._complaint()
        self._close(happy)
        self._close(unhappy)
        request = happy.rating_ids
        self.assertEqual(len(request), 1)
        self.assertEqual(request.partner_id, contact)
        self.assertEqual(request.parent_res_model, "res.partner")
        self.assertEqual(request.parent_res_id, self.key.id)
        self.assertIn(
            f"/rate/{request.access_token}/5",
            happy.message_ids.filtered(lambda m: "rate" in (m.body or "")).body,
        )
        happy.rating_apply(5, token=request.access_token, feedback="Fast and fair")
        unhappy.rating_apply(1, token=unhappy.rating_ids.access_token)
        self.key.invalidate_recordset()
        self.assertEqual(self.key.complaint_satisfaction, 50.0)
        self.assertEqual(self.key.complaint_rated_count, 2)
        self.assertEqual(contact.complaint_satisfaction, 50.0)
        # a complaint closed twice asks once
        happy.stage_id = self.stage_progress
        self._close(happy)
        self.assertEqual(len(happy.rating_ids), 1)

    def test_credit_note_is_created_once(self):
        invoice = self._invoice(self.key, 500, 3, -27)
        complaint = self._complaint(invoice_id=invoice.id)
        with self.assertRefused(UserError, "compensation amount"):
            complaint.action_create_credit_note()
        complaint.compensation_amount = 150
        action = complaint.action_create_credit_note()
        credit_note = complaint.credit_note_id
        self.assertEqual(action["res_id"], credit_note.id)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "draft")
        self.assertEqual(credit_note.amount_total, 150)
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.commercial_partner_id, self.key)
        again = complaint.action_create_credit_note()
        self.assertEqual(again["res_id"], credit_note.id)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("reversed_entry_id", "=", invoice.id)]
            ),
            1,
        )

    def test_credit_note_without_invoice_goes_to_the_customer(self):
        complaint = self._complaint(compensation_amount=80)
        complaint.action_create_credit_note()
        self.assertEqual(complaint.credit_note_id.partner_id, self.key)
        self.assertFalse(complaint.credit_note_id.reversed_entry_id)

    def test_return_is_created_once_from_the_delivery(self):
        order = self._goods_order(self.key, qty=5)
        delivery = order.picking_ids
        complaint = self._complaint(picking_id=delivery.id, damaged_qty=2)
        with self.assertRefused(UserError, "not done yet"):
            complaint.action_create_return()
        self._deliver(delivery)
        action = complaint.action_create_return()
        self.assertEqual(action["res_model"], "stock.return.picking")
        wizard = Form(
            self.env["stock.return.picking"].with_context(**action["context"])
        ).save()
        wizard.product_return_moves.quantity = 2
        wizard.action_create_returns()
        self.assertTrue(complaint.return_picking_id)
        self.assertEqual(complaint.return_picking_id.picking_type_code, "incoming")
        self.assertEqual(complaint.return_picking_id.move_ids.product_uom_qty, 2)
        again = complaint.action_create_return()
        self.assertEqual(again["res_model"], "stock.picking")
        self.assertEqual(again["res_id"], complaint.return_picking_id.id)


@tagged("post_install", "-at_install")
class TestComplaintGradingAndAccess(ComplaintCase):
    def test_complaints_per_order_lower_the_grade(self):
        self._set_weights(complaints=1)
        self._complaint()
        self._complaint()
        self._complaint(stage_id=self.stage_cancelled.id)
        self._grade()
        # key: 2 orders (one service, one goods) and 2 counted complaints
        self.assertEqual(self.key.customer_complaint_ratio, 1.0)
        self.assertEqual(self.small.customer_complaint_ratio, 0.0)
        self.assertEqual(self.key.customer_complaint_score, 0.0)
        self.assertEqual(self.small.customer_score, 100.0)
        history = self.env["logistics.grade.history"].search(
            [("partner_id", "=", self.key.id)], limit=1
        )
        self.assertEqual(history.complaint_ratio, 1.0)

    def test_access_rights(self):
        employee = new_test_user(self.env, "lcrm_c_employee", groups="base.group_user")
        salesman = new_test_user(
            self.env, "lcrm_c_sales", groups="sales_team.group_sale_salesman"
        )
        complaint = self._complaint()
        with self.assertRaises(AccessError):
            complaint.with_user(employee).read(["name"])
        with self.assertRaises(AccessError):
            self.Complaint.with_user(employee).create(
                {"name": "X", "partner_id": self.key.id}
            )
        mine = self.Complaint.with_user(salesman).create(
            {"name": "Filed by sales", "partner_id": self.key.id}
        )
        self.assertEqual(mine.user_id, salesman)
        with self.assertRaises(AccessError):
            mine.unlink()
        with self.assertRaises(AccessError):
            self.type_damaged.with_user(salesman).write({"name": "Broken"})
        with self.assertRaises(AccessError):
            self.stage_new.with_user(salesman).unlink()

    def test_other_company_does_not_see_complaints(self):
        other = self.env["res.company"].create({"name": "Other Freight"})
        outsider = new_test_user(
            self.env,
            "lcrm_c_outsider",
            groups="logistics_crm.logistics_crm_group_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        complaint = self._complaint()
        self.assertFalse(self.Complaint.with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            complaint.with_user(outsider).read(["name"])
