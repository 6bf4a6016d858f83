"""Cross-sell: the service categories a customer's tier peers buy and it
does not.

Each regrade of a company refreshes the suggestions of its customers in a
fixed number of statements (``_refresh_from_results``): the services sold in
the grading window are grouped by product category, and a category that at
least ``cross_sell_min_peer_share`` % of a tier's customers bought is
suggested to the customers of that tier who did not buy it.

The score (0-100) ranks the suggestions of a company: the peer share times
the cumulative distribution of the peer median revenue among the company's
suggested (tier, category) pairs, ``peer_share x cume_dist(median)``. A
category every peer buys, with the highest median revenue, scores 100; a
category 30 % of the peers buy, with the lowest of four medians, scores
30 x 1/4 = 7.5. It weighs how usual a service is among the peers by what it
is worth to them.
"""

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.logistics_crm.models import mail_sql

GRADING_GROUP = "logistics_crm.logistics_crm_group_user"
CANDIDATES_TABLE = "logistics_crm_cross_sell_candidate"
STATES = [
    ("new", "Suggested"),
    ("opportunity", "Opportunity"),
    ("won", "Won"),
    ("lost", "Lost"),
]


class LogisticsCrossSellSuggestion(models.Model):
    _name = "logistics.cross.sell.suggestion"
    _description = "Cross-sell Suggestion"
    _order = "score desc, id desc"
    _rec_name = "categ_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Category",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    tier_id = fields.Many2one(
        "logistics.customer.tier",
        readonly=True,
        help="The customer's tier, whose customers are its peers.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    peer_share = fields.Float(
        string="Peer Share (%)",
        digits=(5, 2),
        readonly=True,
        aggregator="avg",
        groups=GRADING_GROUP,
        help="Percentage of the customers of the tier who bought the category "
        "in the grading window.",
    )
    peer_median_revenue = fields.Monetary(
        readonly=True,
        groups=GRADING_GROUP,
        help="Median revenue of the category, over the grading window, among "
        "the customers of the tier who bought it (company currency).",
    )
    score = fields.Float(
        digits=(5, 2),
        readonly=True,
        aggregator="avg",
        groups=GRADING_GROUP,
        help="0-100: the peer share times the rank of the peer median revenue "
        "among the company's suggested categories (100: the most valuable "
        "category, bought by every peer).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Account Owner",
        readonly=True,
        index=True,
        help="The customer's key-account manager, else its salesperson, at "
        "the last regrade.",
    )
    date = fields.Datetime(
        string="Suggested On", readonly=True, default=fields.Datetime.now
    )
    date_refreshed = fields.Datetime(
        string="Figures Updated On",
        readonly=True,
        help="When a regrade last changed the tier, owner or figures.",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        groups="sales_team.group_sale_salesman",
    )
    state = fields.Selection(
        STATES,
        string="Status",
        compute="_compute_state",
        store=True,
        index=True,
        help="Suggested: no opportunity yet (or its opportunity was deleted); "
        "then the status of its opportunity.",
    )
    active = fields.Boolean(
        default=True,
        readonly=True,
        help="Archived when the customer no longer qualifies (it bought the "
        "category, changed tier, or the peers stopped buying it) while an "
        "opportunity was made from the suggestion; without one, the "
        "suggestion is deleted.",
    )

    _open_suggestion = models.UniqueIndex(
        "(partner_id, company_id, categ_id) WHERE active",
        "A customer has one open suggestion per category and company.",
    )

    @api.depends("lead_id.won_status")
    def _compute_state(self):
        states = {"won": "won", "lost": "lost", "pending": "opportunity"}
        for suggestion in self:
            lead = suggestion.sudo().lead_id
            suggestion.state = states.get(lead.won_status, "new") if lead else "new"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_create_opportunity(self):
        """Make an opportunity of each suggestion, for salespeople on the
        suggestions they can see: a ``crm.lead`` of type opportunity for the
        customer, tagged "Logistics CRM cross-sell", with the category and
        the peer median revenue as expected revenue, owned by the customer's
        key-account manager, else its salesperson, else the user. A customer
        never gets a second open opportunity for a category: its open one is
        returned instead.

        :return: an action opening the opportunities
        """
        self._check_can_create_opportunity()
        leads = self.sudo()._create_opportunities()
        return self._action_open_leads(leads)

    def _check_can_create_opportunity(self):
        """Salespeople (who may create leads) on suggestions they see (their
        own customers' when they see their own documents only), still open.
        The leads are then written as superuser: a salesperson on his own
        documents makes the opportunity of the key-account manager."""
        if not self.env["crm.lead"].has_access("create"):
            raise AccessError(
                self.env._("Only salespeople create opportunities from suggestions.")
            )
        self.check_access("read")
        closed = self.filtered(lambda suggestion: not suggestion.active)
        if closed:
            raise UserError(
                self.env._(
                    "These suggestions no longer stand (the customer bought the "
                    "category or left the tier): %(suggestions)s.",
                    suggestions=", ".join(
                        f"{s.partner_id.display_name} / {s.categ_id.display_name}"
                        for s in closed
                    ),
                )
            )

    def _create_opportunities(self):
        """The open opportunity of each suggestion's customer and category in
        its company, created when there is none (superuser: the caller
        checked the rights). Returns the leads."""
        if not self:
            return self.env["crm.lead"]
        # of two clicks at once on a suggestion, the second one is refused
        # (LockError) until the first one's lead is committed
        self.flush_recordset()
        self.lock_for_update()
        self.invalidate_recordset(["lead_id", "state"])
        open_leads = self._open_leads()
        tag = self.env.ref("logistics_crm_crm.crm_tag_cross_sell")
        to_create, pending = [], []
        for suggestion in self:
            key = (suggestion.partner_id.id, suggestion.categ_id.id)
            lead = open_leads.get((*key, suggestion.company_id.id)) or open_leads.get(
                (*key, False)
            )
            if lead:
                suggestion.lead_id = lead
                continue
            to_create.append(suggestion._opportunity_values(tag))
            pending.append(suggestion)
        created = self.env["crm.lead"].create(to_create)
        for suggestion, lead in zip(pending, created, strict=True):
            suggestion.lead_id = lead
        return self.lead_id

    def _open_leads(self):
        """{(customer id, category id, company id or False): lead} of the open
        (active, not won) leads of the suggestions' customers in their
        categories, made from a suggestion or by hand."""
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=True)
            .search(
                [
                    ("partner_id.commercial_partner_id", "in", self.partner_id.ids),
                    ("logistics_cross_sell_categ_id", "in", self.categ_id.ids),
                    ("company_id", "in", [*self.company_id.ids, False]),
                    ("won_status", "!=", "won"),
                ],
                order="id",
            )
        )
        found = {}
        for lead in leads:
            key = (
                lead.partner_id.commercial_partner_id.id,
                lead.logistics_cross_sell_categ_id.id,
                lead.company_id.id,
            )
            found.setdefault(key, lead)
        return found

    def _opportunity_values(self, tag):
        self.ensure_one()
        company = self.company_id
        customer = self.partner_id.with_company(company)
        owner = (
            company._logistics_handler(
                customer.key_account_manager_id, customer.user_id
            )
            or self.env.user
        )
        env = self.with_context(lang=owner.lang or self.env.lang).env
        return {
            "type": "opportunity",
            "name": env._(
                "Cross-sell %(category)s: %(customer)s",
                category=self.categ_id.name,
                customer=customer.name,
            ),
            "partner_id": customer.id,
            "company_id": company.id,
            "user_id": owner.id,
            "expected_revenue": self.peer_median_revenue,
            "tag_ids": [Command.link(tag.id)],
            "logistics_cross_sell_categ_id": self.categ_id.id,
            "description": Markup("<p>%s</p>")
            % env._(
                "%(share)s%% of the customers of tier %(tier)s bought %(category)s "
                "in the grading window; their median revenue there is "
                "%(revenue)s %(currency)s.",
                share=round(self.peer_share, 1),
                tier=self.tier_id.display_name or "-",
                category=self.categ_id.display_name,
                revenue=round(self.peer_median_revenue, 2),
                currency=self.currency_id.name,
            ),
        }

    @api.model
    def _action_open_leads(self, leads):
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Cross-sell Opportunities"),
            "res_model": "crm.lead",
            "context": {"default_type": "opportunity"},
        }
        if len(leads) == 1:
            action.update(res_id=leads.id, view_mode="form", views=[(False, "form")])
        else:
            action.update(
                domain=[("id", "in", leads.ids)],
                view_mode="list,kanban,form",
                views=[(False, "list"), (False, "kanban"), (False, "form")],
            )
        return action

    # ------------------------------------------------------------------
    # Regrade (superuser: called by the grading engine)
    # ------------------------------------------------------------------

    @api.model
    def _candidates_sql(self, policy, result_table, today):
        """The suggestions of the regrade's customers (one row per customer
        and category: partner_id, tier_id, categ_id, peer_share,
        peer_median_revenue, score, user_id), as one SELECT."""
        cid = policy.company_id.id
        ckey = str(cid)
        start = fields.Date.subtract(today, days=policy.window_days - 1)
        return SQL(
            """
WITH graded AS (
    SELECT r.partner_id, (p.customer_tier_id ->> %(ckey)s)::int AS tier_id,
           h.id AS user_id
      FROM %(results)s r
      JOIN res_partner p ON p.id = r.partner_id
      %(owner)s
     WHERE p.customer_tier_id ->> %(ckey)s IS NOT NULL
), bought AS (
    SELECT cp.commercial_partner_id AS partner_id, t.categ_id,
           sum(l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0), 1.0))
               AS revenue
      FROM sale_order_line l
      JOIN sale_order o ON o.id = l.order_id
      JOIN res_partner cp ON cp.id = o.partner_id
      JOIN product_product pp ON pp.id = l.product_id
      JOIN product_template t ON t.id = pp.product_tmpl_id
     WHERE o.company_id = %(cid)s
       AND o.state = 'sale'
       AND o.date_order::date BETWEEN %(start)s AND %(today)s
       AND l.display_type IS NULL
       AND l.is_downpayment IS NOT TRUE
       AND t.categ_id IS NOT NULL
     GROUP BY cp.commercial_partner_id, t.categ_id
), tiers AS (
    SELECT tier_id, count(*) AS customers
      FROM graded
     GROUP BY tier_id
), peers AS (
    SELECT g.tier_id, b.categ_id, count(*) AS buyers,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY b.revenue::float8) AS median
      FROM bought b
      JOIN graded g ON g.partner_id = b.partner_id
     GROUP BY g.tier_id, b.categ_id
), eligible AS (
    SELECT pe.tier_id, pe.categ_id, pe.median,
           100.0 * pe.buyers / t.customers AS share
      FROM peers pe
      JOIN tiers t ON t.tier_id = pe.tier_id
     WHERE 100.0 * pe.buyers >= %(min_share)s * t.customers
       AND pe.buyers < t.customers
), ranked AS (
    SELECT *, cume_dist() OVER (ORDER BY median) AS value_rank
      FROM eligible
)
SELECT g.partner_id, g.tier_id, e.categ_id, g.user_id,
       round(e.share, 2) AS peer_share,
       round(e.median::numeric, 2) AS peer_median_revenue,
       round((e.share * e.value_rank)::numeric, 2) AS score
  FROM graded g
  JOIN ranked e ON e.tier_id = g.tier_id
 WHERE NOT EXISTS (
       SELECT 1 FROM bought b
        WHERE b.partner_id = g.partner_id AND b.categ_id = e.categ_id)
""",
            ckey=ckey,
            cid=cid,
            start=start,
            today=today,
            # exact: 3 buyers of 10 customers reach 30 %
            min_share=SQL("%s::numeric", str(policy.cross_sell_min_peer_share)),
            results=SQL.identifier(result_table),
            owner=mail_sql.account_owner(
                cid,
                SQL("(p.key_account_manager_id ->> %s)::int", ckey),
                SQL("p.user_id"),
            ),
        )

    @api.model
    def _refresh_from_results(self, policy, result_table, now, today):
        """Refresh the suggestions of ``policy``'s company after a regrade,
        in a fixed number of statements: new ones are inserted, the figures
        of standing ones updated; one that no longer stands is deleted, or
        archived when an opportunity was made from it (the report keeps
        it)."""
        cr = self.env.cr
        cid = policy.company_id.id
        table = SQL.identifier(CANDIDATES_TABLE)
        self.env["crm.lead"].flush_model(["won_status"])
        self.flush_model()
        cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
        cr.execute(
            SQL(
                "CREATE TEMP TABLE %s AS %s",
                table,
                self._candidates_sql(policy, result_table, today),
            )
        )
        # without an index and statistics, the stale rows below are found by
        # a nested loop (0.4 s at 2,000 customers)
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD PRIMARY KEY (partner_id, categ_id); ANALYZE %s",
                table,
                table,
            )
        )
        stale = SQL(
            """
s.company_id = %(cid)s AND s.active
AND NOT EXISTS (SELECT 1 FROM %(table)s c
                 WHERE c.partner_id = s.partner_id AND c.categ_id = s.categ_id)
""",
            cid=cid,
            table=table,
        )
        cr.execute(
            SQL(
                """
WITH dropped AS (
    DELETE FROM logistics_cross_sell_suggestion s
     WHERE %(stale)s AND s.lead_id IS NULL
)
UPDATE logistics_cross_sell_suggestion s
   SET active = FALSE, write_uid = %(uid)s, write_date = %(now)s
 WHERE %(stale)s AND s.lead_id IS NOT NULL
""",
                stale=stale,
                uid=self.env.uid,
                now=now,
            )
        )
        cr.execute(
            SQL(
                """
INSERT INTO logistics_cross_sell_suggestion AS s (
    partner_id, company_id, categ_id, tier_id, user_id, peer_share,
    peer_median_revenue, score, state, active, date, date_refreshed,
    create_uid, create_date, write_uid, write_date)
SELECT c.partner_id, %(cid)s, c.categ_id, c.tier_id, c.user_id, c.peer_share,
       c.peer_median_revenue, c.score, 'new', TRUE, %(now)s, %(now)s,
       %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM %(table)s c
ON CONFLICT (partner_id, company_id, categ_id) WHERE active DO UPDATE
   SET tier_id = EXCLUDED.tier_id, user_id = EXCLUDED.user_id,
       peer_share = EXCLUDED.peer_share,
       peer_median_revenue = EXCLUDED.peer_median_revenue,
       score = EXCLUDED.score, date_refreshed = EXCLUDED.date_refreshed,
       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
 WHERE (s.tier_id, s.user_id, s.peer_share, s.peer_median_revenue, s.score)
       IS DISTINCT FROM (EXCLUDED.tier_id, EXCLUDED.user_id, EXCLUDED.peer_share,
                         EXCLUDED.peer_median_revenue, EXCLUDED.score)
""",
                cid=cid,
                table=table,
                now=now,
                uid=self.env.uid,
            )
        )
        cr.execute(SQL("DROP TABLE %s", table))
        self.invalidate_model()
        self.env["res.partner"].invalidate_model(["cross_sell_suggestion_count"])
