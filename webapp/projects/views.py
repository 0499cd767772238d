"""Projects within the user's scope, and starting a goal declaration for one of them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows.goal_review import get_project_or_404, start_goal_declaration
from workflows.projects import can_declare, list_projects
from workflows.tasks import ready_tasks

bp = Blueprint("projects", __name__)


@bp.route("/projects")
@login_required
def index():
    """Projects in scope with their latest goal sheet, searchable by name."""
    q = request.args.get("q", "").strip()[:100] or None
    page = list_projects(current_user, q=q, page=max(request.args.get("page", 1, type=int), 1))
    declarable = {row.project.id for row in page.items if can_declare(row, current_user)}
    return render_template("projects/index.html", page=page, q=q, declarable=declarable)


@bp.route("/projects/<int:project_id>/declare", methods=["POST"])
@login_required
def declare(project_id: int):
    """Open the goal declaration and go straight to the filer's sheet."""
    project = get_project_or_404(project_id, current_user)
    instance = start_goal_declaration(project, current_user)
    flash(_("The goal declaration of “%(project)s” has been opened; fill in the sheet.",
            project=project.name), "success")
    tasks = ready_tasks(instance.id)
    if tasks:
        return redirect(url_for("inbox.task", task_id=tasks[0].id))
    return redirect(url_for("instances.detail", instance_id=instance.id))
