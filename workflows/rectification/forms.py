"""The ledger item's task forms: plan, plan review, evidence, verification, sign-off, interview
(DOMAIN process e; R9 separation of duties, R27 sign-off, R28 interview)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from models import (
    AuditLog,
    Document,
    InterviewRecord,
    ProcessInstance,
    RectificationItem,
    Task,
    TaskCandidate,
    User,
    db,
)
from models.base import utcnow

from ..audit import record
from ..engine.assignment import resolve_due
from ..errors import Conflict, Forbidden, InvalidInput
from ..evidence import OWNER, evidence_count
from ..ledger_rules import deadline_at, ladder
from ..messages import Msg
from ..notifications import notify
from ..tasks import Completion, register_form
from .items import MAX_RETURNS, _date, _text, item_for_instance, settings_of, today


def _did(user: User, item: RectificationItem, action: str) -> bool:
    """Whether the user ever took this action on the item (the audit trail remembers)."""
    return db.scalar(select(AuditLog.id).where(
        AuditLog.entity == "rectification_item", AuditLog.entity_id == str(item.id),
        AuditLog.action == action, AuditLog.actor_id == user.id).limit(1)) is not None

def _decision(payload: dict, options: tuple[str, ...], comment_on: tuple[str, ...]
              ) -> tuple[str, str]:
    errors: dict[str, list] = {}
    decision = payload.get("decision")
    comment = payload.get("comment") or ""
    if decision not in options:
        errors["decision"] = [Msg("choose one of: %(options)s", options=", ".join(options))]
    if not isinstance(comment, str) or len(comment) > 2000:
        errors["comment"] = [Msg("must be text of at most 2000 characters")]
        comment = ""
    elif decision in comment_on and not comment.strip():
        errors["comment"] = [Msg("give the reason")]
    if errors:
        raise InvalidInput(Msg("the form has errors"), errors)
    return decision, comment.strip()


def _tell_unit(item: RectificationItem, user_ids: list[int | None], message: Msg) -> None:
    """A return reaches the unit's people in their notifications, not only in the inbox."""
    notify(user_ids, "returned", message, entity="rectification_item", entity_id=item.id)


def _open(item: RectificationItem) -> None:
    if item.signed_off:
        raise Conflict(Msg("this item is signed off and can no longer change (R27)"))


