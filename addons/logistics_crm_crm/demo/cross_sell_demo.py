"""The demo's cross-sell: the regrade suggests to each customer the service
categories of its tier's peers, and the best-scored suggestion is
made an opportunity and won. Run by
``logistics.crm.demo._load_cross_sell_demo``, from the demo data only."""

import logging

_logger = logging.getLogger(__name__)


def load(env):
    """Regrade the main company with the demo services in their categories,
    then make an opportunity of the best suggestion and win it."""
    company = env.ref("base.main_company")
    policy = env["logistics.grading.policy"]._get_for_company(company)
    policy.with_company(company)._compute_grades()
    Suggestion = env["logistics.cross.sell.suggestion"]
    suggestions = Suggestion.search([("company_id", "=", company.id)])
    best = suggestions[:1]  # ordered by score
    if best:
        lead = best.with_company(company)._create_opportunities()
        lead.action_set_won()
    _logger.info(
        "Logistics CRM cross-sell demo: %s suggestions, opportunity won: %s",
        len(suggestions),
        best.lead_id.name or "none",
    )
