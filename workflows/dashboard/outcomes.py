"""Evaluations, the rectification ledger and result application on the dashboard (DOMAIN §7):
grade distributions, closure rate and overdue ageing, the budget effects of the results."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from models import (
    InterviewRecord,
    KeyEvaluation,
    Problem,
    RectificationItem,
    ResultApplication,
    ResultApplicationRound,
    SelfEvaluation,
    db,
)
from models.evaluation import GRADES
from models.result_application import ACTIONS

from ..ledger import AGEING_BANDS
from ..messages import Msg
from .charts import Chart, Figure, Panel, Series, pct, wan
from .goals import RATING_NAMES
from .scope import Scope

FINAL = ("final", "results_issued", "closed")
AGEING_NAMES = ("1–15", "16–30", "31–60", "> 60")
ACTION_NAMES = {
    "priority_support": Msg("Priority support"), "keep": Msg("Keep"),
    "require_improvement": Msg("Require improvement"), "reduce_pct": Msg("Cut by a percentage"),
    "cancel": Msg("Cancel"), "suspend_until_rectified": Msg("Suspend until rectified"),
    "investment_review_before_disbursement": Msg("Investment review before disbursement"),
    "policy_adjust": Msg("Adjust the policy"),
    "management_rule_revision": Msg("Revise the fund's management rules"),
    "recover_idle_funds": Msg("Recover idle funds")}


def _grades(rows) -> list[int]:
    counts = dict.fromkeys(GRADES, 0)
    for grade, count in rows:
        if grade in counts:
            counts[grade] += count
    return [counts[g] for g in GRADES]


def evaluation_panel(scope: Scope) -> Panel:
    """The evaluations of the year: last year's spending, self-evaluated and key-evaluated in
    this one (R33), their grade distributions."""
    evaluated = scope.year - 1
    self_rows = db.execute(select(SelfEvaluation.grade, func.count()).where(
        SelfEvaluation.fiscal_year == evaluated, SelfEvaluation.unit_id.in_(scope.unit_ids),
        SelfEvaluation.grade.is_not(None)).group_by(SelfEvaluation.grade)).all()
    key_rows = db.execute(select(KeyEvaluation.grade, func.count()).where(
        KeyEvaluation.fiscal_year_evaluated == evaluated,
        KeyEvaluation.unit_id.in_(scope.unit_ids), KeyEvaluation.status.in_(FINAL))
        .group_by(KeyEvaluation.grade)).all()
    gaps = db.scalar(select(func.count(SelfEvaluation.id)).where(
        SelfEvaluation.fiscal_year == evaluated, SelfEvaluation.unit_id.in_(scope.unit_ids),
        SelfEvaluation.gap_flagged.is_(True))) or 0
    opened = db.scalar(select(func.count(SelfEvaluation.id)).where(
        SelfEvaluation.fiscal_year == evaluated,
        SelfEvaluation.unit_id.in_(scope.unit_ids))) or 0
    names = [RATING_NAMES[g] for g in GRADES]
    self_grades, key_grades = _grades(self_rows), _grades(key_rows)
    return Panel("evaluations", Msg("Evaluation of %(year)s's spending", year=evaluated), [
        Figure(Msg("Self-evaluations"), opened),
        Figure(Msg("Self-evaluations graded"), sum(self_grades)),
        Figure(Msg("Spot-check gaps above 10 points"), gaps),
        Figure(Msg("Key evaluations final"), sum(key_grades))], [
        Chart("self_grades", Msg("Self-evaluation grades"), "pie", names,
              [Series(Msg("Self-evaluations"), self_grades)]),
        Chart("key_grades", Msg("Key-evaluation grades"), "pie", names,
              [Series(Msg("Key evaluations"), key_grades)])])


def _band(days: int) -> int:
    for i, (_low, high) in enumerate(AGEING_BANDS):
        if high is None or days <= high:
            return i
    return len(AGEING_BANDS) - 1


def ledger_panel(scope: Scope, on: date) -> Panel:
    """Every item of findings up to the year, as the ledger stands today: closure (销号) rate
    per group, overdue ageing, interviews held in the year."""
    groups: dict = {}
    ageing = [0] * len(AGEING_BANDS)
    total = signed = overdue = 0
    for unit_id, project_id, status, deadline, count in db.execute(
            select(RectificationItem.unit_id, Problem.project_id, RectificationItem.status,
                   RectificationItem.deadline, func.count())
            .join(Problem, Problem.id == RectificationItem.problem_id)
            .where(RectificationItem.fiscal_year <= scope.year,
                   RectificationItem.unit_id.in_(scope.unit_ids))
            .group_by(RectificationItem.unit_id, Problem.project_id, RectificationItem.status,
                      RectificationItem.deadline)):
        g = groups.setdefault(scope.key(unit_id, project_id), [0, 0])
        g[0] += count
        total += count
        if status == "signed_off":
            g[1] += count
            signed += count
        elif deadline < on:
            overdue += count
            ageing[_band((on - deadline).days)] += count
    interviews = db.scalar(select(func.count(InterviewRecord.id)).where(
        InterviewRecord.interviewee_unit_id.in_(scope.unit_ids),
        InterviewRecord.held_at.between(date(scope.year, 1, 1), date(scope.year, 12, 31)))) or 0
    keys = scope.order
    return Panel("ledger", Msg("Rectification ledger up to %(year)s", year=scope.year), [
        Figure(Msg("Ledger items"), total), Figure(Msg("Signed off"), signed),
        Figure(Msg("Closure rate"), pct(signed, total), "%"),
        Figure(Msg("Overdue"), overdue), Figure(Msg("Interviews held"), interviews)], [
        Chart("ledger_closure", Msg("Closure rate"), "bar", [scope.names[k] for k in keys],
              [Series(Msg("Closure rate"), [pct(groups.get(k, [0, 0])[1],
                                                groups.get(k, [0, 0])[0]) for k in keys])],
              unit="%", keys=keys, maximum=100),
        Chart("ledger_ageing", Msg("Overdue items by days overdue"), "bar", list(AGEING_NAMES),
              [Series(Msg("Items"), ageing)], unit="")])


def results_panel(scope: Scope) -> Panel:
    """Proposals made in the year from last year's results (R33): counts and budget effects
    per application."""
    rounds = select(ResultApplicationRound.id).where(
        ResultApplicationRound.bureau_id == scope.bureau_id,
        ResultApplicationRound.source_year == scope.year - 1)
    counts = dict.fromkeys(ACTIONS, 0)
    effects = dict.fromkeys(ACTIONS, Decimal(0))
    for action, status, count, proposed, applied in db.execute(
            select(ResultApplication.action, ResultApplication.status, func.count(),
                   func.sum(ResultApplication.budget_effect),
                   func.sum(ResultApplication.applied_effect))
            .where(ResultApplication.round_id.in_(rounds),
                   ResultApplication.unit_id.in_(scope.unit_ids),
                   ResultApplication.status.not_in(("rejected", "withdrawn")))
            .group_by(ResultApplication.action, ResultApplication.status)):
        counts[action] += count
        effects[action] += Decimal((applied if status == "applied" else proposed) or 0)
    used = [a for a in ACTIONS if counts[a]]
    total = sum(effects.values(), Decimal(0))
    return Panel("results", Msg("Result application of %(year)s's results",
                                year=scope.year - 1), [
        Figure(Msg("Proposals"), sum(counts.values())),
        Figure(Msg("Projects cancelled"), counts["cancel"]),
        Figure(Msg("Budget effect"), wan(total), "万元")], [
        Chart("result_effects", Msg("Budget effect by application"), "bar_line",
              [ACTION_NAMES[a] for a in used],
              [Series(Msg("Effect"), [wan(effects[a]) for a in used]),
               Series(Msg("Proposals"), [counts[a] for a in used], kind="line", axis=1)],
              unit="万元", unit2="")])
