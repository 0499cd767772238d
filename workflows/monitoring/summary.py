"""A round's figures (DOMAIN §7, double monitoring): reports submitted and in scope, execution
against time progress, flagged and actioned sheets, and Σ reduced + recovered."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from sqlalchemy import func, select, true

from models import (
    BudgetUnit,
    FundAction,
    MonitoringReport,
    MonitoringRound,
    Project,
    User,
    db,
)
from models.monitoring import DECISIONS

from ..cycle_steps import unit_scope
from ..tables_xlsx import Table

# Execution-rate bands of the histogram, in percent: [0, 10), [10, 20) … [90, 100], > 100.
BANDS = tuple(range(0, 100, 10))


def band_of(rate: Decimal | None) -> str | None:
    """The histogram band of an execution rate ("0-10" … "90-100"), None when not reported."""
    if rate is None:
        return None
    low = min(int(rate // 10) * 10, 90)
    return f"{low}-{low + 10}"


@dataclass
class RoundSummary:
    """What a round's page, the dashboard and the closing publish."""

    reports: int = 0
    submitted: int = 0
    flagged: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_decision: dict[str, int] = field(default_factory=dict)
    histogram: dict[str, int] = field(default_factory=dict)
    reduced: Decimal = Decimal(0)
    recovered: Decimal = Decimal(0)
    suspended: int = 0
    stopped: int = 0
    budget: Decimal = Decimal(0)
    executed: Decimal = Decimal(0)
    time_progress: Decimal = Decimal(0)

    @property
    def execution_rate(self) -> Decimal | None:
        """Executed over budget of the submitted reports, in percent."""
        return (self.executed / self.budget * 100).quantize(Decimal("0.01")) \
            if self.budget else None

    @property
    def reduced_and_recovered(self) -> Decimal:
        """Σ reduced + recovered (文峰 reported 1,159.44万元)."""
        return self.reduced + self.recovered

    def as_json(self) -> dict:
        """The figures as JSON for the closed round (amounts as exact text)."""
        data = asdict(self)
        for key in ("reduced", "recovered", "budget", "executed", "time_progress"):
            data[key] = format(data[key], "f")
        return data


def net_fund_amounts(where: list) -> dict[str, Decimal]:
    """Executed fund actions by kind, reversals subtracted (R15: undo is a reversal row)."""
    totals: dict[str, Decimal] = {}
    for kind, reversal, amount in db.execute(
            select(FundAction.kind, FundAction.reversal_of_id.is_not(None),
                   func.sum(FundAction.amount)).where(*where)
            .group_by(FundAction.kind, FundAction.reversal_of_id.is_not(None))):
        sign = -1 if reversal else 1
        totals[kind] = totals.get(kind, Decimal(0)) + sign * Decimal(amount or 0)
    return totals


def round_summary(found: MonitoringRound, user: User | None = None) -> RoundSummary:
    """The round's figures, computed from its reports and fund actions: of the reports in the
    user's scope when a user is given (a unit sees its own figures, not the bureau's)."""
    s = RoundSummary(time_progress=found.time_progress)
    scope = unit_scope(user, MonitoringReport.unit_id) if user is not None else true()
    for status, decision, flagged, rate, budget, executed in db.execute(
            select(MonitoringReport.status, MonitoringReport.finance_decision,
                   MonitoringReport.flagged, MonitoringReport.execution_rate,
                   MonitoringReport.budget_amount, MonitoringReport.executed_amount)
            .where(MonitoringReport.round_id == found.id, scope)):
        s.reports += 1
        s.by_status[status] = s.by_status.get(status, 0) + 1
        if status == "draft":
            continue
        s.submitted += 1
        s.budget += budget
        s.executed += executed or 0
        band = band_of(rate)
        if band:
            s.histogram[band] = s.histogram.get(band, 0) + 1
        if flagged and status not in ("submitted", "unit_approved"):
            s.flagged += 1
        if decision != "none":
            s.by_decision[decision] = s.by_decision.get(decision, 0) + 1
    s.by_decision = {d: s.by_decision[d] for d in DECISIONS if d in s.by_decision}
    s.histogram = {f"{b}-{b + 10}": s.histogram.get(f"{b}-{b + 10}", 0) for b in BANDS}
    reports = select(MonitoringReport.id).where(MonitoringReport.round_id == found.id, scope)
    amounts = net_fund_amounts([FundAction.basis_type == "monitoring_report",
                                FundAction.basis_id.in_(reports)])
    s.reduced, s.recovered = amounts.get("reduce", Decimal(0)), amounts.get("recover", Decimal(0))
    counts = _net_counts(reports)
    s.suspended, s.stopped = counts.get("suspend", 0), counts.get("stop", 0)
    return s


