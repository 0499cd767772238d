"""Issuance pages: the year's approved sheets with R13's dates (the budget section flags them
for the congress, records the approval day and issues them, R12), and the inquiries."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from models import GoalSheet, db
from workflows import issuance
from workflows.cycle_steps import today
from workflows.errors import InvalidInput, NotFound
from workflows.messages import Msg
from workflows.permissions import can_see_unit

from ..converters import MAX_ID

bp = Blueprint("issuance", __name__)

INQUIRY_STATUS_LABELS = {"open": _l("Waiting for the unit's answer"),
                         "answered": _l("Answered; waiting for the congress"),
                         "closed": _l("Closed")}
OUTCOME_LABELS = {"accepted": _l("Answer accepted"), "revise_required": _l("Revision required")}


@bp.context_processor
def inject_labels() -> dict:
    """The inquiry labels, for these pages."""
    return {"INQUIRY_STATUS_LABELS": INQUIRY_STATUS_LABELS, "OUTCOME_LABELS": OUTCOME_LABELS}


def _year() -> int:
    year = request.values.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else today().year


def _ids() -> list[int]:
    return [n for n in (int(v) for v in request.form.getlist("sheet_ids") if v.isdecimal())
            if 0 < n <= MAX_ID]


@bp.route("/issuance")
@login_required
def index():
    """The year's approved and issued goal sheets, the deadline, the congress's inquiries."""
    year = _year()
    board = issuance.issuance_board(current_user, year)
    return render_template("issuance/index.html", board=board, year=year,
                           may_issue=issuance.can_issue(current_user),
                           inquiries=issuance.list_inquiries(current_user, year),
                           congress=current_user.has_role("congress"))


@bp.route("/issuance/approval", methods=["POST"])
@login_required
def approval():
    """The budget section records the day the congress approved the year's budget."""
    year = _year()
    try:
        day = issuance.record_approval(current_user, year, request.form.get("approved_on", ""))
    except InvalidInput as exc:
        flash(exc.errors.get("approved_on", [exc.message])[0], "error")
        return redirect(url_for("issuance.index", year=year))
    flash(_("The congress approved the %(year)s budget on %(day)s.", year=year,
            day=day.isoformat()), "success")
    return redirect(url_for("issuance.index", year=year))


@bp.route("/issuance/flag", methods=["POST"])
@login_required
def flag():
    """Send the ticked sheets to the congress with the budget draft (or take them back)."""
    year = _year()
    on = request.form.get("flag") != "off"
    n = issuance.flag_for_congress(current_user, year, _ids(), on)
    flash(_("%(n)s sheet(s) sent to the congress.", n=n) if on
          else _("%(n)s sheet(s) taken back from the congress.", n=n), "success")
    return redirect(url_for("issuance.index", year=year))


@bp.route("/issuance/issue", methods=["POST"])
@login_required
def issue():
    """Issue the ticked sheets; those an open inquiry (R12) or R5 holds stay, with the reason."""
    year = _year()
    result = issuance.issue_sheets(current_user, year, _ids())
    if result.issued:
        flash(_("%(n)s goal sheet(s) issued with the budget.", n=len(result.issued)),
              "success")
    for sheet, reason in result.refused:
        flash(_("Sheet %(id)s was not issued: %(reason)s", id=sheet.id, reason=reason),
              "warning")
    return redirect(url_for("issuance.index", year=year))


def _sheet_or_404(sheet_id: int) -> GoalSheet:
    sheet = db.get(GoalSheet, sheet_id)
    if sheet is None or not (current_user.has_role("congress")
                             or can_see_unit(current_user, sheet.unit_id)):
        raise NotFound(Msg("goal sheet not found"))
    return sheet


@bp.route("/sheets/<int:sheet_id>/inquiries", methods=["POST"])
@login_required
def open_inquiry(sheet_id: int):
    """Congress staff record a delegate's question on a sheet sent to the congress."""
    sheet = _sheet_or_404(sheet_id)
    fields = {k: request.form.get(k, "") for k in ("delegate_name", "question", "session")}
    try:
        issuance.open_inquiry(current_user, sheet, fields)
    except InvalidInput:
        flash(_("The delegate, the question and the session are all required."), "error")
    else:
        flash(_("The inquiry is open; the unit head answers it."), "success")
    return redirect(url_for("issuance.index", year=sheet.fiscal_year))


@bp.route("/inquiries/<int:inquiry_id>/answer", methods=["POST"])
@login_required
def answer(inquiry_id: int):
    """The unit head records the answer."""
    inquiry = issuance.get_inquiry_or_404(inquiry_id, current_user)
    try:
        issuance.answer_inquiry(current_user, inquiry, {"answer": request.form.get("answer")})
    except InvalidInput:
        flash(_("Write the answer."), "error")
    else:
        flash(_("The answer is recorded."), "success")
    return redirect(url_for("issuance.inquiries"))


@bp.route("/inquiries/<int:inquiry_id>/close", methods=["POST"])
@login_required
def close(inquiry_id: int):
    """Congress staff close an answered inquiry: accepted, or the sheet must be revised."""
    inquiry = issuance.get_inquiry_or_404(inquiry_id, current_user)
    issuance.close_inquiry(current_user, inquiry, request.form.get("outcome"))
    flash(_("The inquiry is closed."), "success")
    return redirect(url_for("issuance.inquiries"))


@bp.route("/inquiries")
@login_required
def inquiries():
    """The congress's inquiries the user may see (a unit its own), to answer or close."""
    return render_template("issuance/inquiries.html",
                           inquiries=issuance.list_inquiries(current_user))
