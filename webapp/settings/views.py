"""Rule settings (administrators): every threshold, percentage, period and choice of DOMAIN §5."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows.errors import InvalidInput
from workflows.rule_settings import GROUPS, SETTINGS, save_rule_settings, settings_for_editor

from .labels import CHOICE_LABELS, GROUP_LABELS, KIND_UNITS, SETTING_LABELS

bp = Blueprint("settings", __name__)


def _render(values: dict, errors: dict | None = None, status: int = 200):
    return render_template(
        "settings/index.html", values=values, errors=errors or {}, groups=GROUPS,
        settings=SETTINGS, group_labels=GROUP_LABELS, labels=SETTING_LABELS,
        choice_labels=CHOICE_LABELS, units=KIND_UNITS), status


@bp.route("/admin/settings", methods=["GET", "POST"])
@login_required
def index():
    """The rule settings with their defaults; a save checks every field and is audited."""
    current = settings_for_editor(current_user)
    if request.method == "GET":
        return _render(current)
    raw = {s.key: request.form.get(s.key, "") for s in SETTINGS}
    try:
        save_rule_settings(current_user, raw)
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render({**current, **raw}, exc.errors, 422)
    flash(_("The rule settings have been saved."), "success")
    return redirect(url_for("settings.index"))
