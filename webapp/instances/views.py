"""Process instance pages: status, current tasks, timeline and the highlighted diagram."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows.errors import InvalidInput
from workflows.goal_review import sheet_for_instance
from workflows.instance_control import can_control, control_instance
from workflows.instances import get_instance_or_404, instance_view
from workflows.projects import names_for_tasks, user_names

from ..inbox.labels import INSTANCE_STATUS_LABELS, label

bp = Blueprint("instances", __name__)


def _render(instance, control_errors=None, status: int = 200):
    view = instance_view(instance)
    return render_template(
        "instances/detail.html", instance=instance, view=view,
        sheet=sheet_for_instance(instance), names=names_for_tasks(view.tasks),
        started_by=user_names({instance.started_by_id}).get(instance.started_by_id),
        may_control=can_control(current_user), control_errors=control_errors or []), status


@bp.route("/instances/<int:instance_id>")
@login_required
def detail(instance_id: int):
    """One instance within the user's scope."""
    return _render(get_instance_or_404(instance_id, current_user, whole=True))


@bp.route("/instances/<int:instance_id>/control", methods=["POST"])
@login_required
def control(instance_id: int):
    """Suspend, resume or terminate (administrators, with a reason)."""
    instance = get_instance_or_404(instance_id, current_user, whole=True)
    try:
        control_instance(current_user, instance.id, request.form.get("action", ""),
                         request.form.get("reason"))
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render(instance, exc.errors.get("reason") or exc.errors.get("action"), 422)
    flash(_("The instance is now %(status)s.", status=label(INSTANCE_STATUS_LABELS,
                                                            instance.status)), "success")
    return redirect(url_for("instances.detail", instance_id=instance.id))


@bp.route("/instances/<int:instance_id>/diagram.xml")
@login_required
def diagram_xml(instance_id: int):
    """The BPMN of the definition version the instance is pinned to (the page adds the version
    hash to the URL, so a migrated instance is never drawn from a cached older version)."""
    instance = get_instance_or_404(instance_id, current_user, whole=True)
    return Response(instance.definition.bpmn_xml, mimetype="application/xml",
                    headers={"Cache-Control": "private, max-age=3600",
                             "X-Content-Type-Options": "nosniff",
                             # Data for bpmn-js, never a page: opened directly, nothing in it runs.
                             "Content-Security-Policy": "default-src 'none'; sandbox"})
