"""Goal sheets (绩效目标申报表), their indicator rows and gate reviews."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamps, utcnow
from .org import BudgetUnit
from .project import Project

SHEET_STATUSES = (
    "draft", "submitted", "unit_approved", "section_approved", "returned", "approved", "issued",
    "revision_required",
)
GATES = ("unit_leader", "section", "performance")
RATINGS = ("excellent", "good", "fair", "poor")
LEVEL1 = ("output", "benefit", "satisfaction", "cost")
LEVEL2 = {
    "output": ("quantity", "quality", "timeliness", "cost"),
    "benefit": ("economic", "social", "ecological", "sustainability"),
    "satisfaction": ("recipient_satisfaction",),
    "cost": ("economic_cost", "social_cost", "ecological_cost"),
}
OPERATORS = ("eq", "ge", "le", "gt", "lt", "range", "qualitative")


class GoalSheet(Timestamps, Base):
    """One goal declaration for a project (or a unit's overall spending) and year; locked once
    approved (R11), issued with the budget (批复) after the congress approves it."""

    __tablename__ = "goal_sheet"
    __table_args__ = (
        UniqueConstraint("project_id", "fiscal_year", "version"),
        # R6: one overall sheet per unit and year (per version)
        Index("ix_goal_sheet_overall", "unit_id", "fiscal_year", "version", unique=True,
              postgresql_where=text("kind = 'overall'"), sqlite_where=text("kind = 'overall'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="project")
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    amount: Mapped[Decimal]
    overall_goal: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(32), default="draft")
    locked: Mapped[bool] = mapped_column(default=False)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    filer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    last_editor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    submitted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    # An adjustment version of issued goals (R11): it passes the same gates, with a reason.
    is_adjustment: Mapped[bool] = mapped_column(default=False)
    adjustment_reason: Mapped[str] = mapped_column(Text, default="")
    # The budget section sends the important sheets to the people's congress (DOMAIN b step 7).
    submit_to_congress: Mapped[bool] = mapped_column(default=False)
    issued_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    unit: Mapped[BudgetUnit] = relationship()
    project: Mapped[Project | None] = relationship()
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="sheet", order_by="Indicator.seq", cascade="all, delete-orphan",
    )
    reviews: Mapped[list[GoalReview]] = relationship(
        order_by="GoalReview.id", viewonly=True
    )


class Indicator(Base):
    """One indicator row of a goal sheet."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("goal_sheet.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    level1: Mapped[str] = mapped_column(String(16))
    level2: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    value_type: Mapped[str] = mapped_column(String(16), default="quantitative")
    operator: Mapped[str] = mapped_column(String(16))
    target_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    target_max: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    target_text: Mapped[str | None] = mapped_column(String(200))
    unit_of_measure: Mapped[str] = mapped_column(String(20), default="")
    weight: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    sheet: Mapped[GoalSheet] = relationship(back_populates="indicators")


class GoalReview(Base):
    """A decision taken at one gate; written once, never changed."""

    __tablename__ = "goal_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("goal_sheet.id"), index=True)
    gate: Mapped[str] = mapped_column(String(16))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    decision: Mapped[str] = mapped_column(String(16))
    rating: Mapped[str | None] = mapped_column(String(16))
    comments: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
