"""Ex-ante assessment pages: the list with its summary, applying for a project, one
assessment. Each view loads and authorizes, calls one operation and renders."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.ex_ante import CONCLUSIONS, EX_ANTE_STATUSES
from workflows.ex_ante import (
    AssessmentFilters,
    assessment_view,
    get_assessment_or_404,
    list_assessments,
    projects_to_assess,
    start_assessment,
)
from workflows.goal_review import get_project_or_404
from workflows.projects import names_for_tasks, units_in_scope, user_names
from workflows.tasks import ready_tasks

from . import task_pages  # noqa: F401  (registers the task pages with the inbox)
from .labels import ex_ante_globals

bp = Blueprint("ex_ante", __name__)


@bp.context_processor
def inject_labels() -> dict:
    """The ex-ante label tables, for its own pages."""
    return ex_ante_globals()


def _args(f: AssessmentFilters) -> dict:
    args = {"year": f.year, "status": f.status, "conclusion": f.conclusion,
            "unit_id": f.unit_id}
    return {k: v for k, v in args.items() if v not in (None, "")}


@bp.route("/ex-ante")
@login_required
def index():
    """Assessments in the user's scope, with counts and the amounts cut; a filer's projects
    that still need one."""
    filters = AssessmentFilters.parse(request.args)
    page = list_assessments(current_user, filters)
    return render_template(
        "ex_ante/index.html", page=page, filters=filters, args=_args(filters),
        units=units_in_scope(current_user), statuses=EX_ANTE_STATUSES,
        conclusions=CONCLUSIONS, to_assess=projects_to_assess(current_user))


@bp.route("/projects/<int:project_id>/ex-ante", methods=["POST"])
@login_required
def start(project_id: int):
    """A filer applies for the project's assessment; their application task opens."""
    assessment = start_assessment(get_project_or_404(project_id, current_user), current_user)
    flash(_("The ex-ante application for “%(name)s” is open: fill it in and submit it.",
            name=assessment.project.name), "success")
    tasks = ready_tasks(assessment.instance_id)
    if tasks:
        return redirect(url_for("inbox.task", task_id=tasks[0].id))
    return redirect(url_for("ex_ante.detail", assessment_id=assessment.id))


@bp.route("/ex-ante/<int:assessment_id>")
@login_required
def detail(assessment_id: int):
    """One assessment: the application, the unit's self-assessment beside the assessor's
    scores, the conclusion and amounts, the engagement, its history and open steps."""
    view = assessment_view(get_assessment_or_404(assessment_id, current_user), current_user)
    a = view.assessment
    people = user_names({a.filer_id, a.assessor_id, a.approved_by_id})
    return render_template("ex_ante/detail.html", view=view, a=a, people=people,
                           names=names_for_tasks(view.open_tasks))
