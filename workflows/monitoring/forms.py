"""The double monitoring task forms: fill, the unit leader, the liaison, the performance
section's decision, the bureau leader's approval, the budget section's execution (DOMAIN c;
R9, R14, R15)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from models import FinanceBureau, Indicator, MonitoringReport, ProcessInstance, Task, User, db
from models.monitoring import DECISIONS, FUND_DECISIONS

from ..audit import record
from ..cycle_steps import due_in, took_action
from ..errors import Conflict, Forbidden, InvalidInput
from ..evaluation.common import unit_people
from ..evaluation.fields import amount, choice, decision, text
from ..messages import Msg
from ..notifications import notify
from ..rule_settings import rule_settings
from ..self_evaluation.inputs import iso_date
from ..tasks import Completion, register_form
from .access import KIND, report_for_instance
from .fund_actions import MOVING, ceiling_of, record_fund_action
from .report_input import check_report

MAX_RETURNS = 50
FILL = "jixiao:monitor_fill"
LEADER_REVIEW = "jixiao:monitor_leader_review"
LIAISON_REVIEW = "jixiao:monitor_liaison_review"
DECIDE = "jixiao:monitor_decide"
LEADER_APPROVE = "jixiao:monitor_leader_approve"
EXECUTE = "jixiao:monitor_execute"
CHOSEN = tuple(d for d in DECISIONS if d != "none")


def _open(instance: ProcessInstance) -> tuple[MonitoringReport, FinanceBureau]:
    report = report_for_instance(instance)
    if report.round.status == "closed":
        raise Conflict(Msg("this monitoring round is closed"))
    return report, db.get(FinanceBureau, report.bureau_id)


def _move(report: MonitoringReport, user: User, status: str, action: str,
          reason: str | None = None, **after) -> None:
    before = report.status
    report.status = status
    record(user.id, KIND, report.id, action, before={"status": before},
           after={"status": status, **after}, reason=reason or None)


def _returned(report: MonitoringReport, user: User, step: str, comment: str) -> None:
    if report.return_count >= MAX_RETURNS:
        raise Conflict(Msg("this report has been returned %(n)s times", n=MAX_RETURNS))
    report.return_count += 1
    _move(report, user, "draft", f"{step}.return", comment, return_count=report.return_count)
    notify([report.filer_id], "returned", Msg(
        "Monitoring report %(id)s was returned: %(reason)s", id=report.id, reason=comment),
        entity=KIND, entity_id=report.id)


@register_form(FILL)
def fill_report(task: Task, instance: ProcessInstance, user: User, payload: dict
                ) -> Completion:
    """The filer reports execution and each indicator's progress; R14 flags the report."""
    report, bureau = _open(instance)
    indicators = list(db.scalars(select(Indicator).where(Indicator.sheet_id == report.sheet_id)
                                 .order_by(Indicator.seq)))
    filled = check_report(payload.get("report"), indicators, report.budget_amount,
                          report.round.time_progress, rule_settings(bureau))
    report.executed_amount, report.execution_rate = filled.executed, filled.rate
    report.gap_pp = filled.flag.gap_pp.quantize(Decimal("0.01"), ROUND_HALF_UP)
    report.indicators, report.corrective_measures = filled.rows, filled.measures
    report.flagged, report.propose_reduce = filled.flag.flagged, filled.flag.propose_reduce
    report.filer_id = user.id
    _move(report, user, "submitted", "fill.submit", execution_rate=str(filled.rate),
          flagged=filled.flag.flagged)
    return Completion(data={"decision": "submit", "filer": user.username,
                            "leader_due_at": due_in(bureau, "monitoring_leader_days")},
                      decision="submit")


