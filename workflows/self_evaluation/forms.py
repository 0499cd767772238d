"""The self-evaluation's task forms: fill, unit leader review, liaison review, spot check and
acceptance (DOMAIN d; R4 scoring, R9 separation of duties, R21 never a third party)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from models import (
    AuditLog,
    FinanceBureau,
    GoalSheet,
    ProcessInstance,
    SelfEvaluation,
    Task,
    User,
    db,
)
from models.base import utcnow

from ..audit import record
from ..errors import Conflict, Forbidden, InvalidInput
from ..messages import Msg
from ..notifications import notify
from ..rectification import record_problems
from ..tasks import Completion, register_form
from .access import PROCESS_KEY, evaluation_for_instance, refuse_firm
from .inputs import decimal, note, plain, text
from .problems import check_problems, ledger_rows
from .scoring import check_fill, weights_of

MAX_RETURNS = 50  # far below the engine's loop-depth failure (ENGINE-NOTES)
GAP_LIMIT = Decimal(10)  # a gap of more than 10 points is flagged (DOMAIN d, step 4)
MAX_COMMENT = 2000
MAX_CHECK_COMMENTS = 4000

FILL = "jixiao:self_eval_fill"
LEADER_REVIEW = "jixiao:self_eval_leader_review"
LIAISON_REVIEW = "jixiao:self_eval_liaison_review"
SPOT_CHECK = "jixiao:self_eval_spot_check"
ACCEPT = "jixiao:self_eval_accept"


def _did(user: User, evaluation: SelfEvaluation, action: str) -> bool:
    """Whether the user ever took this action on the evaluation (the audit trail remembers)."""
    return db.scalar(select(AuditLog.id).where(
        AuditLog.entity == PROCESS_KEY, AuditLog.entity_id == str(evaluation.id),
        AuditLog.action == action, AuditLog.actor_id == user.id).limit(1)) is not None


def _open(evaluation: SelfEvaluation) -> None:
    if evaluation.status == "accepted":
        raise Conflict(Msg("this self-evaluation has been accepted and can no longer change"))


def _decision(payload: dict, options: tuple[str, ...]) -> tuple[str, str]:
    """A decision among `options` and its comment; a return must say why."""
    errors: dict[str, list] = {}
    decision = payload.get("decision")
    if decision not in options:
        note(errors, "decision", Msg("choose one of: %(options)s", options=", ".join(options)))
    comment = text(payload, "comment", "comment", errors, limit=MAX_COMMENT,
                   required=decision == "return")
    if errors:
        raise InvalidInput(Msg("the form has errors"), errors)
    return decision, comment


def _returned(evaluation: SelfEvaluation, user: User, step: str, comment: str) -> None:
    """Back to the unit's filer: count it, note it, tell them."""
    if evaluation.return_count >= MAX_RETURNS:
        raise Conflict(Msg("this self-evaluation has been returned %(n)s times", n=MAX_RETURNS))
    before = {"status": evaluation.status, "return_count": evaluation.return_count}
    evaluation.status = "draft"
    evaluation.return_count += 1
    record(user.id, PROCESS_KEY, evaluation.id, f"{step}.return", before=before,
           after={"status": "draft", "return_count": evaluation.return_count}, reason=comment)
    notify([evaluation.filer_id], "returned", Msg(
        "Self-evaluation %(id)s was returned: %(reason)s", id=evaluation.id, reason=comment),
        entity=PROCESS_KEY, entity_id=evaluation.id)


# ---------------------------------------------------------------- the unit

def guard_fill(task: Task, instance: ProcessInstance, user: User) -> None:
    """R21: the unit fills its own self-evaluation; a third party never does."""
    refuse_firm(user)


