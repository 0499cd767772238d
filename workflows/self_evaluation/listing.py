"""Reading self-evaluations: the rounds, and a round's list with its summary.

Units read their own, section cadres their section's units, the performance section and the
leaders all; firm staff none (R21). The spot-check sample and findings reach finance only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, false, func, or_, select, true

from models import (
    BudgetUnit,
    Project,
    SelfEvaluation,
    SelfEvaluationRound,
    User,
    db,
)
from models.evaluation import GRADES, SELF_EVALUATION_STATUSES

from ..errors import InvalidInput
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..permissions import role_table
from ..query_args import code, flag, whole
from .access import (
    is_firm_user,
    sees_spot_checks,
    shown_status,
)

MAX_PER_PAGE = 200
MAX_PAGE = 10_000


def scope_clause(user: User) -> ColumnElement[bool]:
    """The evaluations the user may see: tenant roles all, section roles their units, unit
    roles their own; firm staff none (R21)."""
    if is_firm_user(user):
        return false()
    scopes = {role.scope for role in role_table(user).values()}
    if "tenant" in scopes:
        return true()
    clauses = []
    if "unit" in scopes and user.unit_id is not None:
        clauses.append(SelfEvaluation.unit_id == user.unit_id)
    if "section" in scopes and user.section_id is not None:
        clauses.append(SelfEvaluation.unit_id.in_(
            select(BudgetUnit.id).where(BudgetUnit.expenditure_section_id == user.section_id)))
    return or_(*clauses) if clauses else false()


# ---------------------------------------------------------------- rounds

@dataclass(frozen=True)
class RoundSummary:
    """A round with the number of its evaluations within the reader's scope."""

    round: SelfEvaluationRound
    evaluations: int


def list_rounds(user: User) -> list[RoundSummary]:
    """The bureau's rounds, newest year first (none for firm staff)."""
    if is_firm_user(user):
        return []
    counts = dict(db.execute(select(SelfEvaluation.round_id, func.count())
                             .where(scope_clause(user)).group_by(SelfEvaluation.round_id)).all())
    rounds = db.scalars(select(SelfEvaluationRound)
                        .where(SelfEvaluationRound.bureau_id == bureau_of(user).id)
                        .order_by(SelfEvaluationRound.fiscal_year.desc()))
    return [RoundSummary(r, counts.get(r.id, 0)) for r in rounds]


# ---------------------------------------------------------------- the list

@dataclass
class EvaluationFilters:
    """What the list is filtered and paged by."""

    round_id: int | None = None
    fiscal_year: int | None = None
    unit_id: int | None = None
    status: str | None = None
    grade: str | None = None
    flagged: bool | None = None
    page: int = 1
    per_page: int = 50

    @classmethod
    def parse(cls, args) -> EvaluationFilters:
        """Filters from query arguments; a bad value is a 422 naming the argument."""
        errors: dict[str, list] = {}

        filters = cls(
            round_id=whole(args, "round_id", errors),
            fiscal_year=whole(args, "fiscal_year", errors, 2000, 2100),
            unit_id=whole(args, "unit_id", errors),
            status=code(args, "status", SELF_EVALUATION_STATUSES, errors),
            grade=code(args, "grade", GRADES, errors), flagged=flag(args, "flagged"),
            page=min(whole(args, "page", errors) or 1, MAX_PAGE),
            per_page=whole(args, "per_page", errors, 1, MAX_PER_PAGE) or 50)
        if errors:
            raise InvalidInput(Msg("the filters have errors"), errors)
        return filters


@dataclass(frozen=True)
class EvaluationRow:
    """One line of a round's list; the spot-check columns are None for non-finance readers."""

    id: int
    round_id: int
    fiscal_year: int
    unit_id: int
    unit_name: str
    project_id: int | None
    project_name: str | None
    kind: str
    status: str
    total_score: Decimal | None
    grade: str | None
    return_count: int
    instance_id: int | None
    spot_check: bool | None
    check_score: Decimal | None
    gap: Decimal | None
    gap_flagged: bool | None


