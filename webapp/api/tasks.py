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
    "jixiao:self_eval_fill": {"evaluation"},
    "jixiao:self_eval_leader_review": {"decision", "comment"},  # approve | return
    "jixiao:self_eval_liaison_review": {"decision", "comment"},  # approve | return
    "jixiao:self_eval_spot_check": {"spot_check"},
    "jixiao:self_eval_accept": {"decision", "comment"},  # approve | return to the spot check
}
# Key evaluation forms (workflows/evaluation): the fields each takes, as CompleteTaskSchema
# documents them.
KE_DECISION = {"decision", "comment"}
FORM_BODY_KEYS.update({
    "jixiao:ke_audit_opinion": {"opinion", "no_opinion"},
    "jixiao:ke_list_approval": KE_DECISION,  # approve | return | withdraw (a reason to return)
    "jixiao:ke_revise": {"title", "selection_reason", "selection_note", "fee_budget",
                         "fiscal_year_evaluated", "object_type"},
    "jixiao:ke_engage": {"firm_id", "procurement_method", "contract_amount", "contract_date",
                         "start_date", "end_date", "lead_evaluator_user_id", "team_user_ids",
                         "coi_signed"},
    "jixiao:ke_plan": {"indicators", "methods", "survey_sample_size", "data_list", "summary"},
    "jixiao:ke_plan_review": KE_DECISION,  # approve | return
    "jixiao:ke_unit_data": {"note"},
    "jixiao:ke_fieldwork": {"methods", "survey_sample_size", "notes"},
    "jixiao:ke_draft": {"scores", "problems", "summary"},
    "jixiao:ke_unit_feedback": KE_DECISION,  # agree | dispute (a reason to dispute)
    "jixiao:ke_firm_response": KE_DECISION,  # keep | rescore (with the answer)
    "jixiao:ke_quality_review": KE_DECISION,  # pass | return
    "jixiao:ke_chief_approval": KE_DECISION,  # approve | return
    "jixiao:ke_final_approval": KE_DECISION,  # approve | return
    "jixiao:ke_firm_score": {"components", "remarks"},
    "jixiao:ke_firm_score_confirm": KE_DECISION,  # confirm | return
})
ENGAGEMENT_KEYS = {"firm_id", "procurement_method", "contract_amount", "contract_date",
                   "start_date", "end_date", "lead_evaluator_user_id", "team_user_ids",
                   "coi_signed"}
# Ex-ante assessment forms (workflows/ex_ante).
FORM_BODY_KEYS.update({
    "jixiao:ex_ante_fill": {"application", "self_scores"},
    "jixiao:ex_ante_leader_review": KE_DECISION,  # approve | return
    "jixiao:ex_ante_completeness": KE_DECISION,  # approve | return
    "jixiao:ex_ante_mode": {"mode", "joint_parties", *ENGAGEMENT_KEYS},
    "jixiao:ex_ante_score": {"dimension_scores", "recommended_amount", "opinion"},
    "jixiao:ex_ante_approve": KE_DECISION,  # approve | return
    "jixiao:ex_ante_revise": {"revision_note"},
})
# Double monitoring forms (workflows/monitoring).
FORM_BODY_KEYS.update({
    "jixiao:monitor_fill": {"report"},
    "jixiao:monitor_leader_review": KE_DECISION,  # approve | return
    "jixiao:monitor_liaison_review": KE_DECISION,  # approve | return
    "jixiao:monitor_decide": {"finance_decision", "amount", "note", "notice_due"},
    "jixiao:monitor_leader_approve": KE_DECISION,  # approve | reject (a reason to reject)
    "jixiao:monitor_execute": {"amount", "note"},
})
# Result application forms (workflows/results).
FORM_BODY_KEYS.update({
    "jixiao:result_review": {"decision", "comment", "pct"},  # confirm | withdraw
    "jixiao:result_section_comment": {"comment"},
    "jixiao:result_leader_approve": KE_DECISION,  # approve | return | reject
    "jixiao:result_apply": {"applied_effect", "note"},
})
GENERIC_BODY_KEYS = {"data"}


def body_for_form(form_key: str, body: dict) -> dict:
    """The completion payload, refusing keys that the task's form does not take; `data` (the
    diagram's generated fields) goes with every form."""
    accepted = FORM_BODY_KEYS.get(form_key, set()) | GENERIC_BODY_KEYS
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
