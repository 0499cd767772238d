"""Reading process instances: scope-checked loading and the timeline view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from models import ProcessInstance, Task, User, db

from .engine.parser import sequence_flows
from .engine.runtime import pinned_for
from .errors import NotFound
from .messages import Msg
from .permissions import can_see_instance, can_see_whole_instance


@dataclass(frozen=True)
class HistoryEntry:
    """One completed step: who did what, when."""

    task_id: int
    task: str
    task_key: str
    user: str | None
    user_id: int | None
    decision: str | None
    rating: str | None
    comment: str | None
    at: datetime | None
    status: str


@dataclass(frozen=True)
class InstanceView:
    """An instance with its ready tasks and history, built from tables only."""

    instance: ProcessInstance
    tasks: list[Task]
    history: list[HistoryEntry]

    @property
    def version(self) -> int:
        """The definition version the instance is pinned to (from the cache, no query)."""
        return pinned_for(self.instance).version

    @property
    def active_elements(self) -> list[str]:
        """BPMN ids of the elements waiting now."""
        return (self.instance.trail or {}).get("active") or [t.task_key for t in self.tasks]

    @property
    def completed_elements(self) -> list[str]:
        """BPMN ids of every element done so far (events and gateways too)."""
        return (self.instance.trail or {}).get("completed", [])

    @property
    def taken_flows(self) -> list[str]:
        """Ids of the sequence flows the instance has followed."""
        flows = sequence_flows(self.instance.definition.bpmn_xml)
        steps = (self.instance.trail or {}).get("edges", [])
        return sorted({fid for src, tgt in steps for fid in flows.get((src, tgt), [])})


def get_instance_or_404(instance_id: int, user: User, *, whole: bool = False
                        ) -> ProcessInstance:
    """An instance within the user's data scope; `whole` for its diagram, path and history."""
    instance = db.get(ProcessInstance, instance_id)
    check = can_see_whole_instance if whole else can_see_instance
    if instance is None or not check(user, instance):
        raise NotFound(Msg("process instance not found"))
    return instance


def instance_view(instance: ProcessInstance) -> InstanceView:
    """Ready tasks and the full history of an instance."""
    rows = db.execute(select(Task, User.name).outerjoin(User, Task.completed_by_id == User.id)
                      .where(Task.instance_id == instance.id)).all()  # one query for both
    ready = sorted((t for t, _ in rows if t.status == "ready"), key=lambda t: t.id)
    done = sorted(((t, name) for t, name in rows if t.status in ("completed", "cancelled")),
                  key=lambda pair: (pair[0].completed_at, pair[0].id))
    history = [HistoryEntry(t.id, t.name, t.task_key, name, t.completed_by_id, t.decision,
                            t.rating, t.comment, t.completed_at, t.status) for t, name in done]
    return InstanceView(instance, ready, history)
