"""Reading key evaluations: the list in the user's scope (one evaluation: `results`).

The list keeps to what `access.can_see` allows, as one WHERE clause: the finance tenant roles
see every evaluation, section roles those of their section's units, unit roles their own
unit's; the audit bureau those consulted now or final, congress the final ones. Firm staff see
the evaluations their engagements cover while R18 lets them, each one checked (and logged) by
`firm_access`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true

from models import (
    AuditConsultation,
    BudgetUnit,
    Engagement,
    KeyEvaluation,
    Task,
    ThirdPartyFirm,
    User,
    db,
)
from models.evaluation import GRADES, KEY_EVALUATION_STATUSES

from ..errors import InvalidInput
from ..firms.access import firm_access
from ..firms.registry import FIRM_ROLE
from ..messages import Msg
from ..permissions import role_table
from ..query_args import code, whole
from .access import FINAL_STATUSES, KIND, UNIT_STATUSES
from .results import EvaluationView, evaluation_view

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10_000

__all__ = ["EvaluationFilters", "EvaluationPage", "EvaluationRow", "EvaluationView", "TaskRef",
           "evaluation_view", "firm_visible_ids", "list_evaluations", "scope_clause"]

@dataclass
class EvaluationFilters:
    """What the evaluation list filters by."""

    year: int | None = None
    status: str | None = None
    grade: str | None = None
    unit_id: int | None = None
    q: str | None = None

    @classmethod
    def parse(cls, args) -> EvaluationFilters:
        """Filters from query-string arguments; a bad value is a 422 naming the argument."""
        errors: dict[str, list] = {}
        filters = cls(year=whole(args, "year", errors, 2000, 2100),
                      status=code(args, "status", KEY_EVALUATION_STATUSES, errors),
                      grade=code(args, "grade", GRADES, errors),
                      unit_id=whole(args, "unit_id", errors, 1, 2**31 - 1),
                      q=(str(args.get("q") or "")).strip()[:100] or None)
        if errors:
            raise InvalidInput(Msg("the evaluation filters have errors"), errors)
        return filters

    def as_args(self) -> dict:
        """The filters as query arguments, for links that keep them."""
        args = {"year": self.year, "status": self.status, "grade": self.grade,
                "unit_id": self.unit_id, "q": self.q}
        return {key: value for key, value in args.items() if value not in (None, "")}


@dataclass(frozen=True)
class TaskRef:
    """An open task of an evaluation, as a list row names it."""

    id: int
    task_key: str
    name: str


@dataclass(frozen=True)
class EvaluationRow:
    """One line of the evaluation list."""

    id: int
    title: str
    unit_id: int
    unit_name: str
    object_type: str
    fiscal_year_evaluated: int
    status: str
    firm_name: str | None
    final_score: Decimal | None
    grade: str | None
    problem_count: int
    open_tasks: tuple[TaskRef, ...]


@dataclass
class EvaluationPage:
    """A page of the list, the number matching, and counts by status and by grade (each over
    the evaluations matching every other filter, so the counts stay useful as choices)."""

    rows: list[EvaluationRow]
    total: int
    page: int
    per_page: int
    by_status: dict[str, int] = field(default_factory=dict)
    by_grade: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))


def _unit_scope(user: User) -> ColumnElement[bool]:
    scopes = {role.scope for role in role_table(user).values()}
    if "tenant" in scopes:
        return true()
    clauses = []
    if "unit" in scopes and user.unit_id is not None:
        clauses.append(and_(KeyEvaluation.unit_id == user.unit_id,
                            KeyEvaluation.status.in_(UNIT_STATUSES)))
    if "section" in scopes and user.section_id is not None:
        clauses.append(KeyEvaluation.unit_id.in_(
            select(BudgetUnit.id).where(BudgetUnit.expenditure_section_id == user.section_id)))
    return or_(false(), *clauses)


def _consulted_now() -> ColumnElement[bool]:
    return exists(select(AuditConsultation.id).where(
        AuditConsultation.key_evaluation_id == KeyEvaluation.id,
        AuditConsultation.responded_at.is_(None), AuditConsultation.no_opinion.is_(False)))


def firm_visible_ids(user: User) -> list[int]:
    """R18: the evaluations the firm user's engagements cover that they may read now; each
    one is checked, and logged, by `firm_access`."""
    candidates: set[int] = set()
    for engagement in db.scalars(select(Engagement).where(
            Engagement.firm_id == user.firm_id, Engagement.status != "draft")):
        if engagement.on_team(user.id):
            candidates.update(e["id"] for e in engagement.scope or []
                              if e.get("kind") == KIND and isinstance(e.get("id"), int))
    return sorted(i for i in candidates if firm_access(user, KIND, i) is not None)


def scope_clause(user: User) -> ColumnElement[bool]:
    """The evaluations the user may see (the same rule as `access.can_see`), as a clause."""
    if user.has_role(FIRM_ROLE) and user.firm_id is not None:
        return KeyEvaluation.id.in_(firm_visible_ids(user))
    clauses = [_unit_scope(user)]
    if user.has_role("audit_bureau"):
        clauses.append(or_(KeyEvaluation.status.in_(FINAL_STATUSES), _consulted_now()))
    if user.has_role("congress"):
        clauses.append(KeyEvaluation.status.in_(FINAL_STATUSES))
    return or_(*clauses)


def _conditions(scope: ColumnElement[bool], f: EvaluationFilters, skip: str = ""
                ) -> list[ColumnElement[bool]]:
    where = [scope]
    if f.year:
        where.append(KeyEvaluation.fiscal_year_evaluated == f.year)
    if f.status and skip != "status":
        where.append(KeyEvaluation.status == f.status)
    if f.grade and skip != "grade":
        where.append(KeyEvaluation.grade == f.grade)
    if f.unit_id:
        where.append(KeyEvaluation.unit_id == f.unit_id)
    if f.q:
        where.append(KeyEvaluation.title.contains(f.q, autoescape=True))
    return where


def _counts(column, where: list[ColumnElement[bool]]) -> dict[str, int]:
    rows = db.execute(select(column, func.count()).where(*where).group_by(column)).all()
    return {code: n for code, n in rows if code is not None}


def list_evaluations(user: User, filters: EvaluationFilters, page: int = 1,
                     per_page: int = PER_PAGE) -> EvaluationPage:
    """One page of the evaluations in the user's scope, newest evaluated year first."""
    page = min(max(page, 1), MAX_PAGE)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    scope = scope_clause(user)  # once: a firm user's checks are logged
    where = _conditions(scope, filters)
    total = db.scalar(select(func.count(KeyEvaluation.id)).where(*where)) or 0
    query = (select(KeyEvaluation.id, KeyEvaluation.title, KeyEvaluation.unit_id,
                    BudgetUnit.name, KeyEvaluation.object_type,
                    KeyEvaluation.fiscal_year_evaluated, KeyEvaluation.status,
                    ThirdPartyFirm.name.label("firm_name"), KeyEvaluation.final_score,
                    KeyEvaluation.grade, KeyEvaluation.problems, KeyEvaluation.instance_id)
             .join(BudgetUnit, BudgetUnit.id == KeyEvaluation.unit_id)
             .outerjoin(Engagement, Engagement.id == KeyEvaluation.engagement_id)
             .outerjoin(ThirdPartyFirm, ThirdPartyFirm.id == Engagement.firm_id)
             .where(*where)
             .order_by(KeyEvaluation.fiscal_year_evaluated.desc(), KeyEvaluation.id.desc())
             .limit(per_page).offset((page - 1) * per_page))
    found = db.execute(query).all()
    tasks = _open_tasks([r.instance_id for r in found if r.instance_id])
    rows = [EvaluationRow(
        id=r.id, title=r.title, unit_id=r.unit_id, unit_name=r.name,
        object_type=r.object_type, fiscal_year_evaluated=r.fiscal_year_evaluated,
        status=r.status, firm_name=r.firm_name, final_score=r.final_score, grade=r.grade,
        problem_count=len(r.problems or []),
        open_tasks=tuple(TaskRef(t.id, t.task_key, t.name) for t in tasks.get(r.instance_id, ())))
        for r in found]
    return EvaluationPage(
        rows, total, page, per_page,
        by_status=_counts(KeyEvaluation.status, _conditions(scope, filters, "status")),
        by_grade=_counts(KeyEvaluation.grade, _conditions(scope, filters, "grade")))


def _open_tasks(instance_ids: list[int]) -> dict[int, list[Task]]:
    found: dict[int, list[Task]] = {}
    if instance_ids:
        for task in db.scalars(select(Task).where(Task.instance_id.in_(instance_ids),
                                                  Task.status == "ready").order_by(Task.id)):
            found.setdefault(task.instance_id, []).append(task)
    return found
