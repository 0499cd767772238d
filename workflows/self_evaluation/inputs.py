"""Reading submitted values: text, bounded decimals, dates; each bad field noted by its path."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from ..messages import Msg

MAX_DECIMAL = Decimal("1e13")


def note(errors: dict, path: str, message: Msg) -> None:
    """Add one message to a field's list."""
    errors.setdefault(path, []).append(message)


def text(raw: dict, key: str, path: str, errors: dict, *, limit: int,
         required: bool = False) -> str:
    """Stripped text of at most `limit` characters ('' when absent)."""
    value = raw.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        note(errors, path, Msg("must be text"))
        return ""
    value = value.strip()
    if required and not value:
        note(errors, path, Msg("is required"))
    elif len(value) > limit:
        note(errors, path, Msg("at most %(n)s characters", n=limit))
    return value


def decimal(value, path: str, errors: dict, *, places: int, low: Decimal | None = None,
            high: Decimal | None = None) -> Decimal | None:
    """A required number with at most `places` decimals inside [low, high]; None when bad."""
    if value is None or (isinstance(value, str) and not value.strip()):
        note(errors, path, Msg("required"))
        return None
    try:
        number = None if isinstance(value, bool) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or abs(number) >= MAX_DECIMAL:
        note(errors, path, Msg("must be a number"))
        return None
    if number.as_tuple().exponent < -places:
        note(errors, path, Msg("use at most %(places)s decimals", places=places))
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        note(errors, path, Msg("must be between %(low)s and %(high)s", low=low, high=high))
        return None
    return number


def iso_date(value, path: str, errors: dict) -> date | None:
    """A date written YYYY-MM-DD (or a date); None when absent or bad."""
    if value in (None, ""):
        note(errors, path, Msg("required"))
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        note(errors, path, Msg("dates must be written YYYY-MM-DD"))
        return None


def plain(number: Decimal | None) -> str | None:
    """A number as stored in JSON documents: its exact text, no exponent, no float."""
    return None if number is None else format(number, "f")
