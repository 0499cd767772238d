"""Posted task forms → the workflow payloads (money typed in 万元, sent in yuan), and the
values a form is first shown with."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from workflows.self_evaluation import FILL, PROBLEM_FIELDS, SPOT_CHECK, EvaluationDetail

from ..forms import wan_text

PROBLEM_ROWS = 5  # blank rows offered for the problems found; empty ones are dropped
WAN = Decimal(10000)
CENT = Decimal("0.01")
WAN_PLACES = 6  # 万元 with six decimals is a whole fen


def to_yuan(text: str | None, path: str, errors: dict) -> str | None:
    """万元 text → yuan text; text that is no number goes through for the operation to refuse,
    a figure finer than a fen is refused here in the user's own unit."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    if number.as_tuple().exponent < -WAN_PLACES:
        errors[path] = [_l("use at most %(n)s decimals (10,000 yuan)", n=WAN_PLACES)]
        return None
    return format((number * WAN).quantize(CENT), "f")


def fill_values(detail: EvaluationDetail) -> MultiDict:
    """The fill form prefilled with what the unit entered last (or the sheet's budget)."""
    e = detail.evaluation
    values = MultiDict({"budget_wan": wan_text(e.budget_full_year),
                        "executed_wan": wan_text(e.executed), "report": e.report or ""})
    for i, line in enumerate(detail.lines):
        values[f"ind-{i}-actual_value"] = line.actual_value or ""
        values[f"ind-{i}-achievement"] = line.achievement or ""
        values[f"ind-{i}-achieved_pct"] = line.achieved_pct or ""
        values[f"ind-{i}-deviation_reason"] = line.deviation_reason
    return values


def fill_payload(form: MultiDict, detail: EvaluationDetail, errors: dict) -> dict:
    """The fill task's payload, rows in the sheet's order with the sheet's indicator ids."""
    rows = []
    for i, line in enumerate(detail.lines):
        row = {"indicator_id": line.id,
               "deviation_reason": form.get(f"ind-{i}-deviation_reason", "")}
        if line.operator == "qualitative":
            row["achievement"] = form.get(f"ind-{i}-achievement") or None
            row["achieved_pct"] = form.get(f"ind-{i}-achieved_pct", "")
        else:
            row["actual_value"] = form.get(f"ind-{i}-actual_value", "")
        rows.append(row)
    execution = {
        "full_year_budget": to_yuan(form.get("budget_wan"),
                                    "evaluation.execution.full_year_budget", errors),
        "executed": to_yuan(form.get("executed_wan"), "evaluation.execution.executed", errors)}
    return {"evaluation": {"execution": execution, "indicators": rows,
                           "report": form.get("report", "")}}


def spot_check_payload(form: MultiDict, errors: dict) -> tuple[dict, list[int]]:
    """The spot check's payload and, per sent problem, the form row it came from."""
    problems, rows = [], []
    for j in range(PROBLEM_ROWS):
        entered = {key: (form.get(f"p-{j}-{key}") or "").strip() for key in PROBLEM_FIELDS
                   if key != "amount_involved"}
        amount = form.get(f"p-{j}-amount_wan")
        if not any(entered.get(k) for k in ("description", "category", "suggested_measure",
                                             "responsible_person", "deadline")) \
                and not (amount or "").strip():
            continue  # a blank row (the severity select always has a value)
        entered = {key: value for key, value in entered.items() if value}
        yuan = to_yuan(amount, f"spot_check.problems.{j}.amount_involved", errors)
        if yuan is not None:
            entered["amount_involved"] = yuan
        problems.append(entered)
        rows.append(j)
    return {"spot_check": {"check_score": form.get("check_score", ""),
                           "comments": form.get("comments", ""), "problems": problems}}, rows


def form_rows(errors: dict, rows: list[int]) -> dict:
    """Errors of the sent problems moved onto the form rows they came from."""
    moved = {}
    prefix = "spot_check.problems."
    for key, messages in errors.items():
        index, _, rest = key.removeprefix(prefix).partition(".") \
            if key.startswith(prefix) else ("", "", "")
        if index.isdigit() and int(index) < len(rows):
            moved[f"{prefix}{rows[int(index)]}.{rest}".rstrip(".")] = messages
        else:
            moved[key] = messages
    return moved


def decision_payload(form: MultiDict) -> dict:
    """A review's decision and comment."""
    return {"decision": form.get("decision") or None, "comment": form.get("comment", "")}


def payload_for(form_key: str, form: MultiDict, detail: EvaluationDetail
                ) -> tuple[dict, dict, list[int]]:
    """(payload, errors found here, problem rows) of a posted task form."""
    errors: dict = {}
    if form_key == FILL:
        return fill_payload(form, detail, errors), errors, []
    if form_key == SPOT_CHECK:
        payload, rows = spot_check_payload(form, errors)
        return payload, errors, rows
    return decision_payload(form), errors, []
