"""The diagram's generated form fields on task pages: the posted values, and their errors."""

from __future__ import annotations

from flask import g
from werkzeug.datastructures import MultiDict

from models import Task
from workflows.tasks import task_form_fields

PREFIX = "field:"  # input names of generated fields, apart from the domain form's own
CHECKED = ("true", "on", "1")


def posted_data(task: Task, formdata: MultiDict) -> dict:
    """The values posted for the task's generated fields (an unticked box is false)."""
    data = {}
    for field in task_form_fields(task):
        name = PREFIX + field.id
        if field.readonly:
            continue
        if field.type == "boolean":
            data[field.id] = "true" if formdata.get(name) in CHECKED else "false"
        elif name in formdata:
            data[field.id] = formdata.get(name)
    return data


def with_generated(payload: dict, task: Task, formdata: MultiDict) -> dict:
    """A domain form's payload plus the generated fields under `data`."""
    data = posted_data(task, formdata)
    return {**payload, "data": data} if data else payload


def keep_errors(errors: dict) -> dict:
    """Remember the errors for the generated fields' macro; return the domain form's own."""
    g.task_errors = errors
    return {key: value for key, value in errors.items() if not key.startswith("data.")}
