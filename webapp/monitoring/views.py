"""Double monitoring pages: a round's figures and reports (opening and closing rounds for the
performance section), one report, the round's .xlsx, fund actions and their reversal."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.monitoring import DECISIONS, REPORT_STATUSES
from workflows import monitoring, unit_goals
from workflows.errors import Conflict, InvalidInput, NotFound
from workflows.messages import Msg
from workflows.projects import names_for_tasks, units_in_scope, user_names
from workflows.tables_xlsx import workbook

from ..forms import safe_next
from . import task_pages  # noqa: F401  (registers the task pages with the inbox)
from .labels import monitoring_globals

bp = Blueprint("monitoring", __name__)
ROUND_FIELDS = ("fiscal_year", "period_label", "cutoff_date", "due_date", "time_progress")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.context_processor
def inject_labels() -> dict:
    """The monitoring label tables, for its own pages."""
    return monitoring_globals()


def _require_reader() -> None:
    if not monitoring.can_read_monitoring(current_user):
        raise NotFound(Msg("monitoring report not found"))


def _args(f: monitoring.ReportFilters) -> dict:
    args = {"round_id": f.round_id, "unit_id": f.unit_id, "status": f.status,
            "decision": f.decision,
            "flagged": None if f.flagged is None else ("yes" if f.flagged else "no")}
    return {k: v for k, v in args.items() if v not in (None, "")}


def _render_index(values: dict | None = None, errors: dict | None = None, status: int = 200):
    _require_reader()
    filters = monitoring.ReportFilters.parse(request.args)
    rounds = monitoring.list_rounds(current_user)
    if filters.round_id is not None:
        monitoring.get_round_or_404(filters.round_id, current_user)
    elif rounds:
        filters.round_id = rounds[0].round.id
    current = next((r.round for r in rounds if r.round.id == filters.round_id), None)
    page = summary = None
    actions = []
    if current:
        page = monitoring.list_reports(current_user, filters)
        summary = monitoring.round_summary(current, current_user)
        actions = monitoring.list_fund_actions(current_user, round_id=current.id)
    return render_template(
        "monitoring/index.html", rounds=rounds, current=current, filters=filters,
        args=_args(filters), page=page, summary=summary, actions=actions,
        units=units_in_scope(current_user), statuses=REPORT_STATUSES,
        decisions=[d for d in DECISIONS if d != "none"],
        may_manage=monitoring.can_manage_rounds(current_user),
        may_reverse=current_user.has_role("bureau_leader"),
        values=values or {}, errors=errors or {}), status


@bp.route("/monitoring")
@login_required
def index():
    """The bureau's rounds; the chosen round's figures, reports and fund actions."""
    return _render_index()


@bp.route("/monitoring/rounds", methods=["POST"])
@login_required
def open_round():
    """The performance section opens a round: a report task for every issued goal sheet."""
    _require_reader()
    values = {key: request.form.get(key, "") for key in ROUND_FIELDS}
    try:
        opened = monitoring.open_round(current_user, dict(values))
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render_index(values, exc.errors, 422)
    except Conflict as exc:
        return _render_index(values, {"period_label": [exc.message]}, 409)
    flash(_("The round %(label)s of %(year)s is open: %(n)s reports to fill.",
            label=opened.round.period_label, year=opened.round.fiscal_year, n=opened.reports),
          "success")
    return redirect(url_for("monitoring.index", round_id=opened.round.id))


@bp.route("/monitoring/rounds/<int:round_id>/close", methods=["POST"])
@login_required
def close_round(round_id: int):
    """Close the round and publish its totals."""
    found = monitoring.get_round_or_404(round_id, current_user)
    monitoring.close_round(current_user, found)
    flash(_("The round is closed; its totals are published."), "success")
    return redirect(url_for("monitoring.index", round_id=round_id))


@bp.route("/monitoring/rounds/<int:round_id>/summary.xlsx")
@login_required
def round_xlsx(round_id: int):
    """The round's summary table and totals as .xlsx (finance roles)."""
    found = monitoring.get_round_or_404(round_id, current_user)
    if not current_user.has_role("perf_staff", "perf_chief", "bureau_leader", "budget_section"):
        raise NotFound(Msg("monitoring round not found"))
    data = workbook(monitoring.round_tables(found))
    response = send_file(BytesIO(data), as_attachment=True, mimetype=XLSX,
                         download_name=f"绩效监控汇总表-{found.fiscal_year}-{found.id}.xlsx")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/monitoring/reports/<int:report_id>")
@login_required
def detail(report_id: int):
    """One report: execution against time progress, each indicator, the flag, the decision and
    its fund actions, history and open steps."""
    view = monitoring.report_view(report_id, current_user)
    r = view.report
    return render_template(
        "monitoring/detail.html", view=view, r=r,
        people=user_names({r.filer_id, r.decided_by_id, r.approved_by_id,
                           *(a.executed_by_id for a in view.actions)}),
        names=names_for_tasks(view.open_tasks),
        may_reverse=current_user.has_role("bureau_leader"), adjustable=_adjustable(r))


def _adjustable(report):
    """The report's sheet when the performance section asked to adjust it and the user may."""
    if report.finance_decision != "goal_adjust":
        return None
    sheet = unit_goals.get_sheet_or_404(report.sheet_id, current_user)
    return sheet if unit_goals.can_adjust(sheet, current_user) else None


@bp.route("/fund-actions/<int:action_id>/reverse", methods=["POST"])
@login_required
def reverse(action_id: int):
    """The bureau leader reverses a fund action (lifts a suspension) with a reason."""
    action = monitoring.get_action_or_404(action_id, current_user)
    try:
        monitoring.reverse_fund_action(current_user, action,
                                       {"reason": request.form.get("reason", "")})
    except InvalidInput:
        flash(_("Give the reason for the reversal."), "error")
    else:
        flash(_("The fund action has been reversed."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("monitoring.index")))
