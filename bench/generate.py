"""Load a reproducible synthetic customer base into a logistics_crm database.

    python bench/generate.py --db DB --size M [--today YYYY-MM-DD] -- ODOO OPTIONS

The database must have logistics_crm installed (without demo data). The data
is generated inside PostgreSQL (generate_series and random() after
``setseed``), with the rows the real flows leave behind:

* customers (companies) with one contact each; a few per cent of the orders are
  placed by the contact;
* confirmed sales orders over the last two years (some cancelled quotations),
  with 1 to 3 lines of consumable products, margins, SLA deadline and outcome;
* one outgoing delivery per confirmed order with its stock moves: done on time,
  late or short, or still open for the recent orders and a few stragglers;
* a delivery SLA status per confirmed order: reached, failed, or ongoing with
  its deadline in the past (the SLA cron fails them) or in the future;
* posted customer invoices (headers only: the grading reads only those),
  paid, partly paid or overdue;
* complaints on a share of the deliveries (more on late and short ones) with
  their response and resolution SLA statuses, and ratings of the handling of
  the closed ones.

Customers' order counts are skewed (a few customers have many orders, many
have few); some customers are new, some stopped ordering a year ago.

The documents are inserted by SQL, past the ORM: the scorecard facts are then
built from them by ``logistics.customer.scorecard.fact._rebuild()`` (timed, the
"facts rebuild" of the report). Then the grading runs once as of 30 days ago
(as the daily cron would have), so customers have tiers, grade rows, history and
chatter notes; 40 orders are created, confirmed and left to deliver through the
ORM for the delivery-validation measure, and 40 more are created and left as
quotations for the order-confirmation measure.

The same size, seed and ``--today`` give the same rows; ``--today`` defaults to
the current date (UTC), the end of the two-year history.
"""

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from odoo_env import environment, load_registry, split_args  # noqa: E402

SIZES = {
    "S": (1_000, 20_000),
    "M": (10_000, 200_000),
    "L": (100_000, 2_000_000),
}
SEED = 0.42
HISTORY_DAYS = 730
VALIDATION_ORDERS = 40
VALIDATION_REF = "BENCH-VALIDATION"  # confirmed, deliveries to validate
CONFIRMATION_REF = "BENCH-CONFIRMATION"  # quotations to confirm
# name, list price, cost
PRODUCTS = [
    ("Bench pallet transport", 120.0, 84.0),
    ("Bench parcel", 18.0, 11.0),
    ("Bench cold-chain crate", 240.0, 150.0),
    ("Bench bulk container", 900.0, 700.0),
    ("Bench express envelope", 9.0, 4.5),
]


def log(msg, *args):
    print(f"[generate {time.strftime('%H:%M:%S')}] " + (msg % args), flush=True)


BULK_TABLES = (
    "res_partner",
    "sale_order",
    "sale_order_line",
    "stock_picking",
    "stock_move",
    "logistics_sla_status",
    "account_move",
    "logistics_complaint",
    "rating_rating",
)


