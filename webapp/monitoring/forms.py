"""Posted monitoring task forms → the workflow payloads (money typed in 万元, sent in yuan)."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from workflows.monitoring import DECIDE, EXECUTE, FILL, ReportView

from ..forms import wan_text, yuan_from_wan

ROW_FIELDS = ("progress_value", "expected_year_end", "cause", "measure")


def fill_values(view: ReportView) -> MultiDict:
    """The fill form prefilled with the last report (or the prefilled execution)."""
    r = view.report
    values = MultiDict({"executed_wan": wan_text(r.executed_amount),
                        "corrective_measures": r.corrective_measures or ""})
    for i, line in enumerate(view.lines):
        for key in ROW_FIELDS:
            values[f"ind-{i}-{key}"] = getattr(line, key) or ""
        values[f"ind-{i}-achievable"] = "" if line.achievable is None else (
            "yes" if line.achievable else "no")
    return values


def fill_payload(form: MultiDict, view: ReportView) -> dict:
    """The fill payload: execution in yuan and one row per indicator of the sheet."""
    rows = []
    for i, line in enumerate(view.lines):
        row = {"indicator_id": line.indicator.id,
               **{key: form.get(f"ind-{i}-{key}", "") for key in ROW_FIELDS}}
        answer = form.get(f"ind-{i}-achievable")
        row["achievable"] = True if answer == "yes" else False if answer == "no" else None
        row["cause"] = row["cause"] or None
        rows.append(row)
    return {"report": {"executed_amount": yuan_from_wan(form.get("executed_wan")),
                       "indicators": rows,
                       "corrective_measures": form.get("corrective_measures", "")}}


def payload_for(form_key: str, form: MultiDict, view: ReportView) -> dict:
    """The payload of a posted monitoring task form."""
    if form_key == FILL:
        return fill_payload(form, view)
    if form_key == DECIDE:
        return {"finance_decision": form.get("finance_decision") or None,
                "amount": yuan_from_wan(form.get("amount_wan")),
                "note": form.get("note", ""), "notice_due": form.get("notice_due") or None}
    if form_key == EXECUTE:
        return {"amount": yuan_from_wan(form.get("amount_wan")), "note": form.get("note", "")}
    return {"decision": form.get("decision") or None, "comment": form.get("comment", "")}
