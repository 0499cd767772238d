"""Loading firms and engagements for the pages and the API, and who may read the registry.

R18 logs every read by firm staff, refused probes above all: their audit rows are kept past the
404's rollback (workflows.audit.record(keep=True)).
"""

from __future__ import annotations

from models import User
from workflows.errors import Forbidden
from workflows.firms import can_read_registry, get_engagement_or_404, get_firm_or_404
from workflows.messages import Msg

__all__ = ["can_read_registry", "load_engagement", "load_firm", "require_reader"]

load_firm = get_firm_or_404
load_engagement = get_engagement_or_404


def require_reader(user: User) -> None:
    """The registry itself is for the performance section and the bureau's leaders."""
    if not can_read_registry(user):
        raise Forbidden(Msg("only the performance section and bureau leaders see the firm "
                            "registry"))
