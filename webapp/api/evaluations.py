"""The key evaluation API: the list, one evaluation's results, proposing, documents, the report.

The steps of the process are tasks: complete them through /api/v1/tasks/{id}/complete (its
body fields say what each key evaluation form takes). Outside the caller's scope everything is
a 404, and a firm user's refused probe stays in the audit trail (R18).
"""

from __future__ import annotations

from io import BytesIO

from flask import abort, request, send_file

from workflows.errors import InvalidInput
from workflows.evaluation import get_evaluation_or_404, propose_evaluation, upload_document
from workflows.evaluation.documents import KINDS
from workflows.evaluation.report_xlsx import export_report
from workflows.evaluation.results import DocumentLine
from workflows.evaluation.views import (
    EvaluationFilters,
    EvaluationRow,
    EvaluationView,
    evaluation_view,
    list_evaluations,
)
from workflows.ledger_xlsx import XLSX_MIME
from workflows.messages import Msg
from workflows.rectification import today

from .auth import current_api_user, protect
from .core import ApiBlueprint
from .evaluation_schemas import (
    EvaluationDetailSchema,
    EvaluationDocumentSchema,
    EvaluationPageSchema,
    EvaluationProposalSchema,
    EvaluationQuerySchema,
)
from .presenters import task_cards

UPLOAD_DOC = {
    "required": True,
    "description": "`kind` (plan, working_paper, draft_report: the engaged firm's team; "
                   "unit_data, feedback: the evaluated unit; final_report: the performance "
                   "section) and one file (pdf, jpg, png, doc(x), xls(x), ofd, zip) as `file`.",
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["kind", "file"],
        "properties": {"kind": {"type": "string"},
                       "file": {"type": "string", "format": "binary"}}}}},
}

blp = ApiBlueprint("api_evaluations", __name__, url_prefix="/api/v1/evaluations",
                   description="Key evaluations (财政重点评价).")
protect(blp)


def _row(row: EvaluationRow) -> dict:
    return {"id": row.id, "title": row.title, "unit": {"id": row.unit_id, "name": row.unit_name},
            "object_type": row.object_type, "fiscal_year_evaluated": row.fiscal_year_evaluated,
            "status": row.status, "firm_name": row.firm_name, "final_score": row.final_score,
            "grade": row.grade, "problem_count": row.problem_count,
            "open_tasks": row.open_tasks}


def _document(doc: DocumentLine) -> dict:
    return {"id": doc.id, "kind": doc.kind, "filename": doc.filename, "size": doc.size,
            "sha256": doc.sha256, "content_type": doc.content_type,
            "uploaded_by": doc.uploaded_by, "uploaded_at": doc.uploaded_at,
            "download_url": f"/evaluations/documents/{doc.id}"}


def _detail(view: EvaluationView) -> dict:
    ev, engagement, plan = view.evaluation, view.engagement, view.evaluation.plan or {}
    return {
        "id": ev.id, "title": ev.title, "object_type": ev.object_type,
        "fiscal_year_evaluated": ev.fiscal_year_evaluated,
        "selection_reason": ev.selection_reason, "selection_note": ev.selection_note,
        "status": ev.status, "unit": {"id": ev.unit_id, "name": view.unit_name},
        "project": {"id": ev.project_id, "name": view.project_name} if ev.project_id else None,
        "fee_budget": view.fee_budget,
        "engagement": None if engagement is None else {
            "id": engagement.id, "status": engagement.status,
            "firm": {"id": engagement.firm_id, "name": engagement.firm_name},
            "lead_evaluator": {"id": engagement.lead_id, "name": engagement.lead_name}
            if engagement.lead_id else None, "team": list(engagement.team)},
        "methods": plan.get("methods") or [], "survey_sample_size": plan.get(
            "survey_sample_size"),
        "score_stage": view.score_stage, "total": view.total, "grade": view.grade,
        "finalised_at": ev.finalised_at, "results_issued_at": ev.results_issued_at,
        "groups": view.groups, "feedback": view.feedback, "consultations": view.consultations,
        "problems": view.problems, "documents": [_document(d) for d in view.documents],
        "upload_kinds": list(view.upload_kinds), "history": view.history,
        "open_tasks": task_cards(list(view.open_tasks)),
    }


@blp.route("")
@blp.arguments(EvaluationQuerySchema, location="query")
@blp.response(200, EvaluationPageSchema)
@blp.errors(401, 422)
def list_key_evaluations(query: dict):
    """A page of the key evaluations in the caller's scope, newest evaluated year first."""
    page_number, per_page = query.pop("page"), query.pop("per_page")
    page = list_evaluations(current_api_user(), EvaluationFilters.parse(query), page_number,
                            per_page)
    return {"items": [_row(r) for r in page.rows], "total": page.total, "page": page.page,
            "per_page": page.per_page, "pages": page.pages,
            "counts": {"by_status": page.by_status, "by_grade": page.by_grade}}


@blp.route("", methods=["POST"])
@blp.arguments(EvaluationProposalSchema)
@blp.response(201, EvaluationDetailSchema)
@blp.errors(401, 403, 409, 422)
def propose(body: dict):
    """Propose an object for key evaluation (performance section); the audit bureau is
    consulted first (R16)."""
    user = current_api_user()
    return _detail(evaluation_view(propose_evaluation(user, body), user))


@blp.route("/<int:evaluation_id>")
@blp.response(200, EvaluationDetailSchema)
@blp.errors(401, 404)
def get_key_evaluation(evaluation_id: int):
    """One evaluation's results; consultations only for those who see audit opinions."""
    user = current_api_user()
    return _detail(evaluation_view(get_evaluation_or_404(evaluation_id, user), user))


@blp.route("/<int:evaluation_id>/documents", methods=["POST"])
@blp.doc(requestBody=UPLOAD_DOC)
@blp.response(201, EvaluationDocumentSchema)
@blp.errors(401, 403, 404, 409, 413, 415, 422)
def add_document(evaluation_id: int):
    """Upload a document of a kind the caller may add to the evaluation now."""
    user = current_api_user()
    evaluation = get_evaluation_or_404(evaluation_id, user)
    if request.mimetype != "multipart/form-data":
        abort(415, description="send multipart/form-data with fields 'kind' and 'file'")
    kind = request.form.get("kind", "")
    if kind not in KINDS:
        raise InvalidInput(Msg("the form has errors"), {"kind": [Msg(
            "choose one of: %(options)s", options=", ".join(KINDS))]})
    posted = request.files.get("file")
    doc = upload_document(evaluation, user, kind, posted.filename if posted else None,
                          posted.stream if posted else BytesIO())
    return _document(DocumentLine(doc.id, doc.kind, doc.filename, doc.size, doc.content_type,
                                  doc.sha256, user.name, doc.uploaded_at))


@blp.route("/<int:evaluation_id>/report.xlsx")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX_MIME,
              description="The evaluation report: summary, indicator scores, problem list.")
@blp.errors(401, 404)
def report_xlsx(evaluation_id: int):
    """The evaluation report as an .xlsx workbook."""
    user = current_api_user()
    view = evaluation_view(get_evaluation_or_404(evaluation_id, user), user)
    response = send_file(BytesIO(export_report(view)), mimetype=XLSX_MIME, as_attachment=True,
                         download_name=f"重点评价报告-{view.evaluation.id}-{today():%Y%m%d}.xlsx")
    response.headers["Cache-Control"] = "private, no-store"
    return response
