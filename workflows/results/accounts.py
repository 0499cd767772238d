"""Final accounts of units (R25) and year-end project balances (R26): recorded by the budget
section, every row checked, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models import BudgetUnit, Project, ProjectBalance, UnitFinalAccount, User, db

from ..audit import record
from ..cycle_steps import unit_scope
from ..errors import Forbidden, InvalidInput
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..self_evaluation.inputs import decimal, iso_date, note
from .access import can_record_accounts

MAX_ROWS = 5000
ACCOUNT_FIELDS = ("expenditure", "carryover", "balance", "operating_funds")


@dataclass(frozen=True)
class Recorded:
    """How many rows were recorded (new or replaced)."""

    accounts: int
    balances: int


def _check(user: User, year) -> int:
    if not can_record_accounts(user):
        raise Forbidden(Msg("only the budget and performance sections record final accounts"))
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise InvalidInput(Msg("the final accounts have errors"), {"fiscal_year": [
            Msg("a year between 2000 and 2100")]})
    return year


def _account_rows(rows, bureau_id: int, errors: dict) -> list[tuple[BudgetUnit, dict]]:
    units = {u.code: u for u in db.scalars(select(BudgetUnit).where(
        BudgetUnit.bureau_id == bureau_id))}
    out, seen = [], set()
    for i, row in enumerate(rows):
        path = f"accounts.{i}"
        row = row if isinstance(row, dict) else {}
        unit = units.get(str(row.get("unit_code") or "").strip())
        if unit is None:
            note(errors, f"{path}.unit_code", Msg("no unit with this code"))
        elif unit.id in seen:
            note(errors, f"{path}.unit_code", Msg("the unit is listed twice"))
        values = {k: decimal(row.get(k), f"{path}.{k}", errors, places=2, low=Decimal(0))
                  for k in ACCOUNT_FIELDS}
        if unit is not None:
            seen.add(unit.id)
            out.append((unit, values))
    return out


def _balance_rows(rows, bureau_id: int, errors: dict) -> list[tuple[Project, dict]]:
    out, seen = [], set()
    for i, row in enumerate(rows):
        path = f"balances.{i}"
        row = row if isinstance(row, dict) else {}
        project = db.scalar(select(Project).where(
            Project.bureau_id == bureau_id,
            Project.code == str(row.get("project_code") or "").strip()))
        if project is None:
            note(errors, f"{path}.project_code", Msg("no project with this code"))
        elif project.id in seen:
            note(errors, f"{path}.project_code", Msg("the project is listed twice"))
        values = {"unspent": decimal(row.get("unspent"), f"{path}.unspent", errors, places=2,
                                     low=Decimal(0)),
                  "last_spent_on": iso_date(row.get("last_spent_on"), f"{path}.last_spent_on",
                                            errors)}
        if project is not None:
            seen.add(project.id)
            out.append((project, values))
    return out


def record_accounts(user: User, year, accounts=(), balances=()) -> Recorded:
    """Record (or replace) the year's final accounts and project balances; one bad cell and
    nothing is kept."""
    year = _check(user, year)
    accounts, balances = list(accounts or []), list(balances or [])
    if len(accounts) + len(balances) > MAX_ROWS or not (accounts or balances):
        raise InvalidInput(Msg("the final accounts have errors"), {"accounts": [
            Msg("between 1 and %(n)s rows", n=MAX_ROWS)]})
    bureau = bureau_of(user)
    errors: dict[str, list] = {}
    account_rows = _account_rows(accounts, bureau.id, errors)
    balance_rows = _balance_rows(balances, bureau.id, errors)
    if errors:
        raise InvalidInput(Msg("the final accounts have errors; nothing was recorded"), errors)
    for unit, values in account_rows:
        row = db.scalar(select(UnitFinalAccount).where(
            UnitFinalAccount.unit_id == unit.id, UnitFinalAccount.fiscal_year == year))
        if row is None:
            row = UnitFinalAccount(bureau_id=bureau.id, fiscal_year=year, unit_id=unit.id,
                                   recorded_by_id=user.id, **values)
            db.add(row)
        else:
            for key, value in values.items():
                setattr(row, key, value)
            row.recorded_by_id = user.id
    for project, values in balance_rows:
        row = db.scalar(select(ProjectBalance).where(
            ProjectBalance.project_id == project.id, ProjectBalance.fiscal_year == year))
        if row is None:
            db.add(ProjectBalance(bureau_id=bureau.id, fiscal_year=year, project_id=project.id,
                                  recorded_by_id=user.id, **values))
        else:
            row.unspent, row.last_spent_on = values["unspent"], values["last_spent_on"]
            row.recorded_by_id = user.id
    db.flush()
    record(user.id, "finance_bureau", bureau.id, "final_accounts.record",
           after={"fiscal_year": year, "accounts": len(account_rows),
                  "balances": len(balance_rows)})
    return Recorded(len(account_rows), len(balance_rows))


def accounts_of(user: User, year: int) -> list[tuple[UnitFinalAccount, str]]:
    """The year's final accounts of the units in the user's scope, with their names, by code."""
    return list(db.execute(select(UnitFinalAccount, BudgetUnit.name).join(
        BudgetUnit, BudgetUnit.id == UnitFinalAccount.unit_id).where(
        UnitFinalAccount.bureau_id == bureau_of(user).id, UnitFinalAccount.fiscal_year == year,
        unit_scope(user, UnitFinalAccount.unit_id)).order_by(BudgetUnit.code)).all())


def balances_of(user: User, year: int) -> list[ProjectBalance]:
    """The year's balances of the projects in the user's scope."""
    return list(db.scalars(select(ProjectBalance).join(
        Project, Project.id == ProjectBalance.project_id).where(
        ProjectBalance.bureau_id == bureau_of(user).id, ProjectBalance.fiscal_year == year,
        unit_scope(user, Project.unit_id)).order_by(ProjectBalance.id)))


__all__ = ["Recorded", "accounts_of", "balances_of", "date", "record_accounts"]
