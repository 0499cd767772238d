"""Process list for administrators: every key, its versions and their instances; downloads."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from workflows.process_catalog import definition_source, process_catalog

bp = Blueprint("processes", __name__)


@bp.route("/admin/processes")
@login_required
def index():
    """Every deployed process and decision table with its versions."""
    return render_template("processes/index.html", entries=process_catalog(current_user))


@bp.route("/admin/processes/<path:key>/v<int:version>/download")
@login_required
def download(key: str, version: int):
    """One version's XML as it was deployed, as a file."""
    definition, filename = definition_source(current_user, key, version)
    response = Response(definition.bpmn_xml, mimetype="application/xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
