"""The result application's task pages, drawn for the inbox's /tasks/<id> (TASK_PAGES)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from models import Task
from workflows.instances import get_instance_or_404, instance_view
from workflows.projects import names_for_tasks, user_names
from workflows.results import APPLY, PROCESS_KEY, application_for_instance, application_view

from ..forms import yuan_from_wan
from ..inbox.views import TASK_PAGES, blocked_state
from ..task_submit import submit_from_page
from .labels import results_globals


def payload_of(form_key: str, form: MultiDict) -> dict:
    """The posted page as the handler's payload (money in 万元 becomes yuan)."""
    if form_key == APPLY:
        return {"applied_effect": yuan_from_wan(form.get("applied_effect_wan")),
                "note": form.get("note", "")}
    payload = {"decision": form.get("decision") or None, "comment": form.get("comment", "")}
    if form.get("pct"):
        payload["pct"] = form.get("pct")
    return payload


def render_task(task: Task, values: MultiDict | None = None, errors: dict | None = None,
                status: int = 200):
    """The task with its proposal and, when the user may act, the step's form."""
    instance = get_instance_or_404(task.instance_id, current_user)
    view = application_view(application_for_instance(instance).id, current_user)
    blocked, refusal = blocked_state(task, instance)
    a = view.application
    return render_template(
        "results/task.html", task=task, instance=instance, view=view, a=a,
        history=instance_view(instance).history, names=names_for_tasks([task]).get(task.id),
        people=user_names({instance.started_by_id, task.completed_by_id, a.reviewed_by_id,
                           a.section_commented_by_id, a.approved_by_id}),
        blocked=blocked, refusal=refusal, values=values or MultiDict(), errors=errors or {},
        **results_globals()), status


def submit_task(task: Task):
    """Complete the task with the posted form; invalid input re-renders it with the errors."""
    return submit_from_page(task, payload_of(task.form_key, request.form), render_task)


TASK_PAGES[PROCESS_KEY] = (render_task, submit_task)
