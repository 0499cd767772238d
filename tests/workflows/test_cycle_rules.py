"""The cycle's rules with the boundary cases DOMAIN §5 gives (R5, R6, R13, R14, R15, R23–R26)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from workflows.cycle_rules import (
    balance_proposal,
    balance_ratio,
    county_average,
    ex_ante_conclusion,
    execution_rate,
    fund_action_ceiling,
    grade_proposal,
    idle_since,
    issuance_dates,
    leader_approves_ex_ante,
    monitoring_flag,
    needs_ex_ante,
    needs_goal_sheet,
)
from workflows.rule_settings import SETTINGS

DEFAULTS = {s.key: s.default for s in SETTINGS}


def with_(**changes) -> dict:
    return {**DEFAULTS, **changes}


@pytest.mark.parametrize(("is_new", "amount", "settings", "needed"), [
    (True, 500_000, DEFAULTS, True),  # at the threshold
    (True, "499999.99", DEFAULTS, False),
    (False, 9_000_000, DEFAULTS, False),  # only new projects
    (True, 1, with_(ex_ante_threshold=0), True),  # 0: every new project [S-LL]
])
def test_r5_ex_ante_threshold(is_new, amount, settings, needed):
    assert needs_ex_ante(is_new, amount, settings) is needed


@pytest.mark.parametrize(("score", "conclusion"), [
    (100, "support"), ("80.00", "support"), ("79.99", "support_with_revision"),
    (60, "support_with_revision"), ("59.99", "not_support"), (0, "not_support")])
def test_ex_ante_conclusion_bands(score, conclusion):
    assert ex_ante_conclusion(score, DEFAULTS) == conclusion


def test_ex_ante_leader_threshold():
    assert leader_approves_ex_ante(5_000_000, DEFAULTS)
    assert not leader_approves_ex_ante("4999999.99", DEFAULTS)


@pytest.mark.parametrize(("amount", "settings", "needed"), [
    (500_000, DEFAULTS, True), ("499999.99", DEFAULTS, False),
    (0, with_(goal_sheet_threshold=0), True)])
def test_r6_goal_sheet_threshold(amount, settings, needed):
    assert needs_goal_sheet(amount, settings) is needed


def test_r13_issuance_within_20_days_with_a_warning_at_d5():
    dates = issuance_dates(date(2027, 1, 20), DEFAULTS)
    assert (dates.due, dates.warn, dates.sub_units_due) == (
        date(2027, 2, 9), date(2027, 2, 4), date(2027, 2, 24))


@pytest.mark.parametrize(("progress", "rate", "unachievable", "flagged", "reduce"), [
    (50, 30, False, False, False),  # gap 20 pp: not more than the threshold
    (50, "29.99", False, True, True),  # gap 20.01 pp; below the severe 30 %
    (50, 45, True, True, False),  # an indicator marked not achievable
    (50, 30, False, False, False),
])
def test_r14_monitoring_flag(progress, rate, unachievable, flagged, reduce):
    flag = monitoring_flag(progress, rate, unachievable, DEFAULTS)
    assert (flag.flagged, flag.propose_reduce, flag.needs_measures) == (flagged, reduce, flagged)


def test_r14_execution_rate_and_r15_ceiling():
    assert execution_rate(300_000, 1_000_000) == Decimal(30)
    assert execution_rate(5, 0) == 0
    assert fund_action_ceiling(1_000_000, 300_000) == Decimal(700_000)
    assert fund_action_ceiling(1_000_000, 1_200_000) == 0
    assert fund_action_ceiling(1_000_000, 200_000, 300_000) == Decimal(500_000)
    assert fund_action_ceiling(1_000_000, 250_000, 800_000) == 0  # H1 cut 800k: Q3 has none


@pytest.mark.parametrize(("grade", "kind", "settings", "rule", "action", "pct"), [
    ("poor", "project", DEFAULTS, "R23", "cancel", 0),
    ("poor", "special_fund", DEFAULTS, "R23", "cut", 20),
    ("poor", "special_fund", with_(poor_cut_pct=30), "R23", "cut", 30),
    ("fair", "project", DEFAULTS, "R24", "require_improvement", 0),
    ("fair", "project", with_(fair_cut_pct=5), "R24", "cut", 5),
    ("good", "project", DEFAULTS, "R23", "support", 0),
])
def test_r23_r24_grade_proposals(grade, kind, settings, rule, action, pct):
    proposal = grade_proposal(grade, kind, settings)
    assert (proposal.rule, proposal.action, proposal.cut_pct) == (rule, action, pct)
    assert proposal.basis


@pytest.mark.parametrize(("unit", "cut"), [("18.01", True), ("18.00", False), ("8", False)])
def test_r25_balance_rule_boundary(unit, cut):
    proposal = balance_proposal(unit, 8, DEFAULTS)  # the county average is 8 %
    assert (proposal is not None) is cut
    if cut:
        assert (proposal.rule, proposal.action, proposal.cut_pct) == ("R25", "cut", 10)
        assert "18.01% > county 8% + 10 pp" in proposal.basis


def test_r25_ratios_and_the_county_average():
    assert balance_ratio(100, 80, 1000) == Decimal(18)
    units = [(50, 30, 1000), (0, 100, 4000)]  # 8 % and 2.5 %
    assert county_average(units, "weighted") == Decimal("3.6")  # 180 / 5000
    assert county_average(units, "mean") == Decimal("5.25")
    assert county_average([], "weighted") == 0


def test_r26_idle_funds_after_the_usage_period():
    assert not idle_since(date(2025, 6, 30), date(2026, 6, 30), DEFAULTS)
    assert idle_since(date(2025, 6, 30), date(2026, 7, 1), DEFAULTS)
    assert not idle_since(date(2025, 6, 30), date(2026, 7, 1), with_(idle_years=2))
    assert idle_since(date(2024, 2, 29), date(2025, 3, 1), DEFAULTS)
