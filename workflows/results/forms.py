"""The result application's task forms: the performance section's review, the section chief's
comment, the bureau leader's decision, the budget section's application (DOMAIN f steps 3–6)."""

from __future__ import annotations

from decimal import Decimal

from models import (
    FinanceBureau,
    FundAction,
    ProcessInstance,
    ResultApplication,
    Task,
    User,
    db,
)
from models.base import utcnow

from ..audit import record
from ..cycle_steps import due_in
from ..errors import Conflict, Forbidden, InvalidInput
from ..evaluation.common import unit_people
from ..evaluation.fields import choice, decision, text
from ..messages import Msg
from ..notifications import notify
from ..self_evaluation.inputs import decimal
from ..tasks import Completion, register_form
from .access import KIND, application_for_instance

REVIEW = "jixiao:result_review"
COMMENT = "jixiao:result_section_comment"
APPROVE = "jixiao:result_leader_approve"
APPLY = "jixiao:result_apply"
CLOSED = ("applied", "rejected", "withdrawn")
# What an applied proposal records as a fund action (append-only, R15's ledger of money).
FUND_KINDS = {"cancel": "cancel_next_year", "recover_idle_funds": "idle_funds_clearance"}
MAX_EFFECT = Decimal("1e13")


def _open(instance: ProcessInstance) -> tuple[ResultApplication, FinanceBureau]:
    application = application_for_instance(instance)
    if application.status in CLOSED:
        raise Conflict(Msg("this result application is closed"))
    return application, db.get(FinanceBureau, application.bureau_id)


def _move(a: ResultApplication, user: User, status: str, action: str,
          reason: str | None = None, **after) -> None:
    before = a.status
    a.status = status
    record(user.id, KIND, a.id, action, before={"status": before},
           after={"status": status, **after}, reason=reason or None)


def _effect(a: ResultApplication, raw: dict, errors: dict) -> Decimal | None:
    """A revised percentage recomputes the effect; a typed effect is kept as it is."""
    if raw.get("pct") not in (None, "") and a.action == "reduce_pct":
        pct = decimal(raw.get("pct"), "pct", errors, places=2, low=Decimal("0.01"),
                      high=Decimal(100))
        if pct is not None and a.base_amount is not None:
            a.pct = pct
            return -(a.base_amount * pct / 100).quantize(Decimal("0.01"))
    return a.budget_effect


@register_form(REVIEW)
def review_proposal(task: Task, instance: ProcessInstance, user: User, payload: dict
                    ) -> Completion:
    """The performance section confirms the proposal (with a revised percentage if it must) or
    withdraws it with a reason."""
    a, bureau = _open(instance)
    errors: dict[str, list] = {}
    chosen = choice(payload, "decision", ("confirm", "withdraw"), errors)
    note = text(payload, "comment", errors, limit=2000, required=chosen == "withdraw")
    effect = _effect(a, payload, errors) if chosen == "confirm" else a.budget_effect
    if errors:
        raise InvalidInput(Msg("the review has errors"), errors)
    a.review_note, a.reviewed_by_id = note, user.id
    if chosen == "withdraw":
        _move(a, user, "withdrawn", "review.withdraw", note)
        return Completion(data={"decision": chosen}, decision=chosen, comment=note)
    a.budget_effect = effect
    _move(a, user, "confirmed", "review.confirm", note, pct=str(a.pct) if a.pct else None,
          budget_effect=str(effect) if effect is not None else None)
    return Completion(data={"decision": chosen,
                            "comment_due_at": due_in(bureau, "result_comment_days")},
                      decision=chosen, comment=note or None)


def guard_comment(task: Task, instance: ProcessInstance, user: User) -> None:
    """The chief of the section that owns the unit comments for it."""
    a = application_for_instance(instance)
    if user.section_id != a.unit.expenditure_section_id:
        raise Forbidden(Msg("only the chief of the section that owns the unit comments"))


