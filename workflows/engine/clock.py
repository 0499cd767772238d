"""The engine's clock: real time, unless a test (or a replay) moves it forward."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

_offset = timedelta(0)


def now() -> datetime:
    """The current time (aware, UTC) as the engine sees it."""
    return datetime.now(UTC) + _offset


def travel(delta: timedelta) -> None:
    """Move the clock forward (tests: deadlines and escalation without waiting)."""
    global _offset
    _offset += delta


def reset() -> None:
    """Back to real time."""
    global _offset
    _offset = timedelta(0)


class _ClockDatetime(datetime):
    """datetime whose now() reads our clock, so SpiffWorkflow's timers follow it too."""

    @classmethod
    def now(cls, tz=None):
        current = now()
        return current.astimezone(tz) if tz is not None else current.replace(tzinfo=None)


# SpiffWorkflow reads the time through this module-level name when it checks a timer.
_spiff_timer.datetime = _ClockDatetime


# Requests never fire timers (the worker does): while held, a timer reached by the engine
# computes its due time, so the instance row can carry it, but does not fire even when past.
_held: ContextVar[bool] = ContextVar("timers_held", default=False)


@contextmanager
def timers_held() -> Iterator[None]:
    """Run engine steps in which no timer fires."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def _holding(original):
    def has_fired(self, my_task):
        if not _held.get():
            return original(self, my_task)
        fired_before = my_task.internal_data.get("event_fired", False)
        original(self, my_task)  # stores the due time (event_value)
        if not fired_before:
            my_task.internal_data.pop("event_fired", None)
        return False
    return has_fired


def _holding_cycle(original):
    def cycle_complete(self, my_task):
        if not _held.get():
            return original(self, my_task)
        if my_task.internal_data.get("event_value") is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, start, duration = _spiff_timer.TimerEventDefinition \
                .parse_iso_recurring_interval(expression)
            my_task.internal_data["event_value"] = {
                "cycles": cycles, "next": start.isoformat(),
                "duration": duration.total_seconds()}
        return False
    return cycle_complete


for _cls in (_spiff_timer.TimeDateEventDefinition, _spiff_timer.DurationTimerEventDefinition):
    _cls.has_fired = _holding(_cls.has_fired)
_spiff_timer.CycleTimerEventDefinition.cycle_complete = _holding_cycle(
    _spiff_timer.CycleTimerEventDefinition.cycle_complete)
