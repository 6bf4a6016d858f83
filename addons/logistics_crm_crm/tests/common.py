from datetime import timedelta

from odoo import Command, fields

from odoo.addons.logistics_crm.tests.common import LogisticsCrmCase


class CrossSellCase(LogisticsCrmCase):
    """Service products in four categories, customers whose tier is locked
    (so that the test chooses it), and orders with one line per service."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the regrade's "today" in UTC, as the orders' dates are written
        cls.today = fields.Date.today()
        cls.Suggestion = cls.env["logistics.cross.sell.suggestion"]
        cls.Lead = cls.env["crm.lead"]
        cls.tag = cls.env.ref("logistics_crm_crm.crm_tag_cross_sell")
        cls.categ = {}
        cls.service = {}
        for key, name in (
            ("road", "Road freight"),
            ("cold", "Cold chain"),
            ("express", "Express parcels"),
            ("storage", "Warehousing"),
        ):
            cls.categ[key] = cls.env["product.category"].create({"name": name})
            cls.service[key] = cls.env["product.product"].create(
                {
                    "name": f"{name} service",
                    "type": "service",
                    "categ_id": cls.categ[key].id,
                    "list_price": 100.0,
                }
            )

    @classmethod
    def _tiered(cls, name, tier, company=None, **vals):
        """A customer whose tier in ``company`` is locked on ``tier``."""
        partner = cls._customer(name, **vals)
        cls._lock(partner, tier, company)
        return partner

    @classmethod
    def _lock(cls, partner, tier, company=None):
        partner.with_company(company or cls.company).write(
            {
                "customer_tier_id": tier.id,
                "customer_tier_locked": True,
                "customer_tier_lock_reason": "Cross-sell test population",
            }
        )

    @classmethod
    def _buy(cls, partner, lines, days_ago=10, company=None):
        """Confirm one order of ``partner``, ``days_ago`` days ago, with one
        line per ``(service key, amount)`` of ``lines``."""
        company = company or cls.company
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.service[key].id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for key, amount in lines
                    ],
                }
            )
        )
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        return order

    @classmethod
    def _regrade(cls, policy=None):
        (policy or cls.policy)._compute_grades(today=cls.today)

    def _suggestions(self, **filters):
        domain = [(f"{name}_id", "=", record.id) for name, record in filters.items()]
        return self.Suggestion.search(domain)

    def _suggested(self, company=None):
        """{(customer name, category key): suggestion} of the open suggestions
        of ``company``."""
        keys = {categ: key for key, categ in self.categ.items()}
        return {
            (s.partner_id.name, keys[s.categ_id]): s
            for s in self.Suggestion.search(
                [("company_id", "=", (company or self.company).id)]
            )
        }


class PopulationCase(CrossSellCase):
    """Ten key accounts (A0-A9) and four growth accounts (B0-B3), tiers
    locked. In the grading window:

    - every A buys road freight, A0-A2 cold chain (3 of 10: exactly 30 %)
      for 100, 300 and 200, A0-A1 express parcels (20 %: too few);
    - A0 and A1 buy warehousing for 50 and 70 in the window, A2 for 90 on its
      first day; A3 bought it the day before the window opened;
    - every B buys road freight, B0 cold chain (25 %: too few), B0 and B1
      express parcels (50 %) for 500 and 700.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        window = cls.policy.window_days
        cls.a = [cls._tiered(f"A{i}", cls.tier_a) for i in range(10)]
        cls.b = [cls._tiered(f"B{i}", cls.tier_b) for i in range(4)]
        for customer in cls.a + cls.b:
            cls._buy(customer, [("road", 1000)])
        for customer, amount in zip(cls.a[:3], (100, 300, 200), strict=True):
            cls._buy(customer, [("cold", amount)])
        cls._buy(cls.a[0], [("express", 40), ("storage", 50)])
        cls._buy(cls.a[1], [("express", 60), ("storage", 70)])
        cls._buy(cls.a[2], [("storage", 90)], days_ago=window - 1)
        cls._buy(cls.a[3], [("storage", 5000)], days_ago=window)
        cls._buy(cls.b[0], [("cold", 300), ("express", 500)])
        cls._buy(cls.b[1], [("express", 700)])
