"""The ex-ante assessment's task forms (DOMAIN a steps 1–7; R5, R9, R18–R21)."""

from __future__ import annotations

from decimal import Decimal

from models import (
    Engagement,
    ExAnteAssessment,
    FinanceBureau,
    ProcessInstance,
    Task,
    ThirdPartyFirm,
    User,
    db,
)
from models.base import utcnow
from models.ex_ante import DIMENSIONS, JOINT_PARTIES, MODES

from ..audit import record
from ..cycle_rules import ex_ante_conclusion, leader_approves_ex_ante
from ..cycle_steps import due_in, took_action
from ..errors import Conflict, Forbidden, InvalidInput
from ..evaluation.fields import amount, choice, codes, decision, text
from ..firms.access import firm_access
from ..firms.engagements import (
    activate_engagement,
    create_engagement,
    deliver_engagement,
    positive_id,
    record_coi,
)
from ..messages import Msg
from ..notifications import notify
from ..rule_settings import rule_settings
from ..tasks import Completion, register_form
from .access import KIND, assessment_for_instance

MAX_RETURNS = 50  # far below the engine's loop-depth failure (ENGINE-NOTES)
DIMENSION_MAX = Decimal(20)  # each of the five dimensions is scored 0–20 [P]
APPLICATION_FIELDS = ("basis", "implementation_plan", "budget_breakdown", "draft_goals")
FIRM_STEP = "ex_ante_firm_score"

FILL = "jixiao:ex_ante_fill"
LEADER_REVIEW = "jixiao:ex_ante_leader_review"
COMPLETENESS = "jixiao:ex_ante_completeness"
MODE = "jixiao:ex_ante_mode"
SCORE = "jixiao:ex_ante_score"
APPROVE = "jixiao:ex_ante_approve"
REVISE = "jixiao:ex_ante_revise"


def _open(instance: ProcessInstance) -> tuple[ExAnteAssessment, FinanceBureau]:
    assessment = assessment_for_instance(instance)
    if assessment.status in ("arrangeable", "blocked"):
        raise Conflict(Msg("this ex-ante assessment is concluded and can no longer change"))
    return assessment, db.get(FinanceBureau, assessment.bureau_id)


def _move(assessment: ExAnteAssessment, user: User, status: str, action: str,
          reason: str | None = None, **after) -> None:
    before = assessment.status
    assessment.status = status
    record(user.id, KIND, assessment.id, action, before={"status": before},
           after={"status": status, **after}, reason=reason or None)


def _scores(raw, key: str, errors: dict) -> dict[str, str]:
    """One score of 0–20 with at most two decimals per dimension, all five required."""
    raw = raw if isinstance(raw, dict) else {}
    out = {}
    for dim in DIMENSIONS:
        path = f"{key}.{dim}"
        value = raw.get(dim)
        try:
            number = Decimal(str(value).strip()) if value not in (None, "") \
                and not isinstance(value, bool) else None
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite() or number.as_tuple().exponent < -2 \
                or not 0 <= number <= DIMENSION_MAX:
            errors[path] = [Msg("a score between 0 and 20 with at most two decimals")]
            continue
        out[dim] = str(number)
    return out


def _returned(assessment: ExAnteAssessment, user: User, step: str, comment: str,
              status: str) -> None:
    if assessment.return_count >= MAX_RETURNS:
        raise Conflict(Msg("this assessment has been returned %(n)s times", n=MAX_RETURNS))
    assessment.return_count += 1
    _move(assessment, user, status, f"{step}.return", comment,
          return_count=assessment.return_count)


# ---------------------------------------------------------------- the unit

@register_form(FILL)
def fill_application(task: Task, instance: ProcessInstance, user: User, payload: dict
                     ) -> Completion:
    """The filer states the basis, plan, budget breakdown and draft goals, and scores the five
    dimensions as a self-assessment."""
    assessment, bureau = _open(instance)
    errors: dict[str, list] = {}
    raw = payload.get("application") if isinstance(payload.get("application"), dict) else {}
    application = {}
    for key in APPLICATION_FIELDS:
        value = text(raw, key, errors, required=True)
        if key in errors:
            errors[f"application.{key}"] = errors.pop(key)
        application[key] = value
    self_scores = _scores(payload.get("self_scores"), "self_scores", errors)
    if errors:
        raise InvalidInput(Msg("the application has errors"), errors)
    assessment.application, assessment.self_scores = application, self_scores
    assessment.filer_id = user.id
    _move(assessment, user, "submitted", "fill.submit",
          self_total=str(sum(Decimal(v) for v in self_scores.values())))
    return Completion(data={"decision": "submit", "filer": user.username,
                            "leader_due_at": due_in(bureau, "ex_ante_leader_days")},
                      decision="submit")


