"""Claiming, releasing and completing human tasks, and reading inboxes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select

from models import ProcessInstance, Task, User, db
from models.base import utcnow

from .audit import record
from .engine import runtime
from .errors import Conflict, Forbidden, NotFound
from .forms import validate_form_data
from .permissions import actionable_tasks_clause, can_act_on, can_see_instance


@dataclass
class Completion:
    """What a form handler hands the engine: task data plus the decision to record."""

    data: dict = field(default_factory=dict)
    decision: str | None = None
    rating: str | None = None
    comment: str | None = None


# form_key -> handler(task, instance, user, payload) -> Completion; domain modules register here.
FormHandler = Callable[[Task, ProcessInstance, User, dict], Completion]
FORM_HANDLERS: dict[str, FormHandler] = {}


def register_form(form_key: str) -> Callable[[FormHandler], FormHandler]:
    """Decorator registering the handler of a camunda:formKey."""
    def wrap(fn: FormHandler) -> FormHandler:
        FORM_HANDLERS[form_key] = fn
        return fn
    return wrap


def get_task_or_404(task_id: int, user: User) -> Task:
    """Load a task the user may see (its instance in their scope); 404 otherwise."""
    task = db.get(Task, task_id)
    if task is None or not can_see_instance(user, db.get(ProcessInstance, task.instance_id)):
        raise NotFound("task not found")
    return task


def _lock_ready(task: Task, user: User) -> ProcessInstance:
    instance = runtime.lock_instance(task.instance_id)
    db.refresh(task)
    if task.status != "ready":
        raise Conflict("this task has already been completed")
    if task.assignee_id not in (None, user.id):
        raise Conflict("this task is held by another user; ask them to release it")
    if not can_act_on(user, task):
        raise Forbidden("your roles do not allow you to act on this task")
    return instance


def claim_task(task: Task, user: User) -> None:
    """Take a claimable task into the user's own inbox."""
    _lock_ready(task, user)
    if task.assignee_id != user.id:
        task.assignee_id = user.id
        record(user.id, "task", task.id, "claim", after={"assignee_id": user.id})


def unclaim_task(task: Task, user: User) -> None:
    """Release a held task back to its candidate groups."""
    instance = runtime.lock_instance(task.instance_id)
    db.refresh(task)
    if task.status != "ready":
        raise Conflict("this task has already been completed")
    if task.assignee_id != user.id:
        raise Conflict("only the user holding a task can release it")
    if not task.candidates:
        raise Conflict("this task has no candidate group to return to")
    task.assignee_id = None
    record(user.id, "task", task.id, "unclaim", before={"assignee_id": user.id},
           after={"assignee_id": None}, reason=f"instance {instance.id}")


def complete_user_task(task: Task, user: User, payload: dict) -> ProcessInstance:
    """Validate the payload with the task's form handler and advance the workflow."""
    instance = _lock_ready(task, user)
    handler = FORM_HANDLERS.get(task.form_key)
    if handler is None:
        completion = Completion(data=validate_form_data(
            instance.definition.user_tasks.get(task.task_key, {}).get("form_fields", []),
            payload.get("data") or {}))
    else:
        completion = handler(task, instance, user, payload)
    if task.assignee_id is None:
        task.assignee_id = user.id  # completing an unclaimed task claims it implicitly
    runtime.complete_task(instance, task, data=completion.data, actor_id=user.id,
                          decision=completion.decision, rating=completion.rating,
                          comment=completion.comment)
    return instance


@dataclass
class InboxPage:
    """One page of an inbox with its counts."""

    items: list[Task]
    total: int
    page: int
    per_page: int
    assigned: int
    claimable: int
    overdue: int

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))


def list_inbox(user: User, *, scope: str = "mine", process_key: str | None = None,
               unit_id: int | None = None, q: str | None = None, page: int = 1,
               per_page: int = 20, now: datetime | None = None) -> InboxPage:
    """Tasks the user may act on, newest due first, with counts; never touches workflow state."""
    now = now or utcnow()
    base = select(Task).where(actionable_tasks_clause(user))
    if process_key:
        base = base.where(Task.process_key == process_key)
    if unit_id:
        base = base.where(Task.unit_id == unit_id)
    if q:
        base = base.where(Task.subject.contains(q.strip(), autoescape=True))
    counts = db.execute(_counts(base, user, now)).one()
    if scope == "assigned":
        base = base.where(Task.assignee_id == user.id)
    elif scope == "claimable":
        base = base.where(Task.assignee_id.is_(None))
    elif scope == "overdue":
        base = base.where(Task.due_at < now)
    total = {"assigned": counts.assigned, "claimable": counts.claimable,
             "overdue": counts.overdue}.get(scope, counts.total)
    rows = db.scalars(base.order_by(Task.due_at.is_(None), Task.due_at, Task.id)
                      .limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    return InboxPage(list(rows), total, page, per_page, counts.assigned, counts.claimable,
                     counts.overdue)


def _counts(base: Select, user: User, now: datetime) -> Select:
    sub = base.with_only_columns(Task.assignee_id, Task.due_at).subquery()
    return select(
        func.count().label("total"),
        func.count().filter(sub.c.assignee_id == user.id).label("assigned"),
        func.count().filter(sub.c.assignee_id.is_(None)).label("claimable"),
        func.count().filter(and_(sub.c.due_at.is_not(None), sub.c.due_at < now)).label("overdue"),
    )


def instance_history(instance_id: int) -> list[Task]:
    """Completed tasks of an instance in the order they were done."""
    return list(db.scalars(
        select(Task).where(Task.instance_id == instance_id,
                           or_(Task.status == "completed", Task.status == "cancelled"))
        .order_by(Task.completed_at, Task.id)))


def ready_tasks(instance_id: int) -> list[Task]:
    """Ready tasks of an instance."""
    return list(db.scalars(select(Task).where(Task.instance_id == instance_id,
                                              Task.status == "ready").order_by(Task.id)))
