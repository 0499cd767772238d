"""Reading monitoring: the bureau's rounds, a round's reports with filters, one report."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from models import (
    BudgetUnit,
    FundAction,
    Indicator,
    MonitoringReport,
    MonitoringRound,
    Project,
    Task,
    User,
    db,
)
from models.monitoring import DECISIONS, REPORT_STATUSES

from ..cycle_steps import HistoryLine, history_of, open_tasks, unit_scope
from ..errors import InvalidInput
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..query_args import code, flag, whole
from .access import KIND, can_read_monitoring, get_report_or_404
from .fund_actions import ceiling_of

PER_PAGE = 50
MAX_PAGE = 10_000


@dataclass(frozen=True)
class RoundLine:
    """A round with the number of its reports in the reader's scope."""

    round: MonitoringRound
    reports: int


def list_rounds(user: User) -> list[RoundLine]:
    """The bureau's rounds, newest first."""
    if not can_read_monitoring(user):
        return []
    counts = dict(db.execute(select(MonitoringReport.round_id, func.count()).where(
        unit_scope(user, MonitoringReport.unit_id)).group_by(MonitoringReport.round_id)).all())
    rounds = db.scalars(select(MonitoringRound).where(
        MonitoringRound.bureau_id == bureau_of(user).id)
        .order_by(MonitoringRound.fiscal_year.desc(), MonitoringRound.cutoff_date.desc()))
    return [RoundLine(r, counts.get(r.id, 0)) for r in rounds]


@dataclass
class ReportFilters:
    """What a round's list is filtered and paged by."""

    round_id: int | None = None
    unit_id: int | None = None
    status: str | None = None
    decision: str | None = None
    flagged: bool | None = None
    page: int = 1

    @classmethod
    def parse(cls, args) -> ReportFilters:
        """Filters from query arguments; a bad value is a 422 naming the argument."""
        errors: dict[str, list] = {}
        filters = cls(round_id=whole(args, "round_id", errors),
                      unit_id=whole(args, "unit_id", errors),
                      status=code(args, "status", REPORT_STATUSES, errors),
                      decision=code(args, "decision", DECISIONS, errors),
                      flagged=flag(args, "flagged"),
                      page=min(whole(args, "page", errors) or 1, MAX_PAGE))
        if errors:
            raise InvalidInput(Msg("the filters have errors"), errors)
        return filters


@dataclass(frozen=True)
class ReportRow:
    """One line of a round's list."""

    report: MonitoringReport
    unit_name: str
    project_name: str | None


@dataclass(frozen=True)
class ReportPage:
    """A page of a round's reports."""

    rows: list[ReportRow]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))


def _where(user: User, f: ReportFilters) -> list:
    where = [unit_scope(user, MonitoringReport.unit_id),
             MonitoringReport.bureau_id == bureau_of(user).id]
    for column, value in ((MonitoringReport.round_id, f.round_id),
                          (MonitoringReport.unit_id, f.unit_id),
                          (MonitoringReport.status, f.status),
                          (MonitoringReport.finance_decision, f.decision)):
        if value is not None:
            where.append(column == value)
    if f.flagged is not None:
        where.append(MonitoringReport.flagged.is_(f.flagged))
    return where


def list_reports(user: User, f: ReportFilters) -> ReportPage:
    """One page of reports in the user's scope, by unit code."""
    if not can_read_monitoring(user):
        return ReportPage([], 0, f.page)
    where = _where(user, f)
    total = db.scalar(select(func.count(MonitoringReport.id)).where(*where)) or 0
    rows = db.execute(
        select(MonitoringReport, BudgetUnit.name, Project.name)
        .join(BudgetUnit, BudgetUnit.id == MonitoringReport.unit_id)
        .outerjoin(Project, Project.id == MonitoringReport.project_id).where(*where)
        .order_by(BudgetUnit.code, MonitoringReport.kind.desc(), MonitoringReport.id)
        .limit(PER_PAGE).offset((f.page - 1) * PER_PAGE)).all()
    return ReportPage([ReportRow(*row) for row in rows], total, f.page)


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator of the sheet beside what the report says of it."""

    indicator: Indicator
    progress_value: str
    expected_year_end: str
    achievable: bool | None
    cause: str | None
    measure: str


@dataclass
class ReportView:
    """One report as its page shows it."""

    report: MonitoringReport
    lines: list[IndicatorLine] = field(default_factory=list)
    actions: list[FundAction] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)
    open_tasks: list[Task] = field(default_factory=list)

    @property
    def ceiling(self) -> Decimal:
        """R15: what is left of the full-year budget after the year's earlier moves."""
        return ceiling_of(self.report)


def report_view(report_id: int, user: User) -> ReportView:
    """One report in the user's scope with its indicators, fund actions, history, tasks."""
    report = get_report_or_404(report_id, user)
    rows = {r.get("indicator_id"): r for r in report.indicators or []}
    lines = [IndicatorLine(ind, rows.get(ind.id, {}).get("progress_value", ""),
                           rows.get(ind.id, {}).get("expected_year_end", ""),
                           rows.get(ind.id, {}).get("achievable"),
                           rows.get(ind.id, {}).get("cause"),
                           rows.get(ind.id, {}).get("measure", ""))
             for ind in db.scalars(select(Indicator).where(Indicator.sheet_id == report.sheet_id)
                                   .order_by(Indicator.seq))]
    actions = list(db.scalars(select(FundAction).where(
        FundAction.basis_type == "monitoring_report", FundAction.basis_id == report.id)
        .order_by(FundAction.id)))
    return ReportView(report, lines, actions, history_of(KIND, report.id),
                      open_tasks(report.instance_id))
