from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, fields
from odoo.modules import get_module_path
from odoo.tests import TransactionCase
from odoo.tools import file_open
from odoo.tools.translate import PoFileReader, TranslationModuleReader

from odoo.addons.logistics_crm.models.grading_policy import CRITERIA


class LogisticsCrmCase(TransactionCase):
    """Customers, confirmed orders and invoices at chosen dates, and a grading
    policy whose weights isolate the criterion under test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.product = cls.env["product.product"].create(
            {
                "name": "Pallet freight",
                "type": "service",
                "list_price": 100.0,
                "standard_price": 60.0,
            }
        )
        cls.Tier = cls.env["logistics.customer.tier"]
        cls.tier_a = cls.env.ref("logistics_crm.customer_tier_a")
        cls.tier_b = cls.env.ref("logistics_crm.customer_tier_b")
        cls.tier_c = cls.env.ref("logistics_crm.customer_tier_c")
        cls.tier_d = cls.env.ref("logistics_crm.customer_tier_d")
        cls.policy = cls.env["logistics.grading.policy"]._get_for_company(cls.company)

    def setUp(self):
        # what setUpClass left to do before commit (the scorecard facts of
        # its documents) is done now, before the test's savepoint, as a
        # commit would: else the first test alone would see it
        self.env.cr.flush()
        super().setUp()

    @classmethod
    def _utc_calendar(cls):
        """A 40-hour week, 8-12 and 13-17 Monday to Friday, in UTC."""
        return cls.env["resource.calendar"].create(
            {
                "name": "Warehouse 40h (UTC)",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for period, start, end in (
                        ("morning", 8, 12),
                        ("afternoon", 13, 17),
                    )
                ],
            }
        )

    @classmethod
    def _complaint_alias(cls):
        """The complaints alias, on the domain freight.example.com of the
        test company, so that mails to complaints@freight.example.com reach
        it. Returns the alias."""
        alias = cls.env.ref("logistics_crm.mail_alias_complaint")
        alias.alias_domain_id = cls.env["mail.alias.domain"].create(
            {
                "name": "freight.example.com",
                "company_ids": [Command.link(cls.company.id)],
            }
        )
        return alias

    @classmethod
    def _customer(cls, name, **vals):
        return cls.env["res.partner"].create({"name": name, "is_company": True, **vals})

    @classmethod
    def _orders(cls, specs, company=None):
        """Confirm one order per ``(partner, amount, days_ago[, cost])`` spec,
        dated ``days_ago`` days before today."""
        company = company or cls.company
        orders = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                [
                    {
                        "partner_id": spec[0].id,
                        "company_id": company.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": cls.product.id,
                                    "product_uom_qty": 1,
                                    "price_unit": spec[1],
                                    "tax_ids": [Command.clear()],
                                    **(
                                        {"purchase_price": spec[3]}
                                        if len(spec) > 3
                                        else {}
                                    ),
                                }
                            )
                        ],
                    }
                    for spec in specs
                ]
            )
        )
        orders.action_confirm()
        now = fields.Datetime.now()
        for order, spec in zip(orders, specs, strict=True):
            order.date_order = now - timedelta(days=spec[2])
        return orders

    @classmethod
    def _invoice(cls, partner, amount, days_ago, due_days_ago, paid=False):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": cls.today - timedelta(days=days_ago),
                "invoice_date_due": cls.today - timedelta(days=due_days_ago),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        if paid:
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create({})._create_payments()
        return move

    @classmethod
    def _set_weights(cls, **weights):
        values = {f"weight_{c}": 0.0 for c in CRITERIA}
        values.update({f"weight_{k}": v for k, v in weights.items()})
        cls.policy.write(values)

    @classmethod
    def _grade(cls):
        cls.env["res.partner"].action_compute_grades()

    @contextmanager
    def assertRefused(self, exception, pattern):
        """The block raises ``exception`` matching ``pattern``, and the
        database is left as it was (the cache is dropped to read it again)."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), pattern)
        self.env.invalidate_all()


def untranslated_terms(env, module, same_in_chinese=frozenset({"ID"})):
    """The terms Odoo's extractor finds in ``module`` (fields, views, data,
    messages) without a translation in its ``i18n/zh_CN.po``, once zh_CN is
    loaded: one line per term, for an assertion message."""
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms([module], ["zh_CN"])
    path = f"{get_module_path(module)}/i18n/zh_CN.po"
    with file_open(path, "rb") as po_file:
        po = {entry["src"]: entry["value"] for entry in PoFileReader(po_file)}
    return [
        f"{ttype} {name}: {source!r}"
        for term_module, ttype, name, __, source, __, __ in TranslationModuleReader(
            env.cr, [module], "zh_CN"
        )
        if term_module == module
        and not (po.get(source) or "").strip()
        and source not in same_in_chinese
    ]
