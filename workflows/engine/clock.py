"""The engine's clock: real time, unless a test (or a replay) moves it forward."""

from __future__ import annotations

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
