"""The key-account rewards: a points program tied to the key-account tier of
the demo company, with a card for each key account. Run by
``logistics.crm.demo._load_loyalty_demo``, from the demo data only, after the
core demo story."""

import logging

from odoo import Command

_logger = logging.getLogger(__name__)

PROGRAM_XMLID = "logistics_crm_loyalty.loyalty_program_demo_key_account"


def load(env):
    """Create the program (once), tie it to tier A in the demo company, enrol
    the key accounts and show the program on the proposals still open."""
    company = env.company
    program = env.ref(PROGRAM_XMLID, raise_if_not_found=False)
    if not program:
        program = env["loyalty.program"].create(
            {
                "name": "Key account rewards",
                "program_type": "loyalty",
                "company_id": company.id,
                "trigger": "auto",
                "applies_on": "both",
                "portal_visible": True,
                "portal_point_name": "Key account points",
                # one point per unit of currency invoiced
                "rule_ids": [
                    Command.create(
                        {"reward_point_mode": "money", "reward_point_amount": 1}
                    )
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 5,
                            "discount_mode": "percent",
                            "discount_applicability": "order",
                            "required_points": 5000,
                        }
                    )
                ],
            }
        )
        env["ir.model.data"]._update_xmlids(
            [{"xml_id": PROGRAM_XMLID, "record": program, "noupdate": True}]
        )
    tier_a = env.ref("logistics_crm.customer_tier_a").with_company(company)
    tier_a.loyalty_program_id = program
    key_accounts = (
        env["res.partner"]
        .with_company(company)
        .search([("customer_tier_id", "=", tier_a.id)])
        .commercial_partner_id
    )
    cards = env["loyalty.card"]._logistics_enrol({program.id: set(key_accounts.ids)})
    env["logistics.tier.benefit.change"].search(
        [("state", "=", "proposed"), ("company_id", "=", company.id)]
    )._fill_proposals()
    _logger.info(
        "Logistics CRM loyalty demo: %s key accounts, %s new cards",
        len(key_accounts),
        len(cards),
    )
