from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL


class LogisticsTierBenefitChange(models.Model):
    _inherit = "logistics.tier.benefit.change"

    old_loyalty_program_id = fields.Many2one(
        "loyalty.program",
        string="Former Loyalty Program",
        readonly=True,
        help="Loyalty program of the former tier in the change's company: the "
        "customer keeps its card and points, but no longer earns nor spends "
        "them on its orders.",
    )
    new_loyalty_program_id = fields.Many2one(
        "loyalty.program",
        readonly=True,
        help="Loyalty program of the new tier in the change's company: "
        "applying the change gives the customer a card of it, unless it has "
        "one.",
    )
    loyalty_program_changed = fields.Boolean(compute="_compute_loyalty_changed")

    @api.depends("old_loyalty_program_id", "new_loyalty_program_id")
    def _compute_loyalty_changed(self):
        for change in self:
            change.loyalty_program_changed = (
                change.old_loyalty_program_id != change.new_loyalty_program_id
            )

    def _fill_proposals(self):
        """Record the loyalty programs of the former and the new tier in the
        change's company: one statement."""
        res = super()._fill_proposals()
        if not self:
            return res
        self.env["logistics.customer.tier"].flush_model(["loyalty_program_id"])
        self.env.cr.execute(
            SQL(
                """
UPDATE logistics_tier_benefit_change c
   SET old_loyalty_program_id = (
           SELECT lp.id FROM logistics_customer_tier t
             JOIN loyalty_program lp
               ON lp.id = (t.loyalty_program_id ->> c.company_id::text)::int
            WHERE t.id = c.old_tier_id),
       new_loyalty_program_id = (
           SELECT lp.id FROM logistics_customer_tier t
             JOIN loyalty_program lp
               ON lp.id = (t.loyalty_program_id ->> c.company_id::text)::int
            WHERE t.id = c.new_tier_id)
 WHERE c.id = ANY(%s)
""",
                self.ids,
            )
        )
        self.invalidate_recordset(["old_loyalty_program_id", "new_loyalty_program_id"])
        return res

    def _apply_benefits(self):
        """Enrol the customers in their new tier's loyalty program (a card,
        unless they hold one): one batch for all the changes. Leaving the
        former tier's program needs nothing here: its points stay on the
        card, and the program stops applying to the customer's orders as soon
        as the customer is out of the tier (``sale.order``)."""
        res = super()._apply_benefits()
        partner_ids_by_program = defaultdict(set)
        for change in self:
            if change.new_loyalty_program_id:
                partner_ids_by_program[change.new_loyalty_program_id.id].add(
                    change.partner_id.id
                )
        if partner_ids_by_program:
            self.env["loyalty.card"]._logistics_enrol(partner_ids_by_program)
        return res
