"""Goal coverage and review quality (DOMAIN §7): sheets issued against what R6 requires, the
congress's share, return rates and time per gate, ratings."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import String, cast, func, literal, or_, select

from models import (
    CongressInquiry,
    GoalReview,
    GoalSheet,
    Project,
    SpecialFund,
    Task,
    db,
)
from models.goal_sheet import RATINGS

from ..messages import Msg
from ..rule_settings import rule_settings
from .charts import Chart, Figure, Panel, Series, pct, wan
from .scope import Scope

GATE_TASKS = {"gate1_unit_review": "unit_leader", "gate2_section_review": "section",
              "gate3_performance_review": "performance"}
GATE_NAMES = {"unit_leader": Msg("Gate 1: unit"), "section": Msg("Gate 2: expenditure section"),
              "performance": Msg("Gate 3: performance section")}
DAY = 86400


def _required_projects(scope: Scope, threshold) -> list[tuple[int, int, Decimal]]:
    """(project, unit, amount) of the year's projects R6 gives a goal sheet: at or above the
    threshold, or of a special fund that requires goals (not those blocked or cancelled)."""
    return list(db.execute(
        select(Project.id, Project.unit_id, Project.year_amount)
        .outerjoin(SpecialFund, SpecialFund.id == Project.special_fund_id)
        .where(Project.fiscal_year == scope.year, Project.unit_id.in_(scope.unit_ids),
               Project.status.not_in(("cancelled", "blocked")),
               or_(Project.year_amount >= threshold, SpecialFund.goal_required.is_(True)))))


def _issued(scope: Scope) -> tuple[set[int], set[int]]:
    """Units with an issued overall sheet, projects with an issued sheet, of the year."""
    rows = db.execute(select(GoalSheet.kind, GoalSheet.unit_id, GoalSheet.project_id).where(
        GoalSheet.fiscal_year == scope.year, GoalSheet.unit_id.in_(scope.unit_ids),
        GoalSheet.status == "issued")).all()
    return ({u for k, u, _ in rows if k == "overall"},
            {p for k, _, p in rows if k == "project" and p is not None})


def coverage_panel(scope: Scope) -> Panel:
    """Goal coverage: overall sheets issued ÷ active units, project sheets issued ÷ projects
    R6 requires, amount coverage, congress."""
    settings = rule_settings()
    required = _required_projects(scope, settings["goal_sheet_threshold"])
    overall, projects = _issued(scope)
    all_amount = db.scalar(select(func.sum(Project.year_amount)).where(
        Project.fiscal_year == scope.year, Project.unit_id.in_(scope.unit_ids),
        Project.status != "cancelled")) or 0
    covered = sum((a for p, _u, a in required if p in projects), Decimal(0))
    congress = db.scalar(select(func.count(GoalSheet.id)).where(
        GoalSheet.fiscal_year == scope.year, GoalSheet.unit_id.in_(scope.unit_ids),
        GoalSheet.submit_to_congress.is_(True))) or 0
    inquiries = db.scalar(select(func.count(CongressInquiry.id)).where(
        CongressInquiry.fiscal_year == scope.year, CongressInquiry.unit_id.in_(scope.unit_ids),
        CongressInquiry.status != "closed")) or 0
    units, need, done = {}, {}, {}
    for unit_id in scope.unit_ids:
        key = scope.key(unit_id)
        units.setdefault(key, [0, 0])
        units[key][0] += 1
        units[key][1] += unit_id in overall
    for project_id, unit_id, _amount in required:
        key = scope.key(unit_id, project_id)
        need[key] = need.get(key, 0) + 1
        done[key] = done.get(key, 0) + (project_id in projects)
    keys = scope.order
    figures = [
        Figure(Msg("Overall sheets issued / active units"), f"{len(overall)} / {len(scope.units)}"),
        Figure(Msg("Project sheets issued / projects requiring one"),
               f"{len(projects & {p for p, _, _ in required})} / {len(required)}"),
        Figure(Msg("Amount covered by issued goals"), pct(covered, all_amount), "%"),
        Figure(Msg("Sheets sent to the congress"), congress),
        Figure(Msg("Open congress inquiries"), inquiries)]
    series = [Series(Msg("Project sheets"), [pct(done.get(k, 0), need.get(k, 0)) for k in keys])]
    if scope.level != "project":
        series.insert(0, Series(Msg("Overall sheets"), [
            pct(units.get(k, [0, 0])[1], units.get(k, [0, 0])[0]) for k in keys]))
    chart = Chart("goal_coverage", Msg("Goal coverage"), "bar",
                  [scope.names[k] for k in keys], series, unit="%", keys=keys, maximum=100)
    return Panel("goals", Msg("Goal coverage"), figures, [chart] if scope.level != "project"
                 else [])


def _gate_times(scope: Scope) -> dict[str, list[float]]:
    """Days each completed gate task took, per gate, for the year's sheets in view."""
    sheet_keys = select(literal("goal_sheet:") + cast(GoalSheet.id, String)).where(
        GoalSheet.fiscal_year == scope.year, GoalSheet.unit_id.in_(scope.unit_ids))
    days: dict[str, list[float]] = {}
    for key, created, completed in db.execute(
            select(Task.task_key, Task.created_at, Task.completed_at).where(
                Task.process_key == "goal_declaration", Task.status == "completed",
                Task.task_key.in_(GATE_TASKS), Task.business_key.in_(sheet_keys))):
        days.setdefault(GATE_TASKS[key], []).append((completed - created).total_seconds() / DAY)
    return days


