"""What a dashboard view covers: a year, and optionally one section or one unit (the drill
levels section → unit → project), and whom it is for."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from models import BudgetUnit, Project, Section, User, db

from ..cycle_steps import today
from ..errors import InvalidInput, NotFound
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..query_args import whole

READERS = ("perf_staff", "perf_chief", "bureau_leader", "budget_section")


def can_read_dashboard(user: User) -> bool:
    """The leaders and the performance (and budget) section see the bureau's figures."""
    return user.has_role(*READERS)


@dataclass
class Scope:
    """The year and the drill position; `units` maps every unit in view to its section."""

    year: int
    bureau_id: int
    section: Section | None = None
    unit: BudgetUnit | None = None
    units: dict[int, int] = field(default_factory=dict)  # unit id → expenditure section id
    names: dict[int, str] = field(default_factory=dict)  # group key → label
    order: list[int] = field(default_factory=list)  # group keys in display order

    @property
    def level(self) -> str:
        """What one bar stands for: a section, a unit, or a project."""
        return "project" if self.unit else "unit" if self.section else "section"

    @property
    def unit_ids(self) -> list[int]:
        """The units in view."""
        return list(self.units)

    def key(self, unit_id: int, project_id: int | None = None) -> int | None:
        """The group a unit's (or project's) figure falls in at this level."""
        if unit_id not in self.units:
            return None
        if self.level == "section":
            return self.units[unit_id]
        if self.level == "unit":
            return unit_id
        return project_id if project_id in self.names else None


def _sections(bureau_id: int) -> list[Section]:
    return list(db.scalars(select(Section).where(Section.bureau_id == bureau_id,
                                                 Section.kind == "expenditure")
                           .order_by(Section.code)))


def parse_scope(user: User, args) -> Scope:
    """The view asked for by query arguments (year, section, unit), checked."""
    if not can_read_dashboard(user):
        raise NotFound(Msg("page not found"))
    errors: dict[str, list] = {}
    year = whole(args, "year", errors, 2000, 2100) or today().year
    section_id = whole(args, "section", errors)
    unit_id = whole(args, "unit", errors)
    if errors:
        raise InvalidInput(Msg("the filters have errors"), errors)
    bureau = bureau_of(user)
    scope = Scope(year=year, bureau_id=bureau.id)
    if unit_id is not None:
        scope.unit = db.get(BudgetUnit, unit_id)
        if scope.unit is None or scope.unit.bureau_id != bureau.id:
            raise NotFound(Msg("unit not found"))
        scope.section = scope.unit.expenditure_section
    elif section_id is not None:
        scope.section = db.get(Section, section_id)
        if scope.section is None or scope.section.bureau_id != bureau.id \
                or scope.section.kind != "expenditure":
            raise NotFound(Msg("section not found"))
    _fill(scope)
    return scope


def _fill(scope: Scope) -> None:
    query = select(BudgetUnit.id, BudgetUnit.expenditure_section_id, BudgetUnit.name).where(
        BudgetUnit.bureau_id == scope.bureau_id, BudgetUnit.active.is_(True))
    if scope.unit is not None:
        query = query.where(BudgetUnit.id == scope.unit.id)
    elif scope.section is not None:
        query = query.where(BudgetUnit.expenditure_section_id == scope.section.id)
    rows = db.execute(query.order_by(BudgetUnit.code)).all()
    scope.units = {ident: section for ident, section, _ in rows}
    if scope.level == "section":
        for section in _sections(scope.bureau_id):
            scope.names[section.id] = section.name
            scope.order.append(section.id)
    elif scope.level == "unit":
        for ident, _section, name in rows:
            scope.names[ident] = name
            scope.order.append(ident)
    else:
        for ident, name in db.execute(select(Project.id, Project.name).where(
                Project.unit_id == scope.unit.id, Project.fiscal_year == scope.year)
                .order_by(Project.code)):
            scope.names[ident] = name
            scope.order.append(ident)
