from . import customer_scorecard
from . import scorecard_report
