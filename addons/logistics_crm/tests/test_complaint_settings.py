"""The complaint address in Settings."""

from lxml import html

from odoo import Command
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import LogisticsCrmCase


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
