from odoo import Command
from odoo.tests import Form, tagged

from .common import LogisticsCrmCase


@tagged("post_install", "-at_install")
class TestTierOnDocuments(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.goods = cls.env["product.product"].create(
            {"name": "Boxed goods", "type": "consu", "list_price": 20.0}
        )
        cls.key, cls.small = cls._customer("Key"), cls._customer("Small")
        cls._orders([(cls.key, 1000, 5), (cls.small, 10, 5)])
        cls._set_weights(revenue=1)
        cls._grade()

    def _goods_order(self, partner):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": self.goods.id, "product_uom_qty": 3})
                ],
            }
        )
        order.action_confirm()
        return order

    def test_orders_deliveries_and_invoices_show_the_tier(self):
        order = self._goods_order(self.key)
        self.assertEqual(order.customer_tier_id, self.tier_a)
        self.assertEqual(order.picking_ids.customer_tier_id, self.tier_a)
        invoice = self._invoice(self.key, 100, 1, -30)
        self.assertEqual(invoice.customer_tier_id, self.tier_a)
        contact = self.env["res.partner"].create(
            {"name": "Key buyer", "parent_id": self.key.id}
        )
        contact_order = self._goods_order(contact)
        self.assertEqual(contact_order.customer_tier_id, self.tier_a)

    def test_tier_is_searchable_and_groupable_on_documents(self):
        key_order, small_order = (
            self._goods_order(self.key),
            self._goods_order(self.small),
        )
        for model in ("sale.order", "stock.picking"):
            records = self.env[model].search(
                [("customer_tier_id", "=", self.tier_a.id)]
            )
            self.assertIn(self.key, records.partner_id)
            self.assertNotIn(self.small, records.partner_id)
            groups = dict(
                self.env[model]._read_group(
                    [("partner_id", "in", (self.key + self.small).ids)],
                    ["customer_tier_id"],
                    ["__count"],
                )
            )
            self.assertEqual(set(groups), {self.tier_a, self.tier_d})
        self.assertTrue(key_order.picking_ids and small_order.picking_ids)
        invoice = self._invoice(self.small, 10, 1, -30)
        self.assertEqual(
            self.env["account.move"].search(
                [("customer_tier_id", "=", self.tier_d.id), ("id", "=", invoice.id)]
            ),
            invoice,
        )

    def test_priority_tier_deliveries_are_starred(self):
        key_delivery = self._goods_order(self.key).picking_ids
        small_delivery = self._goods_order(self.small).picking_ids
        self.assertEqual(key_delivery.picking_type_code, "outgoing")
        self.assertEqual(key_delivery.priority, "1")
        self.assertEqual(small_delivery.priority, "0")

    def test_sale_order_form_shows_the_tier_of_the_chosen_customer(self):
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.key
            self.assertEqual(form.customer_tier_id, self.tier_a)
            form.partner_id = self.small
            self.assertEqual(form.customer_tier_id, self.tier_d)
            with form.order_line.new() as line:
                line.product_id = self.goods
