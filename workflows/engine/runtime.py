"""Instance lifecycle: load → lock → run → save → project ready tasks → audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from models import BudgetUnit, ProcessDefinition, ProcessInstance, Task, TaskCandidate, User, db
from models.base import utcnow

from ..audit import record
from ..errors import Conflict, NotFound, WorkflowError
from ..messages import Msg
from . import clock
from .assignment import resolve_due, resolve_value
from .migrate import rebase_state
from .store import (
    SERIALIZER_VERSION,
    PinnedDefinition,
    dump_state,
    load_state,
    new_workflow,
    spec_cache,
)

# The engine's task tree walk breaks after ~333 loops (ENGINE-NOTES); stay far below it.
MAX_TASKS_PER_INSTANCE = 1500


@dataclass(frozen=True)
class ThrownEvent:
    """An event a diagram threw that nothing in it catches (e.g. an escalation code)."""

    kind: str
    code: str
    name: str


# process_key -> handler(instance, events): domain modules react to what their diagram throws,
# in the same transaction as the save.
EventHandler = Callable[[ProcessInstance, list[ThrownEvent]], None]
EVENT_HANDLERS: dict[str, EventHandler] = {}


def pinned(definition_id: int, content_hash: str) -> PinnedDefinition:
    """Specs and task metadata of a definition version, parsed once per process."""
    def load() -> tuple[str, int, str, dict]:
        definition = db.get(ProcessDefinition, definition_id)
        return definition.key, definition.version, definition.bpmn_xml, definition.user_tasks
    return spec_cache.get(definition_id, content_hash, load)


def pinned_for(instance: ProcessInstance) -> PinnedDefinition:
    """The pinned definition an instance runs on (no query once cached)."""
    return pinned(instance.definition_id, instance.definition_hash)


def start_instance(definition: ProcessDefinition, *, data: dict, actor_id: int | None,
                   business_key: str, subject: str, unit_id: int | None) -> ProcessInstance:
    """Create an instance on this definition version and run it to its first wait state."""
    workflow = new_workflow(pinned(definition.id, definition.content_hash).specs)
    workflow.task_tree.data.update(data)
    for start in workflow.get_tasks(state=TaskState.READY):
        start.data.update(data)
    with clock.timers_held():
        _run(workflow, lambda: workflow.do_engine_steps())
    instance = ProcessInstance(
        definition=definition, definition_id=definition.id, process_key=definition.key,
        definition_hash=definition.content_hash,
        business_key=business_key, subject=subject, unit_id=unit_id, started_by_id=actor_id,
        state="", serializer_version=SERIALIZER_VERSION,
    )
    db.add(instance)
    events = _drain(workflow)
    _save(instance, workflow)
    db.flush()
    _project(instance, workflow)
    record(actor_id, "process_instance", instance.id, "start",
           after={"process_key": definition.key, "version": definition.version,
                  "business_key": business_key})
    _dispatch(instance, events)
    return instance


def lock_instance(instance_id: int, task: Task | None = None) -> ProcessInstance:
    """Load an instance FOR UPDATE (a real row lock on PostgreSQL) with fresh column values;
    a task of it given here is re-read in the same statement, after the lock is taken."""
    query = select(ProcessInstance).where(ProcessInstance.id == instance_id)
    if task is not None:
        query = select(ProcessInstance, Task).join(Task, Task.instance_id == ProcessInstance.id) \
            .where(ProcessInstance.id == instance_id, Task.id == task.id)
    row = db.execute(query.with_for_update(of=ProcessInstance)
                     .execution_options(populate_existing=True)).first()
    instance = row[0] if row else None
    if instance is None:
        raise NotFound(Msg("process instance not found"))
    return instance


def complete_task(instance: ProcessInstance, task: Task, *, data: dict, actor_id: int,
                  decision: str | None = None, rating: str | None = None,
                  comment: str | None = None, rearm: dict | None = None) -> None:
    """Complete one ready human task of a locked instance and advance the workflow.

    `rearm` is data written into every ready and waiting task, and waiting timers compute their
    due time afresh (an extension moves the deadline ladder of a parallel branch).
    """
    if instance.status != "running":
        raise Conflict(Msg("this process instance is no longer running"))
    workflow = load_state(instance.state, instance.serializer_version, pinned_for(instance).specs)
    try:
        spiff_task = workflow.get_task_from_id(UUID(task.task_guid))
    except TaskNotFoundException:
        spiff_task = None
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise Conflict(Msg("this task has already been completed"))

    def advance():
        spiff_task.data.update(data)
        spiff_task.run()
        workflow.do_engine_steps()
        if rearm:
            _rearm_timers(workflow, rearm)

    with clock.timers_held():
        _run(workflow, advance)
    if len(workflow.tasks) > MAX_TASKS_PER_INSTANCE:
        raise Conflict(Msg("this instance has looped too many times; start a new declaration"))
    task.completed_by_id = actor_id
    task.decision, task.rating, task.comment = decision, rating, comment
    events = _drain(workflow)
    try:
        with db.no_autoflush:  # one UPDATE per changed row, all in the final flush
            _save(instance, workflow)
            _project(instance, workflow, completed_guid=task.task_guid)
        db.flush()  # the version counter of the instance is checked here
    except StaleDataError:
        raise Conflict(Msg("the process instance was changed by someone else; reload")) from None
    record(actor_id, "task", task.id, "complete",
           before={"status": "ready"},
           after={"status": "completed", "task_key": task.task_key, "decision": decision,
                  "rating": rating, "comment": comment})
    _dispatch(instance, events)


def move_to_version(instance: ProcessInstance, definition: ProcessDefinition) -> list[str]:
    """Rebase a locked, running instance onto another version of its diagram (the caller checked
    migration_blockers); its ready tasks keep their ids and age and take the new version's
    names and forms; where the assignment changed it is worked out again as for a new task (a
    holder without one of the new roles lets go). Returns the waiting elements."""
    old_meta = pinned_for(instance).user_tasks
    new_specs = pinned(definition.id, definition.content_hash).specs
    workflow = rebase_state(instance.state, instance.serializer_version, new_specs)
    instance.definition, instance.definition_id = definition, definition.id
    instance.definition_hash = definition.content_hash
    with db.no_autoflush:
        _save(instance, workflow)
        _project(instance, workflow)
        meta = definition.user_tasks or {}
        rows = db.scalars(select(Task).where(Task.instance_id == instance.id,
                                             Task.status == "ready")).all()
        for row in rows:
            info = meta.get(row.task_key, {})
            row.name = info.get("name") or row.name
            row.form_key = info.get("form_key", row.form_key)
            if _assignment(info) != _assignment(old_meta.get(row.task_key, {})):
                _reassign(instance, row, info, workflow.get_task_from_id(UUID(row.task_guid)))
    try:
        db.flush()
    except StaleDataError:
        raise Conflict(Msg("the process instance was changed by someone else; reload")) from None
    return sorted(instance.trail.get("active", []))


def _assignment(info: dict) -> tuple:
    return (tuple(info.get("candidate_groups", [])), info.get("assignee"))


def _reassign(instance: ProcessInstance, row: Task, info: dict, spiff_task) -> None:
    """Give a moved ready task the new version's assignee or candidate groups."""
    groups = info.get("candidate_groups", [])
    row.candidate_groups = ",".join(groups)
    assignee = resolve_value(info.get("assignee"),
                             _assignment_data(instance, spiff_task, info.get("assignee")))
    named = db.scalar(select(User.id).where(User.username == assignee, User.active.is_(True))) \
        if assignee else None
    if named is not None:
        row.assignee_id, row.candidates = named, []
        return
    holder = db.get(User, row.assignee_id) if row.assignee_id else None
    if holder is not None and not holder.has_role(*groups):
        row.assignee_id = None
    if row.assignee_id is None:
        row.open_to_candidates()
    else:
        row.candidates = []


