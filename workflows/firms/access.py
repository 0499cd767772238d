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
from .registry import FIRM_ROLE, REGISTRY_ROLES, read_grace_days

# firm_access(user, ENGAGEMENT, id): the engagement itself, which its team may read (R18).
ENGAGEMENT = "engagement"
# a process whose business key names its object otherwise than the engagement scope (R21) does
SCOPE_KINDS = {"ex_ante_assessment": "ex_ante"}
READER_ROLES = (*REGISTRY_ROLES, "bureau_leader")


def can_read_registry(user: User) -> bool:
    """The performance section and the bureau's leaders read every firm, engagement and
    quality score of their bureau; firm staff never see quality scores."""
    return user.has_role(*READER_ROLES)


# ---------------------------------------------------------------- R18 firm staff access

def _reaches(engagement: Engagement, user: User, kind: str, object_id: int) -> bool:
    if not engagement.on_team(user.id):
        return False
    if kind == ENGAGEMENT:
        return engagement.id == object_id
    return engagement.covers(kind, object_id)


def _access_of(user: User, kind: str, object_id: int) -> tuple[str | None, int | None]:
    if user.firm_id is None:
        return None, None
    best: tuple[str | None, int | None] = (None, None)
    today = local_day(clock.now())
    grace = read_grace_days()
    for engagement in db.scalars(select(Engagement).where(
            Engagement.firm_id == user.firm_id, Engagement.status != "draft")
            .order_by(Engagement.id)):
        if not _reaches(engagement, user, kind, object_id):
            continue
        if engagement.status == "active":
            return ("write" if acts_in_workflows(user) else "read"), engagement.id
        # read-only to the end of the grace period's last day after closing (bureau's calendar)
        if engagement.status != "closed" or (
                local_day(engagement.closed_at) + timedelta(days=grace) >= today):
            best = ("read", engagement.id)
    return best


def _checked(user: User, kind: str, object_id) -> str | None:
    wanted = positive_id(object_id)
    access, engagement_id = _access_of(user, kind, wanted) if wanted else (None, None)
    record(user.id, str(kind)[:40], str(object_id)[:40], "firm.read",
           after={"allowed": access is not None, "access": access, "firm_id": user.firm_id,
                  "engagement_id": engagement_id},
           keep=True)  # on record even when the request fails (a refused probe's 404 above all)
    return access


def firm_access(user: User, kind: str, object_id: int) -> str | None:
    """R18: "write", "read" or None for a tp_evaluator; every check is audited ("firm.read").

    Users without the tp_evaluator role get None: their reach is their own role's scope.
    Kind ENGAGEMENT asks about the engagement itself: its team reads it on the same terms.
    """
    if not user.has_role(FIRM_ROLE):
        return None
    return _checked(user, kind, object_id)


def firm_can_see(user: User, kind: str, object_id: int) -> bool:
    """R18: whether a tp_evaluator may see the object at all (audited like firm_access)."""
    return firm_access(user, kind, object_id) is not None


# ---------------------------------------------------------------- loaders

def get_firm_or_404(firm_id: int, user: User) -> ThirdPartyFirm:
    """A firm of the user's bureau: the performance section and leaders see every firm, firm
    staff only their own (each of their reads audited, refused ones too), everyone else none."""
    firm = db.get(ThirdPartyFirm, firm_id)
    if firm is not None and firm.bureau_id == bureau_of(user).id and can_read_registry(user):
        return firm
    if user.has_role(FIRM_ROLE):
        allowed = firm is not None and user.firm_id == firm.id
        record(user.id, "third_party_firm", str(firm_id)[:40], "firm.read",
               after={"allowed": allowed, "access": "read" if allowed else None,
                      "firm_id": user.firm_id}, keep=True)
        if allowed:
            return firm
    raise NotFound(Msg("firm not found"))


def get_engagement_or_404(engagement_id, user: User) -> Engagement:
    """An engagement of the user's bureau for the performance section and leaders; for firm
    staff one of their team's while R18 lets them read it (every check audited)."""
    ident = positive_id(engagement_id)
    engagement = db.get(Engagement, ident) if ident else None
    if can_read_registry(user):
        if engagement is not None and engagement.bureau_id == bureau_of(user).id:
            return engagement
    elif user.has_role(FIRM_ROLE):
        allowed = _checked(user, ENGAGEMENT, ident or engagement_id) is not None  # logged
        if allowed and engagement is not None:
            return engagement
    raise NotFound(Msg("engagement not found"))
