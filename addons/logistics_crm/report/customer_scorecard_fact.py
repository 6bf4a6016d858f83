from odoo import api, fields, models
from odoo.tools import SQL

from .customer_scorecard import COUNTS

# per-transaction queue of the facts to recompute (cr.precommit.data)
PENDING = "logistics_crm.scorecard_fact"


class LogisticsCustomerScorecardFact(models.Model):
    _name = "logistics.customer.scorecard.fact"
    _description = "Customer Scorecard Monthly Facts"
    _order = "month desc, partner_id, company_id"
    _rec_name = "month"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    month = fields.Date(required=True, readonly=True, help="First day of the month.")

    order_count = fields.Integer(string="Orders", readonly=True)
    revenue = fields.Float(
        readonly=True, groups="logistics_crm.logistics_crm_group_user"
    )
    margin = fields.Float(
        readonly=True, groups="logistics_crm.logistics_crm_group_user"
    )
    delivery_count = fields.Integer(string="Deliveries", readonly=True)
    on_time_count = fields.Integer(string="On Time", readonly=True)
    in_full_count = fields.Integer(string="In Full", readonly=True)
    otif_count = fields.Integer(string="OTIF", readonly=True)
    qty_ordered = fields.Float(string="Units Ordered", readonly=True)
    qty_delivered = fields.Float(string="Units Delivered", readonly=True)
    complaint_count = fields.Integer(string="Complaints", readonly=True)
    damage_complaint_count = fields.Integer(string="Damage Complaints", readonly=True)
    resolution_hours_sum = fields.Float(string="Resolution Hours", readonly=True)
    resolved_count = fields.Integer(string="Resolved Complaints", readonly=True)
    sla_reached_count = fields.Integer(string="SLA Met", readonly=True)
    sla_closed_count = fields.Integer(string="SLA Closed", readonly=True)
    rating_count = fields.Integer(string="Ratings", readonly=True)
    rating_satisfied_count = fields.Integer(string="Satisfied Ratings", readonly=True)
    cycle_days_sum = fields.Float(string="Cycle Days", readonly=True)
    # answers to the NPS question of survey campaigns (logistics_crm_survey)
    nps_response_count = fields.Integer(string="NPS Responses", readonly=True)
    nps_promoter_count = fields.Integer(string="NPS Promoters", readonly=True)
    nps_detractor_count = fields.Integer(string="NPS Detractors", readonly=True)

    # the key, also the index of the partner panel, the portal and the refresh
    _key_uniq = models.Constraint(
        "UNIQUE(partner_id, company_id, month)",
        "One scorecard fact per customer, company and month.",
    )
    # grouped reads over a period (analysis, dashboard, exports)
    _month_company_idx = models.Index("(month, company_id)")

    # ------------------------------------------------------------------
    # The source query, written once
    # ------------------------------------------------------------------

    @api.model
    def _source_branches(self):
        """The source documents of the facts, one entry each: the SQL of the
        key columns (company, commercial customer, the timestamp whose month
        the figures belong to), the figures it adds (the others add 0), and
        the FROM and WHERE of the documents counted."""
        per_order_rate = SQL("COALESCE(NULLIF(o.currency_rate, 0), 1.0)")
        return [
            {  # confirmed orders, by order month
                "company": SQL("o.company_id"),
                "partner": SQL("p.commercial_partner_id"),
                "when": SQL("o.date_order"),
                "values": {
                    "order_count": SQL("1"),
                    "revenue": SQL("o.amount_untaxed / %s", per_order_rate),
                    "margin": SQL("COALESCE(o.margin, 0) / %s", per_order_rate),
                },
                "from": SQL("sale_order o JOIN res_partner p ON p.id = o.partner_id"),
                "where": SQL("o.state = 'sale'"),
            },
            {  # delivered orders, by month of the last delivery
                "company": SQL("o.company_id"),
                "partner": SQL("p.commercial_partner_id"),
                "when": SQL("o.sla_reached_on"),
                "values": {
                    "delivery_count": SQL("1"),
                    "on_time_count": SQL("o.sla_on_time::int"),
                    "in_full_count": SQL("o.sla_in_full::int"),
                    "otif_count": SQL("o.sla_otif::int"),
                    "qty_ordered": SQL("COALESCE(q.ordered, 0)"),
                    "qty_delivered": SQL("COALESCE(q.delivered, 0)"),
                    "cycle_days_sum": SQL(
                        "EXTRACT(EPOCH FROM o.sla_reached_on - o.date_order) / 86400.0"
                    ),
                },
                "from": SQL(
                    """sale_order o
  JOIN res_partner p ON p.id = o.partner_id
  LEFT JOIN LATERAL (
       SELECT SUM(l.product_uom_qty) AS ordered,
              SUM(LEAST(l.qty_delivered, l.product_uom_qty)) AS delivered
         FROM sale_order_line l
         JOIN product_product pp ON pp.id = l.product_id
         JOIN product_template pt ON pt.id = pp.product_tmpl_id
        WHERE l.order_id = o.id AND pt.type = 'consu'
          AND l.display_type IS NULL
  ) q ON TRUE"""
                ),
                "where": SQL("o.state = 'sale' AND o.sla_reached_on IS NOT NULL"),
            },
            {  # complaints, by reporting month
                "company": SQL("c.company_id"),
                "partner": SQL("c.commercial_partner_id"),
                "when": SQL("c.date_reported"),
                "values": {
                    "complaint_count": SQL("1"),
                    "damage_complaint_count": SQL("c.is_damage::int"),
                },
                "from": SQL(
                    "logistics_complaint c LEFT JOIN logistics_complaint_stage s"
                    " ON s.id = c.stage_id"
                ),
                "where": SQL(
                    "c.active AND c.to_confirm IS NOT TRUE"
                    " AND NOT COALESCE(s.is_cancelled, FALSE)"
                ),
            },
            {  # resolved complaints, by closing month
                "company": SQL("c.company_id"),
                "partner": SQL("c.commercial_partner_id"),
                "when": SQL("c.date_closed"),
                "values": {
                    "resolution_hours_sum": SQL(
                        "EXTRACT(EPOCH FROM c.date_closed - c.date_reported) / 3600.0"
                    ),
                    "resolved_count": SQL("1"),
                },
                "from": SQL(
                    "logistics_complaint c JOIN logistics_complaint_stage s"
                    " ON s.id = c.stage_id"
                ),
                "where": SQL(
                    "c.active AND c.to_confirm IS NOT TRUE AND s.is_closed"
                    " AND NOT COALESCE(s.is_cancelled, FALSE)"
                    " AND c.date_closed IS NOT NULL"
                ),
            },
            {  # closed SLA statuses, by month of the outcome
                "company": SQL("st.company_id"),
                "partner": SQL("st.partner_id"),
                "when": SQL("COALESCE(st.reached_on, st.deadline)"),
                "values": {
                    "sla_reached_count": SQL("(st.state = 'reached')::int"),
                    "sla_closed_count": SQL("1"),
                },
                "from": SQL("logistics_sla_status st"),
                "where": SQL("st.state IN ('reached', 'failed')"),
            },
            {  # ratings of complaint handling, by the complaint's closing month
                "company": SQL("c.company_id"),
                "partner": SQL("c.commercial_partner_id"),
                "when": SQL("COALESCE(c.date_closed, r.write_date)"),
                "values": {
                    "rating_count": SQL("1"),
                    "rating_satisfied_count": SQL("(r.rating >= 4)::int"),
                },
                "from": SQL(
                    "rating_rating r JOIN logistics_complaint c ON c.id = r.res_id"
                ),
                "where": SQL(
                    "r.res_model = 'logistics.complaint' AND r.consumed"
                    " AND r.rating > 0 AND c.to_confirm IS NOT TRUE"
                ),
            },
            {  # receivers' ratings of deliveries, for the shipper, by done month
                "company": SQL("sp.company_id"),
                "partner": SQL("sh.commercial_partner_id"),
                "when": SQL("sp.date_done"),
                "values": {
                    "rating_count": SQL("1"),
                    "rating_satisfied_count": SQL("(r.rating >= 4)::int"),
                },
                "from": SQL(
                    """rating_rating r
  JOIN stock_picking sp ON sp.id = r.res_id
  JOIN sale_order so ON so.id = sp.sale_id
  JOIN res_partner sh ON sh.id = so.partner_id"""
                ),
                "where": SQL(
                    "r.res_model = 'stock.picking' AND r.consumed AND r.rating > 0"
                    " AND sp.state = 'done'"
                ),
            },
        ]

    @api.model
    def _source_query(self, keys=None):
        """SQL of the facts computed from the source documents: one row per
        company, customer and month, with every count. With ``keys``, an SQL
        relation ``(company_id, partner_id, month)``, only those keys are
        computed, the filter pushed into each source."""
        branches = []
        for branch in self._source_branches():
            month = SQL("date_trunc('month', %s)::date", branch["when"])
            where = branch["where"]
            if keys is not None:
                where = SQL(
                    "%s AND %s IN (SELECT k.partner_id FROM %s k)"
                    " AND (%s, %s, %s) IN"
                    " (SELECT k.company_id, k.partner_id, k.month FROM %s k)",
                    where,
                    branch["partner"],
                    keys,
                    branch["company"],
                    branch["partner"],
                    month,
                    keys,
                )
            columns = [
                SQL("%s AS company_id", branch["company"]),
                SQL("%s AS partner_id", branch["partner"]),
                SQL("%s AS month", month),
            ] + [
                SQL("%s AS %s", branch["values"].get(name, SQL("0")), SQL(name))
                for name in COUNTS
            ]
            branches.append(
                SQL(
                    "SELECT %s FROM %s WHERE %s",
                    SQL(", ").join(columns),
                    branch["from"],
                    where,
                )
            )
        return SQL(
            """SELECT src.company_id, src.partner_id, src.month, %s
  FROM (%s) src
 WHERE src.partner_id IS NOT NULL AND src.month IS NOT NULL
 GROUP BY src.company_id, src.partner_id, src.month""",
            SQL(", ").join(SQL("SUM(src.%s) AS %s", SQL(c), SQL(c)) for c in COUNTS),
            SQL("\n UNION ALL\n").join(branches),
        )

    def _insert(self, source):
        """INSERT the rows of ``source`` (an SQL query of the facts), an
        existing key updated, and only when one of its figures changed."""
        counts = SQL(", ").join(SQL(c) for c in COUNTS)
        return SQL(
            """INSERT INTO logistics_customer_scorecard_fact
       (company_id, partner_id, month, %(counts)s,
        create_uid, create_date, write_uid, write_date)
SELECT s.company_id, s.partner_id, s.month, %(source_counts)s,
       %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM (%(source)s) s
    ON CONFLICT (partner_id, company_id, month) DO UPDATE
   SET %(updates)s, write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
 WHERE (%(current)s) IS DISTINCT FROM (%(excluded)s)""",
            counts=counts,
            source_counts=SQL(", ").join(SQL("s.%s", SQL(c)) for c in COUNTS),
            uid=self.env.uid,
            now=self.env.cr.now(),
            source=source,
            updates=SQL(", ").join(
                SQL("%s = EXCLUDED.%s", SQL(c), SQL(c)) for c in COUNTS
            ),
            current=SQL(", ").join(
                SQL("logistics_customer_scorecard_fact.%s", SQL(c)) for c in COUNTS
            ),
            excluded=SQL(", ").join(SQL("EXCLUDED.%s", SQL(c)) for c in COUNTS),
        )

    @api.model
    def _month(self, value):
        """The month of a datetime or date as its first day, as the source
        query's ``date_trunc('month', value)::date`` gives it."""
        return fields.Date.to_date(value).replace(day=1) if value else None

    # ------------------------------------------------------------------
    # Refresh and rebuild
    # ------------------------------------------------------------------

    @api.model
    def _refresh(self, keys):
        """Recompute the facts of ``keys``, (company_id, partner_id, month)
        tuples, from the source documents, in one statement whatever their
        number: keys with figures are inserted or updated (a row whose figures
        did not change is not rewritten), keys without any are deleted."""
        keys = {key for key in keys if all(key)}
        if not keys:
            return
        self.env.flush_all()
        companies, partners, months = zip(*sorted(keys), strict=True)
        keys_sql = SQL("scorecard_keys")
        self.env.cr.execute(
            SQL(
                """WITH scorecard_keys AS (
    SELECT * FROM unnest(%(companies)s::int[], %(partners)s::int[],
                         %(months)s::date[]) AS k(company_id, partner_id, month)
), fresh AS MATERIALIZED (%(source)s),
upserted AS (%(insert)s)
DELETE FROM logistics_customer_scorecard_fact f
 USING scorecard_keys k
 WHERE f.company_id = k.company_id AND f.partner_id = k.partner_id
   AND f.month = k.month
   AND NOT EXISTS (SELECT 1 FROM fresh
                    WHERE fresh.company_id = f.company_id
                      AND fresh.partner_id = f.partner_id
                      AND fresh.month = f.month)""",
                companies=list(companies),
                partners=list(partners),
                months=list(months),
                source=self._source_query(keys_sql),
                insert=self._insert(SQL("SELECT * FROM fresh")),
            )
        )
        self.invalidate_model()

    @api.model
    def _rebuild(self):
        """Recompute every fact from the source documents (install, upgrade,
        data loaded by SQL). Gives the same rows as the incremental refresh."""
        self.env.flush_all()
        self.env.cr.precommit.data.pop(PENDING, None)
        # compiling this one big statement (JIT) costs more than it saves
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        self.env.cr.execute(SQL("TRUNCATE logistics_customer_scorecard_fact"))
        self.env.cr.execute(self._insert(self._source_query()))
        self.env.cr.execute(SQL("ANALYZE logistics_customer_scorecard_fact"))
        self.invalidate_model()

    # ------------------------------------------------------------------
    # Incremental maintenance: what changed, refreshed before commit or
    # before the scorecard is read, whichever comes first
    # ------------------------------------------------------------------

    def _pending(self):
        data = self.env.cr.precommit.data
        if PENDING not in data:
            data[PENDING] = {"keys": set(), "records": {}}
            env = self.env
            self.env.cr.precommit.add(
                lambda: env["logistics.customer.scorecard.fact"]._refresh_pending()
            )
        return data[PENDING]

    @api.model
    def _mark_keys(self, keys):
        """Queue ``keys`` for a refresh: the keys a document counted in
        before it changed or went away."""
        if keys:
            self._pending()["keys"].update(keys)

    @api.model
    def _mark_records(self, records):
        """Queue the keys ``records`` count in, read when the refresh runs:
        documents created or changed."""
        if records:
            self._pending()["records"].setdefault(records._name, set()).update(
                records._ids
            )

    @api.model
    def _refresh_pending(self):
        """Refresh the keys queued in this transaction."""
        # documents written since are queued as they are flushed
        self.env.flush_all()
        if PENDING not in self.env.cr.precommit.data:
            return
        pending = self.env.cr.precommit.data.pop(PENDING)
        keys = set(pending["keys"])
        for model, ids in pending["records"].items():
            records = self.env[model].sudo().with_context(active_test=False)
            keys |= records.browse(ids).exists()._scorecard_fact_keys()
        self._refresh(keys)
