"""Counting days: calendar days, or Chinese working days (official holidays, make-up workdays)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

# Years the packaged State Council schedule covers; later years count Monday to Friday until
# the bureau enters that year's holidays and make-up workdays in its settings.
_KNOWN = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
MAX_STEPS = 3660  # ten years of days: a setting can never send the count into a long loop


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: the official schedule, corrected by the bureau's own entries."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    make_up_workdays: frozenset[date] = field(default_factory=frozenset)

    def is_workday(self, day: date) -> bool:
        """True when the bureau works on this day."""
        if day in self.make_up_workdays:
            return True
        if day in self.holidays:
            return False
        if day.year in _KNOWN:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def add(self, start: date, days: int, kind: str) -> date:
        """`days` calendar or working days after (negative: before) `start`."""
        if kind != "working":
            return start + timedelta(days=days)
        step = timedelta(days=1 if days >= 0 else -1)
        current, left = start, abs(days)
        for _ in range(MAX_STEPS):
            if left == 0:
                return current
            current += step
            if self.is_workday(current):
                left -= 1
        raise ValueError("too many days to count")

    @staticmethod
    def covers(year: int) -> bool:
        """Whether the packaged official schedule knows this year."""
        return year in _KNOWN


def parse_dates(values) -> frozenset[date]:
    """ISO dates from a settings list, refusing anything else."""
    out = set()
    for value in values or ():
        out.add(date.fromisoformat(str(value)))
    return frozenset(out)
