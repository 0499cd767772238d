"""Task forms from quality review to the closed evaluation: quality review, the chief's and
the bureau leader's approval of the final score (R16, R17, graded by the bureau's grade table),
and the firm's quality score (R22) (DOMAIN d steps 10-14)."""

from __future__ import annotations

from sqlalchemy import select

from models import Engagement, KeyEvaluation, ProcessInstance, Task, User, db
from models.base import utcnow

from ..errors import Conflict, Forbidden, InvalidInput
from ..firms.engagements import close_engagement
from ..firms.quality import clean_components, score_quality
from ..messages import Msg
from ..tasks import Completion, register_form
from . import consultations
from .common import move, open_evaluation, tell
from .fields import decision, text
from .proposals import evaluation_for_instance
from .scores import draft_breakdown

FEEDBACK_SETTLED = ("agreed", "deemed_agreed")


@register_form("jixiao:ke_quality_review")
def quality_review(task: Task, instance: ProcessInstance, user: User, payload: dict
                   ) -> Completion:
    """The performance section passes the draft (the audit bureau is consulted before it is
    finalised, while the chief reviews the score) or returns it to the firm."""
    evaluation = open_evaluation(instance)
    chosen, comment = decision(payload, ("pass", "return"), ("return",))
    evaluation.chief_approved_by_id = None
    if chosen == "return":
        evaluation.draft_returns += 1
        move(evaluation, user, "draft_submitted", "review.return", comment)
        engagement = db.get(Engagement, evaluation.engagement_id)
        tell([engagement.lead_evaluator_user_id], "returned", Msg(
            "The draft report of “%(title)s” was returned: %(reason)s",
            title=evaluation.title, reason=comment), evaluation)
        return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
    consultation = consultations.open_consultation(evaluation, "pre_finalisation")
    move(evaluation, user, "audit_prefinal", "review.pass", comment)
    return Completion(data={"decision": chosen, "chief_decision": "",
                            "consult_due_at": consultation.due_at.isoformat()},
                      decision=chosen, comment=comment or None)


@register_form("jixiao:ke_chief_approval")
def chief_approval(task: Task, instance: ProcessInstance, user: User, payload: dict
                   ) -> Completion:
    """The performance chief approves the final score or returns it to quality review."""
    evaluation = open_evaluation(instance)
    chosen, comment = decision(payload, ("approve", "return"), ("return",))
    evaluation.chief_approved_by_id = user.id if chosen == "approve" else None
    move(evaluation, user, evaluation.status, f"final.chief_{chosen}", comment)
    after_parallel_step(evaluation, chosen)
    # the join continues on whichever branch arrives last: the decision must reach both
    return Completion(data={"chief_decision": chosen}, decision=chosen, comment=comment or None,
                      rearm={"chief_decision": chosen})


def _chief_decision(evaluation: KeyEvaluation) -> str | None:
    """The chief's decision since the draft last passed quality review, if taken."""
    latest = db.execute(select(Task.task_key, Task.decision).where(
        Task.instance_id == evaluation.instance_id, Task.status == "completed",
        Task.task_key.in_(("quality_review", "chief_approval")))
        .order_by(Task.completed_at.desc(), Task.id.desc()).limit(1)).first()
    return latest.decision if latest is not None and latest.task_key == "chief_approval" \
        else None


def after_parallel_step(evaluation: KeyEvaluation, chief_decision: str | None = None) -> None:
    """Both the chief's review and consultation #2 are in: the leader decides next, or the draft
    goes back to quality review when the chief returned it."""
    decision = chief_decision or _chief_decision(evaluation)
    if decision is None or not consultations.recorded(evaluation, "pre_finalisation"):
        return
    if decision == "approve":
        move(evaluation, None, "leader_approval", "final.ready")
    else:
        move(evaluation, None, "perf_review", "final.back_to_review")