@register_form(COMMENT, guard=guard_comment)
def comment_proposal(task: Task, instance: ProcessInstance, user: User, payload: dict
                     ) -> Completion:
    """The section chief's view of the proposal for the unit."""
    a, bureau = _open(instance)
    errors: dict[str, list] = {}
    comment = text(payload, "comment", errors, required=True, limit=2000)
    if errors:
        raise InvalidInput(Msg("the comment has errors"), errors)
    a.section_comment, a.section_commented_by_id = comment, user.id
    _move(a, user, "section_reviewed", "section.comment", comment)
    return Completion(data={"decision": "submit",
                            "approve_due_at": due_in(bureau, "result_approve_days")},
                      decision="submit", comment=comment)


def guard_approve(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9 in spirit: the one who reviewed the proposal does not approve it."""
    a = application_for_instance(instance)
    if user.id in (a.reviewed_by_id, a.proposed_by_id):
        raise Forbidden(Msg("separation of duties: whoever proposed or reviewed it cannot "
                            "approve it (R9)"))


@register_form(APPROVE, guard=guard_approve)
def approve_proposal(task: Task, instance: ProcessInstance, user: User, payload: dict
                     ) -> Completion:
    """The bureau leader approves (the budget section applies it), rejects, or returns it."""
    a, bureau = _open(instance)
    chosen, comment = decision(payload, ("approve", "reject", "return"),
                               reason_on=("reject", "return"))
    a.leader_comment = comment
    if chosen == "return":
        _move(a, user, "proposed", "approve.return", comment)
        return Completion(data={"decision": chosen,
                                "review_due_at": due_in(bureau, "result_review_days")},
                          decision=chosen, comment=comment)
    if chosen == "reject":
        _move(a, user, "rejected", "approve.reject", comment)
        return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
    a.approved_by_id = user.id
    _move(a, user, "approved", "approve.approve", comment)
    return Completion(data={"decision": chosen,
                            "apply_due_at": due_in(bureau, "result_apply_days")},
                      decision=chosen, comment=comment or None)


@register_form(APPLY)
def apply_proposal(task: Task, instance: ProcessInstance, user: User, payload: dict
                   ) -> Completion:
    """The budget section applies it to next year's control numbers and records the effect;
    money it moves is also written as a fund action."""
    a, _bureau = _open(instance)
    errors: dict[str, list] = {}
    raw_effect = payload.get("applied_effect")
    effect = a.budget_effect if raw_effect in (None, "") else decimal(
        raw_effect, "applied_effect", errors, places=2, low=-MAX_EFFECT, high=MAX_EFFECT)
    note = text(payload, "note", errors, limit=2000)
    approved = a.budget_effect or Decimal(0)
    if effect and (approved * effect < 0 or abs(effect) > abs(approved)):
        # the leader approved this effect; the budget section applies it or less, never more
        errors["applied_effect"] = [
            Msg("the approved proposal moves no money") if not approved else
            Msg("between 0 and the approved effect, %(amount)s yuan", amount=approved)]
    if errors:
        raise InvalidInput(Msg("the application has errors"), errors)
    a.applied_effect, a.apply_note = effect if effect is not None else Decimal(0), note
    a.applied_by_id, a.applied_at = user.id, utcnow()
    _move(a, user, "applied", "apply", note, applied_effect=str(a.applied_effect))
    kind = FUND_KINDS.get(a.action) or ("balance_rule_cut" if a.rule_id == "R25" else
                                        "cut_pct_next_year" if a.action == "reduce_pct"
                                        else None)
    if kind is not None and a.applied_effect:
        action = FundAction(
            bureau_id=a.bureau_id, fiscal_year=a.target_year, kind=kind, unit_id=a.unit_id,
            project_id=a.project_id, special_fund_id=a.special_fund_id,
            amount=abs(a.applied_effect), pct=a.pct, basis_type=KIND, basis_id=a.id, note=note,
            proposed_by_id=a.proposed_by_id, approved_by_id=a.approved_by_id,
            executed_by_id=user.id)
        db.add(action)
        db.flush()
        record(user.id, "fund_action", action.id, "execute", after={
            "kind": kind, "amount": str(action.amount), "result_application_id": a.id})
    notify(unit_people(a.unit_id), "result", Msg(
        "A result application for %(year)s concerning your unit has been applied",
        year=a.target_year), entity=KIND, entity_id=a.id)
    return Completion(data={"decision": "submit"}, decision="submit")
