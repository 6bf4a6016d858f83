from . import customer_scorecard_fact
