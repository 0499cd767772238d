"""Completing a task from its page: the one submit path the processes' task pages share."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from models import Task
from workflows.errors import InvalidInput
from workflows.tasks import complete_user_task

from .generated_fields import keep_errors, with_generated
from .inbox.labels import task_label

Rerender = Callable[..., ResponseReturnValue]


def submit_from_page(task: Task, payload: dict, rerender: Rerender) -> ResponseReturnValue:
    """Complete the task with the page's payload (plus the diagram's generated fields); refused
    input re-renders the page with the errors by their fields (422)."""
    try:
        complete_user_task(task, current_user, with_generated(payload, task, request.form))
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return rerender(task, request.form, keep_errors(exc.errors), 422)
    flash(_("“%(task)s” is done: %(subject)s.", task=task_label(task.task_key, task.name),
            subject=task.subject), "success")
    return redirect(url_for("inbox.index"))
