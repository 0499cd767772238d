"""The rectification settings page (administrators and the performance section chief)."""

from __future__ import annotations

from dataclasses import fields

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows.errors import InvalidInput
from workflows.ledger_rules import DAY_KINDS, LedgerSettings
from workflows.ledger_settings import holiday_coverage, save_settings, settings_to_edit
from workflows.rectification import today

from .blueprint import bp

FLAGS = ("interview_when_serious", "strict_signoff_sod")


def _posted(form) -> dict:
    """The posted form as validate_settings reads it; an unticked box is posted as nothing."""
    raw = {}
    for f in fields(LedgerSettings):
        if f.name in FLAGS:
            raw[f.name] = "true" if form.get(f.name) else "false"
        elif f.name in form:
            raw[f.name] = form.get(f.name, "")
    return raw


def _render(values: dict, errors: dict | None = None, status: int = 200):
    return render_template(
        "ledger/settings.html", values=values, errors=errors or {}, day_kinds=DAY_KINDS,
        coverage=holiday_coverage(today().year)), status


@bp.route("/ledger/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Deadlines, the escalation ladder and the working-day calendar of the ledger."""
    bureau, current = settings_to_edit(current_user)
    if request.method == "GET":
        return _render(current.as_dict())
    raw = _posted(request.form)
    try:
        save_settings(bureau, current_user, raw)
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render({**current.as_dict(), **raw}, exc.errors, 422)
    flash(_("The ledger settings have been saved."), "success")
    return redirect(url_for("ledger.settings"))
