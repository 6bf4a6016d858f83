from . import logistics_crm_demo
from . import res_partner
from . import survey_campaign
from . import survey_question
from . import survey_user_input
