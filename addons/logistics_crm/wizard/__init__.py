from . import stock_return_picking
from . import scorecard_export
from . import logistics_crm_dashboard
