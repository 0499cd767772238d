"""Ex-ante performance assessments (事前绩效评估) of new projects (DOMAIN process a, R5)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JsonDoc, Timestamps
from .org import BudgetUnit
from .project import Project

# Opinions-2018's five dimensions, each scored 0–20 [P].
DIMENSIONS = ("necessity", "economy", "goal_rationality", "feasibility", "funding_compliance")
MODES = ("finance", "expert_panel", "third_party", "joint")
JOINT_PARTIES = ("congress", "audit", "third_party")
CONCLUSIONS = ("support", "support_with_revision", "not_support")
EX_ANTE_STATUSES = ("draft", "submitted", "unit_approved", "accepted", "assessing", "scored",
                    "revision", "arrangeable", "blocked")


class ExAnteAssessment(Timestamps, Base):
    """One project's ex-ante assessment, run by an `ex_ante_assessment` instance.

    `application` holds the unit's basis, implementation plan, budget breakdown and draft goals;
    `self_scores` and `scores` one figure per dimension.
    """

    __tablename__ = "ex_ante_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    requested_amount: Mapped[Decimal]
    application: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    self_scores: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    mode: Mapped[str | None] = mapped_column(String(16))
    joint_parties: Mapped[list] = mapped_column(JsonDoc, default=list)
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id"), index=True)
    scores: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    total_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    conclusion: Mapped[str | None] = mapped_column(String(24))
    recommended_amount: Mapped[Decimal | None]
    opinion: Mapped[str] = mapped_column(Text, default="")
    needs_leader: Mapped[bool] = mapped_column(default=False)
    filer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    scored_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    revision_note: Mapped[str] = mapped_column(Text, default="")
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    project: Mapped[Project] = relationship()
    unit: Mapped[BudgetUnit] = relationship()

    @property
    def reduction(self) -> Decimal | None:
        """Requested minus recommended amount (what the assessment cut)."""
        if self.recommended_amount is None:
            return None
        return self.requested_amount - self.recommended_amount
