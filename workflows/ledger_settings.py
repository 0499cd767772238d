"""Editing the bureau's rectification settings (deadlines, ladder, working-day calendar)."""

from __future__ import annotations

from models import FinanceBureau, Section, User, db

from .audit import record
from .errors import Forbidden
from .ledger_rules import SETTINGS_KEY, LedgerSettings, settings_for, validate_settings
from .locks import locked
from .messages import Msg
from .org import default_bureau
from .workdays import WorkCalendar

SETTINGS_ROLES = ("admin", "perf_chief")


def can_edit_settings(user: User) -> bool:
    """Administrators and the performance section chief edit the ledger settings."""
    return user.has_role(*SETTINGS_ROLES)


def bureau_of(user: User) -> FinanceBureau:
    """The bureau whose settings the user edits: their section's or unit's, else the tenant."""
    bureau_id = None
    if user.section_id is not None:
        section = db.get(Section, user.section_id)
        bureau_id = section.bureau_id if section else None
    if bureau_id is None and user.unit is not None:
        bureau_id = user.unit.bureau_id
    bureau = db.get(FinanceBureau, bureau_id) if bureau_id is not None else None
    return bureau or default_bureau()


def settings_to_edit(user: User) -> tuple[FinanceBureau, LedgerSettings]:
    """The bureau and its current ledger settings, for a user who may edit them."""
    if not can_edit_settings(user):
        raise Forbidden(Msg("only administrators and the performance section chief change the "
                            "ledger settings"))
    bureau = bureau_of(user)
    return bureau, settings_for(bureau)


def save_settings(bureau: FinanceBureau, user: User, raw: dict) -> LedgerSettings:
    """Validate and store the bureau's ledger settings; every bad field named, nothing saved."""
    if not can_edit_settings(user):
        raise Forbidden(Msg("only administrators and the performance section chief change the "
                            "ledger settings"))
    settings = validate_settings(raw)
    bureau = locked(bureau)  # its settings JSON is rewritten whole
    before = settings_for(bureau).as_dict()
    # a new dict, so that the JSON column is seen as changed
    bureau.settings = {**(bureau.settings or {}), SETTINGS_KEY: settings.as_dict()}
    db.flush()
    record(user.id, "finance_bureau", bureau.id, "settings.rectification", before=before,
           after=settings.as_dict())
    return settings


def holiday_coverage(year: int) -> dict[int, bool]:
    """Whether the packaged official holiday schedule knows this year and the next."""
    return {y: WorkCalendar.covers(y) for y in (year, year + 1)}
