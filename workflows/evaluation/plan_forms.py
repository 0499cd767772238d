"""Task forms up to the approved plan: audit opinion, list approval, revision, engagement of
the firm, the firm's plan and its review (DOMAIN d steps 2-6; R16, R19-R21, R2/R3)."""

from __future__ import annotations

from models import Engagement, FinanceBureau, ProcessInstance, Task, ThirdPartyFirm, User, db
from models.evaluation import METHODS

from ..errors import Conflict, InvalidInput
from ..evaluation_rules import EvalIndicator, validate_indicator_system
from ..firms.engagements import activate_engagement, create_engagement, positive_id, record_coi
from ..messages import Msg
from ..rectification.items import today
from ..tasks import Completion, register_form
from . import consultations
from .common import guard_firm, move, open_evaluation, tell, unit_people
from .fields import codes, decision, integer, text
from .final_forms import after_parallel_step
from .proposals import revise_proposal
from .settings import days_for, due_after

MAX_PLAN_ROWS = 100


@register_form("jixiao:ke_audit_opinion")
def audit_opinion(task: Task, instance: ProcessInstance, user: User, payload: dict
                  ) -> Completion:
    """The audit bureau's opinion (or explicit "no opinion") on the object or the draft."""
    evaluation = open_evaluation(instance)
    stage = consultations.STAGE_OF_TASK[task.task_key]
    errors: dict[str, list] = {}
    no_opinion = payload.get("no_opinion") in (True, "true", "on", "1")
    opinion = text(payload, "opinion", errors, required=not no_opinion)
    if errors:
        raise InvalidInput(Msg("the opinion has errors"), errors)
    consultations.record_opinion(evaluation, stage, user, opinion, no_opinion)
    if stage == "pre_finalisation":
        after_parallel_step(evaluation)
    # the opinion stays on the consultation: task comments show in timelines that firm staff
    # and units read, and they never see audit opinions (DOMAIN section 2)
    return Completion(data={"decision": "reply"}, decision="reply")


@register_form("jixiao:ke_list_approval")
def approve_list(task: Task, instance: ProcessInstance, user: User, payload: dict
                 ) -> Completion:
    """The bureau leader approves the object and fee budget, returns it, or withdraws it."""
    evaluation = open_evaluation(instance)
    chosen, comment = decision(payload, ("approve", "return", "withdraw"), ("return", "withdraw"))
    status = {"approve": "approved_list", "return": "proposed", "withdraw": "withdrawn"}[chosen]
    move(evaluation, user, status, f"list.{chosen}", comment)
    if chosen == "return":
        tell([evaluation.created_by_id], "returned", Msg(
            "The key evaluation proposal “%(title)s” was returned: %(reason)s",
            title=evaluation.title, reason=comment), evaluation)
    return Completion(data={"decision": chosen}, decision=chosen, comment=comment or None)


