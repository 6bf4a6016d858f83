import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestComplaintPortal(HttpCase):
    """Two customers, each with a portal user, an order with its delivery and
    a complaint: what each customer sees and may file on /my/complaints."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env["logistics.complaint"]
        cls.goods = cls.env["product.product"].create(
            {"name": "Cartons", "type": "consu", "list_price": 50.0}
        )
        cls.type_damaged = cls.env.ref("logistics_crm.complaint_type_damaged")
        cls.customer, cls.contact, cls.login = {}, {}, {}
        cls.order, cls.delivery, cls.complaint = {}, {}, {}
        for key, name in (("a", "Alpha Shipper"), ("b", "Beta Shipper")):
            company = cls.env["res.partner"].create({"name": name, "is_company": True})
            contact = cls.env["res.partner"].create(
                {
                    "name": f"{name} buyer",
                    "parent_id": company.id,
                    "email": f"buyer@{key}.example.com",
                }
            )
            login = f"lcrm_complaint_portal_{key}"
            new_test_user(
                cls.env, login, groups="base.group_portal", partner_id=contact.id
            )
            order = cls.env["sale.order"].create(
                {
                    "partner_id": company.id,
                    "order_line": [
                        Command.create(
                            {"product_id": cls.goods.id, "product_uom_qty": 4}
                        )
                    ],
                }
            )
            order.action_confirm()
            cls.customer[key], cls.contact[key], cls.login[key] = (
                company,
                contact,
                login,
            )
            cls.order[key], cls.delivery[key] = order, order.picking_ids
        cls.complaint["a"] = cls.Complaint.create(
            {
                "name": "Alpha cartons crushed",
                "partner_id": cls.contact["a"].id,
                "sale_order_id": cls.order["a"].id,
                "description": "<p>Three cartons arrived crushed.</p>",
            }
        )
        cls.complaint["b"] = cls.Complaint.create(
            {
                "name": "Beta confidential shortage",
                "partner_id": cls.customer["b"].id,
                "sale_order_id": cls.order["b"].id,
            }
        )

    def _login(self, key):
        self.authenticate(self.login[key], self.login[key])

    def _new_form(self):
        response = self.url_open("/my/complaints/new")
        self.assertEqual(response.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        return response, token.group(1)

    def _file(self, **values):
        _form, csrf_token = self._new_form()
        data = {
            "csrf_token": csrf_token,
            "name": "",
            "complaint_type_id": "",
            "sale_order_id": "",
            "picking_id": "",
            "description": "",
            **values,
        }
        return self.url_open("/my/complaints/new", data=data, allow_redirects=False)

    def _complaints_of(self, key):
        return self.Complaint.search(
            [("commercial_partner_id", "=", self.customer[key].id)]
        )

    def test_list_shows_only_the_customers_complaints(self):
        self._login("a")
        response = self.url_open("/my/complaints")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Alpha cartons crushed", response.text)
        self.assertIn(self.complaint["a"].reference, response.text)
        self.assertIn(self.order["a"].name, response.text)
        self.assertIn("New complaint", response.text)
        self.assertNotIn("Beta confidential shortage", response.text)
        self.assertNotIn(self.complaint["b"].reference, response.text)

    def test_list_filters_open_and_closed(self):
        self.complaint["a"].write(
            {
                "stage_id": self.env.ref("logistics_crm.complaint_stage_resolved").id,
                "root_cause_id": self.env.ref(
                    "logistics_crm.complaint_cause_carrier"
                ).id,
                "resolution": "Replacement cartons shipped.",
            }
        )
        self._login("a")
        closed = self.url_open("/my/complaints?filterby=closed&sortby=stage")
        self.assertIn("Alpha cartons crushed", closed.text)
        still_open = self.url_open("/my/complaints?filterby=open&sortby=reference")
        self.assertNotIn("Alpha cartons crushed", still_open.text)
        self.assertIn("There are currently no complaints", still_open.text)
        detail = self.url_open(self.complaint["a"].access_url)
        self.assertIn("Replacement cartons shipped.", detail.text)

    def test_other_customers_complaint_is_refused(self):
        self._login("a")
        url = self.complaint["b"].access_url
        for query in ("", "?access_token=not-the-token"):
            response = self.url_open(url + query, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303))
            self.assertTrue(response.headers["Location"].endswith("/my"))
            followed = self.url_open(url + query)
            self.assertNotIn("Beta confidential shortage", followed.text)
            self.assertNotIn(self.complaint["b"].reference, followed.text)

    def test_detail_page_and_chatter_hide_internal_notes(self):
        complaint = self.complaint["a"]
        complaint.message_post(
            body="We are collecting the carrier's report.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        complaint.message_post(
            body="Internal: the driver was warned twice already.",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self._login("a")
        response = self.url_open(complaint.access_url)
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(complaint.reference, page)
        self.assertIn("Alpha cartons crushed", page)
        self.assertIn("Three cartons arrived crushed.", page)
        self.assertIn(self.order["a"].name, page)
        self.assertIn('data-res_model="logistics.complaint"', page)
        self.assertNotIn("driver was warned", page)
        token = re.search(r'data-token="([^"]+)"', page).group(1)
        self.assertEqual(token, complaint.access_token)
        # what the portal chatter fetches, with the page's token and without
        for params in ({"token": token}, {}):
            result = self.make_jsonrpc_request(
                "/mail/chatter_fetch",
                {
                    "thread_model": "logistics.complaint",
                    "thread_id": complaint.id,
                    **params,
                },
            )
            # bodies come as ["markup", html]
            bodies = str([m["body"] for m in result["data"]["mail.message"]])
            self.assertIn("We are collecting the carrier", bodies)
            self.assertNotIn("driver was warned", bodies)

    def test_file_a_complaint_on_an_own_order(self):
        self._login("a")
        form, _token = self._new_form()
        self.assertIn(self.order["a"].name, form.text)
        self.assertIn(self.delivery["a"].name, form.text)
        self.assertIn(self.type_damaged.name, form.text)
        self.assertNotIn(self.order["b"].name, form.text)
        self.assertNotIn(self.delivery["b"].name, form.text)
        before = self._complaints_of("a")
        response = self._file(
            name="Pallet tipped over",
            complaint_type_id=str(self.type_damaged.id),
            sale_order_id=str(self.order["a"].id),
            picking_id=str(self.delivery["a"].id),
            description="Two cartons <b>wet</b>\nPhotos follow.",
        )
        self.assertIn(response.status_code, (302, 303))
        complaint = self._complaints_of("a") - before
        self.assertEqual(len(complaint), 1)
        self.assertTrue(response.headers["Location"].endswith(complaint.access_url))
        self.assertEqual(complaint.name, "Pallet tipped over")
        self.assertEqual(complaint.partner_id, self.contact["a"])
        self.assertEqual(complaint.sale_order_id, self.order["a"])
        self.assertEqual(complaint.picking_id, self.delivery["a"])
        self.assertEqual(complaint.complaint_type_id, self.type_damaged)
        # the default responsible, not the customer (see test_complaint_owner)
        self.assertEqual(complaint.user_id, self.env.ref("base.user_admin"))
        self.assertEqual(
            str(complaint.description),
            "<p>Two cartons &lt;b&gt;wet&lt;/b&gt;<br>Photos follow.</p>",
        )
        page = self.url_open(response.headers["Location"])
        self.assertIn(complaint.reference, page.text)
        self.assertIn("Pallet tipped over", page.text)

    def test_file_a_complaint_with_a_delivery_only_links_its_order(self):
        self._login("a")
        response = self._file(name="Late truck", picking_id=str(self.delivery["a"].id))
        self.assertIn(response.status_code, (302, 303))
        complaint = self._complaints_of("a").filtered(lambda c: c.name == "Late truck")
        self.assertEqual(complaint.sale_order_id, self.order["a"])

    def test_file_a_complaint_on_another_customers_documents_is_refused(self):
        self._login("a")
        before_a, before_b = self._complaints_of("a"), self._complaints_of("b")
        cases = [
            (
                {"name": "Not mine", "sale_order_id": str(self.order["b"].id)},
                "The order you chose is not one of your confirmed orders.",
            ),
            (
                {"name": "Not mine", "picking_id": str(self.delivery["b"].id)},
                "The delivery you chose is not one of your deliveries.",
            ),
            (
                {"name": "  ", "sale_order_id": str(self.order["a"].id)},
                "Give your complaint a subject.",
            ),
            (
                {"name": "Bad id", "sale_order_id": "1 OR 1=1"},
                "The order you chose is not one of your confirmed orders.",
            ),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                response = self._file(**values)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
                self.assertIn("o_logistics_complaint_form", response.text)
        self.assertEqual(self._complaints_of("a"), before_a)
        self.assertEqual(self._complaints_of("b"), before_b)

    def test_post_without_csrf_token_is_refused(self):
        self._login("a")
        before = self._complaints_of("a")
        response = self.url_open(
            "/my/complaints/new",
            data={"name": "Forged", "sale_order_id": str(self.order["a"].id)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._complaints_of("a"), before)

    def test_portal_home_counts_complaints(self):
        self.Complaint.create(
            {"name": "Second one", "partner_id": self.customer["a"].id}
        )
        self._login("a")
        home = self.url_open("/my/home")
        self.assertIn('data-placeholder_count="complaint_count"', home.text)
        self.assertIn('href="/my/complaints"', home.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["complaint_count"]}
        )
        self.assertEqual(counters["complaint_count"], 2)
        self._login("b")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["complaint_count"]}
        )
        self.assertEqual(counters["complaint_count"], 1)

    def test_public_visitor_is_sent_to_login(self):
        response = self.url_open("/my/complaints/new", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_tour_file_a_complaint(self):
        before = self._complaints_of("a")
        self.start_tour(
            "/my/complaints",
            "logistics_crm_portal_complaint_tour",
            login=self.login["a"],
        )
        complaint = self._complaints_of("a") - before
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.name, "Forklift damage on arrival")
        self.assertEqual(complaint.complaint_type_id, self.type_damaged)
        self.assertEqual(complaint.sale_order_id, self.order["a"])
        self.assertIn("forks went through", str(complaint.description))
        reply = complaint.message_ids.filtered(
            lambda m: "Photos of the cartons follow" in str(m.body)
        )
        self.assertEqual(reply.author_id, self.contact["a"])
        self.assertEqual(reply.subtype_id, self.env.ref("mail.mt_comment"))
