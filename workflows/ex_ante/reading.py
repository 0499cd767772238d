"""Reading ex-ante assessments: the list in the user's scope with its summary, and one."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ColumnElement, func, or_, select

from models import BudgetUnit, Engagement, ExAnteAssessment, Project, Task, User, db
from models.ex_ante import CONCLUSIONS, DIMENSIONS, EX_ANTE_STATUSES

from ..cycle_steps import HistoryLine, history_of, open_tasks, unit_scope
from ..errors import InvalidInput
from ..firms.access import firm_access
from ..firms.registry import FIRM_ROLE
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..query_args import code, whole
from .access import JOINED_ROLES, KIND

PER_PAGE = 50
MAX_PAGE = 10_000


def _joined_ids(user: User) -> list[int]:
    """Joint assessments the user's outside body (audit bureau, congress) takes part in."""
    parties = {party for role, party in JOINED_ROLES.items() if user.has_role(role)}
    if not parties:
        return []
    return [a.id for a in db.scalars(select(ExAnteAssessment).where(
        ExAnteAssessment.mode == "joint")) if parties & set(a.joint_parties or [])]


def _firm_ids(user: User) -> list[int]:
    """Assessments of the firm's engagements where the user is on the team, each checked and
    logged by R18."""
    if not user.has_role(FIRM_ROLE) or user.firm_id is None:
        return []
    candidates = set()
    for engagement in db.scalars(select(Engagement).where(Engagement.firm_id == user.firm_id)):
        if engagement.on_team(user.id):
            candidates |= {e["id"] for e in engagement.scope or [] if e.get("kind") == KIND}
    return sorted(i for i in candidates if firm_access(user, KIND, i) is not None)


def scope_clause(user: User) -> ColumnElement[bool]:
    """The assessments the user may read, as one WHERE clause."""
    if user.has_role(FIRM_ROLE):
        return ExAnteAssessment.id.in_(_firm_ids(user) or [0])
    clause = unit_scope(user, ExAnteAssessment.unit_id)
    joined = _joined_ids(user)
    return or_(clause, ExAnteAssessment.id.in_(joined)) if joined else clause


@dataclass
class AssessmentFilters:
    """What the list is filtered and paged by."""

    year: int | None = None
    status: str | None = None
    conclusion: str | None = None
    unit_id: int | None = None
    page: int = 1

    @classmethod
    def parse(cls, args) -> AssessmentFilters:
        """Filters from query arguments; a bad value is a 422 naming the argument."""
        errors: dict[str, list] = {}
        filters = cls(year=whole(args, "year", errors, 2000, 2100),
                      status=code(args, "status", EX_ANTE_STATUSES, errors),
                      conclusion=code(args, "conclusion", CONCLUSIONS, errors),
                      unit_id=whole(args, "unit_id", errors),
                      page=min(whole(args, "page", errors) or 1, MAX_PAGE))
        if errors:
            raise InvalidInput(Msg("the filters have errors"), errors)
        return filters


@dataclass(frozen=True)
class AssessmentRow:
    """One line of the list."""

    assessment: ExAnteAssessment
    unit_name: str
    project_name: str
    project_code: str


@dataclass(frozen=True)
class AssessmentSummary:
    """Counts and amounts over every assessment matching the filters."""

    total: int
    by_status: dict[str, int]
    by_conclusion: dict[str, int]
    requested: Decimal
    recommended: Decimal

    @property
    def reduction(self) -> Decimal:
        """Σ(requested − recommended) of the concluded ones (DOMAIN §7, ex ante)."""
        return self.requested - self.recommended


@dataclass(frozen=True)
class AssessmentPage:
    """A page of rows and the summary."""

    rows: list[AssessmentRow]
    summary: AssessmentSummary
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.summary.total // self.per_page))

    @property
    def total(self) -> int:
        """Assessments matching the filters."""
        return self.summary.total


def _where(user: User, f: AssessmentFilters) -> list:
    where = [scope_clause(user), ExAnteAssessment.bureau_id == bureau_of(user).id]
    for column, value in ((ExAnteAssessment.fiscal_year, f.year),
                          (ExAnteAssessment.status, f.status),
                          (ExAnteAssessment.conclusion, f.conclusion),
                          (ExAnteAssessment.unit_id, f.unit_id)):
        if value is not None:
            where.append(column == value)
    return where


def _summary(where: list) -> AssessmentSummary:
    by_status: dict[str, int] = {}
    by_conclusion: dict[str, int] = {}
    total, requested, recommended = 0, Decimal(0), Decimal(0)
    for status, conclusion, count, asked, granted in db.execute(
            select(ExAnteAssessment.status, ExAnteAssessment.conclusion, func.count(),
                   func.sum(ExAnteAssessment.requested_amount),
                   func.sum(ExAnteAssessment.recommended_amount)).where(*where)
            .group_by(ExAnteAssessment.status, ExAnteAssessment.conclusion)):
        total += count
        by_status[status] = by_status.get(status, 0) + count
        if conclusion and status in ("revision", "arrangeable", "blocked"):
            by_conclusion[conclusion] = by_conclusion.get(conclusion, 0) + count
            requested += Decimal(asked or 0)
            recommended += Decimal(granted or 0)
    return AssessmentSummary(
        total, {s: by_status[s] for s in EX_ANTE_STATUSES if s in by_status},
        {c: by_conclusion[c] for c in CONCLUSIONS if c in by_conclusion},
        requested, recommended)


def list_assessments(user: User, f: AssessmentFilters) -> AssessmentPage:
    """One page of assessments in the user's scope, newest first, with the summary."""
    where = _where(user, f)
    rows = db.execute(
        select(ExAnteAssessment, BudgetUnit.name, Project.name, Project.code)
        .join(BudgetUnit, BudgetUnit.id == ExAnteAssessment.unit_id)
        .join(Project, Project.id == ExAnteAssessment.project_id).where(*where)
        .order_by(ExAnteAssessment.fiscal_year.desc(), ExAnteAssessment.id.desc())
        .limit(PER_PAGE).offset((f.page - 1) * PER_PAGE)).all()
    return AssessmentPage([AssessmentRow(*row) for row in rows], _summary(where), f.page)


@dataclass(frozen=True)
class ScoreLine:
    """One dimension: the unit's self-assessment beside the assessor's score."""

    dimension: str
    self_score: Decimal | None
    score: Decimal | None


@dataclass
class AssessmentView:
    """One assessment as its page shows it."""

    assessment: ExAnteAssessment
    lines: list[ScoreLine] = field(default_factory=list)
    self_total: Decimal | None = None
    engagement: Engagement | None = None
    history: list[HistoryLine] = field(default_factory=list)
    open_tasks: list[Task] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        """Whether the assessor has scored it."""
        return self.assessment.total_score is not None


def _dec(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def assessment_view(assessment: ExAnteAssessment, user: User) -> AssessmentView:
    """The assessment with its score lines (the caller checked the user may see it)."""
    lines = [ScoreLine(d, _dec((assessment.self_scores or {}).get(d)),
                       _dec((assessment.scores or {}).get(d))) for d in DIMENSIONS]
    own = [line.self_score for line in lines if line.self_score is not None]
    engagement = db.get(Engagement, assessment.engagement_id) if assessment.engagement_id \
        else None
    return AssessmentView(assessment, lines, sum(own, Decimal(0)) if own else None, engagement,
                          history_of(KIND, assessment.id), open_tasks(assessment.instance_id))
