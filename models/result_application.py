"""Result application (结果应用): final accounts, the rules' proposals for next year's budget."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JsonDoc, Timestamps, utcnow
from .org import BudgetUnit
from .project import Project, SpecialFund

ACTIONS = ("priority_support", "keep", "require_improvement", "reduce_pct", "cancel",
           "suspend_until_rectified", "investment_review_before_disbursement", "policy_adjust",
           "management_rule_revision", "recover_idle_funds")
# Actions a bureau may add by hand on top of the rules' (DOMAIN f step 3).
DISCRETIONARY_ACTIONS = ("investment_review_before_disbursement", "management_rule_revision",
                         "policy_adjust", "require_improvement", "priority_support", "reduce_pct")
SOURCE_TYPES = ("key_evaluation", "self_evaluation", "monitoring", "rectification",
                "final_accounts", "project_balance", "discretionary")
APPLICATION_STATUSES = ("proposed", "confirmed", "section_reviewed", "approved", "applied",
                        "rejected", "withdrawn")


class UnitFinalAccount(Base):
    """A unit's final account (决算) of a year: what R25 compares with the county."""

    __tablename__ = "unit_final_account"
    __table_args__ = (UniqueConstraint("unit_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"))
    expenditure: Mapped[Decimal]
    carryover: Mapped[Decimal]
    balance: Mapped[Decimal]
    operating_funds: Mapped[Decimal]  # next year's 业务经费, the base of the R25 cut
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[BudgetUnit] = relationship()


class ProjectBalance(Base):
    """A project's unspent funds at year end and when money was last spent (R26)."""

    __tablename__ = "project_balance"
    __table_args__ = (UniqueConstraint("project_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"))
    unspent: Mapped[Decimal]
    last_spent_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship()


class ResultApplicationRound(Base):
    """The generation of one target year's proposals from the results of the source year."""

    __tablename__ = "result_application_round"
    __table_args__ = (UniqueConstraint("bureau_id", "target_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    target_year: Mapped[int] = mapped_column(Integer)
    source_year: Mapped[int] = mapped_column(Integer)
    compilation_date: Mapped[date] = mapped_column(Date)
    county_ratio: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    generated_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_run_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResultApplication(Timestamps, Base):
    """One proposal of a round, run by a `result_application` instance; `basis` keeps the
    figures the rule used, `basis_text` says them in a sentence."""

    __tablename__ = "result_application"
    __table_args__ = (
        Index("ix_result_application_round", "round_id", "status"),
        # a rule proposes once per source and object (checked by the generator; a re-run adds
        # only what is new)
        Index("ix_result_application_source", "round_id", "rule_id", "source_type",
              "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("result_application_round.id"))
    target_year: Mapped[int] = mapped_column(Integer)
    source_type: Mapped[str] = mapped_column(String(24))
    source_id: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    special_fund_id: Mapped[int | None] = mapped_column(ForeignKey("special_fund.id"))
    rule_id: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(40))
    pct: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    base_amount: Mapped[Decimal | None]
    budget_effect: Mapped[Decimal | None]  # proposed change to next year's budget (negative: cut)
    applied_effect: Mapped[Decimal | None]  # what the budget section applied
    basis: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    basis_text: Mapped[str] = mapped_column(Text, default="")
    review_note: Mapped[str] = mapped_column(Text, default="")
    section_comment: Mapped[str] = mapped_column(Text, default="")
    leader_comment: Mapped[str] = mapped_column(Text, default="")
    apply_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    section_commented_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    applied_at: Mapped[datetime | None]
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    unit: Mapped[BudgetUnit] = relationship()
    project: Mapped[Project | None] = relationship()
    special_fund: Mapped[SpecialFund | None] = relationship()
    round: Mapped[ResultApplicationRound] = relationship()
