"""Double monitoring (双监控) of issued goal sheets (DOMAIN process c; R9, R14, R15).

Importing the package registers the task forms.
"""

from . import forms  # noqa: F401 - registration
from .access import (
    KIND,
    PROCESS_KEY,
    can_manage_rounds,
    can_read_monitoring,
    get_report_or_404,
    get_round_or_404,
    report_for_instance,
)
from .forms import DECIDE, EXECUTE, FILL, LEADER_APPROVE, LEADER_REVIEW, LIAISON_REVIEW
from .fund_actions import (
    get_action_or_404,
    held_projects,
    list_fund_actions,
    reverse_fund_action,
    suspended,
)
from .reading import (
    ReportFilters,
    ReportPage,
    ReportView,
    list_reports,
    list_rounds,
    report_view,
)
from .rounds import RoundOpened, close_round, open_round, time_progress
from .summary import RoundSummary, band_of, net_fund_amounts, round_summary, round_tables

__all__ = [
    "DECIDE", "EXECUTE", "FILL", "KIND", "LEADER_APPROVE", "LEADER_REVIEW", "LIAISON_REVIEW",
    "PROCESS_KEY", "ReportFilters", "ReportPage", "ReportView", "RoundOpened", "RoundSummary",
    "band_of", "can_manage_rounds", "can_read_monitoring", "close_round", "get_action_or_404",
    "get_report_or_404", "get_round_or_404", "list_fund_actions", "list_reports",
    "list_rounds", "net_fund_amounts", "open_round", "report_for_instance", "report_view",
    "held_projects", "reverse_fund_action", "round_summary", "round_tables", "suspended",
    "time_progress",
]
