import logging

from odoo.tests import tagged

from .common import LoyaltyTierCase

_logger = logging.getLogger(__name__)


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestLoyaltyScale(LoyaltyTierCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # every tier gives the program: each change of the run enrols
        (cls.tier_b | cls.tier_c | cls.tier_d).loyalty_program_id = cls.program

    def _apply_queries(self, count):
        """Queries of applying the benefit changes of ``count`` new customers
        at once, as the administrator, rolled back; and the cards made."""
        try:
            with self.env.cr.savepoint():
                customers = [self._customer(f"Scale {count}-{i}") for i in range(count)]
                self._orders([(c, 100 * (i + 1), 3) for i, c in enumerate(customers)])
                self.policy._compute_grades()
                changes = self.Change.search(
                    [
                        ("partner_id", "in", [c.id for c in customers]),
                        ("state", "=", "proposed"),
                    ]
                )
                self.assertEqual(len(changes), count)
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                changes.with_user(self.manager).action_apply()
                self.env.flush_all()
                queries = self.env.cr.sql_log_count - before
                cards = self.Card.search_count(
                    [("partner_id", "in", [c.id for c in customers])]
                )
                raise _Rollback(queries, cards)
        except _Rollback as done:
            self.env.invalidate_all()
            return done.args

    def test_apply_in_constant_queries(self):
        self._apply_queries(2)  # caches
        small, cards_small = self._apply_queries(5)
        large, cards_large = self._apply_queries(20)
        _logger.info("Applying 5 / 20 benefit changes: %s / %s queries", small, large)
        self.assertEqual((cards_small, cards_large), (5, 20))
        self.assertEqual(small, large)
