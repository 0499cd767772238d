"""Ex ante and double monitoring on the dashboard (DOMAIN §7): assessments and cuts, execution
against time progress, flagged and actioned sheets, Σ reduced + recovered."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from models import ExAnteAssessment, FundAction, MonitoringReport, MonitoringRound, db

from ..messages import Msg
from ..monitoring.summary import BANDS, band_of
from .charts import Chart, Figure, Panel, Series, pct, wan
from .scope import Scope


def ex_ante_panel(scope: Scope) -> Panel:
    """Assessed, not supported, Σ(requested − recommended) of the year's concluded ones."""
    rows = db.execute(select(ExAnteAssessment.conclusion, func.count(),
                             func.sum(ExAnteAssessment.requested_amount),
                             func.sum(ExAnteAssessment.recommended_amount))
                      .where(ExAnteAssessment.fiscal_year == scope.year,
                             ExAnteAssessment.unit_id.in_(scope.unit_ids),
                             ExAnteAssessment.status.in_(("revision", "arrangeable", "blocked")))
                      .group_by(ExAnteAssessment.conclusion)).all()
    counts = {c: n for c, n, _a, _b in rows}
    cut = sum((Decimal(a or 0) - Decimal(b or 0) for _c, _n, a, b in rows), Decimal(0))
    started = db.scalar(select(func.count(ExAnteAssessment.id)).where(
        ExAnteAssessment.fiscal_year == scope.year,
        ExAnteAssessment.unit_id.in_(scope.unit_ids))) or 0
    return Panel("ex_ante", Msg("Ex-ante assessment"), [
        Figure(Msg("Assessments started"), started),
        Figure(Msg("Concluded"), sum(counts.values())),
        Figure(Msg("Not supported"), counts.get("not_support", 0)),
        Figure(Msg("Cut: requested − recommended"), wan(cut), "万元")])


def _round(scope: Scope) -> MonitoringRound | None:
    return db.scalar(select(MonitoringRound).where(
        MonitoringRound.bureau_id == scope.bureau_id, MonitoringRound.fiscal_year == scope.year)
        .order_by(MonitoringRound.cutoff_date.desc(), MonitoringRound.id.desc()).limit(1))


def _net_funds(scope: Scope) -> dict[tuple, Decimal]:
    """(group key, kind) → executed monitoring fund actions of the year, reversals netted."""
    out: dict[tuple, Decimal] = {}
    for unit_id, project_id, kind, reversal, amount in db.execute(
            select(FundAction.unit_id, FundAction.project_id, FundAction.kind,
                   FundAction.reversal_of_id.is_not(None), func.sum(FundAction.amount))
            .where(FundAction.fiscal_year == scope.year, FundAction.unit_id.in_(scope.unit_ids),
                   FundAction.basis_type == "monitoring_report")
            .group_by(FundAction.unit_id, FundAction.project_id, FundAction.kind,
                      FundAction.reversal_of_id.is_not(None))):
        key = (scope.key(unit_id, project_id), kind)
        out[key] = out.get(key, Decimal(0)) + (-1 if reversal else 1) * Decimal(amount or 0)
    return out


def monitoring_panel(scope: Scope) -> Panel:
    """The year's latest round: submitted / in scope, execution against time progress per
    group, the rates' histogram, flagged and actioned sheets, Σ reduced + recovered."""
    found = _round(scope)
    if found is None:
        return Panel("monitoring", Msg("Double monitoring"), [
            Figure(Msg("Monitoring rounds"), 0)])
    groups: dict = {}
    histogram = {f"{b}-{b + 10}": 0 for b in BANDS}
    totals = {"reports": 0, "submitted": 0, "flagged": 0, "actioned": 0}
    for unit_id, project_id, status, flagged, decision, rate, budget, executed in db.execute(
            select(MonitoringReport.unit_id, MonitoringReport.project_id,
                   MonitoringReport.status, MonitoringReport.flagged,
                   MonitoringReport.finance_decision, MonitoringReport.execution_rate,
                   MonitoringReport.budget_amount, MonitoringReport.executed_amount)
            .where(MonitoringReport.round_id == found.id,
                   MonitoringReport.unit_id.in_(scope.unit_ids))):
        totals["reports"] += 1
        g = groups.setdefault(scope.key(unit_id, project_id),
                              {"budget": Decimal(0), "executed": Decimal(0), "flagged": 0,
                               "actioned": 0})
        if status == "draft":
            continue
        totals["submitted"] += 1
        g["budget"] += budget
        g["executed"] += executed or 0
        histogram[band_of(rate)] += 1
        counted = flagged and status not in ("submitted", "unit_approved")
        g["flagged"] += counted
        totals["flagged"] += counted
        g["actioned"] += decision != "none"
        totals["actioned"] += decision != "none"
    funds = _net_funds(scope)
    keys = scope.order
    names = [scope.names[k] for k in keys]
    reduced = sum((v for (k, kind), v in funds.items() if kind == "reduce"), Decimal(0))
    recovered = sum((v for (k, kind), v in funds.items() if kind == "recover"), Decimal(0))
    charts = [
        Chart("monitoring_execution", Msg("Execution rate against time progress"), "bar", names,
              [Series(Msg("Execution rate"), [pct(groups.get(k, {}).get("executed", 0),
                                                  groups.get(k, {}).get("budget", 0))
                                              for k in keys])], unit="%", keys=keys,
              mark=(found.time_progress, Msg("Time progress")), maximum=100),
        Chart("monitoring_histogram", Msg("Reports by execution rate"), "bar",
              [f"{band}%" for band in histogram], [Series(Msg("Reports"),
                                                          list(histogram.values()))]),
        Chart("monitoring_flags", Msg("Flagged and actioned sheets"), "bar", names,
              [Series(Msg("Flagged"), [groups.get(k, {}).get("flagged", 0) for k in keys]),
               Series(Msg("Decided"), [groups.get(k, {}).get("actioned", 0) for k in keys])],
              keys=keys),
        Chart("monitoring_funds", Msg("Funds reduced and recovered"), "stacked", names,
              [Series(Msg("Reduced"), [wan(funds.get((k, "reduce"), 0)) for k in keys]),
               Series(Msg("Recovered"), [wan(funds.get((k, "recover"), 0)) for k in keys])],
              unit="万元", keys=keys)]
    figures = [
        Figure(Msg("Round"), f"{found.fiscal_year} {found.period_label}"),
        Figure(Msg("Reports submitted / in scope"), f"{totals['submitted']} / {totals['reports']}"),
        Figure(Msg("Flagged"), totals["flagged"]),
        Figure(Msg("Decided"), totals["actioned"]),
        Figure(Msg("Reduced + recovered"), wan(reduced + recovered), "万元")]
    return Panel("monitoring", Msg("Double monitoring"), figures, charts)
