from . import test_access
from . import test_cross_sell
from . import test_opportunity
from . import test_i18n
