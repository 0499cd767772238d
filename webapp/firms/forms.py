"""The firm and engagement forms: posted fields to the operations' raw input and back.

Amounts are typed in 万元 and handed to the operations in yuan; the operations validate.
"""

from __future__ import annotations

from flask_babel import gettext as _

from models import ThirdPartyFirm

from ..forms import yuan_from_wan

FIRM_FIELDS = ("name", "credit_code", "firm_type", "staff_count")
ENGAGEMENT_FIELDS = ("commissioning_party", "commissioner_unit_id", "procurement_method",
                     "contract_amount_wan", "contract_date", "start_date", "end_date",
                     "lead_evaluator_user_id")
SCOPE_FIELDS = ("kind", "id", "unit_id")
MAX_SCOPE_ROWS = 50
MIN_SCOPE_ROWS = 5


# ---------------------------------------------------------------- firms

def firm_values(form) -> dict:
    """The posted firm form as the operation's raw input: one qualification per line."""
    values = {key: form.get(key, "").strip() for key in FIRM_FIELDS}
    values["qualifications"] = [line.strip() for line in form.get("qualifications", "")
                                .splitlines() if line.strip()]
    values["major_violation_last_3y"] = form.get("major_violation_last_3y") == "yes"
    return values


def firm_form_values(firm: ThirdPartyFirm) -> dict:
    """A registered firm's facts as the edit form shows them."""
    return {"name": firm.name, "credit_code": firm.credit_code, "firm_type": firm.firm_type,
            "staff_count": "" if firm.staff_count is None else str(firm.staff_count),
            "qualifications": list(firm.qualifications or []),
            "major_violation_last_3y": firm.major_violation_last_3y}


# ---------------------------------------------------------------- engagements

def _scope_rows(form) -> list[dict]:
    rows = []
    for number in range(MAX_SCOPE_ROWS):
        row = {key: form.get(f"scope-{number}-{key}", "").strip() for key in SCOPE_FIELDS}
        if any(row.values()):
            rows.append(row)
    return rows


def engagement_values(form) -> dict:
    """The posted engagement form as typed; blank scope rows dropped, the rest renumbered."""
    values = {key: form.get(key, "").strip() for key in ENGAGEMENT_FIELDS}
    values["team_user_ids"] = [v for v in form.getlist("team_user_ids") if v.strip()]
    values["scope"] = _scope_rows(form)
    return values


def engagement_payload(values: dict) -> dict:
    """The operation's raw input: the amount in yuan, ids as typed (the operation checks)."""
    payload = {key: values[key] for key in ENGAGEMENT_FIELDS if key != "contract_amount_wan"}
    payload["contract_amount"] = yuan_from_wan(values["contract_amount_wan"])
    payload["team_user_ids"] = values["team_user_ids"]
    payload["scope"] = values["scope"]
    return payload


def engagement_errors(errors: dict, values: dict) -> dict:
    """The operation's errors keyed by the form's fields (the amount is typed in 万元)."""
    shown = dict(errors)
    if "contract_amount" in shown:
        messages = shown.pop("contract_amount")
        if values.get("contract_amount_wan"):
            messages = [_("Enter the amount in 10,000 yuan: a number, not negative, with at "
                          "most six decimals.")]
        shown["contract_amount_wan"] = messages
    return shown


def scope_rows_to_show(values: dict) -> list[dict]:
    """The typed scope rows plus blank ones to fill in."""
    rows = list(values.get("scope") or [])
    blank = dict.fromkeys(SCOPE_FIELDS, "")
    return rows + [dict(blank) for _row in range(max(MIN_SCOPE_ROWS - len(rows), 1))]
