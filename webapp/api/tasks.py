"""Inbox, claim, release and completion of human tasks."""

from __future__ import annotations

from flask.views import MethodView

from workflows.errors import InvalidInput
from workflows.instances import instance_view
from workflows.tasks import (
    claim_task,
    complete_user_task,
    get_task_or_404,
    list_inbox,
    unclaim_task,
)

from .auth import current_api_user, protect
from .core import ApiBlueprint
from .presenters import InstanceCard, task_card, task_cards
from .schemas import (
    CompleteTaskSchema,
    CompletionSchema,
    TaskDetailSchema,
    TaskPageSchema,
    TaskQuerySchema,
)

blp = ApiBlueprint("api_tasks", __name__, url_prefix="/api/v1/tasks",
                   description="Human tasks the caller may act on.")
protect(blp)

# Which body keys each task form accepts; other tasks take generic form data.
FORM_BODY_KEYS = {
    "jixiao:goal_sheet": {"sheet"},
    "jixiao:goal_review": {"decision", "comment", "rating", "score"},
    "jixiao:rect_plan": {"measures", "responsible_person", "planned_completion"},
    "jixiao:rect_plan_review": {"decision", "comment"},  # approve | return
    "jixiao:rect_evidence": {"comment"},
    "jixiao:rect_verify": {"decision", "comment"},  # pass | return (a return needs a comment)
    "jixiao:rect_sign_off": {"decision", "comment"},  # sign_off | reject
    "jixiao:rect_interview": {"decision", "comment", "held_at", "interviewee_person",
                              "interviewer", "commitments", "follow_up_deadline",
                              "new_deadline"},  # interview | extend
}
GENERIC_BODY_KEYS = {"data"}


def body_for_form(form_key: str, body: dict) -> dict:
    """The completion payload, refusing keys that the task's form does not take."""
    accepted = FORM_BODY_KEYS.get(form_key, GENERIC_BODY_KEYS)
    stray = sorted(set(body) - accepted)
    if stray:
        raise InvalidInput("this task does not take these fields",
                           {key: [f"not accepted here; send {', '.join(sorted(accepted))}"]
                            for key in stray})
    return body


@blp.route("")
class Tasks(MethodView):
    """The caller's inbox."""

    @blp.arguments(TaskQuerySchema, location="query")
    @blp.response(200, TaskPageSchema)
    @blp.errors(401, 422)
    def get(self, query: dict):
        """List the ready tasks the caller may act on, due first, with counts."""
        page = list_inbox(current_api_user(), **query)
        return {"items": task_cards(page.items), "total": page.total, "page": page.page,
                "per_page": page.per_page, "pages": page.pages,
                "counts": {"assigned": page.assigned, "claimable": page.claimable,
                           "overdue": page.overdue}}


@blp.route("/<int:task_id>")
@blp.response(200, TaskDetailSchema)
@blp.errors(401, 404)
def get_task(task_id: int):
    """One task within the caller's data scope."""
    return task_card(get_task_or_404(task_id, current_api_user()))


@blp.route("/<int:task_id>/claim", methods=["POST"])
@blp.response(200, TaskDetailSchema)
@blp.errors(401, 403, 404, 409)
def claim(task_id: int):
    """Take a ready task into the caller's own inbox (a no-op when already held)."""
    user = current_api_user()
    task = get_task_or_404(task_id, user)
    claim_task(task, user)
    return task_card(task)


@blp.route("/<int:task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskDetailSchema)
@blp.errors(401, 404, 409)
def unclaim(task_id: int):
    """Release a task the caller holds back to its candidate groups."""
    user = current_api_user()
    task = get_task_or_404(task_id, user)
    unclaim_task(task, user)
    return task_card(task)


@blp.route("/<int:task_id>/complete", methods=["POST"])
@blp.arguments(CompleteTaskSchema)
@blp.response(200, CompletionSchema)
@blp.errors(401, 403, 404, 409, 422)
def complete(body: dict, task_id: int):
    """Complete a task: `sheet` for the fill task, `decision`/`comment`/`rating` for reviews."""
    user = current_api_user()
    task = get_task_or_404(task_id, user)
    instance = complete_user_task(task, user, body_for_form(task.form_key, body))
    view = instance_view(instance)
    done, *ready = task_cards([task, *view.tasks])  # one name lookup for both
    return {"task": done, "instance": InstanceCard(view, ready)}
