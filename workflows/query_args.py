"""Reading list filters from query-string arguments; a bad value is noted under its name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .messages import Msg

TRUE_WORDS = ("1", "true", "yes", "on")


MAX_ID = 2**31 - 1  # what an integer column holds: ids and counts stop here


def whole(args: Mapping, name: str, errors: dict, low: int = 1,
          high: int = MAX_ID) -> int | None:
    """A whole number between `low` and `high`, or None if absent."""
    raw = args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors[name] = [Msg("must be a whole number")]
        return None
    if not low <= value <= high:
        errors[name] = [Msg("must be between %(low)s and %(high)s", low=low, high=high)]
        return None
    return value


def code(args: Mapping, name: str, options: Iterable[str], errors: dict) -> str | None:
    """One of the listed codes, or None if absent."""
    raw = args.get(name) or None
    if raw is not None and raw not in options:
        errors[name] = [Msg("choose one of: %(options)s", options=", ".join(options))]
        return None
    return raw


def flag(args: Mapping, name: str) -> bool | None:
    """yes/no, or None if absent."""
    raw = args.get(name)
    return None if raw in (None, "") else str(raw).lower() in TRUE_WORDS
