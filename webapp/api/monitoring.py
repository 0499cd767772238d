"""The double monitoring API: rounds with their figures, reports, fund actions.

Tasks are completed through POST /api/v1/tasks/{id}/complete (see CompleteTaskSchema): the
report `{report: {...}}`, reviews `{decision, comment}`, the decision `{finance_decision,
amount, note, notice_due}`, the leader `{decision: approve | reject, comment}`, the execution
`{amount, note}`.
"""

from __future__ import annotations

from workflows import monitoring

from .auth import current_api_user, protect
from .core import ApiBlueprint
from .cycle_schemas import (
    FundActionListSchema,
    FundActionQuerySchema,
    FundActionSchema,
    MonitoringReportDetailSchema,
    MonitoringReportPageSchema,
    MonitoringReportQuerySchema,
    MonitoringRoundCreateSchema,
    MonitoringRoundListSchema,
    MonitoringRoundSchema,
    ReversalSchema,
)
from .presenters import task_cards

blp = ApiBlueprint("api_monitoring", __name__, url_prefix="/api/v1",
                   description="Double monitoring (双监控) of issued goal sheets (R14, R15).")
protect(blp)


def _round(found, reports: int | None = None) -> dict:
    s = monitoring.round_summary(found, current_api_user())
    return {"id": found.id, "fiscal_year": found.fiscal_year,
            "period_label": found.period_label, "cutoff_date": found.cutoff_date,
            "due_date": found.due_date, "time_progress": found.time_progress,
            "status": found.status, "reports": s.reports if reports is None else reports,
            "submitted": s.submitted, "flagged": s.flagged, "by_status": s.by_status,
            "by_decision": s.by_decision, "histogram": s.histogram,
            "execution_rate": s.execution_rate, "reduced": s.reduced,
            "recovered": s.recovered, "suspended": s.suspended, "stopped": s.stopped}


def _report(r, unit_name: str, project_name: str | None) -> dict:
    return {"id": r.id, "round_id": r.round_id, "fiscal_year": r.fiscal_year,
            "unit": {"id": r.unit_id, "name": unit_name},
            "project": {"id": r.project_id, "name": project_name} if r.project_id else None,
            "kind": r.kind, "status": r.status, "budget_amount": r.budget_amount,
            "executed_amount": r.executed_amount, "execution_rate": r.execution_rate,
            "gap_pp": r.gap_pp, "flagged": r.flagged, "propose_reduce": r.propose_reduce,
            "finance_decision": r.finance_decision, "decision_amount": r.decision_amount,
            "instance_id": r.instance_id}


def _action(a, unit_name: str, project_name: str | None, reversed_: bool) -> dict:
    return {"id": a.id, "fiscal_year": a.fiscal_year, "kind": a.kind,
            "unit": {"id": a.unit_id, "name": unit_name},
            "project": {"id": a.project_id, "name": project_name} if a.project_id else None,
            "amount": a.amount, "basis_type": a.basis_type, "basis_id": a.basis_id,
            "note": a.note, "proposed_by_id": a.proposed_by_id,
            "approved_by_id": a.approved_by_id, "executed_by_id": a.executed_by_id,
            "executed_at": a.executed_at, "reversal_of_id": a.reversal_of_id,
            "reversed": reversed_}


@blp.route("/monitoring-rounds")
@blp.response(200, MonitoringRoundListSchema)
@blp.errors(401)
def list_monitoring_rounds():
    """The bureau's rounds, newest first, with their figures."""
    return {"items": [_round(line.round, line.reports)
                      for line in monitoring.list_rounds(current_api_user())]}


@blp.route("/monitoring-rounds", methods=["POST"])
@blp.arguments(MonitoringRoundCreateSchema)
@blp.response(201, MonitoringRoundSchema)
@blp.errors(401, 403, 409, 422)
def create_monitoring_round(body: dict):
    """Open a round (performance section): one report and task per issued goal sheet."""
    return _round(monitoring.open_round(current_api_user(), body).round)


@blp.route("/monitoring-rounds/<int:round_id>")
@blp.response(200, MonitoringRoundSchema)
@blp.errors(401, 404)
def get_monitoring_round(round_id: int):
    """A round's figures: submitted / in scope, execution, flagged, decisions, Σ reduced and
    recovered."""
    return _round(monitoring.get_round_or_404(round_id, current_api_user()))


@blp.route("/monitoring-rounds/<int:round_id>/close", methods=["POST"])
@blp.response(200, MonitoringRoundSchema)
@blp.errors(401, 403, 404, 409)
def close_monitoring_round(round_id: int):
    """Close a round once every report is settled (409 otherwise)."""
    user = current_api_user()
    return _round(monitoring.close_round(user, monitoring.get_round_or_404(round_id, user)))


@blp.route("/monitoring-reports")
@blp.arguments(MonitoringReportQuerySchema, location="query")
@blp.response(200, MonitoringReportPageSchema)
@blp.errors(401, 422)
def list_monitoring_reports(query: dict):
    """A page of reports in the caller's scope."""
    page = monitoring.list_reports(current_api_user(), monitoring.ReportFilters(**query))
    return {"items": [_report(row.report, row.unit_name, row.project_name) for row in page.rows],
            "total": page.total, "page": page.page, "per_page": page.per_page,
            "pages": page.pages}


@blp.route("/monitoring-reports/<int:report_id>")
@blp.response(200, MonitoringReportDetailSchema)
@blp.errors(401, 404)
def get_monitoring_report(report_id: int):
    """One report with its indicators, decision, fund actions, history and open tasks."""
    view = monitoring.report_view(report_id, current_api_user())
    r = view.report
    return {**_report(r, r.unit.name, r.project.name if r.project else None),
            "indicators": r.indicators, "corrective_measures": r.corrective_measures,
            "decision_note": r.decision_note, "notice_due": r.notice_due,
            "fund_actions": [_action(a, r.unit.name, r.project.name if r.project else None,
                                     False) for a in view.actions],
            "history": view.history, "open_tasks": task_cards(view.open_tasks)}


@blp.route("/fund-actions")
@blp.arguments(FundActionQuerySchema, location="query")
@blp.response(200, FundActionListSchema)
@blp.errors(401, 422)
def list_fund_actions(query: dict):
    """Executed fund actions of units in the caller's scope, reversals included."""
    rows = monitoring.list_fund_actions(current_api_user(), **query)
    return {"items": [_action(r.action, r.unit_name, r.project_name, r.reversed)
                      for r in rows]}


@blp.route("/fund-actions/<int:action_id>/reverse", methods=["POST"])
@blp.arguments(ReversalSchema)
@blp.response(201, FundActionSchema)
@blp.errors(401, 403, 404, 409, 422)
def reverse_fund_action(body: dict, action_id: int):
    """A bureau leader reverses a fund action (e.g. lifts a suspension): a reversal row."""
    user = current_api_user()
    action = monitoring.get_action_or_404(action_id, user)
    reversal = monitoring.reverse_fund_action(user, action, body)
    return _action(reversal, reversal.unit.name,
                   reversal.project.name if reversal.project else None, False)
