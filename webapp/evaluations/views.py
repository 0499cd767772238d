"""The evaluation list, the results page, the printable report, the .xlsx report, documents.

Each view loads and authorizes (404 outside the user's scope; a firm user's refused read stays
in the audit trail past the request's rollback, see workflows.audit), calls one operation and
renders; the request commits.
"""

from __future__ import annotations

from io import BytesIO

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.evaluation import GRADES, KEY_EVALUATION_STATUSES
from workflows.errors import Conflict, InvalidInput
from workflows.evaluation import (
    can_propose,
    get_evaluation_or_404,
    open_document,
    upload_document,
)
from workflows.evaluation.documents import KINDS
from workflows.evaluation.report_xlsx import export_report
from workflows.evaluation.views import EvaluationFilters, evaluation_view, list_evaluations
from workflows.evidence import TYPES, max_bytes
from workflows.ledger_xlsx import XLSX_MIME
from workflows.projects import units_in_scope
from workflows.rectification import today

from ..downloads import send_document
from ..i18n import translate
from ..ledger.labels import ledger_globals
from . import bp
from .labels import evaluation_globals

__all__ = ["bp"]


@bp.context_processor
def inject_labels() -> dict:
    """The evaluation's label tables and the ledger's (its problems become ledger items)."""
    return {**ledger_globals(), **evaluation_globals()}


def _page_number() -> int:
    return request.args.get("page", 1, type=int)


@bp.route("/evaluations")
@login_required
def index():
    """Key evaluations in the user's scope, filtered and paged, with counts by status and
    grade."""
    filters = EvaluationFilters.parse(request.args)
    page = list_evaluations(current_user, filters, _page_number())
    return render_template(
        "evaluations/index.html", filters=filters, args=filters.as_args(), page=page,
        units=units_in_scope(current_user), statuses=KEY_EVALUATION_STATUSES, grades=GRADES,
        may_propose=can_propose(current_user))


@bp.route("/evaluations/<int:evaluation_id>")
@login_required
def detail(evaluation_id: int):
    """One evaluation's results: scores, problems and their ledger items, documents, history."""
    view = evaluation_view(get_evaluation_or_404(evaluation_id, current_user), current_user)
    return render_template(
        "evaluations/detail.html", view=view, ev=view.evaluation,
        accept=",".join(f".{ext}" for ext in sorted(TYPES)),
        max_mb=max_bytes() // (1024 * 1024))


@bp.route("/evaluations/<int:evaluation_id>/report")
@login_required
def report(evaluation_id: int):
    """The evaluation's results as a printable page."""
    view = evaluation_view(get_evaluation_or_404(evaluation_id, current_user), current_user)
    return render_template("evaluations/report.html", view=view, ev=view.evaluation,
                           printed_on=today())


@bp.route("/evaluations/<int:evaluation_id>/report.xlsx")
@login_required
def report_xlsx(evaluation_id: int):
    """The evaluation report workbook: summary, indicator scores, problem list."""
    view = evaluation_view(get_evaluation_or_404(evaluation_id, current_user), current_user)
    response = send_file(BytesIO(export_report(view)), as_attachment=True, mimetype=XLSX_MIME,
                         download_name=f"重点评价报告-{view.evaluation.id}-{today():%Y%m%d}.xlsx")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/evaluations/documents/<int:document_id>")
@login_required
def document(document_id: int):
    """Download a document of an evaluation the user may see; never rendered inline."""
    return send_document(*open_document(document_id, current_user))


@bp.route("/evaluations/<int:evaluation_id>/documents", methods=["POST"])
@login_required
def upload(evaluation_id: int):
    """Add one document of a kind the user may add; a refused file is flashed."""
    evaluation = get_evaluation_or_404(evaluation_id, current_user)
    target = url_for("evaluations.detail", evaluation_id=evaluation.id, _anchor="documents")
    kind = request.form.get("kind", "")
    posted = request.files.get("file")
    if kind not in KINDS:
        flash(_("Choose the kind of document."), "error")
        return redirect(target)
    try:
        doc = upload_document(evaluation, current_user, kind,
                              posted.filename if posted else None,
                              posted.stream if posted else BytesIO())
    except (InvalidInput, Conflict) as exc:
        details = [translate(m) for messages in (getattr(exc, "errors", None) or {}).values()
                   for m in (messages if isinstance(messages, list) else [messages])]
        flash(" ".join([translate(exc.message), *details]), "error")
        return redirect(target)
    flash(_("“%(file)s” has been uploaded.", file=doc.filename), "success")
    return redirect(target)
