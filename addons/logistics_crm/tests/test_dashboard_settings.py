"""The dashboard's money and links, and the complaint address in Settings."""

from datetime import timedelta

from lxml import html

from odoo import Command, fields
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import LogisticsCrmCase


@tagged("post_install", "-at_install")
class TestDashboardScreen(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, "dash_user", groups="logistics_crm.logistics_crm_group_user"
        )
        cls.falling = cls._customer("Falling Freight")
        cls.late = cls._customer("Late Parcels")
        cls._orders([(cls.falling, 1234.5, 5)])
        [order] = cls._orders([(cls.late, 10, 5)])
        order.write(
            {
                "sla_reached_on": fields.Datetime.now(),
                "sla_on_time": False,
                "sla_in_full": True,
                "sla_otif": False,
            }
        )
        cls._set_weights(revenue=1)
        cls._grade()
        cls.falling.with_company(cls.company).customer_lifecycle = "at_risk"
        cls.env["logistics.grade.history"].create(
            {
                "partner_id": cls.falling.id,
                "company_id": cls.company.id,
                "date": fields.Datetime.now() + timedelta(hours=1),
                "score": 20.0,
                "previous_score": 60.0,
            }
        )
        cls.env.flush_all()

    def test_revenue_has_its_currency_and_customers_are_links(self):
        dashboard = self.env["logistics.crm.dashboard"].with_user(self.user).create({})
        symbol = self.company.currency_id.symbol
        tiers = html.fromstring(dashboard.tier_html)
        revenues = [
            " ".join(row.xpath("./td")[2].text_content().split())
            for row in tiers.xpath("//tbody/tr")
        ]
        self.assertTrue(revenues)
        for revenue in revenues:
            self.assertIn(symbol, revenue)
            self.assertRegex(revenue, r"\d\.\d\d")
        for fname, customer in (
            ("at_risk_html", self.falling),
            ("worst_on_time_html", self.late),
        ):
            [link] = html.fromstring(dashboard[fname]).xpath(
                f"//a[normalize-space()='{customer.name}']"
            )
            self.assertEqual(
                link.get("href"), f"/odoo/customers-by-tier/{customer.id}", fname
            )
            # every customer name is a link
            for row in html.fromstring(dashboard[fname]).xpath("//tbody/tr"):
                self.assertTrue(row.xpath("./td[1]/a[@href]"), fname)


@tagged("post_install", "-at_install")
class TestComplaintAliasSettings(LogisticsCrmCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias = cls.env.ref("logistics_crm.mail_alias_complaint")
        # neither the alias nor the company has an alias domain yet
        cls.alias.alias_domain_id = False
        cls.company.alias_domain_id = False

    def _visible(self, form, name):
        """Whether the element ``name`` of the settings view shows, evaluated
        on the form's values as the web client evaluates ``invisible``."""
        arch = self.env["res.config.settings"].get_view()["arch"]
        [node] = html.fromstring(arch).xpath(f"//*[@name='{name}']")
        invisible = node.get("invisible")
        fname = "logistics_complaint_alias_domain_id"
        return not (invisible and safe_eval(invisible, {fname: form[fname].id}))

    def test_no_alias_domain_gives_a_hint(self):
        form = Form(self.env["res.config.settings"])
        self.assertEqual(form.logistics_complaint_alias_name, "complaints")
        self.assertFalse(form.logistics_complaint_alias_domain_id)
        self.assertTrue(self._visible(form, "logistics_complaint_alias_hint"))
        arch = self.env["res.config.settings"].get_view()["arch"]
        [hint] = html.fromstring(arch).xpath(
            "//*[@name='logistics_complaint_alias_hint']"
        )
        self.assertIn(
            "Configure an alias domain in General Settings to receive complaints "
            "by e-mail",
            " ".join(hint.text_content().split()),
        )
        self.assertTrue(hint.xpath(".//a[@href='/odoo/settings#email-alias-setting']"))

    def test_the_full_address_shows_and_is_saved(self):
        domain = self.env["mail.alias.domain"].create(
            {
                "name": "harbour.example.com",
                "company_ids": [Command.link(self.company.id)],
            }
        )
        # the company has one; the alias, made before it, not yet
        self.company.alias_domain_id = domain
        self.alias.alias_domain_id = False
        form = Form(self.env["res.config.settings"])
        self.assertEqual(form.logistics_complaint_alias_name, "complaints")
        self.assertEqual(form.logistics_complaint_alias_domain_id, domain)
        self.assertFalse(self._visible(form, "logistics_complaint_alias_hint"))
        form.logistics_complaint_alias_name = "claims"
        form.save().execute()
        self.assertEqual(self.alias.alias_full_name, "claims@harbour.example.com")
