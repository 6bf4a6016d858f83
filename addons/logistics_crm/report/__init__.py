from . import ratio_report
from . import customer_scorecard
from . import customer_scorecard_fact
from . import retention_report
from . import scorecard_report
