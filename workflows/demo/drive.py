"""Driving the real processes for the demo: the engine clock set to a day of the bureau's
calendar, and a ready task completed as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

from sqlalchemy import select

from models import Task, User, db

from ..engine import clock
from ..ledger_rules import ZONE
from ..tasks import complete_user_task


def set_day(day: date, hour: int = 10) -> None:
    """Put the engine clock at `hour` o'clock (Beijing time) of `day`."""
    clock.reset()
    clock.travel(datetime.combine(day, time(hour), ZONE) - clock.now())


@contextmanager
def on(day: date, hour: int = 10) -> Iterator[None]:
    """Work as on `day`; back to real time afterwards."""
    set_day(day, hour)
    try:
        yield
    finally:
        clock.reset()


def ready(instance_id: int, key: str | None = None) -> Task | None:
    """The instance's ready task (of one BPMN element when given)."""
    query = select(Task).where(Task.instance_id == instance_id, Task.status == "ready")
    if key:
        query = query.where(Task.task_key == key)
    return db.scalars(query.order_by(Task.id).limit(1)).first()


def do(instance_id: int, key: str, user: User, payload: dict) -> None:
    """Complete the instance's ready task `key` as `user` (it must be there)."""
    task = ready(instance_id, key)
    if task is None:
        raise LookupError(f"no ready task {key} on instance {instance_id}")
    complete_user_task(task, user, payload)
