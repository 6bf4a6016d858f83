"""Warehouse users report complaints from a delivery: they are the first to
see damage. They see the complaints they filed, follow them up in the chatter,
and leave the handling (responsible, stage, amounts, root cause, resolution)
to the Logistics CRM team."""

from odoo import Command, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .test_access_matrix import AccessMatrixCase

REPORT_FORM = "logistics_crm.logistics_complaint_view_form_report"


class WarehouseComplaintCase(AccessMatrixCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env, "acc_warehouse", groups="stock.group_stock_user"
        )
        cls.clerk_crm = new_test_user(
            cls.env,
            "acc_warehouse_crm",
            groups="stock.group_stock_user,logistics_crm.logistics_crm_group_user",
        )
        cls.damage = cls.env.ref("logistics_crm.complaint_type_damaged")

    def _report(self, user, picking=None, subject="Two cartons crushed at loading"):
        """Press *Report a complaint* on the delivery as ``user`` and fill in
        the form that opens; its Report button saves it."""
        picking = (picking or self.delivery).with_user(user)
        action = picking.action_report_complaint()
        form = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"]),
            view=action["views"][0][0],
        )
        form.name = subject
        form.damaged_qty = 2
        return form.save(), action


@tagged("post_install", "-at_install")
class TestWarehouseComplaint(WarehouseComplaintCase):
    def test_report_a_complaint_from_the_delivery(self):
        self.assertFalse(self.clerk.has_group("logistics_crm.logistics_crm_group_user"))
        complaint, action = self._report(self.clerk)
        self.assertEqual(action["views"], [(self.env.ref(REPORT_FORM).id, "form")])
        self.assertEqual(action["target"], "new")
        # Report opens the complaint filed: its facts and its chatter
        opened = complaint.action_open_reported()
        self.assertEqual(opened["res_id"], complaint.id)
        self.assertEqual(opened["views"], [(self.env.ref(REPORT_FORM).id, "form")])
        complaint = complaint.sudo()
        self.assertEqual(complaint.partner_id, self.customer["a"])
        self.assertEqual(complaint.picking_id, self.delivery)
        self.assertEqual(complaint.sale_order_id, self.delivery.sale_id)
        self.assertEqual(complaint.company_id, self.delivery.company_id)
        self.assertEqual(complaint.complaint_type_id, self.damage)
        self.assertEqual(complaint.damaged_qty, 2)
        self.assertEqual(complaint.create_uid, self.clerk)
        # the Logistics CRM team handles it, not the warehouse
        self.assertNotEqual(complaint.user_id, self.clerk)
        self.assertEqual(complaint.stage_id, complaint._default_stage())
        self.assertTrue(complaint.sla_status_ids)
        self.assertIn(self.clerk.partner_id, complaint.message_partner_ids)

    def test_logistics_crm_users_go_on_with_their_usual_form(self):
        complaint, __ = self._report(self.clerk_crm)
        opened = complaint.action_open_reported()
        self.assertEqual(opened["views"], [(False, "form")])
        self.assertEqual(complaint.user_id, self.clerk_crm)
        self.assertEqual(complaint.picking_id, self.delivery)
        self.assertEqual(complaint.partner_id, self.customer["a"])

    def test_only_from_a_delivery_ready_or_done(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer["b"].id,
                "order_line": [
                    Command.create({"product_id": self.goods.id, "product_uom_qty": 1})
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        self.assertEqual(picking.state, "assigned")
        complaint, __ = self._report(self.clerk, picking)
        self.assertEqual(complaint.sudo().partner_id, self.customer["b"])
        picking.action_cancel()
        with self.assertRefused(UserError, "ready or done"):
            picking.with_user(self.clerk).action_report_complaint()
        receipt_type = self.env["stock.picking.type"].search(
            [("code", "=", "incoming"), ("company_id", "=", self.company.id)], limit=1
        )
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": receipt_type.id,
                "partner_id": self.customer["b"].id,
            }
        )
        with self.assertRefused(UserError, "deliver"):
            receipt.with_user(self.clerk).action_report_complaint()

    def test_users_without_inventory_or_complaint_rights_cannot_report(self):
        nobody = new_test_user(self.env, "acc_wh_nobody", groups="base.group_user")
        with self.assertRefused(AccessError, "not allowed"):
            self.delivery.with_user(nobody).action_report_complaint()
        portal = self.users["portal_a"]
        with self.assertRefused(AccessError, "not allowed"):
            self.delivery.with_user(portal).action_report_complaint()

    def test_warehouse_sees_only_the_complaints_they_filed(self):
        mine, __ = self._report(self.clerk)
        Complaint = self.env["logistics.complaint"].with_user(self.clerk)
        self.assertEqual(Complaint.search([]), mine)
        self.assertEqual(
            mine.with_user(self.clerk).read(["name"])[0]["name"], mine.name
        )
        with self.assertRefused(AccessError, "Complaint"):
            Complaint.browse(self.complaint.id).read(["name"])
        # in both groups, a Logistics CRM user sees every complaint
        Both = self.env["logistics.complaint"].with_user(self.clerk_crm)
        self.assertIn(self.complaint, Both.search([]))
        self.assertIn(mine, Both.search([]))
        # and a Logistics CRM user who is no warehouse user as well
        self.assertIn(
            mine,
            self.env["logistics.complaint"].with_user(self.users["user"]).search([]),
        )

    def test_warehouse_cannot_handle_the_complaints_they_filed(self):
        mine, __ = self._report(self.clerk)
        Complaint = self.env["logistics.complaint"].with_user(self.clerk)
        for values in (
            {"name": "Renamed"},
            {"compensation_amount": 500.0},
            {"root_cause_id": self.cause.id},
            {"user_id": self.clerk.id},
        ):
            with self.assertRefused(AccessError, "not allowed to modify"):
                Complaint.browse(mine.id).write(values)
        with self.assertRefused(AccessError, "not allowed to delete"):
            Complaint.browse(mine.id).unlink()
        filed = {
            "name": "Crushed pallet",
            "partner_id": self.customer["a"].id,
            "picking_id": self.delivery.id,
        }
        for values in (
            {"compensation_amount": 500.0},
            {"claim_amount": 500.0},
            {"root_cause_id": self.cause.id},
            {"resolution": "Settled"},
            {"user_id": self.clerk.id},
            {"stage_id": self.stage.id},
            {"priority": "3"},
        ):
            with self.assertRefused(AccessError, "Logistics CRM team"):
                Complaint.create({**filed, **values})
        # nor through the defaults of the context
        with self.assertRefused(AccessError, "Logistics CRM team"):
            Complaint.with_context(default_compensation_amount=500.0).create(filed)
        # a complaint of the warehouse is about a delivery
        with self.assertRefused(AccessError, "delivery"):
            Complaint.create(
                {"name": "Rude customer", "partner_id": self.customer["a"].id}
            )
        self.assertEqual(Complaint.search([]), mine)
        self.assertFalse(mine.sudo().compensation_amount)

    def test_warehouse_form_shows_no_handling_field(self):
        form = Form(
            self.env["logistics.complaint"]
            .with_user(self.clerk)
            .with_context(default_picking_id=self.delivery.id),
            view=REPORT_FORM,
        )
        for name in ("compensation_amount", "root_cause_id", "resolution", "user_id"):
            self.assertNotIn(name, form._view["fields"])


