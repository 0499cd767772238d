"""Double monitoring (双监控): rounds, one report per issued goal sheet, and fund actions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .base import Base, JsonDoc, Timestamps, utcnow
from .org import BudgetUnit
from .project import Project

Pct = Numeric(7, 2)
ROUND_STATUSES = ("open", "closed")
CAUSES = ("policy_change", "funds_not_arrived", "progress_delay", "bad_indicator", "external",
          "other")
DECISIONS = ("none", "notice", "goal_adjust", "suspend", "stop", "reduce", "recover")
FUND_DECISIONS = ("suspend", "stop", "reduce", "recover")  # R15: the bureau leader approves
REPORT_STATUSES = ("draft", "submitted", "unit_approved", "normal", "flagged", "decided",
                   "approved", "executed")
FUND_ACTION_KINDS = ("suspend", "stop", "reduce", "recover", "cancel_next_year",
                     "cut_pct_next_year", "balance_rule_cut", "idle_funds_clearance")


class MonitoringRound(Base):
    """One monitoring round of a year (e.g. H1 to 30 June at 50 % time progress)."""

    __tablename__ = "monitoring_round"
    __table_args__ = (UniqueConstraint("bureau_id", "fiscal_year", "period_label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period_label: Mapped[str] = mapped_column(String(40))
    cutoff_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    time_progress: Mapped[Decimal] = mapped_column(Pct)
    status: Mapped[str] = mapped_column(String(12), default="open")
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None]
    # the totals published at closing (DOMAIN c step 9)
    summary: Mapped[dict] = mapped_column(JsonDoc, default=dict)


class MonitoringReport(Timestamps, Base):
    """A unit's monitoring report on one issued goal sheet, run by a `dual_monitoring` instance.

    `indicators` holds one entry per indicator row of the sheet: {indicator_id, progress_value,
    expected_year_end, achievable, cause, measure}.
    """

    __tablename__ = "monitoring_report"
    __table_args__ = (UniqueConstraint("round_id", "sheet_id"),
                      Index("ix_monitoring_report_round_status", "round_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("monitoring_round.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("goal_sheet.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    budget_amount: Mapped[Decimal]
    executed_amount: Mapped[Decimal | None]
    execution_rate: Mapped[Decimal | None] = mapped_column(Pct)
    gap_pp: Mapped[Decimal | None] = mapped_column(Pct)
    indicators: Mapped[list] = mapped_column(JsonDoc, default=list)
    corrective_measures: Mapped[str] = mapped_column(Text, default="")
    flagged: Mapped[bool] = mapped_column(default=False)
    propose_reduce: Mapped[bool] = mapped_column(default=False)
    key_monitoring: Mapped[bool] = mapped_column(default=False)
    finance_decision: Mapped[str] = mapped_column(String(16), default="none")
    decision_amount: Mapped[Decimal | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    notice_due: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    filer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    unit: Mapped[BudgetUnit] = relationship()
    project: Mapped[Project | None] = relationship()
    round: Mapped[MonitoringRound] = relationship()


class FundAction(Base):
    """A move of money (R15) as executed by the budget section: written once, never changed;
    an undo is a reversal row pointing at the action it reverses."""

    __tablename__ = "fund_action"
    __table_args__ = (Index("ix_fund_action_project", "project_id", "kind"),
                      Index("ix_fund_action_year", "bureau_id", "fiscal_year"))

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    special_fund_id: Mapped[int | None] = mapped_column(ForeignKey("special_fund.id"))
    amount: Mapped[Decimal]
    pct: Mapped[Decimal | None] = mapped_column(Pct)
    basis_type: Mapped[str] = mapped_column(String(24))
    basis_id: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    executed_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    executed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("fund_action.id"),
                                                       unique=True)

    project: Mapped[Project | None] = relationship()
    unit: Mapped[BudgetUnit] = relationship()


class FundActionChangeError(RuntimeError):
    """Raised when code tries to change or delete a fund action (R15: append-only)."""


@event.listens_for(Session, "before_flush")
def _refuse_fund_action_changes(session: Session, _ctx, _instances) -> None:
    # The database refuses too (triggers in the migration); this names the culprit earlier.
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, FundAction) and (obj in session.deleted or session.is_modified(obj)):
            raise FundActionChangeError("fund_action is append-only; record a reversal")
