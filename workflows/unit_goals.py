"""A unit's own goal sheets beyond its projects: the overall sheet of each budget year (R6) and
the adjustment of an issued sheet (R11), as the filer starts them from the pages or the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import BudgetUnit, GoalSheet, ProcessInstance, User, db

from .cycle_steps import today
from .errors import InvalidInput, NotFound
from .goal_review import start_goal_adjustment, start_overall_declaration
from .messages import Msg
from .permissions import can_see_unit
from .query_args import MAX_ID


@dataclass(frozen=True)
class OverallRow:
    """A budget year with the unit's latest overall sheet and the instance working on it."""

    year: int
    sheet: GoalSheet | None
    instance_id: int | None


def declaration_years() -> tuple[int, int]:
    """The years a unit declares for: the budget year under way and the next one."""
    year = today().year
    return year, year + 1


def overall_rows(user: User) -> list[OverallRow]:
    """The user's own unit's overall sheets of the declaration years (none outside a unit)."""
    if user.unit_id is None or not user.has_role("unit_filer", "unit_leader"):
        return []
    years = declaration_years()
    latest: dict[int, GoalSheet] = {}
    for sheet in db.scalars(select(GoalSheet).where(
            GoalSheet.unit_id == user.unit_id, GoalSheet.kind == "overall",
            GoalSheet.fiscal_year.in_(years)).order_by(GoalSheet.version, GoalSheet.id)):
        latest[sheet.fiscal_year] = sheet
    keys = [f"goal_sheet:{s.id}" for s in latest.values()]
    instances = dict(db.execute(select(ProcessInstance.business_key, ProcessInstance.id).where(
        ProcessInstance.business_key.in_(keys)).order_by(ProcessInstance.id)).all()) \
        if keys else {}
    return [OverallRow(y, latest.get(y), instances.get(f"goal_sheet:{latest[y].id}")
                       if y in latest else None) for y in years]


def can_declare_overall(row: OverallRow, user: User) -> bool:
    """Whether to offer the filer the year's overall declaration (the operation checks again)."""
    return user.has_role("unit_filer") and (
        row.sheet is None or row.sheet.status == "revision_required")


def is_latest(sheet: GoalSheet) -> bool:
    """Whether no later version of the sheet exists."""
    later = select(GoalSheet.id).where(
        GoalSheet.unit_id == sheet.unit_id, GoalSheet.kind == sheet.kind,
        GoalSheet.fiscal_year == sheet.fiscal_year, GoalSheet.version > sheet.version,
        GoalSheet.project_id.is_(None) if sheet.project_id is None
        else GoalSheet.project_id == sheet.project_id)
    return db.scalar(later.limit(1)) is None


def can_adjust(sheet: GoalSheet | None, user: User) -> bool:
    """Whether to offer the filer an adjustment of this (latest, issued) sheet."""
    return sheet is not None and sheet.status == "issued" and user.has_role("unit_filer") \
        and user.unit_id == sheet.unit_id and is_latest(sheet)


def declare_overall(user: User, raw_year) -> ProcessInstance:
    """Open the user's unit's overall goal declaration of a declaration year."""
    year = int(raw_year) if isinstance(raw_year, (int, str)) and not isinstance(raw_year, bool) \
        and str(raw_year).strip().isdecimal() else None
    if year not in declaration_years():
        raise InvalidInput(Msg("the declaration has errors"), {"fiscal_year": [
            Msg("the budget year under way or the next one")]})
    unit = db.get(BudgetUnit, user.unit_id) if user.unit_id else None
    if unit is None:
        raise NotFound(Msg("budget unit not found"))
    return start_overall_declaration(unit, year, user)


def get_sheet_or_404(sheet_id, user: User) -> GoalSheet:
    """A goal sheet of a unit in the user's scope."""
    ident = sheet_id if isinstance(sheet_id, int) and not isinstance(sheet_id, bool) \
        and 0 < sheet_id <= MAX_ID else None
    sheet = db.get(GoalSheet, ident) if ident else None
    if sheet is None or not can_see_unit(user, sheet.unit_id):
        raise NotFound(Msg("goal sheet not found"))
    return sheet


def adjust_sheet(user: User, sheet_id, reason) -> ProcessInstance:
    """R11: ask for an adjustment version of an issued sheet, with the reason."""
    return start_goal_adjustment(get_sheet_or_404(sheet_id, user), user, reason)
