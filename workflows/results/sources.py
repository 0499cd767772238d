"""What the rules read to propose (DOMAIN f step 1): final grades, self-evaluations,
monitoring fund actions, the ledger, final accounts and project balances of the source year.
Each function yields Candidates: a proposal before it is stored, with its rule and figures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from models import (
    FundAction,
    KeyEvaluation,
    Project,
    ProjectBalance,
    RectificationItem,
    SelfEvaluation,
    UnitFinalAccount,
    db,
)

from ..cycle_rules import (
    balance_proposal,
    balance_ratio,
    county_average,
    grade_proposal,
    idle_since,
)
from ..messages import Msg

FINAL = ("final", "results_issued", "closed")
CENT = Decimal("0.01")


@dataclass
class Candidate:
    """A proposal the rules make, before it is stored."""

    rule_id: str
    action: str
    source_type: str
    source_id: int
    unit_id: int
    project_id: int | None = None
    special_fund_id: int | None = None
    pct: Decimal | None = None
    base_amount: Decimal | None = None
    basis: dict = field(default_factory=dict)
    basis_text: Msg | str = ""  # a Msg, so that the pages and the list say it in their language

    @property
    def budget_effect(self) -> Decimal | None:
        """The change to next year's budget it proposes (negative: a cut)."""
        if self.base_amount is None:
            return None
        if self.action in ("cancel", "recover_idle_funds"):
            return -self.base_amount
        if self.action == "reduce_pct" and self.pct:
            return -(self.base_amount * self.pct / 100).quantize(CENT, ROUND_HALF_UP)
        return Decimal(0)

    @property
    def key(self) -> tuple:
        """What makes two proposals the same (a re-run adds only new ones)."""
        return (self.rule_id, self.source_type, self.source_id, self.project_id, self.unit_id,
                self.action)


MARKS = {"excellent": "优", "good": "良", "fair": "中", "poor": "差"}  # the grades as written


def _d(value) -> str:
    return format(Decimal(value), "f") if value is not None else ""


def finance_graded(bureau_id: int, year: int) -> set[tuple[int, int | None]]:
    """The (unit, project) pairs finance graded in a final key evaluation of the year: their
    own self-evaluation grade proposes nothing then, whatever finance found."""
    return {(unit, project) for unit, project in db.execute(
        select(KeyEvaluation.unit_id, KeyEvaluation.project_id).where(
            KeyEvaluation.bureau_id == bureau_id, KeyEvaluation.fiscal_year_evaluated == year,
            KeyEvaluation.status.in_(FINAL), KeyEvaluation.grade.is_not(None)))}


