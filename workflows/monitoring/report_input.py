"""The filer's monitoring report checked and flagged by R14 (DOMAIN c step 2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from models import Indicator
from models.monitoring import CAUSES

from ..cycle_rules import MonitoringFlag, execution_rate, monitoring_flag
from ..errors import InvalidInput
from ..messages import Msg
from ..self_evaluation.inputs import decimal, note, plain, text

PREFIX = "report"
MAX_TEXT = 1000
MAX_MEASURES = 4000
CENT = Decimal("0.01")


@dataclass(frozen=True)
class FilledReport:
    """A checked report, ready to store."""

    executed: Decimal
    rate: Decimal
    flag: MonitoringFlag
    rows: list[dict]
    measures: str


def _row(raw: dict, ind: Indicator, path: str, errors: dict) -> dict:
    achievable = raw.get("achievable")
    if achievable in ("true", "on", "1"):
        achievable = True
    elif achievable in ("false", "0"):
        achievable = False
    if not isinstance(achievable, bool):
        note(errors, f"{path}.achievable", Msg("say whether the target is achievable"))
        achievable = True
    row = {"indicator_id": ind.id, "achievable": achievable,
           "progress_value": text(raw, "progress_value", f"{path}.progress_value", errors,
                                  limit=200, required=True),
           "expected_year_end": text(raw, "expected_year_end", f"{path}.expected_year_end",
                                     errors, limit=200, required=True),
           "cause": raw.get("cause") or None,
           "measure": text(raw, "measure", f"{path}.measure", errors, limit=MAX_TEXT,
                           required=not achievable)}
    if row["cause"] is not None and row["cause"] not in CAUSES:
        note(errors, f"{path}.cause", Msg("choose one of: %(options)s",
                                          options=", ".join(CAUSES)))
    elif row["cause"] is None and not achievable:
        note(errors, f"{path}.cause", Msg("give the cause of the deviation"))
    row["deviation"] = not achievable or row["cause"] is not None
    return row


def _rows(raw_rows, indicators: Sequence[Indicator], errors: dict) -> list[dict]:
    if not isinstance(raw_rows, list):
        note(errors, f"{PREFIX}.indicators", Msg("must be a list of indicator rows"))
        return []
    by_id = {}
    for row in raw_rows:
        ident = row.get("indicator_id") if isinstance(row, dict) else None
        if isinstance(ident, int) and not isinstance(ident, bool):
            by_id[ident] = row
    known = {ind.id for ind in indicators}
    if set(by_id) - known or len(by_id) != len(raw_rows):
        note(errors, f"{PREFIX}.indicators", Msg("one row per indicator of the sheet, by its id"))
    return [_row(by_id.get(ind.id, {}), ind, f"{PREFIX}.indicators.{i}", errors)
            for i, ind in enumerate(indicators)]


def check_report(raw, indicators: Sequence[Indicator], budget: Decimal,
                 time_progress: Decimal, settings: dict) -> FilledReport:
    """Execution, per-indicator progress and achievability; R14 flags it, and a flagged report
    must say its corrective measures."""
    raw = raw if isinstance(raw, dict) else {}
    errors: dict[str, list] = {}
    executed = decimal(raw.get("executed_amount"), f"{PREFIX}.executed_amount", errors,
                       places=2, low=Decimal(0), high=budget)
    rows = _rows(raw.get("indicators"), indicators, errors)
    measures = text(raw, "corrective_measures", f"{PREFIX}.corrective_measures", errors,
                    limit=MAX_MEASURES)
    rate = execution_rate(executed or 0, budget).quantize(CENT, ROUND_HALF_UP)
    flag = monitoring_flag(time_progress, rate, any(not r["achievable"] for r in rows),
                           settings)
    if executed is not None and flag.needs_measures and not measures:
        note(errors, f"{PREFIX}.corrective_measures", Msg(
            "the report is flagged (R14): state the corrective measures"))
    if errors:
        raise InvalidInput(Msg("the monitoring report has errors"), errors)
    return FilledReport(executed, rate, flag, rows, measures)


__all__ = ["FilledReport", "check_report", "plain"]
