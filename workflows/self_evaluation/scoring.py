"""The filer's self-evaluation table checked and scored by R4 (graded by the deployed R1 table).

Error paths are prefixed `evaluation.` (the payload key); `evaluation.indicators.<i>` is the
sheet's i-th indicator in its own order, whatever order the rows were sent in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models import FinanceBureau, Indicator

from ..errors import InvalidInput
from ..evaluation_rules import (
    Execution,
    IndicatorResult,
    ScoreBreakdown,
    SelfEvalWeights,
    score_self_evaluation,
)
from ..grading import grade_of
from ..messages import Msg
from ..rule_settings import rule_settings
from .inputs import note, plain, text

PREFIX = "evaluation"
MAX_REPORT = 20_000
MAX_REASON = 1000


@dataclass(frozen=True)
class FilledEvaluation:
    """A checked, scored self-evaluation table, ready to store."""

    full_year_budget: str
    executed: str
    results: list[dict]
    breakdown: ScoreBreakdown
    report: str


def weights_of(bureau: FinanceBureau | None) -> SelfEvalWeights:
    """R4 weights of the bureau's rule settings (10/50/30/10 by default)."""
    values = rule_settings(bureau)
    return SelfEvalWeights.from_setting({
        "execution": values["weight_execution"], "output": values["weight_output"],
        "benefit": values["weight_benefit"], "satisfaction": values["weight_satisfaction"]})


def _rows_by_indicator(raw_rows, indicators: Sequence[Indicator], errors: dict) -> dict:
    """The submitted rows keyed by indicator id; unknown, repeated or malformed rows noted."""
    known = {ind.id for ind in indicators}
    rows: dict[int, dict] = {}
    if not isinstance(raw_rows, list):
        note(errors, f"{PREFIX}.indicators", Msg("must be a list of indicator results"))
        return rows
    for number, row in enumerate(raw_rows):
        ident = row.get("indicator_id") if isinstance(row, dict) else None
        if not isinstance(ident, int) or isinstance(ident, bool) or ident not in known:
            note(errors, f"{PREFIX}.indicators",
                 Msg("row %(n)s names no indicator of this goal sheet", n=number + 1))
        elif ident in rows:
            note(errors, f"{PREFIX}.indicators",
                 Msg("row %(n)s repeats an indicator", n=number + 1))
        else:
            rows[ident] = row
    return rows


def _result_input(ind: Indicator, row: dict) -> IndicatorResult:
    qualitative = ind.operator == "qualitative"
    return IndicatorResult(
        level1=ind.level1, name=ind.name, operator=ind.operator, weight=ind.weight,
        target_value=ind.target_value, target_max=ind.target_max,
        actual_value=None if qualitative else row.get("actual_value"),
        achievement=row.get("achievement") if qualitative else None,
        achieved_pct=row.get("achieved_pct") if qualitative else None)


def check_fill(indicators: Sequence[Indicator], raw, weights: SelfEvalWeights
               ) -> FilledEvaluation:
    """R4 over the sheet's indicators; every bad field named, a reason for every shortfall."""
    if not isinstance(raw, dict):
        message = Msg("must be an object")
        raise InvalidInput(Msg("the self-evaluation has errors"), {PREFIX: [message]})
    errors: dict[str, list] = {}
    execution = raw.get("execution")
    if not isinstance(execution, dict):
        note(errors, f"{PREFIX}.execution", Msg("must be an object"))
        execution = {}
    rows = _rows_by_indicator(raw.get("indicators"), indicators, errors)
    report = text(raw, "report", f"{PREFIX}.report", errors, limit=MAX_REPORT, required=True)
    reasons = [text(rows.get(ind.id, {}), "deviation_reason",
                    f"{PREFIX}.indicators.{i}.deviation_reason", errors, limit=MAX_REASON)
               for i, ind in enumerate(indicators)]
    inputs = [_result_input(ind, rows.get(ind.id, {})) for ind in indicators]
    breakdown = None
    try:
        breakdown = score_self_evaluation(
            Execution(execution.get("full_year_budget"), execution.get("executed")), inputs,
            weights, grade_of)
    except InvalidInput as exc:
        for path, messages in exc.errors.items():
            errors.setdefault(f"{PREFIX}.{path}", []).extend(messages)
    if breakdown is not None:
        for score, reason in zip(breakdown.indicators, reasons, strict=True):
            if score.score < score.weight and not reason:
                note(errors, f"{PREFIX}.indicators.{score.index}.deviation_reason",
                     Msg("explain why the target was not fully met"))
    if errors or breakdown is None:
        raise InvalidInput(Msg("the self-evaluation has errors"), errors)
    return FilledEvaluation(
        full_year_budget=_figure(execution.get("full_year_budget")),
        executed=_figure(execution.get("executed")),
        results=[_stored(ind, inp, score, reason) for ind, inp, score, reason
                 in zip(indicators, inputs, breakdown.indicators, reasons, strict=True)],
        breakdown=breakdown, report=report)


def _figure(value) -> str:
    """A checked figure as exact text (a JSON float never reaches the database)."""
    return str(value).strip()


def _stored(ind: Indicator, given: IndicatorResult, score, reason: str) -> dict:
    return {"indicator_id": ind.id, "seq": ind.seq,
            "actual_value": None if given.actual_value is None else _figure(given.actual_value),
            "achievement": given.achievement,
            "achieved_pct": None if given.achieved_pct is None else _figure(given.achieved_pct),
            "deviation_reason": reason, "weight": plain(score.weight), "score": plain(score.score)}
