"""The ledger API: items, problems, evidence and the .xlsx export."""

from __future__ import annotations

from io import BytesIO

from flask import abort, request, send_file

from models import Document
from workflows.evidence import upload_evidence
from workflows.ledger import (
    ItemView,
    LedgerFilters,
    LedgerRow,
    item_view,
    list_items,
    page_and_summary,
)
from workflows.ledger_xlsx import XLSX_MIME, export_ledger
from workflows.rectification import get_item_or_404, record_problem, today

from .auth import current_api_user, protect
from .core import ApiBlueprint
from .ledger_schemas import (
    DocumentSchema,
    LedgerFilterSchema,
    LedgerItemDetailSchema,
    LedgerPageSchema,
    LedgerQuerySchema,
    ProblemCreateSchema,
)
from .presenters import task_cards

UPLOAD_DOC = {
    "required": True,
    "description": "One evidence file (pdf, jpg, png, doc(x), xls(x), ofd, zip) as field `file`.",
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}}}}},
}

blp = ApiBlueprint("api_ledger", __name__, url_prefix="/api/v1/ledger",
                   description="Rectification ledger (整改台账).")
protect(blp)


def _row(row: LedgerRow) -> dict:
    return {
        "id": row.id, "unit": {"id": row.unit_id, "name": row.unit_name},
        "problem": {"id": row.problem_id, "description": row.description,
                    "source": row.source, "category": row.category, "severity": row.severity,
                    "amount_involved": row.amount_involved,
                    "problem_list_no": row.problem_list_no},
        "deadline": row.deadline, "original_deadline": row.original_deadline,
        "status": row.status, "overdue_days": row.overdue_days,
        "escalation_level": row.escalation_level, "return_count": row.return_count,
        "signed_off_at": row.signed_off_at,
    }


def _document(doc: Document) -> dict:
    return {"id": doc.id, "filename": doc.filename, "size": doc.size, "sha256": doc.sha256,
            "content_type": doc.content_type, "uploaded_at": doc.uploaded_at,
            "download_url": f"/ledger/documents/{doc.id}"}


def _detail(view: ItemView) -> dict:
    """An item page as the API dumps it; who verified and signed off come from its history."""
    item, problem = view.item, view.problem
    verifier = signer = None
    for entry in view.history:
        if entry.action.startswith("verify."):
            verifier = entry.actor
        elif entry.action == "sign.off":
            signer = entry.actor
    return {
        "id": item.id, "unit": {"id": item.unit_id, "name": item.unit.name},
        "problem": problem, "fiscal_year": item.fiscal_year, "deadline": item.deadline,
        "original_deadline": item.original_deadline, "status": item.status,
        "overdue_days": view.overdue_days, "escalation_level": item.escalation_level,
        "return_count": item.return_count, "signed_off_at": item.signed_off_at,
        "measures": item.measures, "responsible_person": item.responsible_person,
        "plan_due": item.plan_due, "planned_completion": item.planned_completion,
        "suggested_measure": problem.suggested_measure,
        "verify_result": item.verify_result, "verify_comment": item.verify_comment,
        "verified_at": item.verified_at,
        "verified_by": {"id": item.verified_by_id, "name": verifier}
        if item.verified_by_id else None,
        "signed_off_by": {"id": item.signed_off_by_id, "name": signer}
        if item.signed_off_by_id else None,
        "extension_history": item.extension_history,
        "evidence": [_document(doc) for doc in view.evidence],
        "open_tasks": task_cards(view.open_tasks),
        "reminders": [{"level": r.level, "channel": r.channel, "sent_at": r.sent_at,
                       "recipients": len(r.recipient_ids or [])} for r in view.reminders],
        "history": view.history,
    }


@blp.route("/items")
@blp.arguments(LedgerQuerySchema, location="query")
@blp.response(200, LedgerPageSchema)
@blp.errors(401, 422)
def list_ledger(query: dict):
    """A page of the ledger within the caller's scope; `summary=1` adds the closure summary."""
    user = current_api_user()
    filters = LedgerFilters.parse(query)
    stats = None
    if query["summary"]:
        page, stats = page_and_summary(user, filters)
    else:
        page = list_items(user, filters)
    body = {"items": [_row(row) for row in page.rows], "total": page.total,
            "page": page.page, "per_page": page.per_page, "pages": page.pages}
    if stats is not None:
        body["summary"] = stats
    return body


@blp.route("/items/<int:item_id>")
@blp.response(200, LedgerItemDetailSchema)
@blp.errors(401, 404)
def get_ledger_item(item_id: int):
    """One item with its evidence, open tasks, reminders and history."""
    return _detail(item_view(item_id, current_api_user()))


@blp.route("/problems", methods=["POST"])
@blp.arguments(ProblemCreateSchema)
@blp.response(201, LedgerItemDetailSchema)
@blp.errors(401, 403, 409, 422)
def create_problem(body: dict):
    """Record a problem (performance section); its ledger item and workflow start at once."""
    user = current_api_user()
    item = record_problem(user, body)
    return _detail(item_view(item.id, user))


@blp.route("/items/<int:item_id>/evidence", methods=["POST"])
@blp.doc(requestBody=UPLOAD_DOC)
@blp.response(201, DocumentSchema)
@blp.errors(401, 403, 404, 409, 413, 415, 422)
def add_evidence(item_id: int):
    """Upload an evidence file for an item of the caller's own unit, before it is submitted."""
    user = current_api_user()
    item = get_item_or_404(item_id, user)
    if request.mimetype != "multipart/form-data":
        abort(415, description="send multipart/form-data with the evidence as field 'file'")
    posted = request.files.get("file")
    filename, stream = (posted.filename, posted.stream) if posted else (None, BytesIO())
    return _document(upload_evidence(item, user, filename, stream))


@blp.route("/export.xlsx")
@blp.arguments(LedgerFilterSchema, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX_MIME,
              description="The 整改台账 workbook of every matching row in the caller's scope.")
@blp.errors(401, 422)
def export_xlsx(query: dict):
    """The ledger rows matching the filters, in their order, as an .xlsx workbook."""
    data = export_ledger(current_api_user(), LedgerFilters.parse(query))
    response = send_file(BytesIO(data), mimetype=XLSX_MIME, as_attachment=True,
                         download_name=f"整改台账-{today():%Y%m%d}.xlsx")
    response.headers["Cache-Control"] = "private, no-store"
    return response
