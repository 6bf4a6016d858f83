from . import test_grading
from . import test_grading_config
from . import test_grading_access
from . import test_grading_documents
from . import test_grading_tour
from . import test_complaint
from . import test_complaint_portal
from . import test_sla