@register_form(FILL, guard=guard_fill)
def fill_evaluation(task: Task, instance: ProcessInstance, user: User, payload: dict
                    ) -> Completion:
    """The filer enters execution, actuals, deviation reasons and the report; R4 scores it."""
    evaluation = evaluation_for_instance(instance)
    _open(evaluation)
    sheet = db.get(GoalSheet, evaluation.sheet_id)
    filled = check_fill(sheet.indicators, payload.get("evaluation"),
                        weights_of(db.get(FinanceBureau, evaluation.bureau_id)))
    scores = filled.breakdown
    before = {"status": evaluation.status, "total_score": plain(evaluation.total_score)}
    evaluation.budget_full_year = Decimal(filled.full_year_budget)
    evaluation.executed = Decimal(filled.executed)
    evaluation.execution_score = scores.execution_score
    evaluation.results = filled.results
    evaluation.subtotals = {group: plain(value) for group, value in scores.subtotals.items()}
    evaluation.total_score, evaluation.grade = scores.total, scores.grade
    evaluation.report = filled.report
    evaluation.filer_id = user.id
    evaluation.status = "submitted"
    record(user.id, PROCESS_KEY, evaluation.id, "fill.submit", before=before,
           after={"status": "submitted", "total_score": plain(scores.total),
                  "grade": scores.grade})
    return Completion(data={"decision": "submit", "filer": user.username}, decision="submit")


