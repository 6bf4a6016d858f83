"""The consignee's delivery page, /my/deliveries/<id>?access_token=...,
against the real HTTP server: opened with its token only, this delivery's
facts and nothing else, a rating that reaches the shipper's scorecard, and
Report a problem filing a complaint under the shipper."""

import html
import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDeliveryPage(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.Complaint = cls.env["logistics.complaint"]
        cls.goods = cls.env["product.product"].create(
            {"name": "Vaccine cold box", "type": "consu", "list_price": 50.0}
        )
        cls.shipper = cls.env["res.partner"].create(
            {"name": "Alpha Pharma", "is_company": True}
        )
        cls.shipper_contact = cls.env["res.partner"].create(
            {
                "name": "Alpha buyer",
                "parent_id": cls.shipper.id,
                "email": "buyer@alpha.example.com",
            }
        )
        # a key account: its complaints are high priority (the tier's)
        cls.shipper.write(
            {
                "customer_tier_locked": True,
                "customer_tier_id": cls.env.ref("logistics_crm.customer_tier_a").id,
                "customer_tier_lock_reason": "Cold-chain contract",
            }
        )
        cls.policy = cls.env["logistics.sla.policy"].create(
            {
                "name": "Alpha cold chain",
                "sequence": 1,
                "company_id": cls.company.id,
                "partner_ids": [Command.set(cls.shipper.ids)],
                "delivery_lead_days": 2,
                "target_ids": [
                    Command.create(
                        {"priority": "2", "response_hours": 2, "resolution_hours": 8}
                    ),
                    Command.create({"response_hours": 8, "resolution_hours": 40}),
                ],
            }
        )
        cls.consignee = cls.env["res.partner"].create(
            {
                "name": "Central Hospital Pharmacy",
                "is_company": True,
                "email": "pharmacy@hospital.example.com",
            }
        )
        cls.other_shipper = cls.env["res.partner"].create(
            {"name": "Beta Retail", "is_company": True}
        )
        cls.other_consignee = cls.env["res.partner"].create(
            {"name": "Beta Corner Store", "email": "store@beta.example.com"}
        )
        cls.delivery = cls._delivered(cls.shipper, cls.consignee, 4321.0)
        cls.delivery.note = "<p>Gate code 9911, leave at the back door</p>"
        cls.other_delivery = cls._delivered(
            cls.other_shipper, cls.other_consignee, 77.0
        )
        cls.portal_login = "lcrm_delivery_portal_a"
        new_test_user(
            cls.env,
            cls.portal_login,
            groups="base.group_portal",
            partner_id=cls.shipper_contact.id,
        )

    @classmethod
    def _order(cls, shipper, consignee, price):
        order = cls.env["sale.order"].create(
            {
                "partner_id": shipper.id,
                "partner_shipping_id": consignee.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.goods.id,
                            "product_uom_qty": 6,
                            "price_unit": price,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    @classmethod
    def _delivered(cls, shipper, consignee, price):
        picking = cls._order(shipper, consignee, price).picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        return picking

    def _page(self, picking=None, **kw):
        picking = picking or self.delivery
        return self.url_open(picking.get_portal_url(), **kw)

    def _post(self, action, picking=None, token=None, **data):
        picking = picking or self.delivery
        page = self._page(picking)
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(
            f"/my/deliveries/{picking.id}/{action}",
            data={
                "csrf_token": csrf,
                "access_token": token or picking.access_token,
                **data,
            },
            allow_redirects=False,
        )

    def _ratings(self, picking=None):
        return self.env["rating.rating"].search(
            [
                ("res_model", "=", "stock.picking"),
                ("res_id", "=", (picking or self.delivery).id),
            ]
        )

    def _scorecard(self):
        return self.env["logistics.customer.scorecard"].search(
            [
                ("partner_id", "=", self.shipper.id),
                ("company_id", "=", self.company.id),
            ]
        )

    def _denied(self, response):
        self.assertIn(response.status_code, (302, 303), response.text[:200])
        self.assertTrue(response.headers["Location"].endswith("/my"))

    def test_url_is_the_delivery_page_with_its_token(self):
        url = self.delivery.get_portal_url()
        self.assertEqual(
            url,
            f"/my/deliveries/{self.delivery.id}"
            f"?access_token={self.delivery.access_token}",
        )

    def test_page_opens_with_its_token_only(self):
        path = f"/my/deliveries/{self.delivery.id}"
        self._denied(self.url_open(path, allow_redirects=False))
        self._denied(
            self.url_open(f"{path}?access_token=forged", allow_redirects=False)
        )
        # another delivery's token opens that delivery only
        other_token = self.other_delivery._portal_ensure_token()
        self._denied(
            self.url_open(f"{path}?access_token={other_token}", allow_redirects=False)
        )
        # the shipper's portal user reads the delivery, but the page is the
        # receiver's: without the token it stays closed
        self.authenticate(self.portal_login, self.portal_login)
        self._denied(self.url_open(path, allow_redirects=False))
        self.authenticate(None, None)
        # a receipt has no delivery page, token or not
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.env.ref("stock.picking_type_in").id,
                "partner_id": self.consignee.id,
            }
        )
        self.assertEqual(receipt.access_url, "#")
        token = receipt._portal_ensure_token()
        self._denied(
            self.url_open(
                f"/my/deliveries/{receipt.id}?access_token={token}",
                allow_redirects=False,
            )
        )

    def test_page_shows_this_delivery_and_nothing_else(self):
        response = self._page()
        self.assertEqual(response.status_code, 200)
        text = response.text
        self.assertIn(self.delivery.name, text)
        self.assertIn("Vaccine cold box", text)
        self.assertIn("Alpha Pharma", text)
        self.assertIn("Central Hospital Pharmacy", text)
        self.assertEqual(self.delivery.sla_state, "reached")
        self.assertRegex(text, r"o_logistics_delivery_sla_state[^>]*>\s*Met")
        self.assertIn("o_logistics_delivery_rating_form", text)
        self.assertIn("o_logistics_delivery_problem_form", text)
        for secret in (
            self.other_delivery.name,
            "Beta Retail",
            "Beta Corner Store",
            "Gate code",
            "4321",
            "4,321",
        ):
            self.assertNotIn(secret, text)

    def test_confirmation_email_links_the_page(self):
        self.company.stock_move_email_validation = True
        delivery = self._delivered(self.shipper, self.consignee, 10.0)
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "stock.picking"),
                ("res_id", "=", delivery.id),
                ("recipient_ids", "in", self.consignee.ids),
            ]
        )
        self.assertEqual(len(mail), 1)
        links = [
            html.unescape(href)
            for href in re.findall(r'href="([^"]+)"', mail.body_html)
            if "/mail/view" in href
        ]
        self.assertTrue(links, "the confirmation links the delivery page")
        self.assertIn(f"access_token={delivery.access_token}", links[0])
        response = self.url_open(links[0])
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"/my/deliveries/{delivery.id}?", response.url)
        self.assertIn(delivery.name, response.text)

    def test_rating_reaches_the_shipper_scorecard(self):
        response = self._post("rate", rating="5", comment="Cold boxes sealed.")
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("rated=1", response.headers["Location"])
        rating = self._ratings()
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.feedback, "Cold boxes sealed.")
        self.assertEqual(rating.partner_id, self.consignee)
        self.assertEqual(rating.parent_res_model, "res.partner")
        self.assertEqual(rating.parent_res_id, self.shipper.id)
        scorecard = self._scorecard()
        self.assertEqual(scorecard.rating_count, 1)
        self.assertEqual(scorecard.satisfaction, 100.0)
        # a second submission changes the rating, it does not add one
        response = self._post("rate", rating="2", comment="Late after all.")
        self.assertIn(response.status_code, (302, 303))
        self.env.invalidate_all()
        self.assertEqual(self._ratings(), rating)
        self.assertEqual(rating.rating, 2)
        scorecard = self._scorecard()
        self.assertEqual(scorecard.rating_count, 1)
        self.assertEqual(scorecard.satisfaction, 0.0)
        page = self._page()
        self.assertIn("Update my rating", page.text)
        self.assertIn("Late after all.", page.text)

    def test_rating_input_is_validated(self):
        for data, message in (
            ({"rating": "6"}, "Choose a rating from 1 to 5 stars."),
            ({"rating": ""}, "Choose a rating from 1 to 5 stars."),
            ({"rating": "\u0664"}, "Choose a rating from 1 to 5 stars."),
            ({"rating": "4.5"}, "Choose a rating from 1 to 5 stars."),
            ({"rating": "4", "comment": "x" * 2001}, "under 2000 characters"),
        ):
            with self.subTest(data=data):
                response = self._post("rate", **data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertFalse(self._ratings())
        # a delivery still on its way is not rated yet
        pending = self._order(self.shipper, self.consignee, 10.0).picking_ids
        response = self._post("rate", picking=pending, rating="4")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("o_logistics_delivery_rating_form", response.text)
        self.assertFalse(self._ratings(pending))

    def test_posts_need_the_token_and_the_csrf_token(self):
        response = self._post("rate", token="forged", rating="1")
        self._denied(response)
        response = self._post(
            "problem",
            token=self.other_delivery._portal_ensure_token(),
            description="Forged",
        )
        self._denied(response)
        response = self.url_open(
            f"/my/deliveries/{self.delivery.id}/rate",
            data={"access_token": self.delivery.access_token, "rating": "1"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._ratings())
        self.assertFalse(self.Complaint.search([("picking_id", "=", self.delivery.id)]))

    def test_report_a_problem_files_a_complaint_under_the_shipper(self):
        response = self._post("problem", description="   ")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Describe the problem", response.text)
        self.assertFalse(self.Complaint.search([("picking_id", "=", self.delivery.id)]))
        response = self._post(
            "problem", description="One cold box arrived without its logger."
        )
        self.assertIn(response.status_code, (302, 303))
        complaint = self.Complaint.search([("picking_id", "=", self.delivery.id)])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.commercial_partner_id, self.shipper)
        self.assertEqual(complaint.consignee_id, self.consignee)
        self.assertEqual(complaint.sale_order_id, self.delivery.sale_id)
        self.assertFalse(complaint.to_confirm)
        self.assertIn("without its logger", str(complaint.description))
        # the shipper's tier, priority and SLA, not the receiver's
        self.assertEqual(
            complaint.customer_tier_id, self.env.ref("logistics_crm.customer_tier_a")
        )
        self.assertEqual(complaint.priority, "2")
        statuses = complaint.sudo().sla_status_ids
        self.assertEqual(set(statuses.mapped("kind")), {"response", "resolution"})
        self.assertEqual(statuses.policy_id, self.policy)
        self.assertEqual(
            statuses.filtered(lambda s: s.kind == "response").target_hours, 2.0
        )
        page = self.url_open(response.headers["Location"])
        self.assertIn(complaint.reference, page.text)

    def test_tour_rate_and_report_a_problem(self):
        self.start_tour(
            self.delivery.get_portal_url(), "logistics_crm_delivery_page_tour"
        )
        rating = self._ratings()
        self.assertEqual(rating.rating, 4)
        self.assertEqual(rating.feedback, "Friendly driver, boxes still cold.")
        complaint = self.Complaint.search([("picking_id", "=", self.delivery.id)])
        self.assertEqual(complaint.consignee_id, self.consignee)
        self.assertEqual(complaint.commercial_partner_id, self.shipper)
