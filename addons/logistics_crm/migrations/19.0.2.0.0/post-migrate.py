"""19.0.2.0.0: the grade's figures move from res_partner to
logistics.customer.grade, and the scorecard reads monthly facts.

pre-migrate.py set the former partner columns aside under OLD_PREFIX; their
values are copied into one grade row per (company, commercial customer) and
the columns dropped. Then the scorecard facts are built from the source
documents."""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

OLD_PREFIX = "lcrm_v1_"

# grade field -> former company-dependent res_partner column, SQL type
MOVED = {
    "graded_on": ("customer_graded_on", "timestamp"),
    "rfm": ("customer_rfm", "varchar"),
    "revenue": ("customer_revenue", "float8"),
    "margin": ("customer_margin", "float8"),
    "frequency": ("customer_order_count", "int4"),
    "recency_days": ("customer_recency_days", "int4"),
    "growth": ("customer_growth", "float8"),
    "overdue_ratio": ("customer_overdue_ratio", "float8"),
    "complaint_ratio": ("customer_complaint_ratio", "float8"),
    "revenue_score": ("customer_revenue_score", "numeric"),
    "margin_score": ("customer_margin_score", "numeric"),
    "frequency_score": ("customer_frequency_score", "numeric"),
    "recency_score": ("customer_recency_score", "numeric"),
    "growth_score": ("customer_growth_score", "numeric"),
    "payment_score": ("customer_payment_score", "numeric"),
    "potential_score": ("customer_potential_score", "numeric"),
    "complaint_score": ("customer_complaint_score", "numeric"),
}


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name = ANY(%s)",
        [[OLD_PREFIX + column for column, __ in MOVED.values()]],
    )
    present = {row[0].removeprefix(OLD_PREFIX) for row in cr.fetchall()}
    if "customer_graded_on" in present:
        moved = {f: spec for f, spec in MOVED.items() if spec[0] in present}
        cr.execute(
            SQL(
                """
INSERT INTO logistics_customer_grade (
    partner_id, company_id, %(fields)s,
    create_uid, create_date, write_uid, write_date)
SELECT p.id, c.id, %(values)s,
       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
  FROM res_partner p
  JOIN res_company c ON p.lcrm_v1_customer_graded_on ? c.id::text
 WHERE p.id = p.commercial_partner_id
ON CONFLICT (partner_id, company_id) DO NOTHING
""",
                fields=SQL(", ").join(SQL.identifier(f) for f in moved),
                values=SQL(", ").join(
                    SQL(
                        "(p.%s ->> c.id::text)::%s",
                        SQL.identifier(OLD_PREFIX + column),
                        SQL(sql_type),
                    )
                    for column, sql_type in moved.values()
                ),
                uid=SUPERUSER_ID,
            )
        )
        _logger.info("Moved the grade figures of %s customers", cr.rowcount)
    for column in present:
        cr.execute(
            SQL(
                "ALTER TABLE res_partner DROP COLUMN %s",
                SQL.identifier(OLD_PREFIX + column),
            )
        )
    env = api.Environment(cr, SUPERUSER_ID, {})
    if "logistics.customer.scorecard.fact" in env:
        env["logistics.customer.scorecard.fact"]._rebuild()