@dataclass(frozen=True)
class EvaluationSummary:
    """Counts over every evaluation matching the filters (not only the page)."""

    total: int
    by_status: dict[str, int]
    by_grade: dict[str, int]
    spot_checks: int | None  # finance only
    flagged: int | None  # finance only


@dataclass(frozen=True)
class EvaluationPage:
    """A page of rows, the number matching and the summary."""

    rows: list[EvaluationRow]
    total: int
    page: int
    per_page: int
    summary: EvaluationSummary

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))


def _statuses_shown_as(status: str, user: User) -> list[str]:
    """Stored statuses this user sees as `status` (a unit filtering by a spot-check step finds
    nothing, so the filter reveals no sample)."""
    return [s for s in SELF_EVALUATION_STATUSES if shown_status(s, user) == status]


def _where(user: User, f: EvaluationFilters) -> list[ColumnElement[bool]]:
    where = [scope_clause(user), SelfEvaluation.bureau_id == bureau_of(user).id]
    if f.round_id:
        where.append(SelfEvaluation.round_id == f.round_id)
    if f.fiscal_year:
        where.append(SelfEvaluation.fiscal_year == f.fiscal_year)
    if f.unit_id:
        where.append(SelfEvaluation.unit_id == f.unit_id)
    if f.status:
        where.append(SelfEvaluation.status.in_(_statuses_shown_as(f.status, user)))
    if f.grade:
        where.append(SelfEvaluation.grade == f.grade)
    if f.flagged is not None and sees_spot_checks(user):
        where.append(SelfEvaluation.gap_flagged.is_(f.flagged))
    return where


def _summary(user: User, where: list) -> EvaluationSummary:
    finance = sees_spot_checks(user)
    by_status: dict[str, int] = {}
    by_grade: dict[str, int] = {}
    total = spot = flagged = 0
    for status, grade, drawn, gap_flagged, count in db.execute(
            select(SelfEvaluation.status, SelfEvaluation.grade, SelfEvaluation.spot_check,
                   SelfEvaluation.gap_flagged, func.count()).where(*where)
            .group_by(SelfEvaluation.status, SelfEvaluation.grade, SelfEvaluation.spot_check,
                      SelfEvaluation.gap_flagged)):
        total += count
        shown = shown_status(status, user)
        by_status[shown] = by_status.get(shown, 0) + count
        if grade:
            by_grade[grade] = by_grade.get(grade, 0) + count
        spot += count if drawn else 0
        flagged += count if gap_flagged else 0
    return EvaluationSummary(
        total, {s: by_status[s] for s in SELF_EVALUATION_STATUSES if s in by_status},
        {g: by_grade[g] for g in GRADES if g in by_grade},
        spot if finance else None, flagged if finance else None)


def list_evaluations(user: User, f: EvaluationFilters) -> EvaluationPage:
    """One page of evaluations in the user's scope, by unit code, with the summary."""
    where = _where(user, f)
    summary = _summary(user, where)
    finance = sees_spot_checks(user)
    rows = db.execute(
        select(SelfEvaluation, BudgetUnit.name, Project.name)
        .join(BudgetUnit, BudgetUnit.id == SelfEvaluation.unit_id)
        .outerjoin(Project, Project.id == SelfEvaluation.project_id).where(*where)
        .order_by(SelfEvaluation.fiscal_year.desc(), BudgetUnit.code, SelfEvaluation.id)
        .limit(f.per_page).offset((f.page - 1) * f.per_page)).all()
    return EvaluationPage([_row(e, unit, project, user, finance) for e, unit, project in rows],
                          summary.total, f.page, f.per_page, summary)


def _row(e: SelfEvaluation, unit: str, project: str | None, user: User,
         finance: bool) -> EvaluationRow:
    return EvaluationRow(
        e.id, e.round_id, e.fiscal_year, e.unit_id, unit, e.project_id, project, e.kind,
        shown_status(e.status, user), e.total_score, e.grade, e.return_count, e.instance_id,
        e.spot_check if finance else None, e.check_score if finance else None,
        e.gap if finance else None, e.gap_flagged if finance else None)
