"""Projects within the user's scope, starting a goal declaration for one of them, the unit's
overall goals of the year and the adjustment of issued goals (R11)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows import unit_goals
from workflows.errors import InvalidInput
from workflows.goal_review import get_project_or_404, start_goal_declaration
from workflows.projects import can_declare, list_projects
from workflows.tasks import ready_tasks

from ..forms import safe_next

bp = Blueprint("projects", __name__)


@bp.route("/projects")
@login_required
def index():
    """Projects in scope with their latest goal sheet, searchable by name; the unit's own
    overall sheets above them."""
    q = request.args.get("q", "").strip()[:100] or None
    page = list_projects(current_user, q=q, page=max(request.args.get("page", 1, type=int), 1))
    declarable = {row.project.id for row in page.items if can_declare(row, current_user)}
    adjustable = {row.sheet.id for row in page.items
                  if unit_goals.can_adjust(row.sheet, current_user)}
    overall = unit_goals.overall_rows(current_user)
    return render_template(
        "projects/index.html", page=page, q=q, declarable=declarable, adjustable=adjustable,
        overall=overall, overall_declarable={
            r.year for r in overall if unit_goals.can_declare_overall(r, current_user)},
        overall_adjustable={r.sheet.id for r in overall
                            if unit_goals.can_adjust(r.sheet, current_user)})


def _flash_errors(exc: InvalidInput) -> None:
    """A one-field form's errors, said where the list page shows its messages."""
    for messages in exc.errors.values():
        for message in messages:
            flash(message, "error")


def _to_filer_task(instance, message: str):
    flash(message, "success")
    tasks = ready_tasks(instance.id)
    if tasks:
        return redirect(url_for("inbox.task", task_id=tasks[0].id))
    return redirect(url_for("instances.detail", instance_id=instance.id))


@bp.route("/projects/<int:project_id>/declare", methods=["POST"])
@login_required
def declare(project_id: int):
    """Open the goal declaration and go straight to the filer's sheet."""
    project = get_project_or_404(project_id, current_user)
    instance = start_goal_declaration(project, current_user)
    return _to_filer_task(instance, _(
        "The goal declaration of “%(project)s” has been opened; fill in the sheet.",
        project=project.name))


@bp.route("/overall-goals/declare", methods=["POST"])
@login_required
def declare_overall():
    """Open the unit's overall goal declaration of a year (R6)."""
    try:
        instance = unit_goals.declare_overall(current_user, request.form.get("fiscal_year"))
    except InvalidInput as exc:
        _flash_errors(exc)
        return redirect(url_for("projects.index"))
    return _to_filer_task(instance, _(
        "The unit's overall goal declaration of %(year)s has been opened; fill in the sheet.",
        year=request.form.get("fiscal_year")))


@bp.route("/sheets/<int:sheet_id>/adjust", methods=["POST"])
@login_required
def adjust(sheet_id: int):
    """Ask for an adjustment of issued goals with the reason (R11): a new version through the
    same gates."""
    try:
        instance = unit_goals.adjust_sheet(current_user, sheet_id, request.form.get("reason"))
    except InvalidInput as exc:
        _flash_errors(exc)
        return redirect(safe_next(request.form.get("next"), url_for("projects.index")))
    return _to_filer_task(instance, _(
        "The adjustment has been opened as a new version; change the goals and submit them."))
