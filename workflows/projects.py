"""Read helpers for the web pages: projects in scope, inbox names and filter choices."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, func, or_, select, true

from models import (
    BudgetUnit,
    GoalSheet,
    ProcessDefinition,
    ProcessInstance,
    Project,
    Task,
    User,
    db,
)

from .engine.decisions import DECISION_PREFIX
from .fund_holds import held_projects
from .permissions import role_table

PER_PAGE = 20


def _unit_scope_clause(user: User) -> ColumnElement[bool]:
    """Budget units within the user's data scope (DOMAIN section 2), as a WHERE clause."""
    roles = role_table(user)
    clauses: list[ColumnElement[bool]] = []
    for code in user.roles:
        scope = roles[code].scope if code in roles else "none"
        if scope == "tenant":
            return true()
        if scope == "unit" and user.unit_id is not None:
            clauses.append(BudgetUnit.id == user.unit_id)
        elif scope == "section" and user.section_id is not None:
            clauses.append(BudgetUnit.expenditure_section_id == user.section_id)
    return or_(false(), *clauses)


@dataclass(frozen=True)
class ProjectRow:
    """A project with its latest goal sheet and the instance working on that sheet."""

    project: Project
    sheet: GoalSheet | None
    instance_id: int | None
    held: str | None = None  # R15: suspend or stop in force, not to be disbursed


@dataclass(frozen=True)
class ProjectPage:
    """One page of the projects list."""

    items: list[ProjectRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))


def list_projects(user: User, *, q: str | None = None, page: int = 1,
                  per_page: int = PER_PAGE) -> ProjectPage:
    """Projects of the units in the user's scope, newest year first, with their latest sheet."""
    base = select(Project).join(BudgetUnit, Project.unit_id == BudgetUnit.id).where(
        _unit_scope_clause(user))
    if q and q.strip():
        base = base.where(Project.name.contains(q.strip(), autoescape=True))
    total = db.scalar(base.with_only_columns(func.count(Project.id))) or 0
    page = min(max(page, 1), 10_000)  # beyond that the offset overflows the database
    projects = list(db.scalars(base.order_by(Project.fiscal_year.desc(), Project.code)
                               .limit(per_page).offset((page - 1) * per_page)))
    sheets = _latest_sheets([p.id for p in projects])
    instances = _instances_by_business_key([f"goal_sheet:{s.id}" for s in sheets.values()])
    held = held_projects([p.id for p in projects])
    rows = []
    for project in projects:
        sheet = sheets.get(project.id)
        rows.append(ProjectRow(project, sheet,
                               instances.get(f"goal_sheet:{sheet.id}") if sheet else None,
                               held.get(project.id)))
    return ProjectPage(rows, total, page, per_page)


def _latest_sheets(project_ids: list[int]) -> dict[int, GoalSheet]:
    if not project_ids:
        return {}
    latest: dict[int, GoalSheet] = {}
    for sheet in db.scalars(select(GoalSheet).where(GoalSheet.project_id.in_(project_ids))
                            .order_by(GoalSheet.fiscal_year, GoalSheet.version, GoalSheet.id)):
        latest[sheet.project_id] = sheet
    return latest


def _instances_by_business_key(keys: list[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = db.execute(select(ProcessInstance.business_key, ProcessInstance.id)
                      .where(ProcessInstance.business_key.in_(keys))
                      .order_by(ProcessInstance.id)).all()
    return {key: ident for key, ident in rows}  # the newest instance wins


def can_declare(row: ProjectRow, user: User) -> bool:
    """Whether to offer the user a new goal declaration (the operation checks again)."""
    if not user.has_role("unit_filer") or user.unit_id != row.project.unit_id:
        return False
    return row.sheet is None or row.sheet.status == "revision_required"


@dataclass(frozen=True)
class TaskNames:
    """Display names a task row needs besides its own columns."""

    unit: str | None
    assignee: str | None
    assignee_username: str | None = None


def names_for_tasks(tasks: list[Task]) -> dict[int, TaskNames]:
    """Unit and assignee names of a page of tasks, loaded in one query."""
    if not tasks:
        return {}
    rows = db.execute(
        select(Task.id, BudgetUnit.name, User.name, User.username)
        .outerjoin(BudgetUnit, Task.unit_id == BudgetUnit.id)
        .outerjoin(User, Task.assignee_id == User.id)
        .where(Task.id.in_([t.id for t in tasks]))).all()
    return {ident: TaskNames(unit, assignee, username)
            for ident, unit, assignee, username in rows}


def user_names(user_ids: set[int | None]) -> dict[int, str]:
    """Names of a few users by id."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def units_in_scope(user: User) -> list[tuple[int, str]]:
    """(id, name) of the budget units the user may see, for filters."""
    return [(ident, name) for ident, name in db.execute(
        select(BudgetUnit.id, BudgetUnit.name).where(_unit_scope_clause(user))
        .order_by(BudgetUnit.code)).all()]


def process_keys() -> list[str]:
    """Keys of the deployed process definitions, for filters (decision tables are no process)."""
    return list(db.scalars(select(ProcessDefinition.key).distinct()
                           .where(~ProcessDefinition.key.startswith(DECISION_PREFIX))
                           .order_by(ProcessDefinition.key)))