def fire_timers(instance: ProcessInstance) -> None:
    """Let a locked instance's due timers fire and run on to its next wait state."""
    if instance.status != "running":
        return
    workflow = load_state(instance.state, instance.serializer_version, pinned_for(instance).specs)

    def advance():
        workflow.refresh_timers()
        workflow.do_engine_steps()

    _run(workflow, advance)
    due_before = instance.next_timer_at
    events = _drain(workflow)
    with db.no_autoflush:
        _save(instance, workflow)
        _project(instance, workflow)
    record(None, "process_instance", instance.id, "timer.fire",
           before={"next_timer_at": due_before.isoformat() if due_before else None},
           after={"next_timer_at": instance.next_timer_at.isoformat()
                  if instance.next_timer_at else None})
    _dispatch(instance, events)
    db.flush()


def _run(workflow, step) -> None:
    try:
        step()
    except SpiffWorkflowException as exc:
        task = getattr(exc, "task", None)
        spec = getattr(task, "task_spec", None) or getattr(exc, "task_spec", None)
        element = getattr(spec, "bpmn_id", None) or getattr(spec, "name", "") or ""
        raise WorkflowError(Msg("the workflow failed at '%(element)s': %(error)s",
                                element=element, error=str(exc)), element) from None
    except (ArithmeticError, AttributeError, KeyError, LookupError, TypeError,
            ValueError) as exc:
        # The library lets some failures of timer and expression parsing escape unwrapped;
        # they are the diagram's fault all the same, and the half-run workflow is dropped.
        raise WorkflowError(Msg("the workflow failed: %(error)s",
                                error=f"{type(exc).__name__}: {exc}")) from None


