from . import test_access
from . import test_eligibility
from . import test_enrolment
from . import test_scale
from . import test_i18n
