from . import crm_lead
from . import cross_sell_suggestion
from . import grading_engine
from . import grading_policy
from . import logistics_crm_demo
from . import res_partner
