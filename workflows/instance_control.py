"""Suspending, resuming and terminating an instance: administrators only, with a reason, audited.

A suspended instance keeps its tasks out of every inbox (they wait as "suspended") and its
timers unfired; resuming gives them back as they were. A terminated instance ends for good.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from models import ProcessInstance, Task, TaskCandidate, User, db
from models.base import utcnow

from .audit import record
from .engine import runtime
from .errors import Conflict, Forbidden, InvalidInput
from .messages import Msg

ACTIONS = {"suspend": ("running",), "resume": ("suspended",),
           "terminate": ("running", "suspended")}
MAX_REASON = 2000


def can_control(user: User) -> bool:
    """Administrators hold instances (they never work their tasks, R9)."""
    return user.has_role("admin")


def _reason(raw) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text) > MAX_REASON:
        message = Msg("give the reason (at most %(n)s characters)", n=MAX_REASON)
        raise InvalidInput(message, {"reason": [message]})
    return text


def _tasks(instance: ProcessInstance, status: str) -> list[Task]:
    return list(db.scalars(select(Task).where(Task.instance_id == instance.id,
                                              Task.status == status)))


def _withdraw_from_inboxes(tasks: list[Task], status: str) -> None:
    if tasks:
        db.execute(delete(TaskCandidate).where(TaskCandidate.task_id.in_([t.id for t in tasks])))
    for task in tasks:
        db.expire(task, ["candidates"])
        task.status = status
        if status == "cancelled":
            task.completed_at = utcnow()


def control_instance(user: User, instance_id: int, action: str, reason) -> ProcessInstance:
    """Suspend, resume or terminate the instance (locked while it changes)."""
    if not can_control(user):
        raise Forbidden(Msg("only administrators suspend, resume or terminate instances"))
    if action not in ACTIONS:
        raise InvalidInput(Msg("choose one of: %(options)s", options=", ".join(ACTIONS)),
                           {"action": [Msg("choose one of: %(options)s",
                                           options=", ".join(ACTIONS))]})
    text = _reason(reason)
    instance = runtime.lock_instance(instance_id)
    if instance.status not in ACTIONS[action]:
        raise Conflict(Msg("the instance is %(status)s; it cannot be %(action)s",
                           status=instance.status, action=action))
    before = instance.status
    if action == "suspend":
        _withdraw_from_inboxes(_tasks(instance, "ready"), "suspended")
        instance.status = "suspended"
    elif action == "resume":
        for task in _tasks(instance, "suspended"):
            task.status = "ready"
            if task.assignee_id is None:
                task.open_to_candidates()
        instance.status = "running"
    else:
        _withdraw_from_inboxes(_tasks(instance, "ready") + _tasks(instance, "suspended"),
                               "cancelled")
        instance.status, instance.next_timer_at = "terminated", None
        instance.completed_at = utcnow()
    instance.updated_at = utcnow()
    db.flush()
    record(user.id, "process_instance", instance.id, action, before={"status": before},
           after={"status": instance.status}, reason=text)
    return instance
