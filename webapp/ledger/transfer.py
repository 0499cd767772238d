"""The ledger as a spreadsheet: export with the page's filters, the import template, import."""

from __future__ import annotations

from io import BytesIO

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from workflows.errors import InvalidInput
from workflows.ledger import LedgerFilters
from workflows.ledger_import import import_problems
from workflows.ledger_xlsx import export_ledger, template_workbook
from workflows.messages import Msg
from workflows.rectification import today

from .access import require_recorder
from .blueprint import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, name: str):
    # send_file writes the Chinese name as RFC 5987 filename*, with an ASCII fallback
    response = send_file(BytesIO(data), as_attachment=True, download_name=name, mimetype=XLSX)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/ledger/export.xlsx")
@login_required
def export():
    """The rows of the ledger matching the filters, in the user's scope, as .xlsx."""
    filters = LedgerFilters.parse(request.args)
    return _xlsx(export_ledger(current_user, filters), f"整改台账-{today():%Y%m%d}.xlsx")


@bp.route("/ledger/import-template.xlsx")
@login_required
def import_template():
    """The empty workbook to fill in for an import."""
    require_recorder(current_user)
    return _xlsx(template_workbook(), "问题清单导入模板.xlsx")


def _render_import(error: InvalidInput | None = None, status: int = 200):
    return render_template("ledger/import.html", error=error), status


@bp.route("/ledger/import", methods=["GET", "POST"])
@login_required
def import_page():
    """Import a problem list from .xlsx: every row valid, or nothing imported."""
    require_recorder(current_user)
    if request.method == "GET":
        return _render_import()
    posted = request.files.get("file")
    if posted is None or not posted.filename:
        return _render_import(InvalidInput(Msg("the file has no name"), {
            "file": [Msg("choose a file to upload")]}), 422)
    try:
        items = import_problems(current_user, posted.read())
    except InvalidInput as exc:
        return _render_import(exc, 422)
    flash(ngettext("%(num)d problem imported.", "%(num)d problems imported.", len(items)),
          "success")
    return redirect(url_for("ledger.index"))
