"""Self-evaluation pages: the rounds with a round's evaluations and summary, opening a round, and
one evaluation. Each view loads and authorizes, calls one operation and renders."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import User
from models.evaluation import GRADES, SELF_EVALUATION_STATUSES
from workflows.errors import Conflict, InvalidInput, NotFound
from workflows.messages import Msg
from workflows.projects import names_for_tasks, units_in_scope, user_names
from workflows.rule_settings import rule_settings
from workflows.self_evaluation import (
    EvaluationFilters,
    can_open_round,
    can_read_evaluations,
    evaluation_view,
    get_round_or_404,
    list_evaluations,
    list_rounds,
    open_round,
    sees_spot_checks,
)

from . import task_pages  # noqa: F401  (registers the task pages with the inbox)
from .blueprint import bp

ROUND_FIELDS = ("fiscal_year", "due_date", "spot_check_pct")

__all__ = ["bp"]


def require_reader(user: User) -> None:
    """Firm staff, the audit bureau and congress have no self-evaluation pages (R21)."""
    if not can_read_evaluations(user):
        raise NotFound(Msg("self-evaluation not found"))


def link_args(f: EvaluationFilters) -> dict:
    """The filters as query arguments (without the page), for links that keep them."""
    args = {"round_id": f.round_id, "unit_id": f.unit_id, "status": f.status, "grade": f.grade,
            "flagged": None if f.flagged is None else ("yes" if f.flagged else "no")}
    return {key: value for key, value in args.items() if value not in (None, "")}


def _render_index(values: dict | None = None, errors: dict | None = None, status: int = 200):
    user = current_user
    filters = EvaluationFilters.parse(request.args)
    rounds = list_rounds(user)
    if filters.round_id is not None:
        get_round_or_404(filters.round_id, user)
    elif rounds:
        filters.round_id = rounds[0].round.id
    current = next((r for r in rounds if r.round.id == filters.round_id), None)
    page = list_evaluations(user, filters) if current is not None else None
    return render_template(
        "self_evaluations/index.html", rounds=rounds, current=current, filters=filters,
        args=link_args(filters), page=page, units=units_in_scope(user),
        statuses=[s for s in SELF_EVALUATION_STATUSES
                  if sees_spot_checks(user) or s not in ("reviewed", "spot_checked")],
        grades=GRADES, finance=sees_spot_checks(user), may_open=can_open_round(user),
        values=values or {"spot_check_pct": str(rule_settings()["spot_check_pct"])},
        errors=errors or {}), status


@bp.route("/self-evaluations")
@login_required
def index():
    """The bureau's rounds; the chosen round's evaluations in the user's scope, with a summary."""
    require_reader(current_user)
    return _render_index()


@bp.route("/self-evaluations/rounds", methods=["POST"])
@login_required
def open_year():
    """The performance section opens a year: one task per issued goal sheet."""
    require_reader(current_user)
    values = {key: request.form.get(key, "") for key in ROUND_FIELDS}
    try:
        opened = open_round(current_user, values)
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render_index(values, exc.errors, 422)
    except Conflict as exc:
        return _render_index(values, {"fiscal_year": [exc.message]}, 409)
    flash(_("The self-evaluation of %(year)s is open: %(n)s units' tables to fill.",
            year=opened.round.fiscal_year, n=opened.evaluations), "success")
    return redirect(url_for("self_evaluations.index", round_id=opened.round.id))


@bp.route("/self-evaluations/<int:evaluation_id>")
@login_required
def detail(evaluation_id: int):
    """One evaluation: execution, each indicator's target, actual and score, subtotals, total
    and grade; the spot check and its gap for finance only."""
    view = evaluation_view(evaluation_id, current_user)
    e = view.evaluation
    people = user_names({e.filer_id})
    return render_template("self_evaluations/detail.html", view=view, e=e, people=people,
                           names=names_for_tasks(view.open_tasks))
