"""Ex-ante performance assessment of new projects (DOMAIN process a; R5, R9, R18–R21).

Importing the package registers the task forms.
"""

from . import forms  # noqa: F401 - registration
from .access import (
    KIND,
    PROCESS_KEY,
    assessment_for_instance,
    can_see,
    can_start,
    get_assessment_or_404,
    needs_assessment,
)
from .forms import APPROVE, COMPLETENESS, FILL, FIRM_STEP, LEADER_REVIEW, MODE, REVISE, SCORE
from .reading import (
    AssessmentFilters,
    AssessmentPage,
    AssessmentView,
    assessment_view,
    list_assessments,
)
from .start import (
    amount_cap,
    goal_sheet_refusal,
    latest_assessment,
    projects_to_assess,
    start_assessment,
)

__all__ = [
    "APPROVE", "COMPLETENESS", "FILL", "FIRM_STEP", "KIND", "LEADER_REVIEW", "MODE",
    "PROCESS_KEY", "REVISE", "SCORE", "AssessmentFilters", "AssessmentPage", "AssessmentView",
    "amount_cap", "assessment_for_instance", "assessment_view", "can_see", "can_start",
    "get_assessment_or_404", "goal_sheet_refusal", "latest_assessment", "list_assessments",
    "needs_assessment", "projects_to_assess", "start_assessment",
]
