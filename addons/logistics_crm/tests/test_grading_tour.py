from odoo.tests import HttpCase, tagged

from .common import LogisticsCrmCase


@tagged("post_install", "-at_install")
class TestGradingTour(HttpCase, LogisticsCrmCase):
    def test_customer_tier_tour(self):
        customer = self._customer("Tour Freight Ltd")
        other = self._customer("Tiny Parcels")
        self._orders([(customer, 5000, 3), (other, 10, 200)])
        self._set_weights(revenue=1, recency=1)
        self._grade()
        self.assertEqual(customer.customer_tier_id, self.tier_a)
        self.start_tour(
            "/odoo/customers-by-tier", "logistics_crm_customer_tier_tour", login="admin"
        )
