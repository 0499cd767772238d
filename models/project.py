"""Budget projects (项目支出)."""

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


class Project(Timestamps, Base):
    """A project expenditure line of a budget unit."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), default="routine")
    is_new: Mapped[bool] = mapped_column(Boolean, default=False)
    year_amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(32), default="proposed")
    # Set when a gate rates the sheet 差 (R10); cleared by a later rating of 良 or better.
    blocked_by_review: Mapped[bool] = mapped_column(Boolean, default=False)

    unit: Mapped[BudgetUnit] = relationship()
