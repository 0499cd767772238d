"""What the evaluation's task forms share: loading, status moves, the firm guard, notices."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from models import KeyEvaluation, ProcessInstance, Task, User, UserRole, db

from ..audit import record
from ..errors import Conflict, Forbidden
from ..firms.access import firm_access
from ..messages import Msg
from ..notifications import notify
from .access import KIND
from .proposals import evaluation_for_instance

CLOSED = ("closed", "withdrawn")


def open_evaluation(instance: ProcessInstance) -> KeyEvaluation:
    """The instance's evaluation, refused once it is closed or withdrawn."""
    evaluation = evaluation_for_instance(instance)
    if evaluation.status in CLOSED:
        raise Conflict(Msg("this evaluation is closed"))
    return evaluation


def move(evaluation: KeyEvaluation, user: User | None, status: str, action: str,
         reason: str | None = None, **after) -> None:
    """Change the evaluation's status and write the step to the audit trail."""
    before = evaluation.status
    evaluation.status = status
    record(user.id if user else None, KIND, evaluation.id, action, before={"status": before},
           after={"status": status, **after}, reason=reason or None)


def guard_firm(task: Task, instance: ProcessInstance, user: User) -> None:
    """R18: only the engaged firm's team, while the engagement is active, works the firm's steps
    (the check is logged)."""
    evaluation = evaluation_for_instance(instance)
    if firm_access(user, KIND, evaluation.id) != "write":
        raise Forbidden(Msg("only the engaged firm's team works on this evaluation while the "
                            "engagement is active (R18)"))


def unit_people(unit_id: int) -> list[int]:
    """The evaluated unit's filers and leaders."""
    return list(db.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        User.unit_id == unit_id, User.active.is_(True),
        UserRole.role_code.in_(("unit_filer", "unit_leader"))).distinct()))


def role_people(*roles: str) -> list[int]:
    """Active users holding any of the roles."""
    return list(db.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        User.active.is_(True), UserRole.role_code.in_(roles)).distinct()))


def tell(user_ids: Iterable[int | None], kind: str, message: Msg,
         evaluation: KeyEvaluation) -> None:
    """A notification about the evaluation to each of the users."""
    notify([u for u in user_ids if u], kind, message, entity=KIND, entity_id=evaluation.id)
