"""Small validators of posted evaluation fields; each bad field is noted under its key."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..errors import InvalidInput
from ..messages import Msg

MAX_TEXT = 4000


def text(raw: dict, key: str, errors: dict, *, required: bool = False,
         limit: int = MAX_TEXT) -> str:
    """Stripped text of at most `limit` characters."""
    value = raw.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit:
        errors[key] = [Msg("must be text of at most %(n)s characters", n=limit)]
        return ""
    if required and not value.strip():
        errors[key] = [Msg("required")]
    return value.strip()


def choice(raw: dict, key: str, options, errors: dict) -> str | None:
    """One of the listed codes."""
    value = raw.get(key)
    if value not in options:
        errors[key] = [Msg("choose one of: %(options)s", options=", ".join(options))]
        return None
    return value


def decision(raw: dict, options: tuple[str, ...], reason_on: tuple[str, ...] = ()
             ) -> tuple[str, str]:
    """A decision among `options` and its comment, required for the decisions in `reason_on`."""
    errors: dict[str, list] = {}
    chosen = choice(raw, "decision", options, errors)
    comment = text(raw, "comment", errors, limit=2000)
    if chosen in reason_on and not comment and "comment" not in errors:
        errors["comment"] = [Msg("give the reason")]
    if errors:
        raise InvalidInput(Msg("the form has errors"), errors)
    return chosen, comment


def amount(raw: dict, key: str, errors: dict, *, required: bool = False) -> Decimal | None:
    """Yuan with at most 2 decimals, 0 to 10^14."""
    value = raw.get(key)
    if value in (None, ""):
        if required:
            errors[key] = [Msg("required")]
        return None
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or number.as_tuple().exponent < -2 \
            or not 0 <= number < Decimal("1e14"):
        errors[key] = [Msg("must be an amount in yuan with at most 2 decimals")]
        return None
    return number


def integer(raw: dict, key: str, errors: dict, *, low: int = 0, high: int = 10**9,
            required: bool = False) -> int | None:
    """A whole number between `low` and `high`."""
    value = raw.get(key)
    if value in (None, ""):
        if required:
            errors[key] = [Msg("required")]
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        errors[key] = [Msg("must be a whole number between %(low)s and %(high)s", low=low,
                           high=high)]
        return None
    return number


def codes(raw: dict, key: str, options, errors: dict, *, required: bool = False) -> list[str]:
    """A list of distinct codes, each one of `options`."""
    value = raw.get(key)
    if value in (None, ""):
        value = []
    if not isinstance(value, list) or any(v not in options for v in value):
        errors[key] = [Msg("choose from: %(options)s", options=", ".join(options))]
        return []
    if required and not value:
        errors[key] = [Msg("choose at least one")]
    return list(dict.fromkeys(value))
