from odoo.tests import HttpCase, new_test_user, tagged

from .common import LogisticsCrmCase


@tagged("post_install", "-at_install")
class TestScorecardPortal(HttpCase, LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers, cls.logins = {}, {}
        for key, name, amount in (
            ("a", "Alpha Shipper", 1234),
            ("b", "Beta Shipper", 98),
        ):
            company = cls._customer(name)
            contact = cls.env["res.partner"].create(
                {
                    "name": f"{name} buyer",
                    "parent_id": company.id,
                    "email": f"{key}@x.example",
                }
            )
            new_test_user(
                cls.env,
                f"lcrm_portal_{key}",
                groups="base.group_portal",
                partner_id=contact.id,
            )
            cls._orders([(company, amount, 5), (company, amount, 40)])
            cls.customers[key], cls.logins[key] = company, f"lcrm_portal_{key}"
        # one of Alpha's orders delivered on time and in full
        cls.env["sale.order"].search(
            [("partner_id", "=", cls.customers["a"].id)], limit=1
        ).write(
            {
                "sla_reached_on": cls.env.cr.now(),
                "sla_on_time": True,
                "sla_in_full": True,
                "sla_otif": True,
            }
        )
        cls.env["logistics.complaint"].create(
            {"name": "Late", "partner_id": cls.customers["b"].id}
        )

    def test_customer_sees_only_their_own_scorecard(self):
        self.authenticate(self.logins["a"], self.logins["a"])
        response = self.url_open("/my/scorecard")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Alpha Shipper", response.text)
        self.assertNotIn("Beta Shipper", response.text)
        # the month of the delivery shows its on-time and OTIF rates
        self.assertIn("100.0 %", response.text)
        self.assertIn("Download PDF", response.text)
        home = self.url_open("/my/home")
        self.assertIn("/my/scorecard", home.text)

    def test_scorecard_rows_are_isolated_by_record_rules(self):
        Scorecard = self.env["logistics.customer.scorecard"]
        portal_a = self.env["res.users"].search([("login", "=", self.logins["a"])])
        rows = Scorecard.with_user(portal_a).search([])
        self.assertEqual(rows.partner_id, self.customers["a"])
        self.assertEqual(sum(rows.mapped("order_count")), 2)
        leaked = Scorecard.with_user(portal_a).search(
            [("partner_id", "=", self.customers["b"].id)]
        )
        self.assertFalse(leaked)

    def test_pdf_download_is_the_customers_own(self):
        self.authenticate(self.logins["b"], self.logins["b"])
        response = self.url_open("/my/scorecard/pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # tests render reports as HTML unless forced (the PDF engine itself is
        # exercised by TestScorecardOutputs): the content is B's, not A's
        self.assertIn(b"Beta Shipper", response.content)
        self.assertNotIn(b"Alpha Shipper", response.content)
        self.assertIn("Beta%20Shipper", response.headers["Content-Disposition"])

    def test_public_visitor_is_sent_to_login(self):
        response = self.url_open("/my/scorecard", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_internal_user_without_portal_scorecard_is_redirected(self):
        employee = new_test_user(self.env, "lcrm_no_app", groups="base.group_user")
        self.authenticate(employee.login, employee.login)
        response = self.url_open("/my/scorecard", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
