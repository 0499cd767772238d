"""The rectification ledger's items and their workflow (DOMAIN process e; R9, R27, R28).

Importing the package registers the task forms and the ladder's event handler.
"""

from . import forms, ladder  # noqa: F401 - registration
from .items import (
    MAX_RETURNS,
    PROCESS_KEY,
    RECORDER_ROLES,
    can_record,
    get_item_or_404,
    issue_problems,
    item_for_instance,
    record_problem,
    record_problems,
    settings_for,
    settings_of,
    today,
    validate_problem,
)

__all__ = [
    "MAX_RETURNS", "PROCESS_KEY", "RECORDER_ROLES", "can_record", "get_item_or_404",
    "issue_problems", "item_for_instance", "record_problem", "record_problems", "settings_for",
    "settings_of", "today", "validate_problem",
]