class Loader:
    def __init__(self, env, n_cust, n_ord, today):
        self.env = env
        self.cr = env.cr
        self.n_cust = n_cust
        self.n_ord = n_ord
        self.today = today
        self.timings = {}

    def sql(self, label, query, params=None):
        t0 = time.perf_counter()
        self.cr.execute(query, {**self.params, **(params or {})})
        rows = self.cr.rowcount
        dt = time.perf_counter() - t0
        self.timings[label] = round(dt, 2)
        log("%-28s %8s rows %6.1f s", label, rows if rows >= 0 else "-", dt)

    def reserve(self, table, count):
        """First id of ``count`` ids reserved in ``table``'s sequence."""
        self.cr.execute(
            "SELECT COALESCE(max(id), 0) FROM " + table  # table names are ours
        )
        first = self.cr.fetchone()[0] + 1
        self.cr.execute("SELECT setval(%s, %s)", (f"{table}_id_seq", first + count - 1))
        return first

    # ------------------------------------------------------------------
    def refs(self):
        env = self.env
        company = env.ref("base.main_company")
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        # one product category per service, for the cross-sell suggestions
        categories = env["product.category"].create(
            [{"name": name} for name, __, __ in PRODUCTS]
        )
        products = env["product.product"].create(
            [
                {
                    "name": name,
                    "categ_id": categ.id,
                    "type": "consu",
                    "list_price": price,
                    "standard_price": cost,
                    "taxes_id": [(5, 0, 0)],
                    "invoice_policy": "order",
                }
                for (name, price, cost), categ in zip(PRODUCTS, categories, strict=True)
            ]
        )
        journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        admin = env.ref("base.user_admin")

        def ref(xmlid):
            return env.ref(xmlid).id

        self.params = {
            "seed": SEED,
            "n_cust": self.n_cust,
            "n_ord": self.n_ord,
            "today": self.today,
            "history": HISTORY_DAYS,
            "company": company.id,
            "currency": company.currency_id.id,
            "warehouse": warehouse.id,
            "loc_stock": warehouse.lot_stock_id.id,
            "loc_customer": ref("stock.stock_location_customers"),
            "pick_type": warehouse.out_type_id.id,
            "rule": env["stock.rule"]
            .search(
                [
                    ("picking_type_id", "=", warehouse.out_type_id.id),
                    ("location_dest_id", "=", ref("stock.stock_location_customers")),
                ],
                limit=1,
            )
            .id
            or None,
            "uom": ref("uom.product_uom_unit"),
            "journal": journal.id,
            "team": ref("sales_team.team_sales_department"),
            "user": admin.id,
            "user_partner": admin.partner_id.id,
            "policy": ref("logistics_crm.sla_policy_standard"),
            "target": ref("logistics_crm.sla_target_standard_any"),
            "product_ids": products.ids,
            "product_names": [p[0] for p in PRODUCTS],
            "prices": [p[1] for p in PRODUCTS],
            "costs": [p[2] for p in PRODUCTS],
            "type_late": ref("logistics_crm.complaint_type_late"),
            "type_short": ref("logistics_crm.complaint_type_short"),
            "other_types": [
                ref(f"logistics_crm.complaint_type_{t}")
                for t in (
                    "damaged",
                    "lost",
                    "wrong_item",
                    "billing",
                    "attitude",
                    "documentation",
                    "other",
                )
            ],
            "stage_new": ref("logistics_crm.complaint_stage_new"),
            "stage_progress": ref("logistics_crm.complaint_stage_in_progress"),
            "stage_waiting": ref("logistics_crm.complaint_stage_waiting"),
            "stage_resolved": ref("logistics_crm.complaint_stage_resolved"),
            "stage_closed": ref("logistics_crm.complaint_stage_closed"),
            "stage_cancelled": ref("logistics_crm.complaint_stage_cancelled"),
            "causes": env["logistics.complaint.cause"].search([]).ids,
            "model_complaint": env["ir.model"]._get_id("logistics.complaint"),
            "model_partner": env["ir.model"]._get_id("res.partner"),
        }
        env.flush_all()

    # ------------------------------------------------------------------
    def load(self):
        cr = self.cr
        cr.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cr.execute("SET LOCAL work_mem = '256MB'")
        p = self.params
        p["p0"] = self.reserve("res_partner", 2 * self.n_cust)
        # customers: what kind, and how they are served and pay
        self.sql(
            "customers (temp)",
            """
SELECT setseed(%(seed)s);
CREATE TEMP TABLE bench_cust ON COMMIT DROP AS
SELECT i,
       %(p0)s + i - 1 AS pid,
       %(p0)s + %(n_cust)s + i - 1 AS contact_id,
       kind,
       CASE kind WHEN 'new' THEN 5 + floor(random() * 175)::int
                 ELSE %(history)s END AS start_ago,
       CASE kind WHEN 'lost' THEN 370 + floor(random() * 300)::int ELSE 1 END
           AS end_ago,
       0.02 + 0.30 * power(random(), 3) AS late_p,
       0.06 * power(random(), 2) AS short_p,
       0.35 * power(random(), 2) AS overdue_p,
       CASE WHEN r < 0.70 THEN NULL WHEN r < 0.80 THEN 'low'
            WHEN r < 0.90 THEN 'medium' ELSE 'high' END AS potential
  FROM (SELECT i,
               CASE WHEN k < 0.08 THEN 'new' WHEN k < 0.16 THEN 'lost'
                    ELSE 'regular' END AS kind,
               random() AS r
          FROM (SELECT i, random() AS k
                  FROM generate_series(1, %(n_cust)s) i) s) s;
""",
        )
        self.sql(
            "res_partner",
            """
INSERT INTO res_partner (
    id, name, complete_name, commercial_company_name, commercial_partner_id,
    parent_id, is_company, type, lang, active, partner_share, color,
    message_bounce, customer_rank, supplier_rank, autopost_bills, email,
    email_normalized, city, user_id, customer_potential,
    create_uid, write_uid, create_date, write_date)
SELECT c.pid, 'Bench Customer ' || lpad(c.i::text, 6, '0'),
       'Bench Customer ' || lpad(c.i::text, 6, '0'),
       'Bench Customer ' || lpad(c.i::text, 6, '0'), c.pid, NULL, TRUE,
       'contact', 'en_US', TRUE, TRUE, 0, 0, 1, 0, 'ask',
       'customer' || c.i || '@bench.example.com',
       'customer' || c.i || '@bench.example.com',
       'City ' || (c.i %% 97), %(user)s,
       CASE WHEN c.potential IS NOT NULL
            THEN jsonb_build_object(%(company)s::text, c.potential) END,
       1, 1, %(today)s::timestamp - make_interval(days => c.start_ago + 1),
       %(today)s::timestamp
  FROM bench_cust c
UNION ALL
SELECT c.contact_id, 'Buyer ' || lpad(c.i::text, 6, '0'),
       'Bench Customer ' || lpad(c.i::text, 6, '0') || ', Buyer '
           || lpad(c.i::text, 6, '0'),
       'Bench Customer ' || lpad(c.i::text, 6, '0'), c.pid, c.pid, FALSE,
       'contact', 'en_US', TRUE, TRUE, 0, 0, 1, 0, 'ask',
       'buyer' || c.i || '@bench.example.com',
       'buyer' || c.i || '@bench.example.com', NULL, NULL, NULL,
       1, 1, %(today)s::timestamp - make_interval(days => c.start_ago + 1),
       %(today)s::timestamp
  FROM bench_cust c
""",
        )
        # orders: every customer has one, the rest go to a skewed few. All
        # random draws happen in the scan of generate_series, so that they do
        # not depend on the join order.
        self.sql(
            "orders (temp)",
            """
CREATE TEMP TABLE bench_ord ON COMMIT DROP AS
SELECT o.*,
       -- the SLA deadline: end (17:00) of the 3rd working day after the
       -- confirmation day (the confirmation day counting when still open)
       (dd + CASE WHEN extract(isodow FROM dd) + 3 > 5 THEN 5 ELSE 3 END
            + interval '17 hours') AS deadline
  FROM (
    SELECT o.*,
           CASE WHEN extract(isodow FROM date_order) <= 5
                     AND date_order::time < '17:00' THEN date_order::date
                WHEN extract(isodow FROM date_order) = 5 THEN date_order::date + 3
                WHEN extract(isodow FROM date_order) = 6 THEN date_order::date + 2
                ELSE date_order::date + 1 END AS dd
      FROM (
        SELECT g.j, c.i AS cust, c.pid,
               CASE WHEN g.r_contact < 0.08 THEN c.contact_id ELSE c.pid END
                   AS partner_id,
               %(today)s::date
                 - (c.end_ago + floor(g.r_day * (c.start_ago - c.end_ago + 1)))::int
                 + interval '7 hours' + g.r_time * interval '11 hours'
                   AS date_order,
               CASE WHEN g.r_state < 0.03 THEN 'cancel' ELSE 'sale' END AS state,
               1 + floor(g.r_lines * 3)::int AS n_lines,
               g.r_open, g.r_late, g.r_short, g.r_delay, g.r_inv, g.r_pay,
               g.r_cmp, c.late_p, c.short_p, c.overdue_p
          FROM (SELECT j,
                       CASE WHEN j <= %(n_cust)s THEN j
                            ELSE 1 + floor(%(n_cust)s * power(random(), 2))::int
                       END AS cust,
                       random() AS r_contact, random() AS r_day,
                       random() AS r_time, random() AS r_state,
                       random() AS r_lines, random() AS r_open,
                       random() AS r_late, random() AS r_short,
                       random() AS r_delay, random() AS r_inv,
                       random() AS r_pay, random() AS r_cmp
                  FROM generate_series(1, %(n_ord)s) j) g
          JOIN bench_cust c ON c.i = g.cust
      ) o
  ) o;
""",
        )
        p["o0"] = self.reserve("sale_order", self.n_ord)
        # delivery outcome of the confirmed orders
        self.sql(
            "delivery outcome (temp)",
            """
ALTER TABLE bench_ord ADD COLUMN id int, ADD COLUMN delivered bool,
    ADD COLUMN late bool, ADD COLUMN short bool, ADD COLUMN date_done timestamp;
UPDATE bench_ord SET
    id = %(o0)s + j - 1,
    late = state = 'sale' AND r_late < late_p,
    short = state = 'sale' AND r_short < short_p;
UPDATE bench_ord SET date_done = CASE
    WHEN late THEN deadline + interval '2 hours' + r_delay * interval '7 days'
    ELSE date_order + interval '2 hours'
         + r_delay * (deadline - date_order - interval '2 hours') END
 WHERE state = 'sale';
-- recent orders, and 2%% of the last quarter's, are still to deliver
UPDATE bench_ord SET delivered = state = 'sale'
    AND date_done < %(today)s::timestamp
    AND date_order < %(today)s::date - 7
    AND NOT (date_order > %(today)s::date - 90 AND r_open < 0.02);
UPDATE bench_ord SET date_done = NULL, late = FALSE, short = FALSE
 WHERE NOT delivered;
CREATE UNIQUE INDEX ON bench_ord (j);
ANALYZE bench_ord;
""",
        )
        self.sql(
            "lines (temp)",
            """
CREATE TEMP TABLE bench_line ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY j, seq) AS n, l.*,
       (%(prices)s::numeric[])[l.k] AS price,
       (%(costs)s::numeric[])[l.k] AS cost,
       0 AS delivered
  FROM (SELECT o.j, s AS seq,
               1 + floor(random() * 5)::int AS k,
               (1 + floor(random() * 20))::int AS qty
          FROM bench_ord o
         CROSS JOIN LATERAL generate_series(1, o.n_lines) s) l;
""",
        )
        p["l0"] = self.reserve("sale_order_line", self._count("bench_line"))
        self.sql(
            "line ids and deliveries",
            """
ALTER TABLE bench_line ADD COLUMN id int;
UPDATE bench_line l SET
    id = %(l0)s + l.n - 1,
    delivered = CASE WHEN NOT o.delivered THEN 0
                     WHEN o.short AND l.seq = 1 THEN l.qty - 1 - (l.qty > 2)::int
                     ELSE l.qty END
  FROM bench_ord o
 WHERE o.j = l.j;
CREATE INDEX ON bench_line (j);
ANALYZE bench_line;
""",
        )
        self.sql(
            "sale_order",
            """
INSERT INTO sale_order (
    id, company_id, partner_id, partner_invoice_id, partner_shipping_id,
    currency_id, user_id, team_id, name, state, invoice_status, validity_date,
    currency_rate, amount_untaxed, amount_tax, amount_total, locked,
    require_signature, require_payment, date_order, prepayment_percent,
    warehouse_id, picking_policy, delivery_status, effective_date, margin,
    margin_percent, sla_policy_id, sla_deadline, sla_reached_on, sla_on_time,
    sla_in_full, sla_otif, create_uid, write_uid, create_date, write_date)
SELECT o.id, %(company)s, o.partner_id, o.partner_id, o.partner_id,
       %(currency)s, %(user)s, %(team)s, 'BENCH/S' || lpad(o.j::text, 8, '0'),
       o.state,
       CASE WHEN o.state = 'cancel' THEN 'no'
            WHEN o.delivered OR o.r_inv < 0.5 THEN 'invoiced'
            ELSE 'to invoice' END,
       o.date_order::date + 30, 1.0, a.untaxed, 0, a.untaxed, FALSE, TRUE,
       FALSE, o.date_order, 1.0, %(warehouse)s, 'direct',
       CASE WHEN o.state = 'cancel' THEN NULL WHEN NOT o.delivered THEN 'pending'
            WHEN o.short THEN 'partial' ELSE 'full' END,
       o.date_done, a.margin, a.margin / NULLIF(a.untaxed, 0),
       CASE WHEN o.state = 'sale' THEN %(policy)s END,
       CASE WHEN o.state = 'sale' THEN o.deadline END,
       o.date_done,
       CASE WHEN o.delivered THEN NOT o.late END,
       CASE WHEN o.delivered THEN NOT o.short END,
       CASE WHEN o.delivered THEN NOT o.late AND NOT o.short END,
       %(user)s, %(user)s, o.date_order, COALESCE(o.date_done, o.date_order)
  FROM bench_ord o
  JOIN (SELECT j, sum(qty * price) AS untaxed,
               sum(qty * (price - cost)) AS margin
          FROM bench_line GROUP BY j) a ON a.j = o.j
""",
        )
        self.sql(
            "sale_order_line",
            """
INSERT INTO sale_order_line (
    id, order_id, sequence, company_id, currency_id, order_partner_id,
    salesman_id, product_id, product_uom_id, state, qty_delivered_method,
    invoice_status, name, product_uom_qty, price_unit, discount, price_subtotal,
    price_total, price_reduce_taxexcl, price_reduce_taxinc, qty_delivered,
    qty_invoiced, qty_to_invoice, untaxed_amount_invoiced,
    untaxed_amount_to_invoice, collapse_prices, collapse_composition,
    technical_price_unit, price_tax, customer_lead, is_optional, warehouse_id,
    margin, purchase_price, margin_percent, is_downpayment, is_expense,
    create_uid, write_uid, create_date, write_date)
SELECT l.id, o.id, 10 * l.seq, %(company)s, %(currency)s, o.partner_id,
       %(user)s, (%(product_ids)s::int[])[l.k], %(uom)s, o.state, 'stock_move',
       CASE WHEN o.state = 'cancel' THEN 'no'
            WHEN o.delivered OR o.r_inv < 0.5 THEN 'invoiced'
            ELSE 'to invoice' END,
       (%(product_names)s::text[])[l.k], l.qty, l.price, 0, l.qty * l.price,
       l.qty * l.price, l.price, l.price, l.delivered,
       CASE WHEN o.state = 'sale' AND (o.delivered OR o.r_inv < 0.5)
            THEN l.qty ELSE 0 END,
       CASE WHEN o.state = 'sale' AND NOT (o.delivered OR o.r_inv < 0.5)
            THEN l.qty ELSE 0 END,
       CASE WHEN o.state = 'sale' AND (o.delivered OR o.r_inv < 0.5)
            THEN l.qty * l.price ELSE 0 END,
       CASE WHEN o.state = 'sale' AND NOT (o.delivered OR o.r_inv < 0.5)
            THEN l.qty * l.price ELSE 0 END,
       FALSE, FALSE, l.price, 0, 0, FALSE, %(warehouse)s,
       l.qty * (l.price - l.cost), l.cost, (l.price - l.cost) / l.price,
       FALSE, FALSE, %(user)s, %(user)s, o.date_order,
       COALESCE(o.date_done, o.date_order)
  FROM bench_line l
  JOIN bench_ord o ON o.j = l.j
""",
        )
        p["k0"] = self.reserve("stock_picking", self.n_ord)
        self.sql(
            "stock_picking",
            """
INSERT INTO stock_picking (
    id, location_id, location_dest_id, picking_type_id, partner_id, company_id,
    name, origin, move_type, state, priority, shipping_weight,
    has_deadline_issue, printed, is_locked, scheduled_date, date_deadline,
    date_done, sale_id, sla_deadline, create_uid, write_uid, create_date,
    write_date)
SELECT %(k0)s + o.j - 1, %(loc_stock)s, %(loc_customer)s, %(pick_type)s,
       o.partner_id, %(company)s, 'BENCH/OUT/' || lpad(o.j::text, 8, '0'),
       'BENCH/S' || lpad(o.j::text, 8, '0'), 'direct',
       CASE WHEN o.delivered THEN 'done' ELSE 'assigned' END, '0', 0, FALSE,
       o.delivered, TRUE, o.date_order, NULL, o.date_done, o.id, o.deadline,
       %(user)s, %(user)s, o.date_order, COALESCE(o.date_done, o.date_order)
  FROM bench_ord o
 WHERE o.state = 'sale'
""",
        )
        self.sql(
            "stock_move",
            """
INSERT INTO stock_move (
    sequence, company_id, product_id, product_uom, location_id,
    location_dest_id, location_final_id, partner_id, picking_id, rule_id,
    picking_type_id, warehouse_id, packaging_uom_id, priority, state, origin,
    reference, procure_method, reservation_date, product_qty, product_uom_qty,
    quantity, picked, propagate_cancel, additional, date, packaging_uom_qty,
    to_refund, is_in, is_out, is_dropship, sale_line_id,
    create_uid, write_uid, create_date, write_date)
SELECT 10 * l.seq, %(company)s, (%(product_ids)s::int[])[l.k], %(uom)s,
       %(loc_stock)s, %(loc_customer)s, %(loc_customer)s, o.partner_id,
       %(k0)s + o.j - 1, %(rule)s, %(pick_type)s, %(warehouse)s, %(uom)s, '0',
       CASE WHEN o.delivered THEN 'done' ELSE 'assigned' END,
       'BENCH/S' || lpad(o.j::text, 8, '0'),
       'BENCH/OUT/' || lpad(o.j::text, 8, '0'), 'make_to_stock',
       o.date_order::date, l.qty, l.qty,
       CASE WHEN o.delivered THEN l.delivered ELSE l.qty END, o.delivered, FALSE,
       FALSE, COALESCE(o.date_done, o.date_order), l.qty, TRUE, FALSE, FALSE,
       FALSE, l.id, %(user)s, %(user)s, o.date_order,
       COALESCE(o.date_done, o.date_order)
  FROM bench_line l
  JOIN bench_ord o ON o.j = l.j
 WHERE o.state = 'sale'
""",
        )
        # delivery SLA: reached when delivered on time; a late delivery was
        # failed (and escalated) by the SLA cron a quarter of an hour after
        # its deadline, which leaves reached_on empty; undelivered orders are
        # ongoing, with their deadline past (a backlog for the cron, as after
        # a cron outage) or to come
        self.sql(
            "logistics_sla_status (del.)",
            """
INSERT INTO logistics_sla_status (
    res_id, sale_order_id, partner_id, company_id, policy_id, user_id,
    closed_count, met_count, compliance, res_model, kind, state, warned,
    escalated, date_start, deadline, reached_on, resumed_on, exceeded_hours,
    target_hours, consumed_hours, create_uid, write_uid, create_date,
    write_date)
SELECT o.id, o.id, o.pid, %(company)s, %(policy)s, %(user)s,
       o.delivered::int, (o.delivered AND NOT o.late)::int,
       CASE WHEN o.delivered AND NOT o.late THEN 100 ELSE 0 END,
       'sale.order', 'delivery',
       CASE WHEN NOT o.delivered THEN 'ongoing' WHEN o.late THEN 'failed'
            ELSE 'reached' END,
       o.late, o.late, o.date_order, o.deadline,
       CASE WHEN o.delivered AND NOT o.late THEN o.date_done END, o.date_order,
       CASE WHEN o.late THEN 0.25 ELSE 0 END,
       0, 0, %(user)s, %(user)s, o.date_order,
       COALESCE(o.date_done, o.date_order)
  FROM bench_ord o
 WHERE o.state = 'sale'
""",
        )
        # invoices: most confirmed orders older than a few days are invoiced
        self.sql(
            "account_move (invoices)",
            """
CREATE TEMP TABLE bench_inv ON COMMIT DROP AS
SELECT o.j, o.id AS order_id, o.partner_id, o.pid, a.untaxed,
       (o.date_order + interval '1 day')::date AS invoice_date,
       row_number() OVER (ORDER BY o.j) AS n,
       CASE WHEN (o.date_order + interval '31 days')::date < %(today)s::date
                 AND o.r_pay >= o.overdue_p THEN 'paid'
            WHEN (o.date_order + interval '31 days')::date >= %(today)s::date
                 AND o.r_pay < 0.3 THEN 'paid'
            WHEN o.r_pay < o.overdue_p / 3 THEN 'partial'
            ELSE 'not_paid' END AS payment_state
  FROM bench_ord o
  JOIN (SELECT j, sum(qty * price) AS untaxed FROM bench_line GROUP BY j) a
    ON a.j = o.j
 WHERE o.state = 'sale' AND (o.delivered OR o.r_inv < 0.5)
   AND o.date_order < %(today)s::date - 1;
INSERT INTO account_move (
    sequence_number, journal_id, company_id, partner_id, commercial_partner_id,
    partner_shipping_id, currency_id, invoice_user_id, sequence_prefix, name,
    ref, state, move_type, auto_post, payment_reference, payment_state,
    invoice_partner_display_name, invoice_origin, date, invoice_date,
    invoice_date_due, invoice_currency_rate, amount_untaxed, amount_tax,
    amount_total, amount_residual, amount_untaxed_signed,
    amount_untaxed_in_currency_signed, amount_tax_signed, amount_total_signed,
    amount_total_in_currency_signed, amount_residual_signed,
    always_tax_exigible, checked, posted_before, made_sequence_gap,
    is_manually_modified, is_move_sent, team_id, create_uid, write_uid,
    create_date, write_date)
SELECT i.n, %(journal)s, %(company)s, i.partner_id, i.pid, i.partner_id,
       %(currency)s, %(user)s, 'INV/BENCH/',
       'INV/BENCH/' || lpad(i.n::text, 8, '0'),
       'BENCH/S' || lpad(i.j::text, 8, '0'), 'posted', 'out_invoice', 'no',
       'INV/BENCH/' || lpad(i.n::text, 8, '0'), i.payment_state,
       p.complete_name, 'BENCH/S' || lpad(i.j::text, 8, '0'), i.invoice_date,
       i.invoice_date, i.invoice_date + 30, 1.0, i.untaxed, 0, i.untaxed,
       r.residual, i.untaxed, i.untaxed, 0, i.untaxed, i.untaxed, r.residual,
       FALSE, TRUE, TRUE, FALSE, FALSE, TRUE, %(team)s, %(user)s, %(user)s,
       i.invoice_date, i.invoice_date
  FROM bench_inv i
  JOIN res_partner p ON p.id = i.partner_id
  CROSS JOIN LATERAL (
       SELECT CASE i.payment_state WHEN 'paid' THEN 0
                   WHEN 'partial' THEN round(i.untaxed / 2, 2)
                   ELSE i.untaxed END AS residual) r
""",
        )
        # complaints, more often on late and short deliveries
        self.sql(
            "complaints (temp)",
            """
CREATE TEMP TABLE bench_cmp ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY j) AS n, c.*,
       CASE WHEN c.stage IN ('closed', 'resolved')
            THEN c.date_reported + interval '2 hours'
                 + c.r_close * interval '9 days' END AS date_closed
  FROM (
    SELECT o.j, o.id AS order_id, o.partner_id, o.pid,
           %(k0)s + o.j - 1 AS picking_id,
           CASE WHEN o.late THEN %(type_late)s WHEN o.short THEN %(type_short)s
                ELSE (%(other_types)s::int[])[1 + floor(r.r_type * 7)::int] END
               AS type_id,
           o.date_done + interval '3 hours' + r.r_report * interval '4 days'
               AS date_reported,
           CASE WHEN o.date_done < %(today)s::date - 30 THEN
                    CASE WHEN r.r_stage < 0.05 THEN 'cancelled'
                         WHEN r.r_stage < 0.12 THEN 'progress'
                         WHEN r.r_stage < 0.40 THEN 'resolved'
                         ELSE 'closed' END
                ELSE (ARRAY['new', 'progress', 'waiting', 'resolved'])
                     [1 + floor(r.r_stage * 4)::int] END AS stage,
           (ARRAY['0', '1', '1', '1', '2', '3'])[1 + floor(r.r_prio * 6)::int]
               AS priority,
           r.r_close, r.r_answer, r.r_rate, r.r_respond
      FROM (SELECT j, random() AS r_type, random() AS r_report,
                   random() AS r_stage, random() AS r_prio, random() AS r_close,
                   random() AS r_answer, random() AS r_rate,
                   random() AS r_respond
              FROM bench_ord
             WHERE delivered
               AND r_cmp < CASE WHEN late THEN 0.15 WHEN short THEN 0.25
                                ELSE 0.015 END) r
      JOIN bench_ord o ON o.j = r.j
  ) c;
-- nothing is reported or closed in the future
UPDATE bench_cmp SET stage = 'progress', date_closed = NULL
 WHERE date_closed >= %(today)s::timestamp;
DELETE FROM bench_cmp WHERE date_reported >= %(today)s::timestamp;
""",
        )
        p["c0"] = self.reserve("logistics_complaint", self._count("bench_cmp", "n"))
        self.sql(
            "logistics_complaint",
            """
INSERT INTO logistics_complaint (
    id, company_id, partner_id, commercial_partner_id, sale_order_id,
    picking_id, complaint_type_id, stage_id, user_id, root_cause_id,
    name, reference, email_from, priority, resolution, active, is_damage,
    is_closed, date_reported, date_closed, damaged_qty, claim_amount,
    compensation_amount, rating_last_value, create_uid, write_uid,
    create_date, write_date)
SELECT %(c0)s + c.n - 1, %(company)s, c.partner_id, c.pid, c.order_id,
       c.picking_id, c.type_id, s.id, %(user)s,
       CASE WHEN c.stage IN ('closed', 'resolved')
            THEN (%(causes)s::int[])
                 [1 + (c.n %% array_length(%(causes)s::int[], 1))::int]
       END,
       t.name ->> 'en_US', 'CMP/BENCH/' || lpad(c.n::text, 7, '0'),
       p.email, c.priority,
       CASE WHEN c.stage IN ('closed', 'resolved')
            THEN 'Handled with the carrier; the customer was informed.' END,
       TRUE, t.is_damage, s.is_closed, c.date_reported, c.date_closed, 0, 0, 0,
       0, %(user)s, %(user)s, c.date_reported,
       COALESCE(c.date_closed, c.date_reported)
  FROM bench_cmp c
  JOIN logistics_complaint_type t ON t.id = c.type_id
  JOIN res_partner p ON p.id = c.partner_id
  JOIN (VALUES ('new', %(stage_new)s), ('progress', %(stage_progress)s),
               ('waiting', %(stage_waiting)s), ('resolved', %(stage_resolved)s),
               ('closed', %(stage_closed)s), ('cancelled', %(stage_cancelled)s))
       v(stage, stage_id) ON v.stage = c.stage
  JOIN logistics_complaint_stage s ON s.id = v.stage_id
""",
        )
        # complaint SLA: response (one working day) and resolution (about a
        # week); the cron failed the late ones at their deadline, the waiting
        # stage pauses the clock, cancelling deletes the open statuses
        self.sql(
            "logistics_sla_status (cmp.)",
            """
INSERT INTO logistics_sla_status (
    res_id, complaint_id, partner_id, company_id, policy_id, target_id, user_id,
    closed_count, met_count, compliance, res_model, kind, state, warned,
    escalated, date_start, deadline, reached_on, resumed_on, exceeded_hours,
    target_hours, consumed_hours, create_uid, write_uid, create_date,
    write_date)
SELECT x.id, x.id, x.pid, %(company)s, %(policy)s, %(target)s, %(user)s,
       (x.state IN ('reached', 'failed'))::int, (x.state = 'reached')::int,
       CASE WHEN x.state = 'reached' THEN 100 ELSE 0 END,
       'logistics.complaint', x.kind, x.state, x.state = 'failed',
       x.state = 'failed', x.date_reported, x.deadline,
       CASE WHEN x.state = 'reached' THEN x.reached_on END, x.date_reported,
       CASE WHEN x.state = 'failed' THEN 0.25 ELSE 0 END,
       x.hours, CASE WHEN x.state = 'paused' THEN x.hours / 4 ELSE 0 END,
       %(user)s, %(user)s, x.date_reported, x.date_reported
  FROM (
    SELECT %(c0)s + c.n - 1 AS id, c.pid, c.date_reported, k.kind, k.hours,
           k.deadline, k.reached_on,
           CASE WHEN COALESCE(k.reached_on, %(today)s::timestamp) > k.deadline
                     THEN 'failed'
                WHEN k.reached_on IS NOT NULL THEN 'reached'
                WHEN c.stage = 'waiting' THEN 'paused'
                ELSE 'ongoing' END AS state
      FROM bench_cmp c
      CROSS JOIN LATERAL (VALUES
          ('response', 8.0, c.date_reported + interval '1 day',
           CASE WHEN c.stage <> 'new'
                THEN c.date_reported + c.r_respond * interval '30 hours' END),
          ('resolution', 40.0, c.date_reported + interval '7 days',
           c.date_closed)) k(kind, hours, deadline, reached_on)
     WHERE c.stage <> 'cancelled' OR k.reached_on IS NOT NULL
  ) x
""",
        )
        # ratings asked on closing; 45 % answered
        self.sql(
            "rating_rating",
            """
INSERT INTO rating_rating (
    res_model_id, res_id, parent_res_model_id, parent_res_id,
    rated_partner_id, partner_id, res_name, res_model, parent_res_name,
    parent_res_model, rating_text, access_token, is_internal, consumed,
    create_date, rated_on, write_date, rating, create_uid, write_uid)
SELECT %(model_complaint)s, %(c0)s + c.n - 1, %(model_partner)s, c.pid,
       %(user_partner)s, c.partner_id,
       'CMP/BENCH/' || lpad(c.n::text, 7, '0'), 'logistics.complaint',
       p.name, 'res.partner',
       CASE WHEN NOT a.answered THEN 'none' WHEN a.rating = 5 THEN 'top'
            WHEN a.rating = 3 THEN 'ok' ELSE 'ko' END,
       md5('bench-rating-' || c.n), FALSE, a.answered, c.date_closed,
       CASE WHEN a.answered THEN c.date_closed + interval '1 day' END,
       CASE WHEN a.answered THEN c.date_closed + interval '1 day'
            ELSE c.date_closed END,
       CASE WHEN a.answered THEN a.rating ELSE 0 END, %(user)s, %(user)s
  FROM bench_cmp c
  JOIN res_partner p ON p.id = c.pid
  CROSS JOIN LATERAL (
       SELECT c.r_answer < 0.45 AS answered,
              CASE WHEN c.r_rate < 0.55 THEN 5 WHEN c.r_rate < 0.85 THEN 3
                   ELSE 1 END AS rating) a
 WHERE c.date_closed IS NOT NULL;
UPDATE logistics_complaint c SET rating_last_value = r.rating
  FROM rating_rating r
 WHERE r.res_model = 'logistics.complaint' AND r.res_id = c.id AND r.consumed
   AND c.id >= %(c0)s;
""",
        )

    def without_constraints(self):
        """Drop the foreign keys and the non-unique indexes of the loaded
        tables, the way pg_restore loads data: one validation query per
        foreign key and one sort per index at the end are much cheaper than
        a trigger call and index insertion per row. Returns the function that
        puts them back, identical (same names and definitions), in the same
        transaction."""
        cr = self.cr
        cr.execute(
            """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
  FROM pg_constraint
 WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
 ORDER BY 1, 2
""",
            [list(BULK_TABLES)],
        )
        fkeys = cr.fetchall()
        cr.execute(
            """
SELECT c.relname, pg_get_indexdef(c.oid)
  FROM pg_index x
  JOIN pg_class c ON c.oid = x.indexrelid
 WHERE x.indrelid = ANY(%s::regclass[])
   AND NOT x.indisunique AND NOT x.indisprimary
 ORDER BY 1
""",
            [list(BULK_TABLES)],
        )
        indexes = cr.fetchall()
        for table, name, _definition in fkeys:
            cr.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cr.execute(f'DROP INDEX "{name}"')
        log("dropped %s foreign keys and %s indexes", len(fkeys), len(indexes))

        def restore():
            t0 = time.perf_counter()
            cr.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, definition in indexes:
                cr.execute(definition)
            for table, name, definition in fkeys:
                cr.execute(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                )
            dt = time.perf_counter() - t0
            self.timings["indexes and foreign keys"] = round(dt, 2)
            log("restored the foreign keys and indexes in %.1f s", dt)

        return restore

    def _count(self, table, col="*"):
        self.cr.execute(f"SELECT count({col}) FROM {table}")
        return self.cr.fetchone()[0]


