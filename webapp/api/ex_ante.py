"""The ex-ante assessment API: the list with its summary, one assessment, applying.

Tasks are completed through POST /api/v1/tasks/{id}/complete (see CompleteTaskSchema): the
application `{application, self_scores}`, reviews and approvals `{decision, comment}`, the mode
`{mode, joint_parties, firm fields}`, scoring `{dimension_scores, recommended_amount, opinion}`,
the revision `{revision_note}`.
"""

from __future__ import annotations

from workflows.ex_ante import (
    AssessmentFilters,
    AssessmentView,
    assessment_view,
    get_assessment_or_404,
    list_assessments,
    start_assessment,
)
from workflows.goal_review import get_project_or_404

from .auth import current_api_user, protect
from .core import ApiBlueprint
from .cycle_schemas import (
    AssessmentDetailSchema,
    AssessmentPageSchema,
    AssessmentQuerySchema,
    AssessmentStartSchema,
)
from .presenters import task_cards

blp = ApiBlueprint("api_ex_ante", __name__, url_prefix="/api/v1",
                   description="Ex-ante performance assessment of new projects (事前绩效评估, R5).")
protect(blp)


def _row(a, unit_name: str, project_name: str) -> dict:
    return {"id": a.id, "fiscal_year": a.fiscal_year, "status": a.status,
            "unit": {"id": a.unit_id, "name": unit_name},
            "project": {"id": a.project_id, "name": project_name}, "mode": a.mode,
            "total_score": a.total_score, "conclusion": a.conclusion,
            "requested_amount": a.requested_amount, "recommended_amount": a.recommended_amount,
            "instance_id": a.instance_id}


def _detail(view: AssessmentView) -> dict:
    a = view.assessment
    return {**_row(a, a.unit.name, a.project.name), "joint_parties": a.joint_parties,
            "engagement_id": a.engagement_id, "application": a.application,
            "self_scores": a.self_scores, "dimension_scores": a.scores, "opinion": a.opinion,
            "needs_leader": a.needs_leader, "reduction": a.reduction,
            "revision_note": a.revision_note, "return_count": a.return_count,
            "history": view.history, "open_tasks": task_cards(view.open_tasks)}


@blp.route("/ex-ante")
@blp.arguments(AssessmentQuerySchema, location="query")
@blp.response(200, AssessmentPageSchema)
@blp.errors(401, 422)
def list_ex_ante(query: dict):
    """A page of assessments in the caller's scope, with counts per status and conclusion and
    Σ(requested − recommended)."""
    page = list_assessments(current_api_user(), AssessmentFilters(**query))
    s = page.summary
    return {"items": [_row(r.assessment, r.unit_name, r.project_name) for r in page.rows],
            "total": page.total, "page": page.page, "per_page": page.per_page,
            "pages": page.pages,
            "summary": {"total": s.total, "by_status": s.by_status,
                        "by_conclusion": s.by_conclusion, "requested": s.requested,
                        "recommended": s.recommended, "reduction": s.reduction}}


@blp.route("/ex-ante", methods=["POST"])
@blp.arguments(AssessmentStartSchema)
@blp.response(201, AssessmentDetailSchema)
@blp.errors(401, 403, 404, 409, 422)
def start_ex_ante(body: dict):
    """A filer of the project's unit applies; the application task is theirs (409 when the
    project needs none (R5) or already has one)."""
    user = current_api_user()
    assessment = start_assessment(get_project_or_404(body["project_id"], user), user)
    return _detail(assessment_view(assessment, user))


@blp.route("/ex-ante/<int:assessment_id>")
@blp.response(200, AssessmentDetailSchema)
@blp.errors(401, 404)
def get_ex_ante(assessment_id: int):
    """One assessment: application, self-assessment and scores per dimension, conclusion and
    amounts, history and open tasks."""
    user = current_api_user()
    return _detail(assessment_view(get_assessment_or_404(assessment_id, user), user))
