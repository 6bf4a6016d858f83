"""What a customer gets from its tier: pricelist and payment terms.

A regrade that moves a customer to another tier proposes the new tier's
benefits (one ``INSERT`` per batch, next to the retention cases); a manager
applies or rejects the proposals, or the company applies them at once
(``res.company.tier_benefits_auto_apply``). Applying writes the customer's
pricelist and payment terms of that company in one statement per company, so
that confirmed orders and posted invoices keep what they were sold with and
the next quotation is priced with the new pricelist.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from . import mail_sql

MANAGER_GROUP = "logistics_crm.logistics_crm_group_manager"


def _assign_benefit(ckey, column, value, old):
    """The new value of the company-dependent column ``column`` of partner
    ``p`` in company ``ckey``: ``value``, or the column as it is when the
    benefit does not change (a default pricelist stays a default)."""
    return SQL(
        "CASE WHEN %(value)s IS NOT DISTINCT FROM %(old)s "
        "THEN p.%(col)s "
        "WHEN %(value)s IS NULL "
        "THEN COALESCE(p.%(col)s, '{}'::jsonb) - %(ckey)s "
        "ELSE COALESCE(p.%(col)s, '{}'::jsonb) "
        "|| jsonb_build_object(%(ckey)s, %(value)s) END",
        col=SQL.identifier(column),
        value=value,
        old=old,
        ckey=ckey,
    )


class LogisticsTierBenefitChange(models.Model):
    _name = "logistics.tier.benefit.change"
    _description = "Tier Benefit Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
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
        "res.company", required=True, readonly=True, index=True
    )
    old_tier_id = fields.Many2one(
        "logistics.customer.tier", string="Former Tier", readonly=True
    )
    new_tier_id = fields.Many2one("logistics.customer.tier", readonly=True)
    old_pricelist_id = fields.Many2one(
        "product.pricelist", string="Current Pricelist", readonly=True
    )
    new_pricelist_id = fields.Many2one("product.pricelist", readonly=True)
    old_payment_term_id = fields.Many2one(
        "account.payment.term", string="Current Payment Terms", readonly=True
    )
    new_payment_term_id = fields.Many2one(
        "account.payment.term", string="New Payment Terms", readonly=True
    )
    state = fields.Selection(
        [("proposed", "Proposed"), ("applied", "Applied"), ("rejected", "Rejected")],
        default="proposed",
        required=True,
        readonly=True,
        index=True,
    )
    date = fields.Datetime(
        string="Proposed On", default=fields.Datetime.now, required=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Account Owner",
        readonly=True,
        help="The customer's key-account manager, else its salesperson, when "
        "the change was proposed.",
    )
    decided_uid = fields.Many2one("res.users", string="Decided By", readonly=True)
    date_decided = fields.Datetime(string="Decided On", readonly=True)
    pricelist_changed = fields.Boolean(compute="_compute_changed")
    payment_term_changed = fields.Boolean(compute="_compute_changed")
    tier_up = fields.Boolean(
        string="Moved Up",
        compute="_compute_tier_up",
        help="The new tier has a higher minimum score than the former one.",
    )

    _one_proposal = models.UniqueIndex(
        "(partner_id, company_id) WHERE state = 'proposed'",
        "A customer has one proposed benefit change per company.",
    )

    @api.depends(
        "old_pricelist_id",
        "new_pricelist_id",
        "old_payment_term_id",
        "new_payment_term_id",
    )
    def _compute_changed(self):
        for change in self:
            change.pricelist_changed = (
                change.old_pricelist_id != change.new_pricelist_id
            )
            change.payment_term_changed = (
                change.old_payment_term_id != change.new_payment_term_id
            )

    @api.depends("old_tier_id.min_score", "new_tier_id.min_score")
    def _compute_tier_up(self):
        for change in self:
            change.tier_up = bool(change.new_tier_id) and (
                not change.old_tier_id
                or change.new_tier_id.min_score > change.old_tier_id.min_score
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_can_decide(self):
        """Only Logistics CRM administrators change what customers pay, and
        only on proposals they can see and that are still proposed (nobody
        writes a change through the ORM: the decision is written here, as
        superuser, once checked)."""
        self.check_access("read")
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only Logistics CRM administrators apply or reject tier "
                    "benefit changes."
                )
            )
        decided = self.filtered(lambda change: change.state != "proposed")
        if decided:
            raise UserError(
                self.env._(
                    "Only proposed changes can be applied or rejected; these are "
                    "already decided: %(customers)s.",
                    customers=", ".join(decided.mapped("partner_id.display_name")),
                )
            )

    def action_apply(self):
        """Give each customer the pricelist and payment terms of its new tier
        in the change's company."""
        self._check_can_decide()
        self.sudo()._apply()
        return True

    def action_reject(self):
        """Keep the customers' pricelists and payment terms as they are."""
        self._check_can_decide()
        changes = self.sudo()
        changes.write(
            {
                "state": "rejected",
                "decided_uid": self.env.uid,
                "date_decided": fields.Datetime.now(),
            }
        )
        changes._log_on_customers(
            self.env._("Tier benefit change rejected in %(company)s: %(tiers)s.")
        )
        return True

    @api.readonly
    def action_open_customer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Internals (superuser: callers checked the rights)
    # ------------------------------------------------------------------

    def _apply(self):
        """Write the new benefits of the changes ``self`` (proposed), one
        statement per company for the customers and their contacts, log them
        in the customers' chatter and mark the changes applied."""
        if not self:
            return
        cr = self.env.cr
        self.flush_recordset()
        now = fields.Datetime.now()
        for company, changes in self.grouped("company_id").items():
            ckey = str(company.id)

            cr.execute(
                SQL(
                    """
UPDATE res_partner p
   SET specific_property_product_pricelist = %(pricelist)s,
       property_payment_term_id = %(term)s,
       write_date = %(now)s, write_uid = %(uid)s
  FROM logistics_tier_benefit_change c
 WHERE c.id = ANY(%(ids)s) AND p.commercial_partner_id = c.partner_id
""",
                    pricelist=_assign_benefit(
                        ckey,
                        "specific_property_product_pricelist",
                        SQL("c.new_pricelist_id"),
                        SQL("c.old_pricelist_id"),
                    ),
                    term=_assign_benefit(
                        ckey,
                        "property_payment_term_id",
                        SQL("c.new_payment_term_id"),
                        SQL("c.old_payment_term_id"),
                    ),
                    now=now,
                    uid=self.env.uid,
                    ids=changes.ids,
                )
            )
        self.env["res.partner"].invalidate_model(
            [
                "specific_property_product_pricelist",
                "property_product_pricelist",
                "property_payment_term_id",
            ]
        )
        self.write(
            {"state": "applied", "decided_uid": self.env.uid, "date_decided": now}
        )
        self._log_on_customers(
            self.env._(
                "Tier benefits applied in %(company)s: %(tiers)s. Pricelist: "
                "%(old_pricelist)s → %(new_pricelist)s. Payment terms: "
                "%(old_term)s → %(new_term)s."
            )
        )
        self._apply_benefits()

    def _apply_benefits(self):
        """Hook: the changes ``self`` were just applied (their customers'
        pricelists and payment terms are written and their state is
        'applied'). Bridges extend it with ``super()`` to give the other
        benefits of the new tier, set-based (``self`` may hold thousands of
        changes of several companies)."""

    def _log_on_customers(self, template):
        """One internal note per customer of the changes, with a line per
        change, in one statement.
        ``template`` is a translated sentence with the placeholders company,
        tiers, old/new pricelist and old/new term."""
        none = self.env._("none")
        default = self.env._("default")
        bodies = {}
        for change in self:
            # a customer's changes of several companies: one note with each
            bodies[change.partner_id.id] = bodies.get(
                change.partner_id.id, Markup()
            ) + Markup("<p>%s</p>") % (
                template
                % {
                    "company": change.company_id.name,
                    "tiers": "%s → %s"
                    % (
                        change.old_tier_id.display_name or none,
                        change.new_tier_id.display_name or none,
                    ),
                    "old_pricelist": change.old_pricelist_id.display_name or default,
                    "new_pricelist": change.new_pricelist_id.display_name or default,
                    "old_term": change.old_payment_term_id.display_name or none,
                    "new_term": change.new_payment_term_id.display_name or none,
                }
            )
        mail_sql.log_notes(self.env["res.partner"].browse(list(bodies)), bodies)

    @api.model
    def _propose_from_results(self, policy, result_table, first_id, last_id, now):
        """Propose the new tier's benefits to the customers ``first_id`` to
        ``last_id`` of the regrade's result table whose tier changed (a
        locked tier does not change), replacing their proposals still open;
        apply them at once when the company says so. Called by the grading
        engine for each batch, after the partners' tiers are written; a fixed
        number of statements."""
        company = policy.company_id
        cid = company.id
        ckey = str(cid)
        cr = self.env.cr
        moved = SQL(
            """
SELECT r.partner_id, r.previous_tier_id AS old_tier,
       (p.customer_tier_id ->> %(ckey)s)::int AS new_tier,
       (p.specific_property_product_pricelist ->> %(ckey)s)::int AS cur_pricelist,
       (p.property_payment_term_id ->> %(ckey)s)::int AS cur_term,
       (p.key_account_manager_id ->> %(ckey)s)::int AS kam, p.user_id
  FROM %(table)s r
  JOIN res_partner p ON p.id = r.partner_id
 WHERE r.partner_id BETWEEN %(first)s AND %(last)s
   AND (p.customer_tier_id ->> %(ckey)s)::int IS DISTINCT FROM r.previous_tier_id
""",
            ckey=ckey,
            table=SQL.identifier(result_table),
            first=first_id,
            last=last_id,
        )
        # a newer proposal replaces the one still open
        cr.execute(
            SQL(
                """
DELETE FROM logistics_tier_benefit_change c
 USING (%(moved)s) m
 WHERE c.partner_id = m.partner_id AND c.company_id = %(cid)s
   AND c.state = 'proposed'
""",
                moved=moved,
                cid=cid,
            )
        )
        # the new tier's benefit, else: back to the default when the customer
        # had the former tier's, else the customer's own is kept
        cr.execute(
            SQL(
                """
INSERT INTO logistics_tier_benefit_change (
    partner_id, company_id, old_tier_id, new_tier_id,
    old_pricelist_id, new_pricelist_id, old_payment_term_id, new_payment_term_id,
    state, date, user_id, create_uid, create_date, write_uid, write_date)
SELECT m.partner_id, %(cid)s, m.old_tier, m.new_tier,
       m.cur_pricelist,
       COALESCE((nt.pricelist_id ->> %(ckey)s)::int,
                CASE WHEN m.cur_pricelist = (ot.pricelist_id ->> %(ckey)s)::int
                     THEN NULL ELSE m.cur_pricelist END),
       m.cur_term,
       COALESCE((nt.payment_term_id ->> %(ckey)s)::int,
                CASE WHEN m.cur_term = (ot.payment_term_id ->> %(ckey)s)::int
                     THEN NULL ELSE m.cur_term END),
       'proposed', %(now)s, h.id, %(uid)s, %(now)s, %(uid)s, %(now)s
  FROM (%(moved)s) m
  LEFT JOIN logistics_customer_tier ot ON ot.id = m.old_tier
  LEFT JOIN logistics_customer_tier nt ON nt.id = m.new_tier
  %(owner)s
RETURNING id
""",
                moved=moved,
                cid=cid,
                ckey=ckey,
                owner=mail_sql.account_owner(cid, SQL("m.kam"), SQL("m.user_id")),
                now=now,
                uid=self.env.uid,
            )
        )
        changes = self.browse([row[0] for row in cr.fetchall()])
        if not changes:
            return changes
        changes._fill_default_pricelists(company)
        changes._fill_proposals()
        if company.tier_benefits_auto_apply:
            changes.sudo()._apply()
        return changes

    def _fill_default_pricelists(self, company):
        """A customer without a pricelist of its own in ``company`` is sold
        with its country's default pricelist: show that one as current, and
        as new when the customer goes back to the default. One query per
        country, one update."""
        self.env.cr.execute(
            SQL(
                """
SELECT c.id, p.country_id, c.old_pricelist_id IS NULL, c.new_pricelist_id IS NULL
  FROM logistics_tier_benefit_change c
  JOIN res_partner p ON p.id = c.partner_id
 WHERE c.id = ANY(%s)
   AND (c.old_pricelist_id IS NULL OR c.new_pricelist_id IS NULL)
""",
                self.ids,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        defaults = (
            self.env["product.pricelist"]
            .sudo()
            .with_company(company)
            ._get_country_pricelist_multi(list({row[1] for row in rows if row[1]}))
        )
        values = [
            SQL(
                "(%s, %s::int, %s::int)",
                change_id,
                defaults[country_id or False].id or None if old_missing else None,
                defaults[country_id or False].id or None if new_missing else None,
            )
            for change_id, country_id, old_missing, new_missing in rows
        ]
        self.env.cr.execute(
            SQL(
                """
UPDATE logistics_tier_benefit_change c
   SET old_pricelist_id = COALESCE(c.old_pricelist_id, v.old_pricelist),
       new_pricelist_id = COALESCE(c.new_pricelist_id, v.new_pricelist)
  FROM (VALUES %s) AS v(id, old_pricelist, new_pricelist)
 WHERE c.id = v.id
""",
                SQL(", ").join(values),
            )
        )
        self.invalidate_recordset(["old_pricelist_id", "new_pricelist_id"])

    def _fill_proposals(self):
        """Hook: the proposals ``self`` were just created by a regrade (in
        SQL). Bridges extend it with ``super()`` to record what else the new
        tier changes, set-based."""