def review_panel(scope: Scope) -> Panel:
    """Review quality: return rate and average days per gate, rating distribution, average
    cycles to approval."""
    rows = db.execute(select(GoalReview.gate, GoalReview.decision, GoalReview.rating,
                             func.count()).join(GoalSheet, GoalSheet.id == GoalReview.sheet_id)
                      .where(GoalSheet.fiscal_year == scope.year,
                             GoalSheet.unit_id.in_(scope.unit_ids))
                      .group_by(GoalReview.gate, GoalReview.decision, GoalReview.rating)).all()
    reviews, returns, ratings = {}, {}, dict.fromkeys(RATINGS, 0)
    for gate, decision, rating, count in rows:
        reviews[gate] = reviews.get(gate, 0) + count
        returns[gate] = returns.get(gate, 0) + (count if decision == "return" else 0)
        if rating:
            ratings[rating] += count
    times = _gate_times(scope)
    gates = list(GATE_NAMES)
    avg_days = [round(sum(times[g]) / len(times[g]), 2) if times.get(g) else None for g in gates]
    cycles = db.scalar(select(func.avg(GoalSheet.return_count)).where(
        GoalSheet.fiscal_year == scope.year, GoalSheet.unit_id.in_(scope.unit_ids),
        GoalSheet.status.in_(("approved", "issued"))))
    figures = [Figure(Msg("Reviews"), sum(reviews.values())),
               Figure(Msg("Returns"), sum(returns.values())),
               Figure(Msg("Average returns before approval"),
                      round(float(cycles), 2) if cycles is not None else None)]
    gate_chart = Chart(
        "review_gates", Msg("Return rate and days per gate"), "bar_line",
        [GATE_NAMES[g] for g in gates],
        [Series(Msg("Return rate"), [pct(returns.get(g, 0), reviews.get(g, 0)) for g in gates]),
         Series(Msg("Average days"), avg_days, kind="line", axis=1)], unit="%",
        unit2=Msg("days"))
    rating_chart = Chart("review_ratings", Msg("Ratings at gates 2 and 3"), "pie",
                         [RATING_NAMES[r] for r in RATINGS],
                         [Series(Msg("Reviews"), [ratings[r] for r in RATINGS])])
    return Panel("reviews", Msg("Review quality"), figures, [gate_chart, rating_chart])


RATING_NAMES = {"excellent": Msg("Excellent"), "good": Msg("Good"), "fair": Msg("Fair"),
                "poor": Msg("Poor")}
__all__ = ["coverage_panel", "review_panel", "wan"]