def from_key_evaluations(bureau_id: int, year: int, settings: dict) -> Iterator[Candidate]:
    """R23, R24: finance's final grades of the source year; 差 cancels a department project
    and cuts a special fund (once, on the fund's amount), 中 requires improvement (with the
    optional cut)."""
    cut_funds: set[int] = set()
    for ev in db.scalars(select(KeyEvaluation).where(
            KeyEvaluation.bureau_id == bureau_id, KeyEvaluation.fiscal_year_evaluated == year,
            KeyEvaluation.status.in_(FINAL), KeyEvaluation.grade.in_(("poor", "fair")))
            .order_by(KeyEvaluation.final_score, KeyEvaluation.id)):
        project = db.get(Project, ev.project_id) if ev.project_id else None
        fund = project.special_fund if project is not None else None
        kind = "special_fund" if ev.object_type == "special_fund" or fund is not None \
            else "project" if project is not None else ev.object_type
        proposal = grade_proposal(ev.grade, kind, settings)
        base = (fund.annual_amount if fund is not None
                else project.year_amount if project is not None else None)
        action = {"cancel": "cancel", "cut": "reduce_pct"}.get(proposal.action,
                                                               "require_improvement")
        said = {"title": ev.title, "mark": MARKS[ev.grade], "score": _d(ev.final_score),
                "pct": _d(proposal.cut_pct)}
        text = Msg("%(title)s graded %(mark)s (score %(score)s): improvement required", **said)
        if action == "cancel" and project is None:
            action = "require_improvement"  # a unit's overall spending is not cancelled
        elif action == "cancel":
            text = Msg("%(title)s graded %(mark)s (score %(score)s): the department project is "
                       "cancelled", **said)
        elif action == "reduce_pct" and base is not None and fund is not None \
                and fund.id in cut_funds:  # the fund is cut once, for its worst grade
            action = "require_improvement"
            text = Msg("%(title)s graded %(mark)s (score %(score)s): improvement required; the "
                       "special fund is already cut once", **said)
        elif action == "reduce_pct" and base is None:
            action = "require_improvement"  # nothing to cut from
        elif action == "reduce_pct":
            text = Msg("%(title)s graded %(mark)s (score %(score)s): cut by %(pct)s%%", **said) \
                if fund is None else Msg("%(title)s graded %(mark)s (score %(score)s): the "
                                         "special fund is cut by %(pct)s%%", **said)
        if action == "reduce_pct" and fund is not None:
            cut_funds.add(fund.id)
        yield Candidate(
            proposal.rule, action, "key_evaluation", ev.id, ev.unit_id,
            project.id if project else None, fund.id if fund is not None else None,
            proposal.cut_pct if action == "reduce_pct" else None, base,
            {"grade": ev.grade, "final_score": _d(ev.final_score), "object_type": kind,
             "base_amount": _d(base), "cut_pct": _d(proposal.cut_pct)}, text)


def from_self_evaluations(bureau_id: int, year: int, graded_by_finance: set) -> Iterator[
        Candidate]:
    """National baseline [N]: a unit's own 中/差 requires improvement (when finance did not
    grade the same object)."""
    for se in db.scalars(select(SelfEvaluation).where(
            SelfEvaluation.bureau_id == bureau_id, SelfEvaluation.fiscal_year == year,
            SelfEvaluation.status == "accepted", SelfEvaluation.grade.in_(("poor", "fair")))
            .order_by(SelfEvaluation.id)):
        if (se.unit_id, se.project_id) in graded_by_finance:
            continue
        yield Candidate("R24", "require_improvement", "self_evaluation", se.id, se.unit_id,
                        se.project_id, basis={"grade": se.grade,
                                              "total_score": _d(se.total_score)},
                        basis_text=Msg("self-evaluation graded %(mark)s (score %(score)s): "
                                       "improvement required", mark=MARKS[se.grade],
                                       score=_d(se.total_score)))


def from_monitoring(bureau_id: int, year: int) -> Iterator[Candidate]:
    """R15's actions of the source year carried into next year: a stopped project is not
    arranged again; a suspension still in force waits for rectification."""
    reversed_ids = set(db.scalars(select(FundAction.reversal_of_id).where(
        FundAction.reversal_of_id.is_not(None))))
    for action in db.scalars(select(FundAction).where(
            FundAction.bureau_id == bureau_id, FundAction.fiscal_year == year,
            FundAction.basis_type == "monitoring_report", FundAction.reversal_of_id.is_(None),
            FundAction.kind.in_(("stop", "suspend"))).order_by(FundAction.id)):
        if action.id in reversed_ids or action.project_id is None:
            continue
        project = db.get(Project, action.project_id)
        stop = action.kind == "stop"
        said = {"year": year, "id": action.id, "amount": _d(action.amount)}
        yield Candidate(
            "R15", "cancel" if stop else "suspend_until_rectified", "monitoring", action.id,
            action.unit_id, project.id, base_amount=project.year_amount if stop else None,
            basis={"fund_action": action.id, "kind": action.kind, "amount": _d(action.amount)},
            basis_text=Msg("disbursement stopped in the %(year)s monitoring (fund action "
                           "%(id)s, %(amount)s yuan)", **said) if stop else Msg(
                "disbursement suspended in the %(year)s monitoring (fund action %(id)s, "
                "%(amount)s yuan)", **said))


