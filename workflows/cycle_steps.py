"""What the cycle's processes share: due dates from the bureau's settings, decisions, R9."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, false, or_, select, true

from models import AuditLog, BudgetUnit, FinanceBureau, Task, User, db

from .engine import clock
from .evaluation.settings import due_after
from .ledger_rules import ZONE
from .permissions import role_table
from .rule_settings import rule_settings


def today() -> date:
    """Today in the bureau's time zone, on the movable clock (tests travel with it)."""
    return clock.now().astimezone(ZONE).date()


def due_in(bureau: FinanceBureau, setting: str, start: date | None = None) -> str:
    """The due time (ISO, end of the day, Beijing time) `setting` working days from today."""
    days = rule_settings(bureau)[setting]
    return due_after(bureau, start or today(), int(days)).isoformat()


def took_action(user: User, entity: str, entity_id: int, *actions: str) -> bool:
    """Whether the user ever took one of these actions on the record (the audit trail keeps
    it, so R9 holds across returns and reloads)."""
    return db.scalar(select(AuditLog.id).where(
        AuditLog.entity == entity, AuditLog.entity_id == str(entity_id),
        AuditLog.action.in_(actions), AuditLog.actor_id == user.id).limit(1)) is not None


def unit_scope(user: User, unit_column) -> ColumnElement[bool]:
    """Rows whose unit lies in the user's data scope (DOMAIN section 2), as a WHERE clause:
    tenant roles all, section roles their section's units, unit roles their own."""
    scopes = {role.scope for role in role_table(user).values()}
    if "tenant" in scopes:
        return true()
    clauses = []
    if "unit" in scopes and user.unit_id is not None:
        clauses.append(unit_column == user.unit_id)
    if "section" in scopes and user.section_id is not None:
        clauses.append(unit_column.in_(
            select(BudgetUnit.id).where(BudgetUnit.expenditure_section_id == user.section_id)))
    return or_(*clauses) if clauses else false()


@dataclass(frozen=True)
class HistoryLine:
    """One recorded change of a record, oldest first."""

    at: datetime
    actor: str | None
    action: str
    reason: str | None
    after: dict | None


def history_of(entity: str, entity_id: int) -> list[HistoryLine]:
    """The audit trail of one record with the actors' names, in one query."""
    rows = db.execute(
        select(AuditLog, User.name).outerjoin(User, User.id == AuditLog.actor_id)
        .where(AuditLog.entity == entity, AuditLog.entity_id == str(entity_id))
        .order_by(AuditLog.id)).all()
    return [HistoryLine(a.at, name, a.action, a.reason, a.after) for a, name in rows]


def open_tasks(instance_id: int | None) -> list[Task]:
    """The ready tasks of an instance, oldest first."""
    if instance_id is None:
        return []
    return list(db.scalars(select(Task).where(Task.instance_id == instance_id,
                                              Task.status == "ready").order_by(Task.id)))
