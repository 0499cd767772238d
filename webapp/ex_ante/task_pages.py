"""The ex-ante assessment's task pages, drawn for the inbox's /tasks/<id> (TASK_PAGES)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from models import ProcessInstance, Task, db
from models.ex_ante import DIMENSIONS, JOINT_PARTIES, MODES
from models.firm import PROCUREMENT_METHODS
from workflows.evaluation.choices import firm_choices
from workflows.ex_ante import (
    APPROVE,
    COMPLETENESS,
    FILL,
    LEADER_REVIEW,
    MODE,
    PROCESS_KEY,
    REVISE,
    SCORE,
    assessment_for_instance,
    assessment_view,
    get_assessment_or_404,
)
from workflows.ex_ante.forms import APPLICATION_FIELDS
from workflows.instances import instance_view
from workflows.projects import names_for_tasks, user_names

from ..firms.labels import firm_globals
from ..forms import engagement_payload, wan_text, yuan_from_wan
from ..inbox.views import TASK_PAGES, blocked_state
from ..task_submit import submit_from_page
from .labels import ex_ante_globals


def _decision(form: MultiDict) -> dict:
    return {"decision": form.get("decision") or None, "comment": form.get("comment", "")}


PAYLOADS = {
    FILL: lambda form: {
        "application": {key: form.get(key, "") for key in APPLICATION_FIELDS},
        "self_scores": {d: form.get(f"self-{d}", "") for d in DIMENSIONS}},
    LEADER_REVIEW: _decision,
    COMPLETENESS: _decision,
    APPROVE: _decision,
    MODE: lambda form: {"mode": form.get("mode") or None,
                        "joint_parties": form.getlist("joint_parties"),
                        **engagement_payload(form)},
    SCORE: lambda form: {"dimension_scores": {d: form.get(f"score-{d}", "")
                                              for d in DIMENSIONS},
                         "recommended_amount": yuan_from_wan(form.get("recommended_wan")),
                         "opinion": form.get("opinion", "")},
    REVISE: lambda form: {"revision_note": form.get("revision_note", "")},
}


def _defaults(task: Task, assessment) -> MultiDict:
    """What a form first shows: the unit's last application, or the scores so far."""
    values = MultiDict()
    if task.form_key == FILL:
        for key in APPLICATION_FIELDS:
            values[key] = (assessment.application or {}).get(key, "")
        for d in DIMENSIONS:
            values[f"self-{d}"] = (assessment.self_scores or {}).get(d, "")
    elif task.form_key == SCORE:
        for d in DIMENSIONS:
            values[f"score-{d}"] = (assessment.scores or {}).get(d, "")
        values["opinion"] = assessment.opinion or ""
        values["recommended_wan"] = wan_text(assessment.recommended_amount)
    return values


def render_task(task: Task, values: MultiDict | None = None, errors: dict | None = None,
                status: int = 200):
    """The task with its assessment and, when the user may act, the step's form."""
    # the task is already the user's to see; firm staff and joint parties see the assessment
    # (R18, logged) though not its unit
    instance = db.get(ProcessInstance, task.instance_id)
    assessment = get_assessment_or_404(assessment_for_instance(instance).id, current_user)
    blocked, refusal = blocked_state(task, instance)
    view = assessment_view(assessment, current_user)
    people = user_names({instance.started_by_id, task.completed_by_id, assessment.filer_id,
                         assessment.assessor_id})
    return render_template(
        "ex_ante/task.html", task=task, instance=instance, view=view, a=assessment,
        history=instance_view(instance).history, names=names_for_tasks([task]).get(task.id),
        people=people, blocked=blocked, refusal=refusal,
        values=values if values is not None else _defaults(task, assessment),
        errors=errors or {}, modes=MODES, parties=JOINT_PARTIES,
        procurement=PROCUREMENT_METHODS, dimensions=DIMENSIONS,
        application_fields=APPLICATION_FIELDS,
        firms=firm_choices(assessment.bureau_id) if task.form_key == MODE else [],
        **firm_globals(), **ex_ante_globals()), status


def submit_task(task: Task):
    """Complete the task with the posted form; invalid input re-renders it with the errors."""
    build = PAYLOADS.get(task.form_key, lambda form: {})
    return submit_from_page(task, build(request.form), render_task)


TASK_PAGES[PROCESS_KEY] = (render_task, submit_task)