def _net_counts(reports) -> dict[str, int]:
    """Suspensions and stops in force: executed and not reversed."""
    reversed_ids = select(FundAction.reversal_of_id).where(FundAction.reversal_of_id.is_not(None))
    return dict(db.execute(select(FundAction.kind, func.count()).where(
        FundAction.basis_type == "monitoring_report", FundAction.basis_id.in_(reports),
        FundAction.reversal_of_id.is_(None), FundAction.id.not_in(reversed_ids),
        FundAction.kind.in_(("suspend", "stop"))).group_by(FundAction.kind)).all())


def round_tables(found: MonitoringRound) -> list[Table]:
    """The round's summary table (项目支出绩效监控汇总表) and its fund actions, for .xlsx."""
    wan = Decimal(10000)
    rows = db.execute(select(MonitoringReport, BudgetUnit.code, BudgetUnit.name, Project.name)
                      .join(BudgetUnit, BudgetUnit.id == MonitoringReport.unit_id)
                      .outerjoin(Project, Project.id == MonitoringReport.project_id)
                      .where(MonitoringReport.round_id == found.id)
                      .order_by(BudgetUnit.code, MonitoringReport.id)).all()
    lines = [(i, code, unit, project or "部门整体支出", r.budget_amount / wan,
              (r.executed_amount / wan) if r.executed_amount is not None else None,
              r.execution_rate, r.gap_pp, "是" if r.flagged else "否",
              XLSX_DECISIONS.get(r.finance_decision, ""),
              (r.decision_amount / wan) if r.decision_amount is not None else None,
              r.corrective_measures, XLSX_STATUSES.get(r.status, r.status))
             for i, (r, code, unit, project) in enumerate(rows, start=1)]
    summary = round_summary(found)
    title = (f"{found.fiscal_year}年{found.period_label}绩效运行监控汇总表"
             f"（截至{found.cutoff_date}，时序进度{found.time_progress}%）")
    totals = [("监控项目数", summary.reports), ("已报送", summary.submitted),
              ("预警", summary.flagged), ("暂缓拨款", summary.suspended),
              ("停止拨款", summary.stopped), ("调减（万元）", summary.reduced / wan),
              ("收回（万元）", summary.recovered / wan),
              ("调减与收回合计（万元）", summary.reduced_and_recovered / wan)]
    return [Table("监控汇总", title, REPORT_COLUMNS, lines),
            Table("汇总数", title, (("项目", 24), ("数值", 16)), totals)]


REPORT_COLUMNS = (("序号", 6), ("单位编码", 10), ("单位", 20), ("项目", 28),
                  ("全年预算（万元）", 14), ("已执行（万元）", 14), ("执行率%", 9),
                  ("偏差（百分点）", 10), ("预警", 6), ("处理意见", 12), ("处理金额（万元）", 14),
                  ("纠偏措施", 30), ("状态", 14))
XLSX_DECISIONS = {"none": "", "notice": "通知整改", "goal_adjust": "调整目标",
                  "suspend": "暂缓拨款", "stop": "停止拨款", "reduce": "调减预算",
                  "recover": "收回资金"}
XLSX_STATUSES = {"draft": "待填报", "submitted": "待单位审核", "unit_approved": "待股室审核",
                 "normal": "正常", "flagged": "预警待处理", "decided": "已处理",
                 "approved": "待执行", "executed": "已执行"}
