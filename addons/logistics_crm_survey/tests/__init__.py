from . import test_access
from . import test_nps
from . import test_survey_campaign
from . import test_i18n
