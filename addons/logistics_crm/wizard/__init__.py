from . import stock_return_picking
from . import scorecard_export
from . import logistics_tier_lock_wizard
from . import logistics_customer_potential_wizard
