"""Resolving camunda:assignee and camunda:dueDate values against task data."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_VAR = re.compile(r"^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")
_DURATION = re.compile(
    r"^P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?)?$")


def resolve_value(value: str | None, data: dict) -> str | None:
    """`${name}` reads task data (never evaluated as code); other text is literal."""
    if not value:
        return None
    match = _VAR.match(value.strip())
    if match:
        found = data.get(match.group(1))
        return str(found) if found not in (None, "") else None
    return value.strip()


def parse_duration(text: str) -> timedelta | None:
    """An ISO 8601 duration of weeks/days/hours/minutes, or None."""
    match = _DURATION.match(text.strip().upper())
    if not match or text.strip().upper() in ("P", "PT"):
        return None
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    try:
        return timedelta(weeks=parts.get("w", 0), days=parts.get("d", 0),
                         hours=parts.get("h", 0), minutes=parts.get("m", 0))
    except OverflowError:
        return None  # beyond any calendar: no due date rather than a failed request


def resolve_due(value: str | None, data: dict, now: datetime) -> datetime | None:
    """Due time from a duration (`P5D`), an ISO date/datetime, or `${var}` holding either."""
    text = resolve_value(value, data)
    if not text:
        return None
    delta = parse_duration(text)
    if delta is not None:
        try:
            return now + delta
        except OverflowError:
            return None
    try:
        due = datetime.fromisoformat(text)
    except ValueError:
        return None
    return due if due.tzinfo else due.replace(tzinfo=now.tzinfo)
