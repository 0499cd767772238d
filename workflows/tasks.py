"""Claiming, releasing and completing human tasks, and reading inboxes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, literal, select, union

from models import ProcessInstance, Task, TaskCandidate, User, db
from models.base import utcnow

from .audit import record
from .engine import runtime
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .firms.access import SCOPE_KINDS, firm_access
from .firms.registry import FIRM_ROLE
from .forms import FormField, form_fields, validate_form_data
from .messages import Msg
from .permissions import acts_in_workflows, can_see_task, claim_scope, role_allows, role_table


@dataclass
class Completion:
    """What a form handler hands the engine: task data plus the decision to record."""

    data: dict = field(default_factory=dict)
    decision: str | None = None
    rating: str | None = None
    comment: str | None = None
    rearm: dict | None = None  # written into the instance's waiting timers (a moved deadline)


# form_key -> handler(task, instance, user, payload) -> Completion; domain modules register here.
FormHandler = Callable[[Task, ProcessInstance, User, dict], Completion]
FORM_HANDLERS: dict[str, FormHandler] = {}
# form_key -> guard(task, instance, user) raising Forbidden: domain rules checked on claim too.
FormGuard = Callable[[Task, ProcessInstance, User], None]
FORM_GUARDS: dict[str, FormGuard] = {}


def register_form(form_key: str, guard: FormGuard | None = None
                  ) -> Callable[[FormHandler], FormHandler]:
    """Decorator registering the handler (and optional guard) of a camunda:formKey."""
    def wrap(fn: FormHandler) -> FormHandler:
        FORM_HANDLERS[form_key] = fn
        if guard is not None:
            FORM_GUARDS[form_key] = guard
        return fn
    return wrap


def get_task_or_404(task_id: int, user: User) -> Task:
    """Load a task the user may see (its instance in their scope); 404 otherwise. Firm staff
    reach a task only while R18 lets them see its object (checked and logged each time)."""
    task = db.get(Task, task_id)
    if task is None or not can_see_task(user, task):
        raise NotFound(Msg("task not found"))
    if user.has_role(FIRM_ROLE):
        kind, _, ident = task.business_key.partition(":")
        if firm_access(user, SCOPE_KINDS.get(kind, kind),
                       int(ident) if ident.isdecimal() else 0) is None:
            raise NotFound(Msg("task not found"))
    return task


def _lock_ready(task: Task, user: User) -> ProcessInstance:
    instance = runtime.lock_instance(task.instance_id, task)
    if task.status != "ready":
        raise Conflict(Msg("this task has already been completed"))
    held = task.assignee_id == user.id and acts_in_workflows(user)
    # a held task still needs one of its roles in scope: a filer moved to another unit keeps
    # nothing of the old unit's work (tasks with no candidate group are the assignee's alone)
    if not held or task.candidate_roles:
        if not role_allows(user, task):
            raise Forbidden(Msg("your roles do not allow you to act on this task"))
        if not held and task.assignee_id is not None:
            raise Conflict(Msg("this task is held by another user; ask them to release it"))
    guard = FORM_GUARDS.get(task.form_key)
    if guard is not None:
        guard(task, instance, user)
    return instance


def guard_refusal(task: Task, instance: ProcessInstance, user: User) -> Forbidden | None:
    """The domain rule (R9, R8, ...) that keeps this user from working the task, if any."""
    guard = FORM_GUARDS.get(task.form_key)
    if guard is None:
        return None
    try:
        guard(task, instance, user)
    except Forbidden as exc:
        return exc
    return None


def claim_task(task: Task, user: User) -> None:
    """Take a claimable task into the user's own inbox."""
    _lock_ready(task, user)
    if task.assignee_id != user.id:
        task.assignee_id = user.id
        task.candidates = []
        record(user.id, "task", task.id, "claim", after={"assignee_id": user.id})


