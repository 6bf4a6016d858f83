"""19.0.2.1.0: the shipped tiers A and B get their care plans.

The tiers are ``noupdate`` data: an upgrade creates the new plans but leaves
the tiers as they were. Set the plans where the tier has none, so that an
upgraded database cares for its key and growth accounts as a new one does; a
plan chosen by hand is kept."""

from odoo import SUPERUSER_ID, api

CARE = (
    ("logistics_crm.customer_tier_a", "logistics_crm.care_plan_key_account", 30),
    ("logistics_crm.customer_tier_b", "logistics_crm.care_plan_growth_account", 90),
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for tier_xmlid, plan_xmlid, days in CARE:
        tier = env.ref(tier_xmlid, raise_if_not_found=False)
        plan = env.ref(plan_xmlid, raise_if_not_found=False)
        if tier and plan and not tier.care_plan_id:
            tier.write({"care_plan_id": plan.id, "care_interval_days": days})
