"""The deployed processes and decision tables, version by version, for administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from models import ProcessDefinition, ProcessInstance, Task, User, db

from .engine.decisions import DECISION_PREFIX
from .errors import Forbidden, NotFound
from .messages import Msg


@dataclass(frozen=True)
class VersionRow:
    """One deployed version with who deployed it and how many instances run on it."""

    id: int
    version: int
    name: str
    content_hash: str
    source_name: str
    deployed_by: str | None
    deployed_at: datetime
    running: int
    completed: int
    active: bool  # the newest version: new instances start on it
    waiting: tuple[tuple[str, int], ...] = ()  # (BPMN element id, ready tasks there)


@dataclass(frozen=True)
class ProcessEntry:
    """A process key (or a decision table) with its versions, newest first."""

    key: str
    is_decision: bool
    versions: tuple[VersionRow, ...]

    @property
    def name(self) -> str:
        """The newest version's name."""
        return self.versions[0].name or self.key


def check_admin(user: User) -> None:
    """Processes are the administrators' to manage."""
    if not user.has_role("admin"):
        raise Forbidden(Msg("only administrators manage the processes"))


def process_catalog(user: User) -> list[ProcessEntry]:
    """Every key with its versions, instance counts per version and where their instances wait
    (how many ready tasks per element: the page's heat list); three queries."""
    check_admin(user)
    counts: dict[tuple[int, str], int] = {
        (definition_id, status): n for definition_id, status, n in db.execute(
            select(ProcessInstance.definition_id, ProcessInstance.status, func.count())
            .group_by(ProcessInstance.definition_id, ProcessInstance.status))}
    waiting: dict[int, list[tuple[str, int]]] = {}
    for definition_id, task_key, n in db.execute(
            select(ProcessInstance.definition_id, Task.task_key, func.count())
            .join(ProcessInstance, ProcessInstance.id == Task.instance_id)
            .where(Task.status == "ready", ProcessInstance.status == "running")
            .group_by(ProcessInstance.definition_id, Task.task_key)
            .order_by(ProcessInstance.definition_id, func.count().desc(), Task.task_key)):
        waiting.setdefault(definition_id, []).append((task_key, n))
    rows = db.execute(
        select(ProcessDefinition, User.name)
        .outerjoin(User, User.id == ProcessDefinition.deployed_by_id)
        .options(defer(ProcessDefinition.bpmn_xml), defer(ProcessDefinition.user_tasks))
        .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())).all()
    entries: dict[str, list[VersionRow]] = {}
    for definition, deployer in rows:
        versions = entries.setdefault(definition.key, [])
        versions.append(VersionRow(
            definition.id, definition.version, definition.name, definition.content_hash,
            definition.source_name, deployer, definition.deployed_at,
            counts.get((definition.id, "running"), 0),
            counts.get((definition.id, "completed"), 0), active=not versions,
            waiting=tuple(waiting.get(definition.id, ()))))
    return [ProcessEntry(key, key.startswith(DECISION_PREFIX), tuple(versions))
            for key, versions in entries.items()]


def definition_source(user: User, key: str, version: int) -> tuple[ProcessDefinition, str]:
    """One version's XML as deployed, with a file name to download it under."""
    check_admin(user)
    definition = db.scalar(select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version == version))
    if definition is None:
        raise NotFound(Msg("process version not found"))
    suffix = "dmn" if key.startswith(DECISION_PREFIX) else "bpmn"
    stem = key.removeprefix(DECISION_PREFIX)
    return definition, f"{stem}-v{version}.{suffix}"


def version_detail(user: User, key: str, version: int | None) -> tuple[ProcessEntry, VersionRow]:
    """One key's entry and one of its versions (None: the newest)."""
    for entry in process_catalog(user):
        if entry.key == key:
            for row in entry.versions:
                if version is None or row.version == version:
                    return entry, row
    raise NotFound(Msg("process version not found"))
