"""19.0.2.0.0: set the former company-dependent partner columns of the grade
figures aside, so that Odoo neither patches the new related fields of the same
names back into company-dependent ones nor drops the values before
post-migrate.py copies them into logistics.customer.grade."""

from odoo.tools import SQL

OLD_PREFIX = "lcrm_v1_"
# the former columns (post-migrate.py copies them and drops them)
MOVED_COLUMNS = (
    "customer_graded_on",
    "customer_rfm",
    "customer_revenue",
    "customer_margin",
    "customer_order_count",
    "customer_recency_days",
    "customer_growth",
    "customer_overdue_ratio",
    "customer_complaint_ratio",
    "customer_revenue_score",
    "customer_margin_score",
    "customer_frequency_score",
    "customer_recency_score",
    "customer_growth_score",
    "customer_payment_score",
    "customer_potential_score",
    "customer_complaint_score",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name = ANY(%s)",
        [list(MOVED_COLUMNS)],
    )
    for (column,) in cr.fetchall():
        cr.execute(
            SQL(
                "ALTER TABLE res_partner RENAME COLUMN %s TO %s",
                SQL.identifier(column),
                SQL.identifier(OLD_PREFIX + column),
            )
        )
