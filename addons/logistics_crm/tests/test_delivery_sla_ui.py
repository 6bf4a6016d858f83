from lxml import etree

from odoo import Command, fields
from odoo.tests import Form, new_test_user, tagged

from .common import LogisticsCrmCase


@tagged("post_install", "-at_install")
class TestDeliverySlaUi(LogisticsCrmCase):
    """A warehouse user (Inventory only, no Logistics CRM group) tells the
    date promised by the customer's SLA from Odoo's own Deadline, and sees
    where each delivery stands against it in the deliveries list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = new_test_user(
            cls.env, "sla_ui_clerk", groups="stock.group_stock_user"
        )
        goods = cls.env["product.product"].create(
            {"name": "Pallet of parts", "type": "consu"}
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls._customer("Ruida Machinery").id,
                "order_line": [
                    Command.create({"product_id": goods.id, "product_uom_qty": 2})
                ],
            }
        )
        order.action_confirm()
        cls.order = order
        cls.delivery = order.picking_ids

    def _arch(self, view_type):
        views = (
            self.env["stock.picking"]
            .with_user(self.clerk)
            .get_views([(False, view_type)])
        )
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_deliveries_list_shows_the_sla_state_as_a_badge(self):
        self.assertFalse(self.clerk.has_group("logistics_crm.logistics_crm_group_user"))
        columns = self._arch("list").xpath("//field[@name='sla_state']")
        self.assertEqual(len(columns), 1, "one SLA State column in the list")
        column = columns[0]
        self.assertEqual(column.get("widget"), "badge")
        self.assertEqual(column.get("optional"), "show")
        self.assertEqual(column.get("decoration-success"), "sla_state == 'reached'")
        self.assertEqual(column.get("decoration-warning"), "sla_state == 'warning'")
        self.assertEqual(column.get("decoration-danger"), "sla_state == 'failed'")
        rows = (
            self.env["stock.picking"]
            .with_user(self.clerk)
            .search_read([("id", "=", self.delivery.id)], ["sla_state"])
        )
        self.assertEqual(rows[0]["sla_state"], "ongoing")

    def test_delivery_form_says_which_deadline_is_the_promise(self):
        Picking = self.env["stock.picking"].with_user(self.clerk)
        described = Picking.fields_get(
            ["sla_deadline", "date_deadline"], ["string", "help"]
        )
        promise = described["sla_deadline"]
        self.assertEqual(promise["string"], "Promised by SLA")
        for words in ("promised to the customer", "working time", "Deadline"):
            self.assertIn(words, promise["help"])
        self.assertNotEqual(promise["string"], described["date_deadline"]["string"])
        # on the form, the promise sits under Odoo's Deadline, which says
        # what it is and where the promise is
        arch = self._arch("form")
        deadline = arch.xpath("//group/field[@name='date_deadline']")[0]
        self.assertIn("Promised by SLA", deadline.get("help"))
        following = deadline.xpath("following-sibling::field/@name")
        self.assertEqual(following[:2], ["sla_deadline", "sla_state"])
        form = Form(self.delivery.with_user(self.clerk))
        self.assertEqual(
            fields.Datetime.to_datetime(form.sla_deadline), self.order.sla_deadline
        )
        self.assertEqual(form.sla_state, "ongoing")
