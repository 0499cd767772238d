"""Choices the ledger forms offer: the active units and their projects within the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from models import BudgetUnit, Project, User, db

from .projects import units_in_scope


@dataclass(frozen=True)
class ProjectChoice:
    """A project as the problem form lists it."""

    id: int
    code: str
    name: str
    fiscal_year: int


@dataclass(frozen=True)
class UnitChoice:
    """An active unit and its projects, newest year first."""

    id: int
    code: str
    name: str
    projects: list[ProjectChoice] = field(default_factory=list)


def problem_choices(user: User) -> list[UnitChoice]:
    """Active units the user may record problems for, each with its projects (two queries)."""
    visible = {ident for ident, _name in units_in_scope(user)}
    units = [UnitChoice(ident, code, name) for ident, code, name in db.execute(
        select(BudgetUnit.id, BudgetUnit.code, BudgetUnit.name)
        .where(BudgetUnit.active.is_(True)).order_by(BudgetUnit.code)) if ident in visible]
    by_unit = {unit.id: unit.projects for unit in units}
    if by_unit:
        for ident, code, name, year, unit_id in db.execute(
                select(Project.id, Project.code, Project.name, Project.fiscal_year,
                       Project.unit_id).where(Project.unit_id.in_(by_unit))
                .order_by(Project.fiscal_year.desc(), Project.code)):
            by_unit[unit_id].append(ProjectChoice(ident, code, name, year))
    return units
