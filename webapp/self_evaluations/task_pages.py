"""The self-evaluation's task pages, drawn for the inbox's /tasks/<id> (TASK_PAGES): the
evaluation, its history and, when the user may act, the step's form with errors by its fields."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from models import ProcessInstance, Task
from workflows.errors import InvalidInput, NotFound
from workflows.instances import get_instance_or_404, instance_view
from workflows.messages import Msg
from workflows.projects import names_for_tasks, user_names
from workflows.self_evaluation import (
    FILL,
    FINANCE_STEPS,
    PROCESS_KEY,
    EvaluationDetail,
    evaluation_for_instance,
    evaluation_view,
    sees_spot_checks,
)
from workflows.tasks import complete_user_task

from ..generated_fields import keep_errors, with_generated
from ..inbox.labels import task_label
from ..inbox.views import TASK_PAGES, blocked_state
from .forms import PROBLEM_ROWS, fill_values, form_rows, payload_for
from .labels import self_evaluation_globals


def _load(task: Task) -> tuple[ProcessInstance, EvaluationDetail]:
    """The instance and the evaluation as the user may read them; the spot-check steps do not
    exist for anyone who may not see the spot check."""
    instance = get_instance_or_404(task.instance_id, current_user)
    detail = evaluation_view(evaluation_for_instance(instance).id, current_user)
    if task.task_key in FINANCE_STEPS and not sees_spot_checks(current_user):
        raise NotFound(Msg("task not found"))
    return instance, detail


def show_task(task: Task, values: MultiDict | None = None, errors: dict | None = None,
              status: int = 200):
    """The task page; `values` and `errors` re-show a refused form."""
    instance, detail = _load(task)
    blocked, refusal = blocked_state(task, instance)
    if values is None:
        values = fill_values(detail) if task.form_key == FILL else MultiDict()
    e = detail.evaluation
    view = instance_view(instance)
    history = [h for h in view.history
               if sees_spot_checks(current_user) or h.task_key not in FINANCE_STEPS]
    returns = [h for h in history if h.decision == "return"]
    return render_template(
        "self_evaluations/task.html", task=task, instance=instance, view=detail, e=e,
        history=history, last_return=returns[-1] if returns and task.status == "ready"
        and task.task_key in ("fill_evaluation", "spot_check") else None,
        names=names_for_tasks([task]).get(task.id),
        people=user_names({instance.started_by_id, task.completed_by_id, e.filer_id,
                           e.checked_by_id}),
        blocked=blocked, refusal=refusal, values=values, errors=errors or {},
        problem_rows=PROBLEM_ROWS, finance=sees_spot_checks(current_user),
        **self_evaluation_globals()), status


def submit_task(task: Task):
    """Complete the task with the posted form; refused input re-shows it with the errors."""
    instance, detail = _load(task)
    payload, local, rows = payload_for(task.form_key, request.form, detail)
    try:
        if local:  # a figure the operation would misread (万元 finer than a fen)
            raise InvalidInput(Msg("the form has errors"), {})
        complete_user_task(task, current_user, with_generated(payload, task, request.form))
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        own = keep_errors(exc.errors)
        return show_task(task, request.form, {**form_rows(own, rows), **local}, 422)
    flash(_("“%(task)s” is done: %(subject)s.", task=task_label(task.task_key, task.name),
            subject=task.subject), "success")
    return redirect(url_for("self_evaluations.detail", evaluation_id=detail.evaluation.id))


TASK_PAGES[PROCESS_KEY] = (show_task, submit_task)
