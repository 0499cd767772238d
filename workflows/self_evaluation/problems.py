"""Problems found at the spot check: checked when entered, recorded in the ledger on acceptance."""

from __future__ import annotations

from models import SelfEvaluation

from ..errors import InvalidInput
from ..messages import Msg
from ..rectification import today, validate_problem
from .access import PROCESS_KEY
from .inputs import note

MAX_PROBLEMS = 50
# What the checker enters per problem; the unit, project, year and source come from the evaluation.
FIELDS = ("description", "category", "severity", "amount_involved", "suggested_measure",
          "responsible_person", "deadline")


def _row(evaluation: SelfEvaluation, entered: dict) -> dict:
    """A ledger problem row (workflows.rectification.validate_problem's keys)."""
    return {**entered, "source": "self_evaluation", "unit_id": evaluation.unit_id,
            "project_id": evaluation.project_id, "fiscal_year": evaluation.fiscal_year,
            "source_ref": f"{PROCESS_KEY}:{evaluation.id}",
            "problem_list_no": f"SE-{evaluation.fiscal_year}-{evaluation.id}"}


def check_problems(evaluation: SelfEvaluation, raw, errors: dict) -> list[dict]:
    """The problems as entered (kept until acceptance), each checked now so that the checker, not
    the chief, corrects them; errors under spot_check.problems.<i>.<field>."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_PROBLEMS:
        note(errors, "spot_check.problems",
             Msg("must be a list of at most %(n)s problems", n=MAX_PROBLEMS))
        return []
    kept, on = [], today()
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            note(errors, f"spot_check.problems.{i}", Msg("must be an object"))
            continue
        entered = {key: entry.get(key) for key in FIELDS if entry.get(key) not in (None, "")}
        for key in set(entry) - set(FIELDS):
            note(errors, f"spot_check.problems.{i}.{key}", Msg("unknown field"))
        try:
            validate_problem(_row(evaluation, entered), on=on)
        except InvalidInput as exc:
            for key, messages in exc.errors.items():
                errors.setdefault(f"spot_check.problems.{i}.{key}", []).extend(messages)
            continue
        kept.append({key: str(value) for key, value in entered.items()})
    return kept


def ledger_rows(evaluation: SelfEvaluation) -> list[dict]:
    """The stored problems as rows for workflows.rectification.record_problems."""
    return [_row(evaluation, entered) for entered in evaluation.check_problems or []]
