"""Moving waiting instances to a newer version of their process: a dry run, then the move."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from models import ProcessDefinition, ProcessInstance, User, db

from .audit import record
from .engine import runtime
from .engine.decisions import DECISION_PREFIX
from .engine.migrate import migration_blockers
from .errors import InvalidInput, NotFound
from .messages import Msg
from .process_catalog import check_admin

MAX_MOVE = 2000  # one request checks and moves at most this many; the page says when more wait


@dataclass(frozen=True)
class MigrationRow:
    """One instance of the old version: where it waits and whether it can move."""

    instance_id: int
    business_key: str
    subject: str
    waiting: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def movable(self) -> bool:
        """True when every waiting element exists, unchanged in kind, in the new version."""
        return not self.reasons


@dataclass(frozen=True)
class MigrationPlan:
    """The dry run: every running instance of `source` checked against `target`."""

    key: str
    source: int
    target: int
    rows: tuple[MigrationRow, ...]
    total: int  # running instances of `source`; beyond MAX_MOVE they wait for the next round

    @property
    def movable(self) -> int:
        """How many instances can move."""
        return sum(1 for r in self.rows if r.movable)


@dataclass(frozen=True)
class MigrationOutcome:
    """What a move did: the instances moved and those left, with why."""

    moved: tuple[int, ...]
    refused: tuple[MigrationRow, ...]


def _versions(key: str, source: int, target: int) -> tuple[ProcessDefinition, ProcessDefinition]:
    if key.startswith(DECISION_PREFIX):
        raise InvalidInput(Msg("decision tables have no instances to migrate"),
                           {"key": [Msg("not a process")]})
    found = {d.version: d for d in db.scalars(select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version.in_((source, target))))}
    if source not in found or target not in found:
        raise NotFound(Msg("process version not found"))
    if target <= source:
        raise InvalidInput(Msg("instances move only to a newer version"),
                           {"target": [Msg("choose a version newer than %(v)s", v=source)]})
    return found[source], found[target]


def _check(instance: ProcessInstance, target: ProcessDefinition) -> MigrationRow:
    old = runtime.pinned_for(instance).specs
    new = runtime.pinned(target.id, target.content_hash).specs
    reasons = migration_blockers(instance.state, instance.serializer_version, old, new)
    return MigrationRow(instance.id, instance.business_key, instance.subject,
                        tuple(instance.trail.get("active", [])), tuple(reasons))


def migration_plan(user: User, key: str, source: int, target: int) -> MigrationPlan:
    """Which running instances of version `source` can move to `target`, and why not the
    others. Nothing is changed."""
    check_admin(user)
    old, new = _versions(key, source, target)
    running = (ProcessInstance.definition_id == old.id, ProcessInstance.status == "running")
    instances = db.scalars(select(ProcessInstance).where(*running)
                           .order_by(ProcessInstance.id).limit(MAX_MOVE)).all()
    total = db.scalar(select(func.count()).select_from(ProcessInstance).where(*running))
    return MigrationPlan(key, source, target, tuple(_check(i, new) for i in instances), total)


def migrate_instances(user: User, key: str, source: int, target: int,
                      instance_ids: list[int] | None = None) -> MigrationOutcome:
    """Move the given (default: every movable) running instances of `source` to `target`,
    each under its row lock and checked again there; every move is audited."""
    check_admin(user)
    old, new = _versions(key, source, target)
    query = select(ProcessInstance.id).where(ProcessInstance.definition_id == old.id,
                                             ProcessInstance.status == "running")
    if instance_ids is not None:
        query = query.where(ProcessInstance.id.in_(instance_ids[:MAX_MOVE]))
    moved, refused = [], []
    for instance_id in db.scalars(query.order_by(ProcessInstance.id).limit(MAX_MOVE)).all():
        instance = runtime.lock_instance(instance_id)
        if instance.definition_id != old.id or instance.status != "running":
            continue  # moved, finished or suspended since the list was read
        row = _check(instance, new)
        if not row.movable:
            refused.append(row)
            continue
        waiting = runtime.move_to_version(instance, new)
        record(user.id, "process_instance", instance.id, "migrate",
               before={"version": source, "definition_id": old.id},
               after={"version": target, "definition_id": new.id, "waiting": waiting})
        moved.append(instance.id)
    return MigrationOutcome(tuple(moved), tuple(refused))