def unclaim_task(task: Task, user: User) -> None:
    """Release a held task back to its candidate groups."""
    instance = runtime.lock_instance(task.instance_id)
    db.refresh(task)
    if task.status != "ready":
        raise Conflict(Msg("this task has already been completed"))
    if task.assignee_id != user.id:
        raise Conflict(Msg("only the user holding a task can release it"))
    if not task.candidate_roles:
        raise Conflict(Msg("this task has no candidate group to return to"))
    task.assignee_id = None
    task.open_to_candidates()
    record(user.id, "task", task.id, "unclaim", before={"assignee_id": user.id},
           after={"assignee_id": None}, reason=f"instance {instance.id}")


def complete_user_task(task: Task, user: User, payload: dict) -> ProcessInstance:
    """Validate the payload with the task's form handler and advance the workflow."""
    instance = _lock_ready(task, user)
    fields = _declared_fields(instance, task)
    handler = FORM_HANDLERS.get(task.form_key)
    if handler is None:
        completion = Completion(data=validate_form_data(fields, payload.get("data") or {}))
    else:
        completion = _domain_completion(handler, fields, task, instance, user, payload)
    if task.assignee_id is None:
        task.assignee_id = user.id  # completing an unclaimed task claims it implicitly
    runtime.complete_task(instance, task, data=completion.data, actor_id=user.id,
                          decision=completion.decision, rating=completion.rating,
                          comment=completion.comment, rearm=completion.rearm)
    return instance


def _declared_fields(instance: ProcessInstance, task: Task) -> list[dict]:
    return instance.definition.user_tasks.get(task.task_key, {}).get("form_fields", [])


def task_form_fields(task: Task) -> list[FormField]:
    """The generated fields the task's own definition version declares."""
    instance = db.get(ProcessInstance, task.instance_id)
    return form_fields(_declared_fields(instance, task))


