"""The self-evaluation API: rounds, the list with its summary, one evaluation.

Tasks are completed through POST /api/v1/tasks/{id}/complete (see CompleteTaskSchema):
fill `{"evaluation": {...}}`, reviews and acceptance `{"decision", "comment"}`, the spot check
`{"spot_check": {...}}`.
"""

from __future__ import annotations

from workflows.self_evaluation import (
    EvaluationDetail,
    EvaluationFilters,
    EvaluationRow,
    RoundSummary,
    evaluation_view,
    list_evaluations,
    list_rounds,
    open_round,
    sees_spot_checks,
)

from .auth import current_api_user, protect
from .core import ApiBlueprint
from .presenters import task_cards
from .self_evaluation_schemas import (
    RoundCreateSchema,
    RoundListSchema,
    RoundOpenedSchema,
    SelfEvaluationDetailSchema,
    SelfEvaluationPageSchema,
    SelfEvaluationQuerySchema,
)

blp = ApiBlueprint("api_self_evaluations", __name__, url_prefix="/api/v1",
                   description="Units' self-evaluation (单位绩效自评); never a third party (R21).")
protect(blp)


def _row(row: EvaluationRow) -> dict:
    return {
        "id": row.id, "round_id": row.round_id, "fiscal_year": row.fiscal_year,
        "unit": {"id": row.unit_id, "name": row.unit_name},
        "project": {"id": row.project_id, "name": row.project_name}
        if row.project_id else None,
        "kind": row.kind, "status": row.status, "total_score": row.total_score,
        "grade": row.grade, "return_count": row.return_count, "instance_id": row.instance_id,
        "spot_check": row.spot_check, "check_score": row.check_score, "gap": row.gap,
        "gap_flagged": row.gap_flagged}


def _detail(view: EvaluationDetail, finance: bool) -> dict:
    e, spot = view.evaluation, view.spot
    return {
        "id": e.id, "round_id": e.round_id, "fiscal_year": e.fiscal_year,
        "unit": {"id": e.unit_id, "name": view.unit_name},
        "project": {"id": e.project_id, "name": view.project_name} if e.project_id else None,
        "kind": e.kind, "status": view.status, "total_score": e.total_score, "grade": e.grade,
        "return_count": e.return_count, "instance_id": e.instance_id,
        "spot_check": e.spot_check if finance else None,
        "check_score": spot.check_score if spot else None, "gap": spot.gap if spot else None,
        "gap_flagged": spot.gap_flagged if spot else None,
        "due_date": view.due_date, "budget_full_year": e.budget_full_year,
        "executed": e.executed, "execution_rate": view.execution_rate,
        "execution_score": e.execution_score, "indicators": view.lines,
        "subtotals": {group: str(value) for group, value in view.subtotals},
        "report": e.report, "spot": spot, "history": view.history,
        "open_tasks": task_cards(view.open_tasks)}


def _round(summary: RoundSummary) -> dict:
    r = summary.round
    return {"id": r.id, "fiscal_year": r.fiscal_year, "due_date": r.due_date,
            "spot_check_pct": r.spot_check_pct, "opened_at": r.opened_at,
            "evaluations": summary.evaluations}


@blp.route("/self-evaluations")
@blp.arguments(SelfEvaluationQuerySchema, location="query")
@blp.response(200, SelfEvaluationPageSchema)
@blp.errors(401, 422)
def list_self_evaluations(query: dict):
    """A page of self-evaluations in the caller's scope (none for firm staff), with counts per
    status and grade; finance also sees the spot-check sample and flagged gaps."""
    page = list_evaluations(current_api_user(), EvaluationFilters(**query))
    return {"items": [_row(row) for row in page.rows], "total": page.total, "page": page.page,
            "per_page": page.per_page, "pages": page.pages, "summary": page.summary}


@blp.route("/self-evaluations/<int:evaluation_id>")
@blp.response(200, SelfEvaluationDetailSchema)
@blp.errors(401, 404)
def get_self_evaluation(evaluation_id: int):
    """One self-evaluation: execution, indicators with targets, actuals and scores, subtotals,
    total, grade, report, history and open tasks (the spot check for finance only)."""
    user = current_api_user()
    return _detail(evaluation_view(evaluation_id, user), sees_spot_checks(user))


@blp.route("/self-evaluation-rounds")
@blp.response(200, RoundListSchema)
@blp.errors(401)
def list_self_evaluation_rounds():
    """The bureau's rounds, newest year first, with the evaluations in the caller's scope."""
    return {"items": [_round(r) for r in list_rounds(current_api_user())]}


@blp.route("/self-evaluation-rounds", methods=["POST"])
@blp.arguments(RoundCreateSchema)
@blp.response(201, RoundOpenedSchema)
@blp.errors(401, 403, 409, 422)
def create_self_evaluation_round(body: dict):
    """Open a year (performance section): one evaluation and task per issued goal sheet, and
    the spot-check sample drawn; a second round of the same year is a 409."""
    opened = open_round(current_api_user(), body)
    return {"round": _round(RoundSummary(opened.round, opened.evaluations)),
            "evaluations": opened.evaluations, "spot_checks": opened.spot_checks}
