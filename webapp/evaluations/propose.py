"""Proposing an object for key evaluation (the performance section)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.evaluation import OBJECT_TYPES, SELECTION_REASONS
from workflows.errors import InvalidInput
from workflows.evaluation import can_propose, propose_evaluation
from workflows.ledger_units import problem_choices
from workflows.rectification import today

from ..forms import yuan_from_wan
from . import bp
from .labels import evaluation_globals

FIELDS = ("object_type", "project_id", "unit_id", "title", "fiscal_year_evaluated",
          "selection_reason", "selection_note", "fee_budget_wan")


def _render(values: dict, errors: dict, status: int = 200):
    return render_template(
        "evaluations/propose.html", values=values, errors=errors,
        units=problem_choices(current_user), object_types=OBJECT_TYPES,
        reasons=SELECTION_REASONS, **evaluation_globals()), status


@bp.route("/evaluations/new", methods=["GET", "POST"])
@login_required
def propose():
    """Put an object on the key evaluation list; it goes to the audit bureau first (R16)."""
    if not can_propose(current_user):
        abort(403)
    if request.method == "GET":
        return _render({"object_type": "project", "fiscal_year_evaluated": today().year - 1}, {})
    values = {key: (request.form.get(key) or "").strip() for key in FIELDS}
    raw = {key: value for key, value in values.items() if key != "fee_budget_wan"}
    raw["fee_budget"] = yuan_from_wan(values["fee_budget_wan"])
    try:
        evaluation = propose_evaluation(current_user, raw)
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render(values, exc.errors, 422)
    flash(_("“%(title)s” is on the key evaluation list and went to the audit bureau for its "
            "opinion.", title=evaluation.title), "success")
    return redirect(url_for("evaluations.detail", evaluation_id=evaluation.id))