def _domain_completion(handler: FormHandler, fields: list[dict], task: Task,
                       instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """A domain form plus the fields the diagram adds to it (under `data`); the errors of both
    are reported together, the diagram's keyed `data.<field id>`."""
    if not fields:
        if "data" in payload:
            raise InvalidInput(Msg("this task takes no generated fields"), {"data": [
                Msg("not accepted here: the task's diagram declares no form fields")]})
        return handler(task, instance, user, payload)
    errors, message, completion, extra = {}, None, None, {}
    try:
        completion = handler(task, instance, user, payload)
    except InvalidInput as exc:
        errors.update(exc.errors)
        message = exc.message
    try:
        extra = validate_form_data(fields, payload.get("data") or {})
    except InvalidInput as exc:
        errors.update({f"data.{key}": value for key, value in exc.errors.items()})
        message = message or exc.message
    if message is not None:
        raise InvalidInput(message, errors)
    completion.data = {**extra, **completion.data}  # the domain's own values win
    return completion


MAX_PAGE = 10_000
COUNT_CAP = 1000  # inbox counts stop here ("1000+"): a count must not cost more than a page


@dataclass
class InboxPage:
    """One page of an inbox with its counts (each capped at COUNT_CAP)."""

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

    @property
    def capped(self) -> bool:
        """True when some count reached the cap."""
        return max(self.assigned, self.claimable, self.overdue) >= COUNT_CAP


@dataclass
class _Filters:
    process_key: str | None = None
    unit_id: int | None = None
    q: str | None = None
    due_before: datetime | None = None

    @property
    def needs_task(self) -> bool:
        return bool(self.process_key or self.unit_id or (self.q and self.q.strip()))

    def apply(self, query: Select, due_col) -> Select:
        if self.process_key:
            query = query.where(Task.process_key == self.process_key)
        if self.unit_id:
            query = query.where(Task.unit_id == self.unit_id)
        if self.q and self.q.strip():
            query = query.where(Task.subject.contains(self.q.strip(), autoescape=True))
        if self.due_before is not None:
            query = query.where(due_col < self.due_before)
        return query


def _assigned_branch(user: User, filters: _Filters) -> Select:
    query = select(Task.id.label("task_id"), Task.due_at.label("due_at")).where(
        Task.status == "ready", Task.assignee_id == user.id)
    return filters.apply(query, Task.due_at)


def _claimable_branches(user: User, filters: _Filters) -> list[Select]:
    roles = role_table(user)
    branches = []
    if not acts_in_workflows(user):
        return branches
    for code in sorted(user.roles):
        conditions = claim_scope(roles[code], user) if code in roles else None
        if conditions is None:
            continue
        query = select(TaskCandidate.task_id.label("task_id"),
                       TaskCandidate.due_at.label("due_at")).where(*conditions)
        if filters.needs_task:
            query = query.join(Task, Task.id == TaskCandidate.task_id)
        branches.append(filters.apply(query, TaskCandidate.due_at))
    return branches


def _branches(user: User, filters: _Filters, scope: str) -> list[Select]:
    if scope == "assigned":
        return [_assigned_branch(user, filters)]
    if scope == "claimable":
        return _claimable_branches(user, filters)
    return [_assigned_branch(user, filters), *_claimable_branches(user, filters)]


def _top(branch: Select, limit: int) -> Select:
    sub = branch.order_by(branch.selected_columns.due_at.asc().nulls_last(),
                          branch.selected_columns.task_id).limit(limit).subquery()
    return select(sub.c.task_id, sub.c.due_at)


def _count(branches: list[Select]):
    """Distinct tasks over the branches, each branch cut at the cap so the cost stays flat."""
    if not branches:
        return select(literal(0)).scalar_subquery()
    capped = [select(b.subquery().c.task_id).limit(COUNT_CAP).subquery() for b in branches]
    arms = [select(c.c.task_id) for c in capped]
    ids = arms[0] if len(arms) == 1 else union(*arms)
    return select(func.count()).select_from(ids.subquery()).scalar_subquery()


def _counts(user: User, filters: _Filters, overdue: _Filters) -> dict[str, int]:
    row = db.execute(select(
        _count(_branches(user, filters, "assigned")).label("assigned"),
        _count(_branches(user, filters, "claimable")).label("claimable"),
        _count(_branches(user, overdue, "mine")).label("overdue"))).one()
    return {key: min(COUNT_CAP, value) for key, value in row._mapping.items()}


def list_inbox(user: User, *, scope: str = "mine", process_key: str | None = None,
               unit_id: int | None = None, q: str | None = None, page: int = 1,
               per_page: int = 20, now: datetime | None = None) -> InboxPage:
    """Tasks the user may act on, earliest due first, with counts; never touches workflow state.

    Each role reads its own index range of the claimable rows (plus the user's assigned tasks),
    so the cost follows the size of the page, not the size of the task table.
    """
    now = now or utcnow()
    page = min(max(page, 1), MAX_PAGE)
    filters = _Filters(process_key, unit_id, q)
    overdue = _Filters(process_key, unit_id, q, due_before=now)
    counts = _counts(user, filters, overdue)
    total = counts.get(scope, min(COUNT_CAP, counts["assigned"] + counts["claimable"]))
    branches = _branches(user, overdue if scope == "overdue" else filters, scope)
    if not branches:
        return InboxPage([], 0, page, per_page, **counts)
    tops = [_top(b, page * per_page) for b in branches]
    ids = (tops[0] if len(tops) == 1 else union(*tops)).subquery()
    rows = db.scalars(
        select(Task).join(ids, Task.id == ids.c.task_id)
        .order_by(ids.c.due_at.asc().nulls_last(), Task.id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    return InboxPage(list(rows), total, page, per_page, **counts)


def inbox_counts(user: User) -> dict[str, int]:
    """Assigned, claimable and overdue counts for the header badge (capped like the inbox)."""
    now = utcnow()
    return _counts(user, _Filters(), _Filters(due_before=now))


def ready_tasks(instance_id: int) -> list[Task]:
    """Ready tasks of an instance."""
    return list(db.scalars(select(Task).where(Task.instance_id == instance_id,
                                              Task.status == "ready").order_by(Task.id)))