def _drain(workflow) -> list[ThrownEvent]:
    """Events thrown and not caught, taken out of the state before it is saved (handled once)."""
    return [ThrownEvent(kind=type(e.event_definition).__name__.removesuffix("EventDefinition")
                        .lower(), code=getattr(e.event_definition, "code", None) or "",
                        name=e.event_definition.name or "")
            for e in workflow.get_events()]


def _dispatch(instance: ProcessInstance, events: list[ThrownEvent]) -> None:
    """Hand the drained events to the domain handler of the instance's process."""
    handler = EVENT_HANDLERS.get(instance.process_key)
    if events and handler is not None:
        handler(instance, events)


def _rearm_timers(workflow, data: dict) -> None:
    """Write `data` into every ready and waiting task, and let waiting timers compute their due
    time again (a moved deadline reaches both the timers and the tasks still to come).

    A waiting task re-inherits its parent's data on every refresh (parent values win), so the
    parent carries the new values too.
    """
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
        for holder in (task.parent, task):
            if holder is not None:
                holder.data.update(data)
        definition = getattr(task.task_spec, "event_definition", None)
        if type(definition).__name__ in TIMER_EVENTS:
            task.internal_data.pop("event_value", None)
            task.internal_data.pop("event_fired", None)
    workflow.refresh_timers()
    workflow.do_engine_steps()


def _trail(workflow) -> dict:
    """BPMN ids completed and active, and the (source, target) steps between them."""
    completed, active, edges = set(), set(), set()
    for task in workflow.tasks.values():  # every task: no depth-limited tree walk
        bpmn_id = task.task_spec.bpmn_id
        if not bpmn_id:
            continue
        if task.has_state(TaskState.COMPLETED):
            completed.add(bpmn_id)
        elif task.has_state(TaskState.READY | TaskState.WAITING | TaskState.STARTED):
            active.add(bpmn_id)
        else:
            continue
        parent = task.parent
        while parent is not None and not parent.task_spec.bpmn_id:
            parent = parent.parent  # skip the engine's internal tasks
        if parent is not None and parent.has_state(TaskState.COMPLETED):
            edges.add((parent.task_spec.bpmn_id, bpmn_id))
    return {"completed": sorted(completed), "active": sorted(active),
            "edges": [list(e) for e in sorted(edges)]}


TIMER_EVENTS = {"DurationTimerEventDefinition", "TimeDateEventDefinition",
                "CycleTimerEventDefinition"}