@tagged("post_install", "-at_install")
class TestWarehouseComplaintHttp(HttpCase, WarehouseComplaintCase):
    def _post(self, complaint, body):
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "logistics.complaint",
                "thread_id": complaint.id,
                "post_data": {
                    "body": body,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_note",
                },
            },
        )

    def test_warehouse_posts_on_the_complaints_they_filed(self):
        mine, __ = self._report(self.clerk)
        self.authenticate(self.clerk.login, self.clerk.login)
        self._post(mine, "Photos taken at the dock")
        self.env.invalidate_all()
        mine = mine.sudo()
        self.assertIn("Photos taken at the dock", mine.message_ids[0].body)
        self.assertEqual(mine.message_ids[0].author_id, self.clerk.partner_id)
        response = self.url_open(
            "/mail/attachment/upload",
            {
                "csrf_token": http.Request.csrf_token(self),
                "thread_id": mine.id,
                "thread_model": "logistics.complaint",
            },
            files={"ufile": ("pallet.jpg", b"\xff\xd8\xff\xe0 not much of a photo")},
        )
        self.assertEqual(response.status_code, 200)
        # not on a complaint somebody else filed
        with self.assertRaises(JsonRpcException):
            self._post(self.complaint, "Not mine")
        self.env.invalidate_all()
        self.assertFalse(
            self.complaint.message_ids.filtered(lambda m: "Not mine" in (m.body or ""))
        )

    def test_warehouse_reports_a_complaint_tour(self):
        self.start_tour(
            f"/odoo/stock.picking/{self.delivery.id}",
            "logistics_crm_warehouse_complaint_tour",
            login=self.clerk.login,
        )
        complaint = self.env["logistics.complaint"].search(
            [("create_uid", "=", self.clerk.id)]
        )
        self.assertEqual(complaint.name, "Two cartons crushed at loading")
        self.assertEqual(complaint.partner_id, self.customer["a"])
        self.assertEqual(complaint.picking_id, self.delivery)
        self.assertEqual(complaint.damaged_qty, 2)
        self.assertIn(
            "Photos of the two cartons taken at the dock.",
            complaint.message_ids[0].body,
        )
