"""Deadlines of a key evaluation (DOMAIN d), counted in the bureau's working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from models import FinanceBureau

from ..ledger_rules import ZONE, settings_for
from ..rule_settings import rule_settings


@dataclass(frozen=True)
class EvaluationDays:
    """Working days allowed for each outside party (DOMAIN d; all [P] settings)."""

    consultation: int = 10  # steps 2 and 11: the audit bureau's reply
    plan: int = 10  # step 5: the firm's plan after the engagement
    data: int = 10  # step 6: the unit supplies the requested data
    feedback: int = 5  # step 9: the unit's feedback on the draft


def days_for(bureau: FinanceBureau) -> EvaluationDays:
    """The bureau's evaluation deadlines, as its rule settings give them."""
    values = rule_settings(bureau)
    return EvaluationDays(consultation=values["key_consultation_days"],
                          plan=values["key_plan_days"], data=values["key_data_days"],
                          feedback=values["key_feedback_days"])


def due_after(bureau: FinanceBureau, start: date, working_days: int) -> datetime:
    """The end (23:59 Beijing time) of the n-th working day after `start`, by the bureau's
    calendar (the official schedule plus its own holidays and make-up days)."""
    day = settings_for(bureau).calendar.add(start, working_days, "working")
    return datetime.combine(day, time(23, 59), ZONE)
