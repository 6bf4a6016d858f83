"""The consignee's side beyond the delivery page: its e-mails to the
complaints alias are filed under its shipper, and shipper and consignee are
told once when a delivery runs late."""

from datetime import timedelta

from odoo import Command, fields
from odoo.tests import freeze_time, tagged

from .test_complaint import RAW_EMAIL, ComplaintCase
from .test_sla import SlaCase, at


@tagged("post_install", "-at_install")
class TestConsigneeMail(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._complaint_alias()
        cls.consignee = cls._customer(
            "Suzhou Store", email="receiving@suzhoustore.example.com"
        )
        cls.deliveries = {}
        for key, shipper in (("old", cls.small), ("last", cls.key)):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": shipper.id,
                    "partner_shipping_id": cls.consignee.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.goods.id, "product_uom_qty": 2}
                        )
                    ],
                }
            )
            order.action_confirm()
            picking = order.picking_ids
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
            picking.button_validate()
            cls.deliveries[key] = picking
        cls.deliveries["old"].date_done = fields.Datetime.now() - timedelta(days=30)

    def _mail(self, sender, subject):
        raw = RAW_EMAIL.format(
            email_from=sender,
            to="complaints@freight.example.com",
            subject=subject,
            subject_id=subject.replace(" ", "-"),
            order="-",
        )
        self.env["mail.thread"].message_process(False, raw)
        return self.Complaint.search([("name", "=", subject)])

    def test_consignee_mail_is_filed_under_the_shipper_of_its_last_delivery(self):
        complaint = self._mail(
            "Store receiving <receiving@suzhoustore.example.com>", "Pallets crushed"
        )
        self.assertEqual(len(complaint), 1)
        last = self.deliveries["last"]
        self.assertEqual(complaint.partner_id, self.key)
        self.assertEqual(complaint.consignee_id, self.consignee)
        self.assertEqual(complaint.picking_id, last)
        self.assertEqual(complaint.sale_order_id, last.sale_id)
        # the shipper's tier gives the priority; the sender proves nothing yet
        self.assertEqual(complaint.priority, "2")
        self.assertTrue(complaint.to_confirm)
        complaint.action_confirm_intake()
        self.assertEqual(
            complaint.sudo().sla_status_ids.partner_id, self.key.commercial_partner_id
        )

    def test_a_customers_own_mail_stays_its_own(self):
        # the shipper also receives deliveries: it is a customer with orders
        order = self._goods_order(self.key)
        self.assertEqual(order.picking_ids.partner_id, self.key)
        complaint = self._mail("Key Ops <ops@keyshipper.example.com>", "Own claim")
        self.assertEqual(complaint.partner_id, self.key)
        self.assertFalse(complaint.consignee_id)
        self.assertFalse(complaint.picking_id)


@tagged("post_install", "-at_install")
class TestDelayNotice(SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.consignee = cls._customer(
            "Harbour Store", email="receiving@harbour.example.com"
        )
        cls.key.email = "ops@key.example.com"
        cls.small.email = "ops@small.example.com"

    def _notices(self, order):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "stock.picking"),
                ("res_id", "in", order.picking_ids.ids),
                ("subject", "like", "your delivery is late"),
            ]
        )

    def test_notice_once_per_status_to_shipper_and_consignee(self):
        with freeze_time(at(0, 9)):
            order = self._goods_order(
                self.key, partner_shipping_id=self.consignee.id
            )  # deadline Tuesday 17:00
            order.picking_ids.scheduled_date = at(3, 10)
        status = self._status(order, "delivery")
        with freeze_time(at(1, 15, 30)):
            self.Status._cron_check_deadlines()
            self.Status._cron_check_deadlines()
        self.assertEqual(status.state, "warning")
        self.assertEqual(status.delay_notice, "warning")
        notices = self._notices(order)
        self.assertEqual(len(notices), 2)
        self.assertEqual(
            notices.recipient_ids, self.consignee | self.key, "one notice each"
        )
        self.assertIn("may miss the date we promised", notices[0].body_html)
        # the new expected date, and the delivery page
        self.assertIn("We now expect to deliver it on", notices[0].body_html)
        self.assertIn("/my/deliveries/", notices[0].body_html)
        # a recomputed deadline warns again, but the notice is not repeated
        status.write({"state": "ongoing", "warned": False})
        with freeze_time(at(1, 15, 45)):
            self.Status._cron_check_deadlines()
        self.assertEqual(status.state, "warning")
        self.assertEqual(len(self._notices(order)), 2)
        with freeze_time(at(1, 18)):
            self.Status._cron_check_deadlines()
            self.Status._cron_check_deadlines()
        self.assertEqual(status.state, "failed")
        self.assertEqual(status.delay_notice, "failed")
        failed = self._notices(order) - notices
        self.assertEqual(len(failed), 2)
        self.assertEqual(failed.recipient_ids, self.consignee | self.key)
        self.assertIn("has missed the date we promised", failed[0].body_html)

    def test_no_notice_to_customers_who_opted_out(self):
        self.key.sla_delay_notice = False
        with freeze_time(at(0, 9)):
            order = self._goods_order(self.key, partner_shipping_id=self.consignee.id)
            other = self._goods_order(self.small)
        with freeze_time(at(5, 18)):
            self.Status._cron_check_deadlines()
        self.assertEqual(self._status(order, "delivery").state, "failed")
        self.assertFalse(self._notices(order))
        self.assertFalse(self._status(order, "delivery").delay_notice)
        # a customer delivering to itself gets one notice, not two
        self.assertEqual(self._status(other, "delivery").state, "failed")
        self.assertEqual(self._notices(other).recipient_ids, self.small)
        self.assertEqual(len(self._notices(other)), 1)

    def test_notices_of_a_batch(self):
        with freeze_time(at(0, 9)):
            orders = self.env["sale.order"].browse(
                [
                    self._goods_order(
                        self.small, partner_shipping_id=self.consignee.id
                    ).id
                    for _i in range(6)
                ]
            )
        statuses = self.Status.search(
            [("sale_order_id", "in", orders.ids), ("kind", "=", "delivery")]
        )
        with freeze_time(at(5, 18)):
            self.Status._cron_check_deadlines()
        mails = self.env["mail.mail"].search(
            [("model", "=", "stock.picking"), ("res_id", "in", orders.picking_ids.ids)]
        )
        self.assertEqual(len(mails), 12)
        self.assertEqual(set(statuses.mapped("delay_notice")), {"failed"})