@register_form("jixiao:rect_plan")
def enter_plan(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The unit's filer enters the measures, the responsible person and, if they wish, the date
    by which they plan to complete the rectification (no later than the deadline)."""
    item = item_for_instance(instance)
    _open(item)
    errors: dict[str, list] = {}
    measures = _text(payload, "measures", errors, required=True)
    person = _text(payload, "responsible_person", errors, required=True, limit=100)
    planned = _date(payload, "planned_completion", errors)
    if planned is not None and planned > item.deadline:
        errors["planned_completion"] = [Msg("the planned completion date must not be after the "
                                            "deadline")]
    if errors:
        raise InvalidInput(Msg("the plan has errors"), errors)
    before = {"status": item.status}
    item.measures, item.responsible_person = measures, person
    item.planned_completion = planned
    item.filer_id = user.id
    item.status = "plan_submitted"
    record(user.id, "rectification_item", item.id, "plan.submit", before=before,
           after={"status": item.status, "planned_completion": planned.isoformat()
                  if planned else None})
    return Completion(data={"decision": "submit", "filer": user.username}, decision="submit")


def guard_plan_review(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: whoever entered the plan, in this or an earlier round, cannot approve it."""
    item = item_for_instance(instance)
    if user.id == item.filer_id or _did(user, item, "plan.submit"):
        raise Forbidden(Msg("separation of duties: whoever entered the plan cannot approve it "
                            "(R9)"))


@register_form("jixiao:rect_plan_review", guard=guard_plan_review)
def review_plan(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The unit leader approves the plan or returns it to the filer."""
    item = item_for_instance(instance)
    _open(item)
    decision, comment = _decision(payload, ("approve", "return"), ("return",))
    before = {"status": item.status}
    item.status = "in_progress" if decision == "approve" else "assigned"
    record(user.id, "rectification_item", item.id, f"plan.{decision}", before=before,
           after={"status": item.status}, reason=comment or None)
    if decision == "return":
        _tell_unit(item, [item.filer_id], Msg(
            "The rectification plan of ledger item %(item)s was returned: %(reason)s",
            item=item.id, reason=comment))
    return Completion(data={"decision": decision}, decision=decision, comment=comment)


@register_form("jixiao:rect_evidence")
def submit_evidence(task: Task, instance: ProcessInstance, user: User, payload: dict
                    ) -> Completion:
    """The unit submits its rectification with at least one evidence file."""
    item = item_for_instance(instance)
    _open(item)
    errors: dict[str, list] = {}
    comment = _text(payload, "comment", errors, limit=2000)
    if evidence_count(item.id) == 0:
        errors["evidence"] = [Msg("upload at least one evidence file before submitting")]
    if errors:
        raise InvalidInput(Msg("the submission has errors"), errors)
    before = {"status": item.status}
    item.status, item.submitted_by_id, item.submitted_at = "evidence_submitted", user.id, utcnow()
    record(user.id, "rectification_item", item.id, "evidence.submit", before=before,
           after={"status": item.status}, reason=comment or None)
    return Completion(data={"decision": "submit"}, decision="submit", comment=comment or None)


def guard_verify(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: a verifier cannot be the evidence submitter, nor have uploaded any of it."""
    item = item_for_instance(instance)
    uploaded = db.scalar(select(Document.id).where(
        Document.owner_type == OWNER, Document.owner_id == item.id,
        Document.uploaded_by_id == user.id).limit(1))
    if user.id == item.submitted_by_id or uploaded is not None or _did(user, item,
                                                                       "evidence.submit"):
        raise Forbidden(Msg("separation of duties: the submitter of the evidence cannot verify "
                            "it (R9)"))


@register_form("jixiao:rect_verify", guard=guard_verify)
def verify(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The verifier passes the evidence, or returns it with a reason (return count + 1)."""
    item = item_for_instance(instance)
    _open(item)
    decision, comment = _decision(payload, ("pass", "return"), ("return",))
    if decision == "return" and item.return_count >= MAX_RETURNS:
        raise Conflict(Msg("this item has been returned %(n)s times", n=MAX_RETURNS))
    before = {"status": item.status, "return_count": item.return_count}
    item.verified_by_id, item.verified_at, item.verify_comment = user.id, utcnow(), comment
    if decision == "pass":
        item.status, item.verify_result = "verified", "pass"
    else:
        item.status, item.verify_result = "returned", "fail"
        item.return_count += 1
        _tell_unit(item, [item.submitted_by_id, item.filer_id], Msg(
            "The evidence of ledger item %(item)s was returned: %(reason)s",
            item=item.id, reason=comment))
    record(user.id, "rectification_item", item.id, f"verify.{decision}", before=before,
           after={"status": item.status, "return_count": item.return_count},
           reason=comment or None)
    return Completion(data={"decision": decision, "return_count": item.return_count},
                      decision=decision, comment=comment or None)


def guard_sign_off(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: the verifier does not sign off the same item (setting strict_signoff_sod)."""
    item = item_for_instance(instance)
    if user.id == item.verified_by_id and settings_of(item).strict_signoff_sod:
        raise Forbidden(Msg("separation of duties: the verifier cannot sign off the same item "
                            "(R9)"))


@register_form("jixiao:rect_sign_off", guard=guard_sign_off)
def sign_off(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The performance section chief signs the item off (销号) once, or rejects it (R27)."""
    item = item_for_instance(instance)
    _open(item)
    decision, comment = _decision(payload, ("sign_off", "reject"), ("reject",))
    before = {"status": item.status}
    if decision == "sign_off":
        if item.verify_result != "pass" or evidence_count(item.id) == 0:
            raise Conflict(Msg("an item is signed off only after a passed verification and "
                               "with at least one evidence file (R27)"))
        item.status, item.signed_off_by_id, item.signed_off_at = "signed_off", user.id, utcnow()
        item.closed_on_time = today() <= item.deadline
    else:
        item.status, item.verify_result = "in_progress", None
        _tell_unit(item, [item.submitted_by_id, item.filer_id], Msg(
            "Ledger item %(item)s was not signed off: %(reason)s", item=item.id, reason=comment))
    record(user.id, "rectification_item", item.id, decision.replace("_", "."), before=before,
           after={"status": item.status}, reason=comment or None)
    return Completion(data={"decision": decision}, decision=decision, comment=comment or None)


INTERVIEW_TRIGGERS = {"interview_serious": "serious", "interview_returns": "repeated_return",
                      "interview_overdue": "overdue"}


@register_form("jixiao:rect_interview")
def decide_interview(task: Task, instance: ProcessInstance, user: User, payload: dict
                     ) -> Completion:
    """The bureau leader holds the proposed interview (约谈) and sets a follow-up deadline, or
    grants an extension instead; either way the deadline ladder restarts on the new date."""
    item = item_for_instance(instance)
    _open(item)
    decision, comment = _decision(payload, ("interview", "extend"), ("extend",))
    if decision == "extend":
        new_deadline = _new_deadline(item, payload, "new_deadline", {}, extension=True)
        return _move_deadline(item, user, new_deadline, comment, "extend")
    errors: dict[str, list] = {}
    held_at = _date(payload, "held_at", errors) or today()
    person = _text(payload, "interviewee_person", errors, required=True, limit=100)
    interviewer = _text(payload, "interviewer", errors, limit=100) or user.name
    commitments = _text(payload, "commitments", errors, required=True)
    if held_at > today():
        errors["held_at"] = [Msg("the interview cannot be recorded before it is held")]
    follow_up = _new_deadline(item, payload, "follow_up_deadline", errors, extension=False)
    interview = InterviewRecord(
        bureau_id=item.bureau_id, interviewee_unit_id=item.unit_id, interviewee_person=person,
        interviewer=interviewer, trigger=INTERVIEW_TRIGGERS.get(task.task_key, "overdue"),
        item_ids=[item.id], held_at=held_at, commitments=commitments,
        follow_up_deadline=follow_up, recorded_by_id=user.id)
    db.add(interview)
    db.flush()
    record(user.id, "rectification_item", item.id, "interview.held",
           after={"interview_id": interview.id, "held_at": held_at.isoformat()})
    return _move_deadline(item, user, follow_up, commitments, "interview")


def _new_deadline(item: RectificationItem, payload: dict, key: str, errors: dict, *,
                  extension: bool) -> date:
    """A deadline after today — and, for an extension, after the current one (a follow-up
    deadline set at an interview may also tighten it); refuses the form otherwise."""
    value = _date(payload, key, errors)
    if value is None and key not in errors:
        errors[key] = [Msg("give the new deadline")]
    elif value is not None and extension and (value <= item.deadline or value <= today()):
        errors[key] = [Msg("the new deadline must be later than the current one and than "
                           "today")]
    elif value is not None and value <= today():
        errors[key] = [Msg("the follow-up deadline must be after today")]
    if errors:
        raise InvalidInput(Msg("the form has errors"), errors)
    return value


def _move_deadline(item: RectificationItem, user: User, new_deadline: date, reason: str,
                   kind: str) -> Completion:
    """Record the new deadline (extension history) and restart the ladder on it everywhere in
    the instance: the waiting timers and the unit's later tasks (`rearm`)."""
    settings = settings_of(item)
    entry = {"kind": kind, "from": item.deadline.isoformat(), "to": new_deadline.isoformat(),
             "reason": reason, "granted_by": user.id, "granted_by_name": user.name,
             "at": utcnow().isoformat()}
    before = {"deadline": item.deadline.isoformat(), "escalation_level": item.escalation_level}
    item.deadline = new_deadline
    item.extension_history = [*item.extension_history, entry]
    if kind == "extend":
        item.escalation_level = "none"  # a granted extension clears the ladder; an interview stays
    due = deadline_at(new_deadline)
    _move_task_due(item, due)
    record(user.id, "rectification_item", item.id, kind, before=before,
           after={"deadline": new_deadline.isoformat(),
                  "escalation_level": item.escalation_level}, reason=reason)
    data = {"ladder": ladder(settings, new_deadline), "step": 0, "deadline_at": due}
    return Completion(data={"decision": "interview" if kind == "interview" else "extend",
                            **data}, decision=kind, comment=reason, rearm=data)


def _move_task_due(item: RectificationItem, due: str) -> None:
    """The unit's open evidence task follows the new deadline."""
    when = resolve_due(due, {}, utcnow())
    ids = db.scalars(select(Task.id).where(Task.instance_id == item.instance_id,
                                           Task.status == "ready",
                                           Task.task_key == "submit_evidence")).all()
    if ids:
        db.execute(update(Task).where(Task.id.in_(ids)).values(due_at=when))
        db.execute(update(TaskCandidate).where(TaskCandidate.task_id.in_(ids)).values(due_at=when))


