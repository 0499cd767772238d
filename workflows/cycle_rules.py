"""The performance cycle's rules as pure functions over the bureau's settings (DOMAIN §5: R5, R6,
R13, R14, R15, R23–R26). Amounts are yuan as Decimal; rates and gaps are percentages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

HUNDRED = Decimal(100)


def _d(value) -> Decimal:
    """A figure as Decimal, read from its text so 18.01 stays 18.01."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


# R5 and process (a): ex-ante assessment

def needs_ex_ante(is_new: bool, county_amount, settings: dict) -> bool:
    """A new project at or above the threshold (0: every new project) needs an assessment."""
    return bool(is_new) and _d(county_amount) >= settings["ex_ante_threshold"]


def ex_ante_conclusion(total_score, settings: dict) -> str:
    """support (≥ 80), support_with_revision (≥ 60) or not_support, on the bureau's bands."""
    score = _d(total_score)
    if score >= settings["ex_ante_support_score"]:
        return "support"
    if score >= settings["ex_ante_revision_score"]:
        return "support_with_revision"
    return "not_support"


def leader_approves_ex_ante(amount, settings: dict) -> bool:
    """The bureau leader, not the performance chief, approves at or above this amount."""
    return _d(amount) >= settings["ex_ante_leader_threshold"]


# R6 and R13: goal sheets and their issuance

def needs_goal_sheet(amount, settings: dict) -> bool:
    """A project at or above the threshold (0: every project) needs a goal sheet."""
    return _d(amount) >= settings["goal_sheet_threshold"]


@dataclass(frozen=True)
class IssuanceDates:
    """When goals must be issued after the congress approves the budget, and the warning."""

    due: date
    warn: date
    sub_units_due: date


def issuance_dates(approved_on: date, settings: dict) -> IssuanceDates:
    """R13: issue within 20 days of approval (warn the budget section at D-5); departments
    issue to their sub-units within 15 days of their own issuance."""
    due = approved_on + timedelta(days=settings["issuance_days"])
    return IssuanceDates(due, due - timedelta(days=settings["issuance_warning_days"]),
                         due + timedelta(days=settings["sub_issuance_days"]))


# R14 and R15: double monitoring and fund actions

@dataclass(frozen=True)
class MonitoringFlag:
    """What R14 says of one monitoring report."""

    flagged: bool
    gap_pp: Decimal  # time progress minus execution rate, in percentage points
    propose_reduce: bool

    @property
    def needs_measures(self) -> bool:
        """A flagged report must state its corrective measures."""
        return self.flagged


def execution_rate(executed, budget_full_year) -> Decimal:
    """Executed share of the full-year budget, in percent (0 when there is no budget)."""
    budget = _d(budget_full_year)
    return (_d(executed) / budget * HUNDRED) if budget > 0 else Decimal(0)


def monitoring_flag(time_progress_pct, execution_rate_pct, unachievable: bool,
                    settings: dict) -> MonitoringFlag:
    """Flagged when time progress exceeds execution by strictly more than the gap threshold,
    or when any indicator is marked not achievable; below the severe rate a cut is proposed."""
    gap = _d(time_progress_pct) - _d(execution_rate_pct)
    return MonitoringFlag(flagged=gap > settings["gap_threshold_pp"] or bool(unachievable),
                          gap_pp=gap,
                          propose_reduce=_d(execution_rate_pct) < settings["severe_threshold_pct"])


def fund_action_ceiling(budget_full_year, executed, moved=0) -> Decimal:
    """R15: a reduction or recovery cannot exceed what is left of the full-year budget once
    the execution and the year's earlier reductions and recoveries are taken off."""
    return max(_d(budget_full_year) - _d(executed) - _d(moved), Decimal(0))


# R23–R26: result application

@dataclass(frozen=True)
class Proposal:
    """One result-application proposal with the rule and the figures it came from."""

    rule: str
    action: str  # cancel | cut | require_improvement | support
    cut_pct: Decimal = Decimal(0)
    basis: str = ""


def grade_proposal(grade: str, object_kind: str, settings: dict) -> Proposal:
    """R23 and R24 for a finance-graded object: 差 cancels a department project and cuts a
    special fund; 中 requires improvement, with the optional cut; 优/良 are supported."""
    if grade == "poor":
        if object_kind == "special_fund":
            pct = _d(settings["poor_cut_pct"])
            return Proposal("R23", "cut", pct, f"grade poor, special fund: cut {pct}%")
        return Proposal("R23", "cancel", basis="grade poor, department project: cancel")
    if grade == "fair":
        pct = _d(settings["fair_cut_pct"])
        return Proposal("R24", "cut" if pct > 0 else "require_improvement", pct,
                        f"grade fair: improvement required, cut {pct}%")
    return Proposal("R23", "support", basis=f"grade {grade}: support")


def balance_ratio(carryover, balance, expenditure) -> Decimal:
    """R25: (carryover + year-end balance) / the unit's final-account expenditure, in percent."""
    spent = _d(expenditure)
    return ((_d(carryover) + _d(balance)) / spent * HUNDRED) if spent > 0 else Decimal(0)


def county_average(units: Iterable[tuple], mode: str) -> Decimal:
    """The county-wide balance ratio over (carryover, balance, expenditure) per unit:
    weighted (Σ balances / Σ expenditure, the default) or the simple mean of the ratios."""
    rows = [(_d(c), _d(b), _d(e)) for c, b, e in units]
    if mode == "mean":
        ratios = [balance_ratio(c, b, e) for c, b, e in rows if e > 0]
        return sum(ratios, Decimal(0)) / len(ratios) if ratios else Decimal(0)
    spent = sum((e for _, _, e in rows), Decimal(0))
    return sum((c + b for c, b, _ in rows), Decimal(0)) / spent * HUNDRED if spent else Decimal(0)


def balance_proposal(unit_ratio, average, settings: dict) -> Proposal | None:
    """R25: a unit whose ratio is above the average by strictly more than the margin has next
    year's operating funds cut by the extra percentage (avg 8 %: 18.01 % is cut, 18.00 % not)."""
    ratio, avg = _d(unit_ratio), _d(average)
    if ratio - avg > settings["balance_margin_pp"]:
        pct = _d(settings["balance_cut_pct"])
        return Proposal("R25", "cut", pct, f"balance ratio {ratio}% > county {avg}% + "
                                           f"{settings['balance_margin_pp']} pp: operating "
                                           f"funds cut {pct}%")
    return None


def idle_since(last_spent_on: date, today: date, settings: dict) -> bool:
    """R26: unspent project funds are idle once older than the usage period (years)."""
    try:
        limit = last_spent_on.replace(year=last_spent_on.year + settings["idle_years"])
    except ValueError:  # 29 February
        limit = last_spent_on.replace(year=last_spent_on.year + settings["idle_years"], day=28)
    return today > limit
