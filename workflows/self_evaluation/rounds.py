"""Opening a year's self-evaluation: one evaluation and instance per issued goal sheet, and the
spot-check sample drawn in secret (DOMAIN d, steps 1 and 4)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import select

from models import (
    BudgetUnit,
    GoalSheet,
    ProcessDefinition,
    SelfEvaluation,
    SelfEvaluationRound,
    User,
    db,
)
from models.base import utcnow

from ..audit import record
from ..deploy import latest_definition
from ..engine import runtime
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..ledger_rules import deadline_at
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..rectification import today
from ..rule_settings import rule_settings
from .access import PROCESS_KEY, can_open_round, is_firm_user
from .inputs import decimal, iso_date, note

DEFAULT_SPOT_CHECK_PCT = Decimal(10)  # DOMAIN d step 4 [P]
MAX_DUE_DAYS = 366  # a due date further out is a typing error


@dataclass(frozen=True)
class RoundOpened:
    """A new round, how many evaluations it started and how many were drawn for the check."""

    round: SelfEvaluationRound
    evaluations: int
    spot_checks: int


def validate_round(raw) -> dict:
    """Fiscal year, due date (after today, within a year) and spot-check share (0–100)."""
    if not isinstance(raw, dict):
        raise InvalidInput(Msg("the round must be an object"), {"": [Msg("must be an object")]})
    errors: dict[str, list] = {}
    year = decimal(raw.get("fiscal_year"), "fiscal_year", errors, places=0,
                   low=Decimal(2000), high=Decimal(2100))
    due = iso_date(raw.get("due_date"), "due_date", errors)
    on = today()
    if due is not None and not on < due <= on + timedelta(days=MAX_DUE_DAYS):
        note(errors, "due_date", Msg("the due date must lie after today and within a year"))
    pct_raw = raw.get("spot_check_pct")
    pct = Decimal(rule_settings()["spot_check_pct"]) if pct_raw in (None, "") else decimal(
        pct_raw, "spot_check_pct", errors, places=2, low=Decimal(0), high=Decimal(100))
    if errors:
        raise InvalidInput(Msg("the self-evaluation round has errors"), errors)
    return {"fiscal_year": int(year), "due_date": due, "spot_check_pct": pct}


def sample_size(count: int, pct: Decimal) -> int:
    """ceil(pct % × count): at least the configured share is checked."""
    return int((Decimal(count) * pct / 100).to_integral_value(rounding=ROUND_CEILING))


def draw_sample(count: int, pct: Decimal) -> set[int]:
    """Positions drawn for the spot check with the system's secure random source."""
    return set(secrets.SystemRandom().sample(range(count), sample_size(count, pct)))


def issued_sheets(bureau_id: int, year: int) -> list[GoalSheet]:
    """The latest approved (issued, locked) sheet of each project and each unit's overall goals
    for the year, of active units, in unit and project order."""
    latest: dict[tuple, GoalSheet] = {}
    for sheet in db.scalars(
            select(GoalSheet).join(BudgetUnit, BudgetUnit.id == GoalSheet.unit_id)
            .where(GoalSheet.bureau_id == bureau_id, GoalSheet.fiscal_year == year,
                   GoalSheet.status.in_(("approved", "issued")),
                   BudgetUnit.active.is_(True))
            .order_by(BudgetUnit.code, GoalSheet.project_id, GoalSheet.version, GoalSheet.id)):
        latest[(sheet.unit_id, sheet.kind, sheet.project_id)] = sheet  # a later version wins
    return list(latest.values())


def open_round(user: User, raw) -> RoundOpened:
    """Open year N's self-evaluation: a task for every unit with issued goal sheets."""
    if not can_open_round(user):
        raise Forbidden(Msg("only the performance section opens a self-evaluation round"))
    cleaned = validate_round(raw)
    bureau = bureau_of(user)
    year = cleaned["fiscal_year"]
    if db.scalar(select(SelfEvaluationRound.id).where(
            SelfEvaluationRound.bureau_id == bureau.id,
            SelfEvaluationRound.fiscal_year == year)) is not None:
        raise Conflict(Msg("the self-evaluation of %(year)s has already been opened", year=year))
    sheets = issued_sheets(bureau.id, year)
    if not sheets:
        raise InvalidInput(Msg("there is nothing to evaluate"), {"fiscal_year": [
            Msg("no goal sheet of %(year)s has been issued", year=year)]})
    definition = latest_definition(PROCESS_KEY)
    if definition is None:
        raise Conflict(Msg("the self-evaluation process has not been deployed"))
    opened = SelfEvaluationRound(bureau_id=bureau.id, fiscal_year=year,
                                 due_date=cleaned["due_date"],
                                 spot_check_pct=cleaned["spot_check_pct"],
                                 opened_by_id=user.id, opened_at=utcnow())
    db.add(opened)
    db.flush()
    drawn = draw_sample(len(sheets), cleaned["spot_check_pct"])
    evaluations = [_start(definition, opened, sheet, user, i in drawn)
                   for i, sheet in enumerate(sheets)]
    record(user.id, "self_evaluation_round", opened.id, "open",
           after={"fiscal_year": year, "due_date": opened.due_date.isoformat(),
                  "spot_check_pct": str(opened.spot_check_pct), "evaluations": len(sheets)})
    # the sample is written down once, here, for the performance section's eyes only
    record(user.id, "self_evaluation_round", opened.id, "spot_check.sample",
           after={"size": len(drawn), "of": len(sheets),
                  "evaluation_ids": sorted(e.id for e in evaluations if e.spot_check)})
    return RoundOpened(opened, len(evaluations), len(drawn))


def _start(definition: ProcessDefinition, opened: SelfEvaluationRound, sheet: GoalSheet,
           user: User, spot_check: bool) -> SelfEvaluation:
    unit = sheet.unit
    evaluation = SelfEvaluation(
        bureau_id=opened.bureau_id, round_id=opened.id, fiscal_year=opened.fiscal_year,
        sheet_id=sheet.id, unit_id=sheet.unit_id, project_id=sheet.project_id, kind=sheet.kind,
        budget_full_year=sheet.amount, results=[], subtotals={}, status="draft",
        spot_check=spot_check, check_problems=[])
    db.add(evaluation)
    db.flush()
    name = sheet.project.name if sheet.project is not None else unit.name
    instance = runtime.start_instance(
        definition, actor_id=user.id,
        business_key=f"{PROCESS_KEY}:{evaluation.id}", subject=f"{name} · {opened.fiscal_year}",
        unit_id=unit.id,
        data={"evaluation_id": evaluation.id, "unit_id": unit.id, "filer": "",
              "liaison_user": unit.liaison.username if unit.liaison else None,
              "fill_due_at": deadline_at(opened.due_date), "spot_check": spot_check})
    evaluation.instance_id = instance.id
    record(user.id, PROCESS_KEY, evaluation.id, "create",
           after={"status": "draft", "sheet_id": sheet.id, "round_id": opened.id})
    return evaluation


# ---------------------------------------------------------------- reading rounds

def get_round_or_404(round_id: int, user: User) -> SelfEvaluationRound:
    """A round of the user's bureau (firm staff see none, R21)."""
    found = db.get(SelfEvaluationRound, round_id)
    if found is None or is_firm_user(user) or found.bureau_id != bureau_of(user).id:
        raise NotFound(Msg("self-evaluation round not found"))
    return found

