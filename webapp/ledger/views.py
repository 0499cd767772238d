"""Ledger pages: the list with its summary, one item, evidence, problems, import and export.

Each view loads and authorizes, calls one operation and renders; the request commits.
The import, export and settings pages live in sibling modules on the same blueprint.
"""

from __future__ import annotations

from io import BytesIO

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.ledger import PROBLEM_CATEGORIES, PROBLEM_SOURCES, SEVERITIES
from workflows.errors import InvalidInput
from workflows.evidence import TYPES, max_bytes, open_evidence, upload_evidence
from workflows.ledger import STATUS_FILTERS, LedgerFilters, item_view, page_and_summary
from workflows.ledger_settings import can_edit_settings
from workflows.ledger_units import problem_choices
from workflows.projects import names_for_tasks, units_in_scope, user_names
from workflows.rectification import get_item_or_404, record_problem, today

from ..downloads import send_document
from . import settings_page, transfer  # noqa: F401  (their routes join the blueprint)
from .access import may_record, may_upload, require_recorder
from .blueprint import bp

PROBLEM_FIELDS = ("source", "source_ref", "problem_list_no", "unit_id", "project_id",
                  "fiscal_year", "description", "category", "severity", "amount_involved",
                  "suggested_measure", "responsible_person", "deadline")

__all__ = ["bp"]


def link_args(f: LedgerFilters) -> dict:
    """The filters as query arguments (without sort and page), for links that keep them."""
    args = {"unit_id": f.unit_id, "source": f.source, "status": f.status, "year": f.year,
            "q": f.q, "overdue": None if f.overdue is None else ("yes" if f.overdue else "no")}
    return {key: value for key, value in args.items() if value not in (None, "")}


def sort_arg(f: LedgerFilters) -> str:
    """The sort as its query argument: `-deadline` for descending."""
    return ("-" if f.descending else "") + f.sort


@bp.route("/ledger")
@login_required
def index():
    """The rectification ledger (整改台账) in the user's scope, filtered, sorted and paged."""
    filters = LedgerFilters.parse(request.args)
    page, stats = page_and_summary(current_user, filters)
    return render_template(
        "ledger/index.html", filters=filters, args=link_args(filters), sort=sort_arg(filters),
        page=page, stats=stats,
        units=units_in_scope(current_user), sources=PROBLEM_SOURCES, statuses=STATUS_FILTERS,
        may_record=may_record(current_user), may_configure=can_edit_settings(current_user))


def _render_item(item_id: int, upload_error: InvalidInput | None = None, status: int = 200):
    view = item_view(item_id, current_user)
    item, problem = view.item, view.problem
    people = user_names({item.filer_id, item.submitted_by_id, item.verified_by_id,
                         item.signed_off_by_id, *(d.uploaded_by_id for d in view.evidence)})
    return render_template(
        "ledger/item.html", view=view, item=item, problem=problem, unit=item.unit,
        project=problem.project, people=people, names=names_for_tasks(view.open_tasks),
        may_upload=may_upload(item, current_user), upload_error=upload_error,
        accept=",".join(f".{ext}" for ext in sorted(TYPES)),
        max_mb=max_bytes() // (1024 * 1024)), status


@bp.route("/ledger/items/<int:item_id>")
@login_required
def item(item_id: int):
    """One ledger item: the problem, the rectification, evidence, reminders and history."""
    return _render_item(item_id)


@bp.route("/ledger/items/<int:item_id>/evidence", methods=["POST"])
@login_required
def upload(item_id: int):
    """Add one evidence file; a refused file re-renders the item with the reason."""
    item = get_item_or_404(item_id, current_user)
    posted = request.files.get("file")
    try:
        doc = upload_evidence(item, current_user, posted.filename if posted else None,
                              posted.stream if posted else BytesIO())
    except InvalidInput as exc:
        return _render_item(item_id, upload_error=exc, status=422)
    flash(_("“%(file)s” has been uploaded.", file=doc.filename), "success")
    return redirect(url_for("ledger.item", item_id=item_id, _anchor="evidence"))


@bp.route("/ledger/documents/<int:document_id>")
@login_required
def document(document_id: int):
    """Download an evidence file of an item in scope; never rendered inline."""
    return send_document(*open_evidence(document_id, current_user))


def _render_problem_form(values: dict, errors: dict | None = None, status: int = 200):
    return render_template(
        "ledger/problem_form.html", values=values, errors=errors or {},
        units=problem_choices(current_user), sources=PROBLEM_SOURCES,
        categories=PROBLEM_CATEGORIES, severities=SEVERITIES, this_year=today().year), status


@bp.route("/ledger/problems/new", methods=["GET", "POST"])
@login_required
def new_problem():
    """Record one problem by hand; its ledger item and rectification start at once."""
    require_recorder(current_user)
    if request.method == "GET":
        return _render_problem_form({"severity": "normal", "fiscal_year": str(today().year)})
    values = {key: request.form.get(key, "") for key in PROBLEM_FIELDS}
    try:
        created = record_problem(current_user, values)
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render_problem_form(values, exc.errors, 422)
    flash(_("The problem has been recorded as ledger item %(id)s.", id=created.id), "success")
    return redirect(url_for("ledger.item", item_id=created.id))
