"""What to offer the user on the ledger pages: the operations' own predicates."""

from __future__ import annotations

from models import User
from workflows.errors import Forbidden
from workflows.evidence import can_upload as may_upload
from workflows.messages import Msg
from workflows.rectification import can_record as may_record

__all__ = ["may_record", "may_upload", "require_recorder"]


def require_recorder(user: User) -> None:
    """Refuse the problem form and the import to anyone else."""
    if not may_record(user):
        raise Forbidden(Msg("only the performance section records problems"))