@register_form("jixiao:ke_revise")
def revise(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The performance section revises the returned proposal (the object stays the same)."""
    evaluation = open_evaluation(instance)
    revise_proposal(evaluation, user, payload)
    move(evaluation, user, "proposed", "list.resubmit")
    return Completion(data={"decision": "submit"}, decision="submit")


def _engagement_fields(evaluation, payload: dict) -> dict:
    fields = {k: payload.get(k) for k in (
        "procurement_method", "contract_amount", "contract_date", "start_date", "end_date",
        "lead_evaluator_user_id", "team_user_ids")}
    fields["scope"] = [{"kind": "key_evaluation", "id": evaluation.id,
                        "unit_id": evaluation.unit_id}]
    return fields


def _as_form_error(key: str, exc: Conflict) -> InvalidInput:
    return InvalidInput(Msg("the engagement cannot be made"), {key: [exc.message]})


@register_form("jixiao:ke_engage")
def engage(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """Engage a registered firm for this object: eligibility (R19), independence (R20), the signed
    conflict-of-interest declaration and a lead evaluator; the engagement starts active."""
    evaluation = open_evaluation(instance)
    errors: dict[str, list] = {}
    firm = db.get(ThirdPartyFirm, positive_id(payload.get("firm_id")) or 0)
    if firm is None or firm.bureau_id != evaluation.bureau_id:
        errors["firm_id"] = [Msg("choose a registered firm")]
    if payload.get("coi_signed") not in (True, "true", "on", "1"):
        errors["coi_signed"] = [Msg("the firm's signed conflict-of-interest declaration is "
                                    "required (R19)")]
    if not positive_id(payload.get("lead_evaluator_user_id")):
        errors["lead_evaluator_user_id"] = [Msg("name the lead evaluator")]
    if errors:
        raise InvalidInput(Msg("the engagement has errors"), errors)
    try:
        engagement = create_engagement(user, firm, _engagement_fields(evaluation, payload))
        record_coi(user, engagement)
        activate_engagement(user, engagement)
    except Conflict as exc:
        raise _as_form_error("firm_id", exc) from None
    evaluation.engagement_id = engagement.id
    bureau = db.get(FinanceBureau, evaluation.bureau_id)
    plan_due = due_after(bureau, today(), days_for(bureau).plan)
    lead = db.get(User, engagement.lead_evaluator_user_id)
    move(evaluation, user, "engaged", "engage", engagement_id=engagement.id, firm_id=firm.id)
    tell([lead.id], "evaluation", Msg(
        "Your firm is engaged for the key evaluation “%(title)s”; the plan is due by %(due)s",
        title=evaluation.title, due=plan_due.date().isoformat()), evaluation)
    return Completion(data={"decision": "engage", "lead_evaluator": lead.username,
                            "plan_due_at": plan_due.isoformat()}, decision="engage")


def _plan_rows(payload: dict) -> list[EvalIndicator]:
    rows = payload.get("indicators")
    if not isinstance(rows, list) or not rows or len(rows) > MAX_PLAN_ROWS:
        message = Msg("list between 1 and %(n)s indicators", n=MAX_PLAN_ROWS)
        raise InvalidInput(Msg("the plan has errors"), {"indicators": [message]})
    return [EvalIndicator(level1=r.get("level1"), level2=r.get("level2"), name=r.get("name"),
                          weight=r.get("weight")) if isinstance(r, dict)
            else EvalIndicator("", "", "", "") for r in rows]


@register_form("jixiao:ke_plan", guard=guard_firm)
def submit_plan(task: Task, instance: ProcessInstance, user: User, payload: dict
                ) -> Completion:
    """The firm's evaluation plan: indicator system (R2, R3), methods, data list, sample."""
    evaluation = open_evaluation(instance)
    errors: dict[str, list] = {}
    try:
        system = validate_indicator_system(_plan_rows(payload))
    except InvalidInput as exc:
        errors.update(exc.errors)
        system = None
    methods = codes(payload, "methods", METHODS, errors, required=True)
    sample = integer(payload, "survey_sample_size", errors, low=0, high=1_000_000)
    data_list = text(payload, "data_list", errors, required=True)
    summary = text(payload, "summary", errors)
    if errors:
        raise InvalidInput(Msg("the plan has errors"), errors)
    evaluation.plan = {
        "indicators": [{"level1": r.level1, "level2": r.level2, "name": r.name,
                        "weight": str(r.weight)} for r in system.indicators],
        "level1_weights": {k: str(v) for k, v in system.level1_weights.items()},
        "methods": methods, "survey_sample_size": sample, "data_list": data_list,
        "summary": summary, "submitted_by": user.id}
    evaluation.draft, evaluation.problems = {}, []
    move(evaluation, user, "plan_review", "plan.submit")
    return Completion(data={"decision": "submit"}, decision="submit")


@register_form("jixiao:ke_plan_review")
def review_plan(task: Task, instance: ProcessInstance, user: User, payload: dict
                ) -> Completion:
    """The performance section approves the plan (fieldwork starts: R16 needs consultation #1
    on record) or returns it to the firm."""
    evaluation = open_evaluation(instance)
    chosen, comment = decision(payload, ("approve", "return"), ("return",))
    data = {"decision": chosen}
    if chosen == "return":
        evaluation.plan_returns += 1
        move(evaluation, user, "engaged", "plan.return", comment)
    else:
        if not consultations.recorded(evaluation, "pre_evaluation"):
            raise Conflict(Msg("fieldwork cannot start before the audit bureau was consulted "
                               "(R16)"))
        bureau = db.get(FinanceBureau, evaluation.bureau_id)
        data_due = due_after(bureau, today(), days_for(bureau).data)
        data["data_due_at"] = data_due.isoformat()
        move(evaluation, user, "fieldwork", "plan.approve", comment)
        tell(unit_people(evaluation.unit_id), "evaluation", Msg(
            "Evaluation notice: “%(title)s” is under key evaluation; supply the requested data "
            "by %(due)s", title=evaluation.title, due=data_due.date().isoformat()), evaluation)
    if chosen == "return":
        engagement = db.get(Engagement, evaluation.engagement_id)
        tell([engagement.lead_evaluator_user_id], "returned", Msg(
            "The evaluation plan for “%(title)s” was returned: %(reason)s",
            title=evaluation.title, reason=comment), evaluation)
    return Completion(data=data, decision=chosen, comment=comment or None)
