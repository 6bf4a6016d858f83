from . import controllers
from . import models
from . import report
from . import wizard


def post_init_hook(env):
    # the scorecard reads its monthly facts: build them from the documents
    # already there (orders, deliveries, complaints) when the addon installs
    env["logistics.customer.scorecard.fact"]._rebuild()