def guard_review(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: whoever filled the report does not approve it; the liaison's review belongs to the
    unit's own expenditure section."""
    report = report_for_instance(instance)
    if user.id == report.filer_id or took_action(user, KIND, report.id, "fill.submit"):
        raise Forbidden(Msg("separation of duties: whoever filled the report cannot approve it "
                            "(R9)"))
    if task.form_key == LIAISON_REVIEW and user.section_id != report.unit.expenditure_section_id:
        raise Forbidden(Msg("only the expenditure section that owns the unit reviews its "
                            "report"))


@register_form(LEADER_REVIEW, guard=guard_review)
def leader_review(task: Task, instance: ProcessInstance, user: User, payload: dict
                  ) -> Completion:
    """The unit leader approves and submits the report, or returns it to the filer."""
    report, bureau = _open(instance)
    chosen, comment = decision(payload, ("approve", "return"), reason_on=("return",))
    if chosen == "return":
        _returned(report, user, "leader", comment)
        return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
    _move(report, user, "unit_approved", "leader.approve", comment)
    return Completion(data={"decision": chosen,
                            "liaison_due_at": due_in(bureau, "monitoring_liaison_days")},
                      decision=chosen, comment=comment or None)


@register_form(LIAISON_REVIEW, guard=guard_review)
def liaison_review(task: Task, instance: ProcessInstance, user: User, payload: dict
                   ) -> Completion:
    """The liaison cadre checks the report is reasonable; approved, a report R14 flagged goes
    to the performance section, the others are settled."""
    report, bureau = _open(instance)
    chosen, comment = decision(payload, ("approve", "return"), reason_on=("return",))
    if chosen == "return":
        _returned(report, user, "liaison", comment)
        return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
    status = "flagged" if report.flagged else "normal"
    _move(report, user, status, "liaison.approve", comment, flagged=report.flagged)
    data = {"decision": chosen, "flagged": report.flagged}
    if report.flagged:
        data["decide_due_at"] = due_in(bureau, "monitoring_decide_days")
    return Completion(data=data, decision=chosen, comment=comment or None)


def _decision_input(report: MonitoringReport, payload: dict) -> dict:
    errors: dict[str, list] = {}
    chosen = choice(payload, "finance_decision", CHOSEN, errors)
    note = text(payload, "note", errors, required=True, limit=2000)
    ceiling = ceiling_of(report)
    value = amount(payload, "amount", errors, required=chosen in ("reduce", "recover"))
    due = None
    if chosen == "notice":
        due = iso_date(payload.get("notice_due"), "notice_due", errors)
    if chosen in FUND_DECISIONS and "amount" not in errors:
        value = ceiling if value is None else value
        if value > ceiling:  # R15: never more than what is left of the full-year budget
            errors["amount"] = [Msg("at most the unspent budget, %(amount)s yuan (R15)",
                                    amount=ceiling)]
        elif value <= 0 and chosen in ("reduce", "recover"):
            errors["amount"] = [Msg("must be more than 0")]
    elif chosen not in FUND_DECISIONS:
        value = None
    if report.project_id is None and chosen in FUND_DECISIONS:
        errors["finance_decision"] = [Msg("fund actions concern a project; a unit's overall "
                                          "report takes a notice or a goal adjustment")]
    if errors:
        raise InvalidInput(Msg("the decision has errors"), errors)
    return {"decision": chosen, "note": note, "amount": value, "notice_due": due}


@register_form(DECIDE)
def decide_action(task: Task, instance: ProcessInstance, user: User, payload: dict
                  ) -> Completion:
    """The performance section decides for a flagged sheet: notice, goal adjustment, or a fund
    action (suspend, stop, reduce, recover) for the bureau leader to approve."""
    report, bureau = _open(instance)
    cleaned = _decision_input(report, payload)
    report.finance_decision, report.decision_note = cleaned["decision"], cleaned["note"]
    report.decision_amount, report.notice_due = cleaned["amount"], cleaned["notice_due"]
    report.decided_by_id, report.approved_by_id = user.id, None
    moves = cleaned["decision"] in FUND_DECISIONS
    _move(report, user, "decided", "decide", cleaned["note"], finance_decision=cleaned[
        "decision"], amount=str(cleaned["amount"]) if cleaned["amount"] is not None else None)
    if not moves:
        notify(_unit_people(report), "monitoring", NOTICES[cleaned["decision"]](report),
               entity=KIND, entity_id=report.id)
    data = {"decision": "submit", "moves_funds": moves}
    if moves:
        data["approve_due_at"] = due_in(bureau, "monitoring_approve_days")
    return Completion(data=data, decision="submit")


NOTICES = {
    "notice": lambda r: Msg("Monitoring report %(id)s: correct the deviation by %(due)s",
                            id=r.id, due=r.notice_due.isoformat()),
    "goal_adjust": lambda r: Msg("Monitoring report %(id)s: the performance section asks for "
                                 "the goals to be adjusted; declare an adjustment", id=r.id),
}


def _unit_people(report: MonitoringReport) -> list[int]:
    return unit_people(report.unit_id)


def guard_approve(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: whoever decided the fund action does not approve it."""
    report = report_for_instance(instance)
    if user.id == report.decided_by_id:
        raise Forbidden(Msg("separation of duties: whoever proposed the fund action cannot "
                            "approve it (R9)"))


@register_form(LEADER_APPROVE, guard=guard_approve)
def approve_action(task: Task, instance: ProcessInstance, user: User, payload: dict
                   ) -> Completion:
    """The bureau leader approves the fund action (R15) or rejects it back to the section."""
    report, bureau = _open(instance)
    chosen, comment = decision(payload, ("approve", "reject"), reason_on=("reject",))
    if chosen == "reject":
        _move(report, user, "flagged", "approve.reject", comment)
        return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
    report.approved_by_id = user.id
    _move(report, user, "approved", "approve.approve", comment,
          finance_decision=report.finance_decision)
    return Completion(data={"decision": chosen,
                            "execute_due_at": due_in(bureau, "monitoring_execute_days")},
                      decision=chosen, comment=comment or None)


@register_form(EXECUTE)
def execute_action(task: Task, instance: ProcessInstance, user: User, payload: dict
                   ) -> Completion:
    """The budget section executes the approved action in the integrated system and records
    the amount moved: one append-only fund action."""
    report, _bureau = _open(instance)
    if report.approved_by_id is None:
        raise Conflict(Msg("the bureau leader has not approved this fund action (R15)"))
    errors: dict[str, list] = {}
    moved = amount(payload, "amount", errors)
    note = text(payload, "note", errors, limit=2000)
    approved = report.decision_amount or Decimal(0)
    moved = approved if moved is None and "amount" not in errors else moved
    if moved is not None and moved > approved:
        errors["amount"] = [Msg("at most the approved amount, %(amount)s yuan",
                                amount=approved)]
    elif moved is not None and report.finance_decision in MOVING:
        ceiling = ceiling_of(report, lock=True)  # others may have moved money since
        if moved > ceiling:
            errors["amount"] = [Msg("at most the unspent budget, %(amount)s yuan (R15)",
                                    amount=ceiling)]
    if errors:
        raise InvalidInput(Msg("the execution has errors"), errors)
    action = record_fund_action(report, user, moved, note)
    _move(report, user, "executed", "execute", note, fund_action_id=action.id,
          amount=str(moved))
    notify(_unit_people(report), "monitoring", Msg(
        "Monitoring report %(id)s: the fund action has been executed", id=report.id),
        entity=KIND, entity_id=report.id)
    return Completion(data={"decision": "submit"}, decision="submit")
