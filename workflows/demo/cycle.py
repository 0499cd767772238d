"""The demo's story through three years, in the order a bureau lives it: last year's goals
issued and self-evaluated, this year's ex-ante, goals, issuance and H1 monitoring, key
evaluations of last year and their problems in the ledger, results applied to next year's
budget, and next year's declarations under way."""

from __future__ import annotations

from datetime import date, timedelta

from models import GoalSheet, db

from .assessments import assess
from .drive import do, on
from .evaluations import key_evaluations, register_firms, self_evaluate
from .goals import declare_overall, declare_project, drive, issue, overall_amount
from .ledger import load_ledger, rectify_findings
from .monitoring import run_round
from .people import Bureau, add_funds, add_projects
from .results import apply_results, record_accounts


def _declare_year(bureau: Bureau, year: int, projects: list, start: date,
                  return_share: float = 0.12) -> None:
    """Every unit's overall sheet and the given projects' sheets, each through the gates."""
    rng = bureau.rng
    for n, unit in enumerate(bureau.units):
        day = start + timedelta(days=n % 25)
        with on(day):
            instance = declare_overall(bureau, unit, year)
        drive(bureau, instance, unit, "approved", day, n,
              rng.randrange(3) if rng.random() < return_share else None,
              overall_amount(bureau, unit, year))
    for n, project in enumerate(projects):
        day = start + timedelta(days=(n * 3) % 30)
        with on(day):
            instance = declare_project(bureau, project)
        drive(bureau, instance, project.unit, "approved", day, n,
              rng.randrange(3) if rng.random() < return_share else None)


def last_year(bureau: Bureau, year: int) -> None:
    """Year N-1: goals declared in the autumn before, issued in February, self-evaluated."""
    big = add_projects(bureau, year, bureau.profile.projects_2025,
                       big=bureau.profile.projects_2025)
    _declare_year(bureau, year, big, date(year - 1, 10, 20), return_share=0.08)
    issue(bureau, year, date(year, 1, 20), date(year, 2, 6))


def this_year(bureau: Bureau, year: int) -> None:
    """Year N: ex-ante of the new projects, goals through the gates, the congress and the
    issuance, then the monitoring round(s)."""
    p = bureau.profile
    count = max(round(len(bureau.units) * p.projects_per_unit), p.big_projects)
    projects = add_projects(bureau, year, count, big=p.big_projects, new=p.new_projects)
    new = projects[:p.new_projects]
    outcomes = ["blocked"] * p.not_supported + ["revision"] * min(2, len(new)) + \
        ["support"] * len(new)
    blocked = set()
    for n, project in enumerate(new):
        outcome = outcomes[n] if n < len(outcomes) else "support"
        assess(bureau, project, outcome, date(year - 1, 6, 10) + timedelta(days=5 * n))
        if outcome == "blocked":
            blocked.add(project.id)
    big = [pr for pr in projects[:p.big_projects] if pr.id not in blocked]
    _declare_year(bureau, year, big, date(year - 1, 10, 15))
    issue(bureau, year, date(year, 1, 18), date(year, 2, 5))
    for label in p.rounds:
        run_round(bureau, year, label)


def evaluations(bureau: Bureau, evaluated: int) -> None:
    """The self-evaluation and key evaluations of N-1, run in N; then the ledger."""
    self_evaluate(bureau, evaluated, date(evaluated + 1, 1, 12))
    firms = register_firms(bureau)
    issued = key_evaluations(bureau, evaluated, firms, date(evaluated + 1, 3, 10))
    rectify_findings(bureau, issued)
    load_ledger(bureau, evaluated)


def next_year(bureau: Bureau, year: int) -> None:
    """Year N+1: its new projects in ex-ante, its declarations at every gate."""
    p = bureau.profile
    projects = add_projects(bureau, year, p.declarations_2027 + p.ex_ante_2027,
                            big=p.declarations_2027 + p.ex_ante_2027, new=p.ex_ante_2027)
    stops = ("ex_ante_fill", "ex_ante_leader_review", "ex_ante_completeness", "score")
    for n, project in enumerate(projects[:p.ex_ante_2027]):
        assess(bureau, project, "support", date(year - 1, 9, 1) + timedelta(days=7 * n),
               until=stops[n % len(stops)])
    stages = ("draft", "gate1", "gate2", "gate3", "returned", "approved")
    for n, project in enumerate(projects[p.ex_ante_2027:]):
        day = date(year - 1, 10, 20) + timedelta(days=n % 40)
        with on(day):
            instance = declare_project(bureau, project)
        stage = stages[n % len(stages)]
        if stage == "returned":
            drive(bureau, instance, project.unit, "gate2", day, n)  # waiting at gate 2
            _return_at_gate2(bureau, instance, project.unit, day + timedelta(days=12))
        else:
            drive(bureau, instance, project.unit, stage, day, n)


def _return_at_gate2(bureau: Bureau, instance, unit, day: date) -> None:
    """Leave a sheet returned at gate 2, waiting for the filer."""
    with on(day):
        do(instance.id, "gate2_section_review", unit.liaison, {
            "decision": "return", "rating": "fair",
            "comment": "满意度指标目标值偏低，请调整后重新提交。"})


def run_story(bureau: Bureau, this: int) -> None:
    """The whole story, with `this` as the current budget year."""
    add_funds(bureau)
    last_year(bureau, this - 1)
    this_year(bureau, this)
    evaluations(bureau, this - 1)
    record_accounts(bureau, this - 1, bureau.profile.balance_cuts)
    apply_results(bureau, this - 1, this + 1, date(this, 10, 15))
    next_year(bureau, this + 1)
    db.flush()


__all__ = ["GoalSheet", "run_story"]
