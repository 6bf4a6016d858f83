from . import customer_scorecard
from . import customer_scorecard_fact
from . import scorecard_report
