"""The demo NPS campaign, answered: promoters, passives and detractors. Run
by ``logistics.crm.demo._load_survey_demo``, from the demo data only."""

import logging

_logger = logging.getLogger(__name__)

# (score, reason), dealt in turn to the invited contacts; None: no answer yet
ANSWERS = [
    (10, "Always on time, and the cold chain never broke."),
    (9, "Reliable drivers and a quick answer to every question."),
    (8, "Good service, the tracking could be clearer."),
    (3, "Two late deliveries this quarter and nobody called us."),
    (10, "The key-account manager knows our business."),
    None,
    (7, "Fine, but the prices went up."),
    (6, "Damaged cartons twice; the credit notes took weeks."),
    (9, "Flexible when our volumes peak."),
    None,
]


def load(env):
    """Run the demo campaign and answer its invitations as the respondents
    would (``_save_lines`` then ``_mark_done``)."""
    campaign = env.ref("logistics_crm_survey.survey_campaign_demo_nps")
    campaign.action_run()
    answers = env["survey.user_input"].search(
        [("logistics_campaign_id", "=", campaign.id)], order="id"
    )
    survey = campaign.survey_id
    score_question = env.ref("logistics_crm_survey.survey_nps_question_score")
    reason_question = env.ref("logistics_crm_survey.survey_nps_question_reason")
    answered = 0
    for index, answer in enumerate(answers):
        spec = ANSWERS[index % len(ANSWERS)]
        if spec is None:
            continue
        score, reason = spec
        answer._mark_in_progress()
        answer._save_lines(score_question, str(score))
        answer._save_lines(reason_question, reason)
        answer._mark_done()
        answered += 1
    # the demo contacts' addresses are examples: no invitation e-mails
    env["mail.mail"].search(
        [("state", "=", "outgoing"), ("subject", "ilike", survey.title)]
    ).unlink()
    _logger.info(
        "Logistics CRM survey demo: %s invitations, %s answers",
        len(answers),
        answered,
    )
