"""The monitoring task pages, drawn for the inbox's /tasks/<id> (TASK_PAGES)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from models import Task
from models.monitoring import CAUSES, DECISIONS
from workflows.instances import get_instance_or_404, instance_view
from workflows.monitoring import FILL, PROCESS_KEY, report_for_instance, report_view
from workflows.projects import names_for_tasks, user_names

from ..inbox.views import TASK_PAGES, blocked_state
from ..task_submit import submit_from_page
from .forms import fill_values, payload_for
from .labels import monitoring_globals


def render_task(task: Task, values: MultiDict | None = None, errors: dict | None = None,
                status: int = 200):
    """The task with its report and, when the user may act, the step's form."""
    instance = get_instance_or_404(task.instance_id, current_user)
    view = report_view(report_for_instance(instance).id, current_user)
    blocked, refusal = blocked_state(task, instance)
    if values is None:
        values = fill_values(view) if task.form_key == FILL else MultiDict()
    r = view.report
    return render_template(
        "monitoring/task.html", task=task, instance=instance, view=view, r=r,
        history=instance_view(instance).history, names=names_for_tasks([task]).get(task.id),
        people=user_names({instance.started_by_id, task.completed_by_id, r.filer_id,
                           r.decided_by_id, r.approved_by_id}),
        blocked=blocked, refusal=refusal, values=values, errors=errors or {}, causes=CAUSES,
        decisions=[d for d in DECISIONS if d != "none"], **monitoring_globals()), status


def submit_task(task: Task):
    """Complete the task with the posted form; invalid input re-renders it with the errors."""
    instance = get_instance_or_404(task.instance_id, current_user)
    view = report_view(report_for_instance(instance).id, current_user)
    return submit_from_page(task, payload_for(task.form_key, request.form, view), render_task)


TASK_PAGES[PROCESS_KEY] = (render_task, submit_task)