def from_ledger(bureau_id: int, year: int, compilation: date) -> Iterator[Candidate]:
    """R28: problems not rectified by the budget-compilation date suspend the object until
    they are, one proposal per unit and project."""
    open_items: dict[tuple, list] = {}
    for item in db.scalars(select(RectificationItem).where(
            RectificationItem.bureau_id == bureau_id, RectificationItem.fiscal_year <= year,
            RectificationItem.status != "signed_off",
            RectificationItem.deadline < compilation).order_by(RectificationItem.id)):
        open_items.setdefault((item.unit_id, item.problem.project_id), []).append(item)
    for (unit_id, project_id), items in open_items.items():
        yield Candidate(
            "R28", "suspend_until_rectified", "rectification", items[0].id, unit_id,
            project_id, basis={"items": [i.id for i in items],
                               "deadlines": [i.deadline.isoformat() for i in items]},
            basis_text=Msg("%(n)s ledger item(s) past their deadline and not signed off by "
                           "%(day)s: %(ids)s", n=len(items), day=compilation.isoformat(),
                           ids=", ".join(str(i.id) for i in items)))


def from_final_accounts(bureau_id: int, year: int, settings: dict
                        ) -> tuple[Decimal | None, list[Candidate]]:
    """R25: units whose year-end balance ratio exceeds the county's by more than the margin
    lose an extra share of next year's operating funds."""
    accounts = list(db.scalars(select(UnitFinalAccount).where(
        UnitFinalAccount.bureau_id == bureau_id, UnitFinalAccount.fiscal_year == year)
        .order_by(UnitFinalAccount.unit_id)))
    if not accounts:
        return None, []
    average = county_average([(a.carryover, a.balance, a.expenditure) for a in accounts],
                             settings["balance_average"])
    out = []
    for a in accounts:
        ratio = balance_ratio(a.carryover, a.balance, a.expenditure)
        proposal = balance_proposal(ratio, average, settings)
        if proposal is None:
            continue
        out.append(Candidate(
            "R25", "reduce_pct", "final_accounts", a.id, a.unit_id, pct=proposal.cut_pct,
            base_amount=a.operating_funds,
            basis={"ratio": _d(ratio.quantize(Decimal("0.0001"))),
                   "county_average": _d(average.quantize(Decimal("0.0001"))),
                   "margin_pp": str(settings["balance_margin_pp"]),
                   "operating_funds": _d(a.operating_funds)},
            basis_text=Msg("balance ratio %(ratio)s%% > county %(average)s%% + %(margin)s pp: "
                           "operating funds cut %(pct)s%%", ratio=_d(ratio.quantize(CENT)),
                           average=_d(average.quantize(CENT)),
                           margin=str(settings["balance_margin_pp"]),
                           pct=_d(proposal.cut_pct))))
    return average, out


def from_balances(bureau_id: int, year: int, on: date, settings: dict) -> Iterator[Candidate]:
    """R26: unspent project funds older than the usage period are recovered."""
    for b in db.scalars(select(ProjectBalance).where(
            ProjectBalance.bureau_id == bureau_id, ProjectBalance.fiscal_year == year,
            ProjectBalance.unspent > 0).order_by(ProjectBalance.id)):
        if not idle_since(b.last_spent_on, on, settings):
            continue
        yield Candidate(
            "R26", "recover_idle_funds", "project_balance", b.id, b.project.unit_id,
            b.project_id, base_amount=b.unspent,
            basis={"unspent": _d(b.unspent), "last_spent_on": b.last_spent_on.isoformat(),
                   "idle_years": settings["idle_years"]},
            basis_text=Msg("%(amount)s yuan unspent since %(day)s, beyond the %(years)s-year "
                           "usage period: recovered", amount=_d(b.unspent),
                           day=b.last_spent_on.isoformat(), years=settings["idle_years"]))
