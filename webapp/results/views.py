"""Result application pages: a target year's proposals with their figures (the performance
section generates and adds them), one proposal, the list as .xlsx, and the final accounts and
project balances the rules read."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.result_application import ACTIONS, APPLICATION_STATUSES, DISCRETIONARY_ACTIONS
from workflows import results
from workflows.cycle_steps import today
from workflows.errors import Conflict, Forbidden, InvalidInput, NotFound
from workflows.messages import Msg
from workflows.projects import names_for_tasks, units_in_scope
from workflows.results.accounts_xlsx import read_accounts, template
from workflows.tables_xlsx import workbook

from ..forms import yuan_from_wan
from ..i18n import translate
from . import task_pages  # noqa: F401  (registers the task pages with the inbox)
from .labels import results_globals

bp = Blueprint("results", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GENERATE_FIELDS = ("target_year", "source_year", "compilation_date")


@bp.context_processor
def inject_labels() -> dict:
    """The result-application label tables, for its own pages."""
    return results_globals()


def _require_reader() -> None:
    if not results.can_read_results(current_user):
        raise NotFound(Msg("result application not found"))


def _xlsx(data: bytes, name: str):
    response = send_file(BytesIO(data), as_attachment=True, mimetype=XLSX, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _args(f: results.ApplicationFilters) -> dict:
    args = {"round_id": f.round_id, "unit_id": f.unit_id, "status": f.status,
            "action": f.action, "rule_id": f.rule_id}
    return {k: v for k, v in args.items() if v not in (None, "")}


def _render(values: dict | None = None, errors: dict | None = None, status: int = 200):
    _require_reader()
    filters = results.ApplicationFilters.parse(request.args)
    rounds = results.list_rounds(current_user)
    if filters.round_id is not None:
        results.get_round_or_404(filters.round_id, current_user)
    elif rounds:
        filters.round_id = rounds[0].id
    current = next((r for r in rounds if r.id == filters.round_id), None)
    return render_template(
        "results/index.html", rounds=rounds, current=current, filters=filters,
        args=_args(filters), page=results.list_applications(current_user, filters)
        if current else None, units=units_in_scope(current_user),
        statuses=APPLICATION_STATUSES, actions=ACTIONS, rules=results.RULES,
        discretionary=DISCRETIONARY_ACTIONS, may_propose=results.can_propose(current_user),
        values=values or {"target_year": today().year + 1,
                          "compilation_date": today().isoformat()},
        errors=errors or {}), status


@bp.route("/results")
@login_required
def index():
    """The target years; the chosen one's proposals in the user's scope, with its figures."""
    return _render()


@bp.route("/results/generate", methods=["POST"])
@login_required
def generate():
    """Run the rules on the source year's results; a re-run adds only new proposals."""
    _require_reader()
    values = {key: request.form.get(key, "") for key in GENERATE_FIELDS}
    try:
        done = results.generate_proposals(current_user, dict(values))
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render(values, exc.errors, 422)
    except Conflict as exc:
        return _render(values, {"source_year": [exc.message]}, 409)
    flash(_("%(n)s new proposal(s) for %(year)s; %(old)s were already there.", n=done.added,
            year=done.round.target_year, old=done.existing), "success")
    return redirect(url_for("results.index", round_id=done.round.id))


@bp.route("/results/rounds/<int:round_id>/proposals", methods=["POST"])
@login_required
def add(round_id: int):
    """The performance section adds a discretionary proposal."""
    found = results.get_round_or_404(round_id, current_user)
    raw = {k: request.form.get(k, "") for k in ("action", "unit_id", "project_id", "pct",
                                                 "basis_text")}
    raw["base_amount"] = yuan_from_wan(request.form.get("base_wan"))
    try:
        results.add_proposal(current_user, found, raw)
    except InvalidInput as exc:
        flash(_("The proposal has errors: %(fields)s", fields=", ".join(
            f"{key}: {messages[0]}" for key, messages in exc.errors.items())), "error")
    else:
        flash(_("The proposal has been added for review."), "success")
    return redirect(url_for("results.index", round_id=round_id))


@bp.route("/results/rounds/<int:round_id>/list.xlsx")
@login_required
def round_xlsx(round_id: int):
    """The round's result-application list for the budget section (.xlsx)."""
    found = results.get_round_or_404(round_id, current_user)
    with force_locale("zh_CN"):  # the list is a Chinese document whatever the page's language
        table = results.round_table(current_user, found, say=translate)
    return _xlsx(workbook([table]),
                 f"结果应用清单-{found.target_year}.xlsx")


@bp.route("/results/<int:application_id>")
@login_required
def detail(application_id: int):
    """One proposal: its rule and the figures it came from, the comments, the effect."""
    view = results.application_view(application_id, current_user)
    return render_template("results/detail.html", view=view, a=view.application,
                           names=names_for_tasks(view.open_tasks))


def _year() -> int:
    year = request.values.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else today().year - 1


@bp.route("/results/accounts", methods=["GET", "POST"])
@login_required
def accounts():
    """The year's final accounts and project balances; the budget section uploads them."""
    _require_reader()
    year = _year()
    errors = {}
    if request.method == "POST":
        if not results.can_record_accounts(current_user):
            raise Forbidden(Msg("only the budget and performance sections record final "
                                "accounts"))
        upload = request.files.get("file")
        try:
            rows, balances = read_accounts(upload.read() if upload else b"")
            done = results.record_accounts(current_user, year, rows, balances)
        except InvalidInput as exc:
            errors = exc.errors
            flash(exc.message, "error")
        else:
            flash(_("Recorded %(a)s final account(s) and %(b)s project balance(s) of %(year)s.",
                    a=done.accounts, b=done.balances, year=year), "success")
            return redirect(url_for("results.accounts", year=year))
    return render_template("results/accounts.html", year=year,
                           accounts=results.accounts_of(current_user, year),
                           balances=results.balances_of(current_user, year), errors=errors,
                           may_record=results.can_record_accounts(current_user)), \
        422 if errors else 200


@bp.route("/results/accounts-template.xlsx")
@login_required
def accounts_template():
    """The workbook to fill in with the year's final accounts and project balances."""
    _require_reader()
    return _xlsx(template(_year()), f"决算与结余数据模板-{_year()}.xlsx")