def _timer_due(value) -> datetime | None:
    """When a waiting timer falls due, from SpiffWorkflow's pending-event value."""
    if isinstance(value, dict):
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        due = datetime.fromisoformat(value)
    except ValueError:
        return None
    return due if due.tzinfo else due.replace(tzinfo=UTC)


def _next_timer(workflow) -> datetime | None:
    """The earliest due time of the instance's waiting timers (what the worker looks at)."""
    dues = [_timer_due(event.value) for event in workflow.waiting_events()
            if event.event_type in TIMER_EVENTS]
    dues = [d for d in dues if d is not None]
    return min(dues) if dues else None


def _save(instance: ProcessInstance, workflow) -> None:
    instance.trail = _trail(workflow)
    instance.next_timer_at = _next_timer(workflow) if not workflow.is_completed() else None
    instance.state = dump_state(workflow)
    instance.serializer_version = SERIALIZER_VERSION
    instance.updated_at = utcnow()
    if workflow.is_completed() and instance.status == "running":
        instance.status = "completed"
        instance.completed_at = instance.updated_at


def _human_ready(workflow) -> dict:
    return {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}


def _project(instance: ProcessInstance, workflow, completed_guid: str | None = None) -> None:
    """Bring the task table in line with the workflow's ready human tasks."""
    ready = _human_ready(workflow)
    now = clock.now()
    existing = db.scalars(
        select(Task).where(Task.instance_id == instance.id, Task.status == "ready")
    ).all()
    closed = [row for row in existing if row.task_guid not in ready]
    for row in closed:
        row.status = "completed" if row.task_guid == completed_guid else "cancelled"
        row.completed_at = now
    if closed:
        db.execute(delete(TaskCandidate).where(TaskCandidate.task_id.in_([r.id for r in closed])))
        for row in closed:
            set_committed_value(row, "candidates", [])
    known = {row.task_guid for row in existing}
    scope = (existing[0].unit_id, existing[0].section_id) if existing \
        else _scope_of(instance.unit_id)
    meta = pinned_for(instance).user_tasks
    for guid, spiff_task in ready.items():
        if guid not in known:
            db.add(_new_task_row(instance, spiff_task, meta.get(spiff_task.task_spec.bpmn_id, {}),
                                 scope, now))


def _scope_of(unit_id: int | None) -> tuple[int | None, int | None]:
    if unit_id is None:
        return None, None
    unit = db.get(BudgetUnit, unit_id)
    return unit_id, unit.expenditure_section_id if unit else None


def _assignment_data(instance, spiff_task, assignee: str | None) -> dict:
    """Task data, where `liaison_user` is the unit's liaison cadre now, not when the instance
    started: a unit handed to another cadre (R30) sends its new tasks to that cadre."""
    if not assignee or "liaison_user" not in assignee or instance.unit_id is None:
        return spiff_task.data
    liaison = db.scalar(select(User.username).join(
        BudgetUnit, BudgetUnit.liaison_user_id == User.id).where(BudgetUnit.id == instance.unit_id))
    return {**spiff_task.data, "liaison_user": liaison}


def _new_task_row(instance, spiff_task, meta: dict, scope, now) -> Task:
    groups = meta.get("candidate_groups", [])
    assignee = resolve_value(meta.get("assignee"),
                             _assignment_data(instance, spiff_task, meta.get("assignee")))
    assignee_id = None
    if assignee:
        assignee_id = db.scalar(select(User.id).where(User.username == assignee,
                                                      User.active.is_(True)))
    task = Task(
        instance_id=instance.id, task_guid=str(spiff_task.id),
        task_key=spiff_task.task_spec.bpmn_id,
        name=meta.get("name") or spiff_task.task_spec.bpmn_name or spiff_task.task_spec.bpmn_id,
        process_key=instance.process_key, business_key=instance.business_key,
        subject=instance.subject, form_key=meta.get("form_key", ""),
        unit_id=scope[0], section_id=scope[1], candidate_groups=",".join(groups),
        assignee_id=assignee_id, priority=meta.get("priority", 50),
        due_at=resolve_due(meta.get("due_date"), spiff_task.data, now), created_at=now,
    )
    if assignee_id is None:
        task.open_to_candidates()
    return task
