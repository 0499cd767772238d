"""Units' self-evaluation of their issued goal sheets (DOMAIN process d; R1, R4, R9, R21).

Importing the package registers the task forms.
"""

from . import forms  # noqa: F401 - registration
from .access import (
    PROCESS_KEY,
    can_open_round,
    can_read_evaluations,
    evaluation_for_instance,
    get_evaluation_or_404,
    is_firm_user,
    sees_spot_checks,
    shown_status,
)
from .detail import FINANCE_STEPS, EvaluationDetail, evaluation_view
from .forms import ACCEPT, FILL, GAP_LIMIT, LEADER_REVIEW, LIAISON_REVIEW, SPOT_CHECK
from .listing import (
    EvaluationFilters,
    EvaluationPage,
    EvaluationRow,
    RoundSummary,
    list_evaluations,
    list_rounds,
)
from .problems import FIELDS as PROBLEM_FIELDS
from .rounds import (
    DEFAULT_SPOT_CHECK_PCT,
    RoundOpened,
    get_round_or_404,
    open_round,
    sample_size,
)

__all__ = [
    "ACCEPT", "DEFAULT_SPOT_CHECK_PCT", "FILL", "FINANCE_STEPS", "GAP_LIMIT", "LEADER_REVIEW",
    "LIAISON_REVIEW", "PROBLEM_FIELDS", "PROCESS_KEY", "SPOT_CHECK", "EvaluationDetail",
    "EvaluationFilters", "EvaluationPage", "EvaluationRow", "RoundOpened", "RoundSummary",
    "can_open_round", "can_read_evaluations", "evaluation_for_instance", "evaluation_view",
    "get_evaluation_or_404", "get_round_or_404", "is_firm_user", "list_evaluations",
    "list_rounds", "open_round", "sample_size", "sees_spot_checks", "shown_status",
]
