from . import customer_tier
from . import grading_policy
from . import grade_history
from . import res_partner
from . import sale_order
from . import stock_picking
from . import account_move
from . import logistics_crm_demo