def check_finalisable(evaluation: KeyEvaluation) -> None:
    """R16 and R17: consultation #2 on record and the unit's feedback settled."""
    if not consultations.recorded(evaluation, "pre_finalisation"):
        raise Conflict(Msg("the evaluation cannot become final before the audit bureau was "
                           "consulted on the draft (R16)"))
    settled = evaluation.feedback_status in FEEDBACK_SETTLED or (
        evaluation.feedback_status == "disputed" and evaluation.firm_response)
    if not settled:
        raise Conflict(Msg("the evaluation cannot become final before the unit's feedback is "
                           "recorded or deemed agreed (R17)"))


@register_form("jixiao:ke_final_approval")
def final_approval(task: Task, instance: ProcessInstance, user: User, payload: dict
                   ) -> Completion:
    """The bureau leader approves the final score, graded by the bureau's grade table (R1), or
    returns it to quality review."""
    evaluation = open_evaluation(instance)
    chosen, comment = decision(payload, ("approve", "return"), ("return",))
    if chosen == "return":
        evaluation.chief_approved_by_id = None
        move(evaluation, user, "perf_review", "final.return", comment)
        return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
    check_finalisable(evaluation)
    breakdown = draft_breakdown(evaluation)
    evaluation.final_score, evaluation.grade = breakdown.total, breakdown.grade
    evaluation.subtotals = {k: str(v) for k, v in breakdown.subtotals.items()}
    evaluation.approved_by_id, evaluation.finalised_at = user.id, utcnow()
    move(evaluation, user, "final", "final.approve", comment, score=str(breakdown.total),
         grade=breakdown.grade)
    return Completion(data={"decision": chosen}, decision=chosen, comment=comment or None)


@register_form("jixiao:ke_firm_score")
def score_firm(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The performance section proposes the firm's quality score on six components (R22)."""
    evaluation = open_evaluation(instance)
    errors: dict[str, list] = {}
    remarks = text(payload, "remarks", errors)
    try:
        scores = clean_components(payload.get("components"))
    except InvalidInput as exc:
        errors.update({f"components.{k}": v for k, v in exc.errors.items()})
    if errors:
        raise InvalidInput(Msg("the quality score has errors"), errors)
    evaluation.firm_score_draft = {"components": {k: str(v) for k, v in scores.items()},
                                   "remarks": remarks, "by": user.id}
    move(evaluation, user, evaluation.status, "firm_score.propose",
         components=evaluation.firm_score_draft["components"])
    return Completion(data={"decision": "submit"}, decision="submit")


def guard_confirm_score(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: whoever proposed the firm's quality score does not confirm it."""
    evaluation = evaluation_for_instance(instance)
    if (evaluation.firm_score_draft or {}).get("by") == user.id:
        raise Forbidden(Msg("separation of duties: whoever proposed the quality score cannot "
                            "confirm it (R9)"))


@register_form("jixiao:ke_firm_score_confirm", guard=guard_confirm_score)
def confirm_firm_score(task: Task, instance: ProcessInstance, user: User, payload: dict
                       ) -> Completion:
    """The performance chief confirms the quality score (the firm's status follows R22) and the
    evaluation closes, or returns the score."""
    evaluation = open_evaluation(instance)
    chosen, comment = decision(payload, ("confirm", "return"), ("return",))
    if chosen == "return":
        move(evaluation, user, evaluation.status, "firm_score.return", comment)
        return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
    engagement = db.get(Engagement, evaluation.engagement_id)
    draft = evaluation.firm_score_draft or {}
    score_quality(user, engagement, draft.get("components"), draft.get("remarks", ""))
    move(evaluation, user, "closed", "close")
    if engagement.status != "closed" and _all_scope_closed(engagement, evaluation):
        close_engagement(user, engagement)  # unless someone closed it from its own page
    return Completion(data={"decision": chosen}, decision=chosen, comment=comment or None)


def _all_scope_closed(engagement: Engagement, closing: KeyEvaluation) -> bool:
    """The engagement's other key evaluations are closed too (a framework contract may cover
    several objects)."""
    others = [e["id"] for e in engagement.scope or []
              if e.get("kind") == "key_evaluation" and e.get("id") != closing.id]
    return all((db.get(KeyEvaluation, i) is None or db.get(KeyEvaluation, i).status in
                ("closed", "withdrawn")) for i in others)
