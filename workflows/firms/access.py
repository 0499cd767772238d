"""What firm staff may see (R18); every check of a tp_evaluator is audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import Engagement, ThirdPartyFirm, User, db

from ..audit import record
from ..engine import clock
from ..errors import NotFound
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..permissions import acts_in_workflows
from .engagements import positive_id
from .quality import local_day
from .registry import FIRM_ROLE, READ_GRACE_DAYS, REGISTRY_ROLES

# ---------------------------------------------------------------- R18 firm staff access

def _access_of(user: User, kind: str, object_id: int) -> tuple[str | None, int | None]:
    if user.firm_id is None:
        return None, None
    best: tuple[str | None, int | None] = (None, None)
    today = local_day(clock.now())
    for engagement in db.scalars(select(Engagement).where(
            Engagement.firm_id == user.firm_id, Engagement.status != "draft")
            .order_by(Engagement.id)):
        if not (engagement.on_team(user.id) and engagement.covers(kind, object_id)):
            continue
        if engagement.status == "active":
            return ("write" if acts_in_workflows(user) else "read"), engagement.id
        # read-only to the end of the READ_GRACE_DAYS-th day after closing (bureau's calendar)
        if engagement.status != "closed" or (
                local_day(engagement.closed_at) + timedelta(days=READ_GRACE_DAYS) >= today):
            best = ("read", engagement.id)
    return best


def firm_access(user: User, kind: str, object_id: int) -> str | None:
    """R18: "write", "read" or None for a tp_evaluator; every check is audited ("firm.read").

    Users without the tp_evaluator role get None: their reach is their own role's scope.
    """
    if not user.has_role(FIRM_ROLE):
        return None
    wanted = positive_id(object_id)
    access, engagement_id = _access_of(user, kind, wanted) if wanted else (None, None)
    record(user.id, str(kind)[:40], str(object_id)[:40], "firm.read",
           after={"allowed": access is not None, "access": access, "firm_id": user.firm_id,
                  "engagement_id": engagement_id})
    return access


def firm_can_see(user: User, kind: str, object_id: int) -> bool:
    """R18: whether a tp_evaluator may see the object at all (audited like firm_access)."""
    return firm_access(user, kind, object_id) is not None


def get_firm_or_404(firm_id: int, user: User) -> ThirdPartyFirm:
    """A firm of the user's bureau: the performance section and leaders see every firm, firm
    staff only their own, everyone else none."""
    firm = db.get(ThirdPartyFirm, firm_id)
    sees_all = user.has_role(*REGISTRY_ROLES, "bureau_leader")
    if firm is None or firm.bureau_id != bureau_of(user).id or not (
            sees_all or (user.has_role(FIRM_ROLE) and user.firm_id == firm.id)):
        raise NotFound(Msg("firm not found"))
    return firm
