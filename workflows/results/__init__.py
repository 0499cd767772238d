"""Result application (结果应用): the rules' proposals for next year's budget (DOMAIN process
f; R15, R23–R28), reviewed, commented, approved and applied.

Importing the package registers the task forms.
"""

from . import forms  # noqa: F401 - registration
from .access import (
    KIND,
    PROCESS_KEY,
    application_for_instance,
    can_propose,
    can_read_results,
    can_record_accounts,
    get_application_or_404,
    get_round_or_404,
)
from .accounts import Recorded, accounts_of, balances_of, record_accounts
from .forms import APPLY, APPROVE, COMMENT, REVIEW
from .generate import Generated, add_proposal, candidates, generate_proposals
from .reading import (
    RULES,
    ApplicationFilters,
    ApplicationPage,
    ApplicationView,
    application_view,
    basis_message,
    list_applications,
    list_rounds,
    round_table,
    summarize,
)
from .sources import Candidate

__all__ = [
    "APPLY", "APPROVE", "COMMENT", "KIND", "PROCESS_KEY", "REVIEW", "RULES",
    "ApplicationFilters", "ApplicationPage", "ApplicationView", "Candidate", "Generated",
    "Recorded", "accounts_of", "add_proposal", "application_for_instance", "application_view",
    "basis_message",
    "balances_of", "can_propose", "can_read_results", "can_record_accounts", "candidates",
    "generate_proposals", "get_application_or_404", "get_round_or_404", "list_applications",
    "list_rounds", "record_accounts", "round_table", "summarize",
]
