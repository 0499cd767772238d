"""Rectification settings, deadlines and the escalation ladder (R27, R28)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models import FinanceBureau

from .errors import InvalidInput
from .messages import Msg
from .workdays import WorkCalendar, parse_dates

SETTINGS_KEY = "rectification"
# Every county and district bureau keeps Beijing time; dates (deadlines, overdue days) are its.
ZONE = ZoneInfo("Asia/Shanghai")
DAY_KINDS = ("calendar", "working")
# (field, low, high): the bounds keep a mistyped setting from producing absurd dates.
_INT_BOUNDS = {"deadline_days": (1, 730), "serious_deadline_days": (1, 730),
               "plan_days": (1, 365), "prewarning_days": (0, 90), "notice_days": (1, 365),
               "interview_days": (1, 365), "interview_after_returns": (1, 20),
               "reminder_hour": (0, 23)}


@dataclass
class LedgerSettings:
    """Per-bureau settings of the rectification ledger, with the defaults of DOMAIN (e)."""

    deadline_days: int = 90
    serious_deadline_days: int = 60
    plan_days: int = 30
    day_kind: str = "calendar"
    prewarning_days: int = 7
    notice_days: int = 15
    interview_days: int = 30
    interview_after_returns: int = 2
    interview_when_serious: bool = True
    strict_signoff_sod: bool = True
    reminder_hour: int = 8
    holidays: list[str] = field(default_factory=list)
    make_up_workdays: list[str] = field(default_factory=list)

    @property
    def calendar(self) -> WorkCalendar:
        """The bureau's working-day calendar."""
        return WorkCalendar(parse_dates(self.holidays), parse_dates(self.make_up_workdays))

    def add_days(self, start: date, days: int) -> date:
        """`days` after `start`, counted the way the bureau counts."""
        return self.calendar.add(start, days, self.day_kind)

    def as_dict(self) -> dict:
        """Plain JSON for the bureau's settings document."""
        return asdict(self)


def _int_field(name: str, value):
    low, high = _INT_BOUNDS[name]
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValueError(Msg("must be a whole number")) from None
    if not low <= value <= high:
        raise ValueError(Msg("must be between %(low)s and %(high)s", low=low, high=high))
    return value


def _day_kind(_name: str, value):
    if value not in DAY_KINDS:
        raise ValueError(Msg("choose calendar days or working days"))
    return value


def _flag(_name: str, value):
    return value in (True, "true", "1", "on", 1)


def _dates(_name: str, value):
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v]
    try:
        return sorted(d.isoformat() for d in parse_dates(value))
    except (TypeError, ValueError):
        raise ValueError(Msg("dates must be written YYYY-MM-DD")) from None


_CHECKS = {**dict.fromkeys(_INT_BOUNDS, _int_field), "day_kind": _day_kind,
           "interview_when_serious": _flag, "strict_signoff_sod": _flag,
           "holidays": _dates, "make_up_workdays": _dates}


def validate_settings(raw: dict) -> LedgerSettings:
    """Settings from a form or JSON; every bad field named, nothing half-applied."""
    errors: dict[str, list[str]] = {}
    values = {}
    for f in fields(LedgerSettings):
        if f.name in raw:
            try:
                values[f.name] = _CHECKS[f.name](f.name, raw[f.name])
            except ValueError as exc:
                errors[f.name] = [exc.args[0]]
    if errors:
        raise InvalidInput(Msg("the settings have errors"), errors)
    return LedgerSettings(**values)


def settings_for(bureau: FinanceBureau) -> LedgerSettings:
    """The bureau's ledger settings (defaults for anything it has not set)."""
    stored = (bureau.settings or {}).get(SETTINGS_KEY) or {}
    try:
        return validate_settings(stored)
    except InvalidInput:
        return LedgerSettings()  # a damaged document must not stop the ledger


def default_deadline(settings: LedgerSettings, severity: str, start: date) -> date:
    """Default deadline: 90 days (serious: 60) from the day the problem is recorded."""
    days = settings.serious_deadline_days if severity == "serious" else settings.deadline_days
    return settings.add_days(start, days)


def _at(settings: LedgerSettings, day: date) -> datetime:
    return datetime.combine(day, time(settings.reminder_hour), ZONE)


def ladder(settings: LedgerSettings, deadline: date) -> list[dict]:
    """The rungs for one deadline: D-7 pre-warning, overdue, D+15 notice, interview after D+30.

    Overdue means today > deadline (R27), so the overdue rung fires on the morning after it;
    the interview is proposed when overdue by more than 30 days (R28), the day after D+30.
    """
    after = deadline + timedelta(days=1)
    rungs = [
        ("prewarning", settings.add_days(deadline, -settings.prewarning_days)),
        ("overdue", after),
        ("notice", settings.add_days(deadline, settings.notice_days)),
        ("interview", settings.add_days(deadline, settings.interview_days)
         + timedelta(days=1)),
    ]
    if settings.prewarning_days == 0:
        rungs = rungs[1:]
    return [{"rung": rung, "at": _at(settings, day).isoformat(), "day": day.isoformat()}
            for rung, day in rungs]


def deadline_at(day: date) -> str:
    """The last minute of the deadline day (Beijing time): the due time of the unit's task."""
    return datetime.combine(day, time(23, 59), ZONE).isoformat()
