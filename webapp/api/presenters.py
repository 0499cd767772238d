"""What the API dumps: tasks with their unit and assignee labels, loaded in one query each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import defer

from models import BudgetUnit, ProcessDefinition, Task, User, db
from models.base import utcnow
from workflows.instances import InstanceView


class UnitLabel(NamedTuple):
    """A unit as a task card names it."""

    id: int
    name: str


class UserLabel(NamedTuple):
    """A user as a task card names them."""

    id: int
    username: str
    name: str


@dataclass(frozen=True)
class TaskCard:
    """A task row plus the labels and flags a client shows next to it."""

    task: Task
    unit: UnitLabel | None
    assignee: UserLabel | None
    candidate_groups: list[str]
    overdue: bool

    def __getattr__(self, name: str):
        return getattr(self.task, name)


@dataclass(frozen=True)
class InstanceCard:
    """An instance view whose ready tasks are task cards."""

    view: InstanceView
    tasks: list[TaskCard]

    @property
    def history(self):
        """Finished steps, oldest first."""
        return self.view.history

    def __getattr__(self, name: str):
        return getattr(self.view.instance, name)


def task_cards(tasks: list[Task], now: datetime | None = None) -> list[TaskCard]:
    """Cards for a page of tasks: one query for the units, one for the assignees."""
    now = now or utcnow()
    unit_ids = {t.unit_id for t in tasks if t.unit_id is not None}
    user_ids = {t.assignee_id for t in tasks if t.assignee_id is not None}
    units = {row.id: UnitLabel(*row) for row in db.execute(
        select(BudgetUnit.id, BudgetUnit.name).where(BudgetUnit.id.in_(unit_ids)))} \
        if unit_ids else {}
    users = {row.id: UserLabel(*row) for row in db.execute(
        select(User.id, User.username, User.name).where(User.id.in_(user_ids)))} \
        if user_ids else {}
    return [TaskCard(t, units.get(t.unit_id), users.get(t.assignee_id),
                     [g for g in t.candidate_groups.split(",") if g],
                     t.status == "ready" and t.due_at is not None and t.due_at < now)
            for t in tasks]


def task_card(task: Task) -> TaskCard:
    """The card of one task."""
    return task_cards([task])[0]


def instance_card(view: InstanceView) -> InstanceCard:
    """An instance view ready to dump."""
    return InstanceCard(view, task_cards(view.tasks))


@dataclass(frozen=True)
class Deployment:
    """A definition and whether the upload created it."""

    definition: ProcessDefinition
    created: bool

    def __getattr__(self, name: str):
        return getattr(self.definition, name)


def all_definitions() -> list[ProcessDefinition]:
    """Every deployed definition version, without the XML."""
    return list(db.scalars(
        select(ProcessDefinition)
        .options(defer(ProcessDefinition.bpmn_xml), defer(ProcessDefinition.user_tasks))
        .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())))
