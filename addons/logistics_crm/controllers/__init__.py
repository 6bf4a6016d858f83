from . import portal
from . import portal_delivery
from . import portal_scorecard