def guard_unit_review(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: whoever filled the application does not approve it."""
    assessment = assessment_for_instance(instance)
    if user.id == assessment.filer_id or took_action(user, KIND, assessment.id, "fill.submit"):
        raise Forbidden(Msg("separation of duties: whoever filled the application cannot "
                            "approve it (R9)"))


@register_form(LEADER_REVIEW, guard=guard_unit_review)
def leader_review(task: Task, instance: ProcessInstance, user: User, payload: dict
                  ) -> Completion:
    """The unit leader approves and submits the application, or returns it."""
    assessment, bureau = _open(instance)
    chosen, comment = decision(payload, ("approve", "return"), reason_on=("return",))
    if chosen == "return":
        _returned(assessment, user, "leader", comment, "draft")
        _tell_filer(assessment, Msg("Your ex-ante application %(id)s was returned: %(reason)s",
                                    id=assessment.id, reason=comment))
        return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
    _move(assessment, user, "unit_approved", "leader.approve", comment)
    return Completion(data={"decision": chosen,
                            "check_due_at": due_in(bureau, "ex_ante_check_days")},
                      decision=chosen, comment=comment or None)


def guard_completeness(task: Task, instance: ProcessInstance, user: User) -> None:
    """The liaison's check belongs to the expenditure section that owns the unit (and R9)."""
    guard_unit_review(task, instance, user)
    assessment = assessment_for_instance(instance)
    if user.section_id != assessment.unit.expenditure_section_id:
        raise Forbidden(Msg("only the expenditure section that owns the unit checks its "
                            "application"))


@register_form(COMPLETENESS, guard=guard_completeness)
def check_completeness(task: Task, instance: ProcessInstance, user: User, payload: dict
                       ) -> Completion:
    """The liaison cadre accepts a complete application or returns it for the missing parts."""
    assessment, bureau = _open(instance)
    chosen, comment = decision(payload, ("approve", "return"), reason_on=("return",))
    if chosen == "return":
        _returned(assessment, user, "completeness", comment, "draft")
        _tell_filer(assessment, Msg("Your ex-ante application %(id)s is incomplete: %(reason)s",
                                    id=assessment.id, reason=comment))
        return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
    _move(assessment, user, "accepted", "completeness.approve", comment)
    return Completion(data={"decision": chosen,
                            "mode_due_at": due_in(bureau, "ex_ante_mode_days")},
                      decision=chosen, comment=comment or None)


# ---------------------------------------------------------------- the performance section

def _engage(assessment: ExAnteAssessment, user: User, payload: dict) -> Engagement:
    """The firm's engagement for this assessment (R19 eligible, R20 independent, R21 scope)."""
    errors: dict[str, list] = {}
    firm = db.get(ThirdPartyFirm, positive_id(payload.get("firm_id")) or 0)
    if firm is None or firm.bureau_id != assessment.bureau_id:
        errors["firm_id"] = [Msg("choose a registered firm")]
    if payload.get("coi_signed") not in (True, "true", "on", "1"):
        errors["coi_signed"] = [Msg("the firm's signed conflict-of-interest declaration is "
                                    "required (R19)")]
    if not positive_id(payload.get("lead_evaluator_user_id")):
        errors["lead_evaluator_user_id"] = [Msg("name the lead evaluator")]
    if errors:
        raise InvalidInput(Msg("the engagement has errors"), errors)
    fields = {k: payload.get(k) for k in (
        "procurement_method", "contract_amount", "contract_date", "start_date", "end_date",
        "lead_evaluator_user_id", "team_user_ids")}
    fields["scope"] = [{"kind": KIND, "id": assessment.id, "unit_id": assessment.unit_id}]
    try:
        engagement = create_engagement(user, firm, fields)
        record_coi(user, engagement)
        activate_engagement(user, engagement)
    except Conflict as exc:
        raise InvalidInput(Msg("the engagement cannot be made"),
                           {"firm_id": [exc.message]}) from None
    return engagement


@register_form(MODE)
def choose_mode(task: Task, instance: ProcessInstance, user: User, payload: dict
                ) -> Completion:
    """The performance section picks finance review, an expert panel, a third party, or a
    joint assessment with congress, audit and/or a third party; a firm is engaged here."""
    assessment, bureau = _open(instance)
    errors: dict[str, list] = {}
    mode = choice(payload, "mode", MODES, errors)
    parties = codes(payload, "joint_parties", JOINT_PARTIES, errors, required=mode == "joint")
    if errors:
        raise InvalidInput(Msg("the form has errors"), errors)
    parties = parties if mode == "joint" else (["third_party"] if mode == "third_party" else [])
    assessor = ""
    if "third_party" in parties:
        engagement = _engage(assessment, user, payload)
        assessment.engagement_id = engagement.id
        lead = db.get(User, engagement.lead_evaluator_user_id)
        assessor = lead.username
        notify([lead.id], "ex_ante", Msg(
            "Your firm is engaged for the ex-ante assessment of “%(name)s”",
            name=assessment.project.name), entity=KIND, entity_id=assessment.id)
    assessment.mode, assessment.joint_parties = mode, parties
    _move(assessment, user, "assessing", "mode.choose", mode=mode, joint_parties=parties,
          engagement_id=assessment.engagement_id)
    return Completion(data={"decision": "submit", "assessor": assessor,
                            "score_due_at": due_in(bureau, "ex_ante_score_days")},
                      decision="submit")


def guard_score(task: Task, instance: ProcessInstance, user: User) -> None:
    """The firm's step only for its engaged team while the engagement is active (R18, logged);
    the finance step never for whoever filled the application (R9)."""
    assessment = assessment_for_instance(instance)
    if task.task_key == FIRM_STEP:
        if firm_access(user, KIND, assessment.id) != "write":
            raise Forbidden(Msg("only the engaged firm's team scores this assessment while the "
                                "engagement is active (R18)"))
    elif user.id == assessment.filer_id:
        raise Forbidden(Msg("separation of duties: whoever filled the application cannot "
                            "assess it (R9)"))


def _recommended(payload: dict, conclusion: str, requested: Decimal, errors: dict
                 ) -> Decimal | None:
    value = amount(payload, "recommended_amount", errors,
                   required=conclusion == "support_with_revision")
    if "recommended_amount" in errors:
        return None
    if conclusion == "not_support":
        if value not in (None, Decimal(0)):
            errors["recommended_amount"] = [Msg("a project not supported gets no amount")]
        return Decimal(0)
    value = requested if value is None else value
    if value > requested:
        errors["recommended_amount"] = [Msg("must not exceed the requested amount "
                                            "(%(amount)s yuan)", amount=requested)]
    elif value <= 0:
        errors["recommended_amount"] = [Msg("a supported project needs an amount above 0")]
    return value


@register_form(SCORE, guard=guard_score)
def score_assessment(task: Task, instance: ProcessInstance, user: User, payload: dict
                     ) -> Completion:
    """Score the five dimensions; the total decides the conclusion on the bureau's bands, the
    assessor sets the recommended amount and the opinion."""
    assessment, bureau = _open(instance)
    settings = rule_settings(bureau)
    errors: dict[str, list] = {}
    scores = _scores(payload.get("dimension_scores"), "dimension_scores", errors)
    opinion = text(payload, "opinion", errors, required=True)
    total = sum((Decimal(v) for v in scores.values()), Decimal(0))
    conclusion = ex_ante_conclusion(total, settings)
    recommended = _recommended(payload, conclusion, assessment.requested_amount, errors)
    if errors:
        raise InvalidInput(Msg("the assessment has errors"), errors)
    assessment.scores, assessment.total_score = scores, total
    assessment.conclusion, assessment.recommended_amount = conclusion, recommended
    assessment.opinion, assessment.assessor_id = opinion, user.id
    assessment.scored_at = utcnow()
    assessment.needs_leader = leader_approves_ex_ante(assessment.requested_amount, settings)
    _move(assessment, user, "scored", "score.submit", total=str(total), conclusion=conclusion,
          recommended_amount=str(recommended))
    return Completion(data={"decision": "submit", "conclusion": conclusion,
                            "needs_leader": assessment.needs_leader,
                            "approve_due_at": due_in(bureau, "ex_ante_approve_days")},
                      decision="submit")


def guard_approve(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: whoever scored the assessment does not approve its conclusion."""
    assessment = assessment_for_instance(instance)
    if user.id == assessment.assessor_id \
            or took_action(user, KIND, assessment.id, "score.submit", "fill.submit"):
        raise Forbidden(Msg("separation of duties: whoever scored the assessment cannot "
                            "approve it (R9)"))


@register_form(APPROVE, guard=guard_approve)
def approve_conclusion(task: Task, instance: ProcessInstance, user: User, payload: dict
                       ) -> Completion:
    """The chief (or the bureau leader for large amounts) approves the conclusion, which is
    applied to the project at once (DOMAIN a step 7), or returns it to the assessor."""
    assessment, bureau = _open(instance)
    chosen, comment = decision(payload, ("approve", "return"), reason_on=("return",))
    if chosen == "return":
        _returned(assessment, user, "approve", comment, "assessing")
        if assessment.assessor_id:
            notify([assessment.assessor_id], "returned", Msg(
                "The ex-ante assessment of “%(name)s” was returned: %(reason)s",
                name=assessment.project.name, reason=comment), entity=KIND,
                entity_id=assessment.id)
        return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
    assessment.approved_by_id, assessment.approved_at = user.id, utcnow()
    data = {"decision": chosen, "conclusion": assessment.conclusion}
    if assessment.conclusion == "support":
        _conclude(assessment, user, "arrangeable", comment)
    elif assessment.conclusion == "support_with_revision":
        _cap_project(assessment, user)
        _move(assessment, user, "revision", "approve.approve", comment,
              conclusion=assessment.conclusion)
        data["revise_due_at"] = due_in(bureau, "ex_ante_revise_days")
    else:
        _conclude(assessment, user, "blocked", comment)
    if assessment.engagement_id:
        deliver_engagement(user.id, db.get(Engagement, assessment.engagement_id))
    _tell_filer(assessment, CONCLUDED_MESSAGES[assessment.conclusion](assessment.project.name))
    return Completion(data=data, decision=chosen, comment=comment or None)


def _conclude(assessment: ExAnteAssessment, user: User, status: str, comment: str) -> None:
    """Apply the conclusion to the project: arrangeable, or blocked from the budget."""
    _move(assessment, user, status, "approve.approve", comment,
          conclusion=assessment.conclusion)
    project = assessment.project
    before = project.status
    project.status = status
    record(user.id, "project", project.id, f"ex_ante.{status}", before={"status": before},
           after={"status": status, "assessment_id": assessment.id})


def _cap_project(assessment: ExAnteAssessment, user: User) -> None:
    """support_with_revision: the project goes back with the recommended amount (R5 cap)."""
    project = assessment.project
    before = {"year_amount": str(project.year_amount)}
    project.year_amount = assessment.recommended_amount
    record(user.id, "project", project.id, "ex_ante.reduce", before=before,
           after={"year_amount": str(project.year_amount),
                  "reduction": str(assessment.reduction)})


@register_form(REVISE)
def revise_application(task: Task, instance: ProcessInstance, user: User, payload: dict
                       ) -> Completion:
    """The unit confirms how it revised the project to the recommended amount; the project
    becomes arrangeable."""
    assessment, _bureau = _open(instance)
    errors: dict[str, list] = {}
    note = text(payload, "revision_note", errors, required=True)
    if errors:
        raise InvalidInput(Msg("the form has errors"), errors)
    assessment.revision_note = note
    _conclude(assessment, user, "arrangeable", note)
    return Completion(data={"decision": "submit"}, decision="submit")


CONCLUDED_MESSAGES = {
    "support": lambda name: Msg("The ex-ante assessment supports “%(name)s”: it can be "
                                "arranged in the budget", name=name),
    "support_with_revision": lambda name: Msg(
        "The ex-ante assessment supports “%(name)s” with revision: revise it to the "
        "recommended amount", name=name),
    "not_support": lambda name: Msg("The ex-ante assessment does not support “%(name)s”: it "
                                    "is blocked from the budget", name=name),
}


def _tell_filer(assessment: ExAnteAssessment, message: Msg) -> None:
    notify([assessment.filer_id or assessment.created_by_id], "ex_ante", message, entity=KIND,
           entity_id=assessment.id)