def analyze(cr):
    t0 = time.perf_counter()
    cr.execute(
        "ANALYZE res_partner, sale_order, sale_order_line, stock_picking, "
        "stock_move, account_move, logistics_complaint, logistics_sla_status, "
        "rating_rating, logistics_grade_history, logistics_customer_grade, "
        "logistics_customer_scorecard_fact, mail_message"
    )
    log("ANALYZE %.1f s", time.perf_counter() - t0)


def create_orders(env, params, ref, offset=0):
    """Orders made through the ORM, for customers spread over the population,
    ``offset`` shifting the customers: the deliveries of confirmed ones are
    genuine."""
    Partner = env["res.partner"]
    cr = env.cr
    # customers spread over the population (and so over the tiers)
    cr.execute(
        """
SELECT id FROM res_partner
 WHERE is_company AND name LIKE %s
 ORDER BY id
""",
        ["Bench Customer %"],
    )
    ids = [r[0] for r in cr.fetchall()]
    step = max(len(ids) // VALIDATION_ORDERS, 1)
    partners = Partner.browse(ids[offset::step][:VALIDATION_ORDERS])
    products = env["product.product"].browse(params["product_ids"])
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "client_order_ref": ref,
                "order_line": [
                    (0, 0, {"product_id": products[n % 5].id, "product_uom_qty": 3}),
                    (
                        0,
                        0,
                        {
                            "product_id": products[(n + 2) % 5].id,
                            "product_uom_qty": 5,
                        },
                    ),
                ],
            }
            for n, partner in enumerate(partners)
        ]
    )
    env.flush_all()
    return orders


