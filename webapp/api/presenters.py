"""What the API dumps: tasks with their unit and assignee labels, loaded in one query each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from models import ProcessDefinition, Task
from models.base import utcnow
from workflows.instances import InstanceView
from workflows.projects import names_for_tasks


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
    """Cards for a page of tasks, with the names loaded in one query."""
    now = now or utcnow()
    names = names_for_tasks(tasks)

    def card(t: Task) -> TaskCard:
        n = names.get(t.id)
        unit = UnitLabel(t.unit_id, n.unit) if n and t.unit_id is not None else None
        assignee = UserLabel(t.assignee_id, n.assignee_username, n.assignee) \
            if n and t.assignee_id is not None else None
        return TaskCard(t, unit, assignee, t.candidate_roles,
                        t.status == "ready" and t.due_at is not None and t.due_at < now)
    return [card(t) for t in tasks]


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
