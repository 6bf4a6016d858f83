from . import customer_tier
from . import logistics_crm_demo
from . import loyalty_card
from . import sale_order
from . import tier_benefit_change
