"""The modeler pages: edit a process or decision table, start a new one, save, try a table."""

from __future__ import annotations

import re

from flask import Response, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows.deploy import DefinitionRefused
from workflows.errors import JixiaoError
from workflows.process_editor import (
    blank_diagram,
    editor_context,
    new_process_id,
    save_definition,
    try_decision,
)

from ..i18n import translate
from .views import bp

_PROCESS_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")


@bp.route("/admin/processes/new")
@login_required
def new():
    """The modeler on a blank diagram."""
    context = editor_context(current_user, None)
    process_id = new_process_id()
    return render_template("processes/modeler.html", context=context,
                           xml_url=url_for(".blank", process_id=process_id),
                           download_name=f"{process_id}.bpmn")


@bp.route("/admin/processes/blank/<process_id>.bpmn")
@login_required
def blank(process_id: str):
    """The blank diagram the modeler starts a new process from."""
    editor_context(current_user, None)  # administrators only
    if not _PROCESS_ID.match(process_id):
        abort(404)
    return Response(blank_diagram(process_id), mimetype="application/xml")


@bp.route("/admin/processes/<path:key>/edit")
@login_required
def edit(key: str):
    """The modeler (or the DMN editor) on the newest version of a key."""
    context = editor_context(current_user, key)
    stem = key.removeprefix("dmn:")
    return render_template(
        "processes/dmn_editor.html" if context.is_decision else "processes/modeler.html",
        context=context, download_name=f"{stem}.{'dmn' if context.is_decision else 'bpmn'}",
        xml_url=url_for(".download", key=key, version=context.version))


def _json_error(exc: JixiaoError):
    body = {"message": translate(exc.message)}
    if isinstance(exc, DefinitionRefused):
        body["problems"] = [{"element_id": p.element_id, "message": translate(p.message)}
                            for p in exc.problems]
    return jsonify(body), exc.status


def _base(body: dict) -> tuple[str, int] | None:
    """The (key, version) the editor was opened on, when the editor sent it."""
    key, version = body.get("base_key"), body.get("base_version")
    if isinstance(key, str) and isinstance(version, int) and not isinstance(version, bool):
        return key, version
    return None


@bp.route("/admin/processes/save", methods=["POST"])
@login_required
def save():
    """Validate the posted XML and deploy it as the next version; JSON in and out."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"message": _("Send a JSON object with the XML.")}), 400
    try:
        saved = save_definition(current_user, body.get("xml"), body.get("kind", "bpmn"),
                                _base(body))
    except JixiaoError as exc:
        return _json_error(exc)
    message = (_("Version %(v)s deployed: new instances start on it.", v=saved.version)
               if saved.created else
               _("Nothing changed: version %(v)s stays active.", v=saved.version))
    return jsonify({"created": saved.created, "key": saved.key, "version": saved.version,
                    "url": url_for(".index", _anchor=saved.key), "message": message,
                    "edit_url": url_for(".edit", key=saved.key)}), 201 if saved.created else 200


@bp.route("/admin/decisions/test", methods=["POST"])
@login_required
def test_decision():
    """Evaluate the editor's (unsaved) decision table on the typed inputs."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"message": _("Send a JSON object with the XML.")}), 400
    try:
        trial = try_decision(current_user, body.get("xml"), body.get("decision_id"),
                             body.get("inputs"))
    except JixiaoError as exc:
        return _json_error(exc)
    return jsonify({"rule_id": trial.rule_id, "row": trial.row, "outputs": trial.outputs,
                    "message": _("Rule %(row)s matched.", row=trial.row)})
