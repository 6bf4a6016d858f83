from . import stock_return_picking
from . import scorecard_export