def main():
    own, odoo_args = split_args()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument("--today", help="end of the history, YYYY-MM-DD (UTC)")
    parser.add_argument("--out", help="write a JSON summary there")
    args = parser.parse_args(own)
    today = (
        datetime.date.fromisoformat(args.today)
        if args.today
        else datetime.datetime.now(datetime.UTC).date()
    )
    n_cust, n_ord = SIZES[args.size]
    t_start = time.perf_counter()
    registry = load_registry(args.db, odoo_args)
    summary = {"size": args.size, "customers": n_cust, "orders": n_ord}
    summary["today"] = today.isoformat()

    with environment(registry, commit=True) as env:
        loader = Loader(env, n_cust, n_ord, today)
        loader.refs()
        restore = loader.without_constraints()
        loader.load()
        restore()
        summary["load_steps"] = loader.timings
        params = loader.params
    with registry.cursor() as cr:
        analyze(cr)

    # the documents were inserted by SQL, past the ORM: build the scorecard
    # facts from them, as the install and the upgrade do
    t0 = time.perf_counter()
    with environment(registry, commit=True) as env:
        env["logistics.customer.scorecard.fact"]._rebuild()
    summary["facts_rebuild_s"] = round(time.perf_counter() - t0, 2)
    log("scorecard facts rebuilt, %.1f s", summary["facts_rebuild_s"])

    # the daily grading has run before: tiers, history and notes exist
    t0 = time.perf_counter()
    with environment(registry, commit=True) as env:
        company = env.ref("base.main_company")
        policy = env["logistics.grading.policy"]._get_for_company(company)
        graded = policy._compute_grades(today=today - datetime.timedelta(days=30))
    summary["prep_regrade_s"] = round(time.perf_counter() - t0, 2)
    log(
        "grading as of 30 days ago: %s customers, %.1f s",
        graded,
        summary["prep_regrade_s"],
    )

    t0 = time.perf_counter()
    with environment(registry, commit=True) as env:
        orders = create_orders(env, params, VALIDATION_REF)
        orders.action_confirm()
        summary["validation_orders"] = orders.ids
        quotations = create_orders(env, params, CONFIRMATION_REF, offset=1)
        summary["confirmation_orders"] = quotations.ids
    log(
        "%s orders confirmed and %s quotations made through the ORM, %.1f s",
        len(orders),
        len(quotations),
        time.perf_counter() - t0,
    )

    with registry.cursor() as cr:
        analyze(cr)
        counts = {}
        for table in (
            "res_partner",
            "sale_order",
            "sale_order_line",
            "stock_picking",
            "stock_move",
            "account_move",
            "logistics_complaint",
            "logistics_sla_status",
            "rating_rating",
            "logistics_grade_history",
            "logistics_customer_grade",
            "logistics_customer_scorecard_fact",
            "mail_message",
        ):
            cr.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cr.fetchone()[0]
        cr.execute(
            "SELECT state, count(*) FROM logistics_sla_status GROUP BY 1 ORDER BY 1"
        )
        counts["sla_states"] = dict(cr.fetchall())
        cr.execute("SELECT pg_database_size(current_database())")
        counts["db_bytes"] = cr.fetchone()[0]
    summary["rows"] = counts
    summary["generate_s"] = round(time.perf_counter() - t_start, 1)
    log("done in %.1f s: %s", summary["generate_s"], json.dumps(counts))
    if args.out:
        Path(args.out).write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
