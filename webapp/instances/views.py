"""Process instance pages: status, current tasks, timeline and the highlighted diagram."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from workflows.goal_review import sheet_for_instance
from workflows.instances import get_instance_or_404, instance_view
from workflows.projects import names_for_tasks, user_names

bp = Blueprint("instances", __name__)


@bp.route("/instances/<int:instance_id>")
@login_required
def detail(instance_id: int):
    """One instance within the user's scope."""
    instance = get_instance_or_404(instance_id, current_user, whole=True)
    view = instance_view(instance)
    return render_template(
        "instances/detail.html", instance=instance, view=view,
        sheet=sheet_for_instance(instance), names=names_for_tasks(view.tasks),
        started_by=user_names({instance.started_by_id}).get(instance.started_by_id))


@bp.route("/instances/<int:instance_id>/diagram.xml")
@login_required
def diagram_xml(instance_id: int):
    """The BPMN of the definition version the instance is pinned to."""
    instance = get_instance_or_404(instance_id, current_user, whole=True)
    return Response(instance.definition.bpmn_xml, mimetype="application/xml",
                    headers={"Cache-Control": "private, max-age=3600",
                             "X-Content-Type-Options": "nosniff",
                             # Data for bpmn-js, never a page: opened directly, nothing in it runs.
                             "Content-Security-Policy": "default-src 'none'; sandbox"})
