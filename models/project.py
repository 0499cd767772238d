"""Budget projects (项目支出) and special funds (专项资金)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamps
from .org import BudgetUnit

PROJECT_STATUSES = (
    "proposed", "ex_ante_pending", "arrangeable", "blocked", "in_budget", "issued",
    "executing", "completed", "cancelled",
)
PROJECT_CATEGORIES = ("routine", "special_task", "capital", "transfer", "subsidy", "ppp", "other")


class SpecialFund(Timestamps, Base):
    """An earmarked fund with its own management rule (一个专项一个管理办法)."""

    __tablename__ = "special_fund"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    name: Mapped[str] = mapped_column(String(200))
    manager_unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"))
    annual_amount: Mapped[Decimal]
    # R6: its projects need goal sheets whatever their amount
    goal_required: Mapped[bool] = mapped_column(Boolean, default=False)

    manager_unit: Mapped[BudgetUnit] = relationship()


class Project(Timestamps, Base):
    """A project expenditure line of a budget unit."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    special_fund_id: Mapped[int | None] = mapped_column(ForeignKey("special_fund.id"),
                                                        index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), default="routine")
    is_new: Mapped[bool] = mapped_column(Boolean, default=False)
    # A continuing project whose approved period ended and is applied for again (ex_ante_scope).
    is_renewal: Mapped[bool] = mapped_column(Boolean, default=False)
    year_amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(32), default="proposed")
    # Set when a gate rates the sheet 差 (R10); cleared by a later rating of 良 or better.
    blocked_by_review: Mapped[bool] = mapped_column(Boolean, default=False)

    unit: Mapped[BudgetUnit] = relationship()
    special_fund: Mapped[SpecialFund | None] = relationship()
