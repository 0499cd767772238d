"""What the firm and engagement pages show, loaded in one place (templates fire no SQL).

The performance section and the bureau's leaders see a firm's engagements and quality scores;
firm staff see their own firm's profile only, and never a quality score (DOMAIN section 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from models import BudgetUnit, Engagement, FirmQualityScore, ThirdPartyFirm, User, UserRole, db

from ..messages import Msg
from ..projects import user_names
from .access import can_read_registry
from .quality import SCORABLE_STATUSES, can_score_quality, scored_in_process
from .registry import FIRM_ROLE, can_manage_firms, eligibility_problems


@dataclass(frozen=True)
class FirmView:
    """A firm's page: the profile; for registry readers also why it cannot be engaged now,
    its engagements (newest first) and its quality scores (R22 history, newest first)."""

    firm: ThirdPartyFirm
    full: bool
    problems: list[Msg] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    scores: list[FirmQualityScore] = field(default_factory=list)
    people: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)

    def score_of(self, engagement_id: int) -> FirmQualityScore | None:
        """The quality score of one of the firm's engagements, if it has one."""
        return next((s for s in self.scores if s.engagement_id == engagement_id), None)

    def engagement(self, engagement_id: int) -> Engagement | None:
        """One of the firm's engagements by id."""
        return next((e for e in self.engagements if e.id == engagement_id), None)


@dataclass(frozen=True)
class EngagementView:
    """An engagement's page: its terms, team and scope; for registry readers the firm's
    eligibility (R19) and the quality score; what the user may do to it."""

    engagement: Engagement
    full: bool
    people: dict[int, str]
    units: dict[int, str]
    problems: list[Msg] = field(default_factory=list)
    score: FirmQualityScore | None = None
    may_manage: bool = False
    may_score: bool = False
    scored_in_process: bool = False


def _unit_names(unit_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in unit_ids if i is not None}
    if not ids:
        return {}
    return dict(db.execute(select(BudgetUnit.id, BudgetUnit.name)
                           .where(BudgetUnit.id.in_(ids))).all())


def _units_of(engagements: list[Engagement]) -> set[int | None]:
    return {e.commissioner_unit_id for e in engagements} | {
        entry.get("unit_id") for e in engagements for entry in e.scope or []}


def _people_of(engagements: list[Engagement]) -> set[int | None]:
    return {e.lead_evaluator_user_id for e in engagements} | {
        i for e in engagements for i in e.team_user_ids or []}


def firm_view(firm: ThirdPartyFirm, user: User) -> FirmView:
    """The firm's page as the user may see it (the caller loaded it with get_firm_or_404)."""
    if not can_read_registry(user):
        return FirmView(firm=firm, full=False)
    engagements = list(db.scalars(select(Engagement).where(Engagement.firm_id == firm.id)
                                  .order_by(Engagement.contract_date.desc(),
                                            Engagement.id.desc())))
    scores = list(db.scalars(select(FirmQualityScore).join(Engagement)
                             .where(Engagement.firm_id == firm.id)
                             .order_by(FirmQualityScore.at.desc(), FirmQualityScore.id.desc())))
    return FirmView(firm=firm, full=True, problems=eligibility_problems(firm),
                    engagements=engagements, scores=scores,
                    people=user_names(_people_of(engagements) | {s.scorer_id for s in scores}),
                    units=_unit_names(_units_of(engagements)))


def engagement_view(engagement: Engagement, user: User) -> EngagementView:
    """The engagement's page as the user may see it (loaded with get_engagement_or_404)."""
    people_ids = _people_of([engagement]) | {engagement.created_by_id}
    units = _unit_names(_units_of([engagement]))
    if not can_read_registry(user):
        return EngagementView(engagement=engagement, full=False, people=user_names(people_ids),
                              units=units)
    score = db.scalar(select(FirmQualityScore).where(
        FirmQualityScore.engagement_id == engagement.id))
    by_process = score is None and scored_in_process(engagement)
    return EngagementView(
        engagement=engagement, full=True, units=units,
        people=user_names(people_ids | {score.scorer_id if score else None}),
        problems=eligibility_problems(engagement.firm), score=score,
        may_manage=can_manage_firms(user), scored_in_process=by_process,
        may_score=score is None and not by_process
        and engagement.status in SCORABLE_STATUSES and can_score_quality(user))


def firm_staff(firm: ThirdPartyFirm) -> list[User]:
    """The firm's active third-party evaluators, by name: who may lead or join its team."""
    return list(db.scalars(select(User).join(UserRole).where(
        User.firm_id == firm.id, User.active.is_(True), UserRole.role_code == FIRM_ROLE)
        .order_by(User.name, User.id)))


def bureau_units(bureau_id: int) -> list[tuple[int, str]]:
    """(id, name) of the bureau's active budget units, for the commissioner and scope."""
    return [(ident, name) for ident, name in db.execute(
        select(BudgetUnit.id, BudgetUnit.name).where(
            BudgetUnit.bureau_id == bureau_id, BudgetUnit.active.is_(True))
        .order_by(BudgetUnit.code)).all()]