def guard_review(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: whoever filled the evaluation, in this or an earlier round, cannot approve it; the
    liaison's review belongs to the unit's own expenditure section."""
    refuse_firm(user)
    evaluation = evaluation_for_instance(instance)
    if user.id == evaluation.filer_id or _did(user, evaluation, "fill.submit"):
        raise Forbidden(Msg("separation of duties: whoever filled the self-evaluation cannot "
                            "approve it (R9)"))
    section_id = evaluation.unit.expenditure_section_id
    if task.form_key == LIAISON_REVIEW and user.section_id != section_id:
        raise Forbidden(Msg("only the expenditure section that owns the unit reviews its "
                            "self-evaluation"))


@register_form(LEADER_REVIEW, guard=guard_review)
def leader_review(task: Task, instance: ProcessInstance, user: User, payload: dict
                  ) -> Completion:
    """The unit leader approves the self-evaluation or returns it to the filer."""
    evaluation = evaluation_for_instance(instance)
    _open(evaluation)
    decision, comment = _decision(payload, ("approve", "return"))
    if decision == "return":
        _returned(evaluation, user, "leader", comment)
    else:
        before = {"status": evaluation.status}
        evaluation.status = "unit_approved"
        record(user.id, PROCESS_KEY, evaluation.id, "leader.approve", before=before,
               after={"status": evaluation.status}, reason=comment or None)
    return Completion(data={"decision": decision}, decision=decision, comment=comment or None)


@register_form(LIAISON_REVIEW, guard=guard_review)
def liaison_review(task: Task, instance: ProcessInstance, user: User, payload: dict
                   ) -> Completion:
    """The liaison cadre approves or returns it; an evaluation not drawn for the spot check is
    accepted with this approval."""
    evaluation = evaluation_for_instance(instance)
    _open(evaluation)
    decision, comment = _decision(payload, ("approve", "return"))
    if decision == "return":
        _returned(evaluation, user, "liaison", comment)
    else:
        before = {"status": evaluation.status}
        if evaluation.spot_check:
            evaluation.status = "reviewed"
        else:
            evaluation.status = "accepted"
            evaluation.accepted_by_id, evaluation.accepted_at = user.id, utcnow()
        record(user.id, PROCESS_KEY, evaluation.id, "liaison.approve", before=before,
               after={"status": evaluation.status}, reason=comment or None)
    # the gateway reads the sample from the evaluation, the single place it is kept
    return Completion(data={"decision": decision, "spot_check": evaluation.spot_check},
                      decision=decision, comment=comment or None)


# ---------------------------------------------------------------- the performance section

def guard_spot_check(task: Task, instance: ProcessInstance, user: User) -> None:
    """R21, and R9: whoever filled the evaluation does not check it."""
    refuse_firm(user)
    evaluation = evaluation_for_instance(instance)
    if user.id == evaluation.filer_id or _did(user, evaluation, "fill.submit"):
        raise Forbidden(Msg("separation of duties: whoever filled the self-evaluation cannot "
                            "check it (R9)"))


@register_form(SPOT_CHECK, guard=guard_spot_check)
def spot_check(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """Performance staff re-score it: the gap to the unit's total is flagged above 10 points."""
    evaluation = evaluation_for_instance(instance)
    _open(evaluation)
    raw = payload.get("spot_check")
    if not isinstance(raw, dict):
        raise InvalidInput(Msg("the spot check has errors"),
                           {"spot_check": [Msg("must be an object")]})
    errors: dict[str, list] = {}
    score = decimal(raw.get("check_score"), "spot_check.check_score", errors, places=2,
                    low=Decimal(0), high=Decimal(100))
    comments = text(raw, "comments", "spot_check.comments", errors, limit=MAX_CHECK_COMMENTS)
    problems = check_problems(evaluation, raw.get("problems"), errors)
    gap = abs(evaluation.total_score - score) if score is not None else None
    if gap is not None and gap > GAP_LIMIT and not comments:
        note(errors, "spot_check.comments",
             Msg("explain a gap of more than 10 points to the unit's own score"))
    if errors:
        raise InvalidInput(Msg("the spot check has errors"), errors)
    before = {"status": evaluation.status}
    evaluation.check_score, evaluation.gap = score, gap
    evaluation.gap_flagged = gap > GAP_LIMIT
    evaluation.check_comments, evaluation.check_problems = comments, problems
    evaluation.checked_by_id, evaluation.checked_at = user.id, utcnow()
    evaluation.status = "spot_checked"
    record(user.id, PROCESS_KEY, evaluation.id, "spot_check.submit", before=before,
           after={"status": "spot_checked", "check_score": plain(score), "gap": plain(gap),
                  "gap_flagged": evaluation.gap_flagged, "problems": len(problems)})
    return Completion(data={"decision": "submit"}, decision="submit")


def guard_accept(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: whoever did the spot check does not accept it."""
    refuse_firm(user)
    evaluation = evaluation_for_instance(instance)
    if user.id == evaluation.checked_by_id or _did(user, evaluation, "spot_check.submit"):
        raise Forbidden(Msg("separation of duties: whoever did the spot check cannot accept it "
                            "(R9)"))


@register_form(ACCEPT, guard=guard_accept)
def accept_check(task: Task, instance: ProcessInstance, user: User, payload: dict
                 ) -> Completion:
    """The chief accepts (the problems found become ledger items) or returns it to the check."""
    evaluation = evaluation_for_instance(instance)
    _open(evaluation)
    decision, comment = _decision(payload, ("approve", "return"))
    before = {"status": evaluation.status}
    if decision == "return":
        evaluation.status = "reviewed"
        record(user.id, PROCESS_KEY, evaluation.id, "accept.return", before=before,
               after={"status": "reviewed"}, reason=comment)
        return Completion(data={"decision": decision}, decision=decision, comment=comment)
    items = _record_problems(evaluation, user)
    evaluation.status = "accepted"
    evaluation.accepted_by_id, evaluation.accepted_at = user.id, utcnow()
    record(user.id, PROCESS_KEY, evaluation.id, "accept.approve", before=before,
           after={"status": "accepted", "ledger_items": [item.id for item in items]},
           reason=comment or None)
    return Completion(data={"decision": decision}, decision=decision, comment=comment or None)


def _record_problems(evaluation: SelfEvaluation, user: User) -> list:
    """The problems found become rectification items (→ e), all of them or none."""
    rows = ledger_rows(evaluation)
    if not rows:
        return []
    try:
        return record_problems(user, rows)
    except InvalidInput as exc:  # e.g. a deadline passed since the check: the check must fix it
        errors = {f"spot_check.problems.{key}": messages
                  for key, messages in _zero_based(exc.errors).items()}
        errors["decision"] = [Msg("the problems found have errors; return the evaluation to "
                                  "the spot check to correct them")]
        raise InvalidInput(Msg("the problems found have errors"), errors) from None


def _zero_based(errors: dict) -> dict:
    """record_problems numbers rows from 1; our paths count from 0 like the form."""
    result = {}
    for key, messages in errors.items():
        number, _, field = key.partition(".")
        result[f"{int(number) - 1}.{field}" if number.isdigit() else key] = messages
    return result
