"""The people's congress's inquiries (人大质询) on goal sheets sent to it (DOMAIN b step 8)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .goal_sheet import GoalSheet

INQUIRY_STATUSES = ("open", "answered", "closed")
INQUIRY_OUTCOMES = ("accepted", "revise_required")


class CongressInquiry(Base):
    """A delegate's question on a sheet; the unit head answers; congress staff close it.
    While one is open the sheet cannot be issued (R12)."""

    __tablename__ = "congress_inquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    session: Mapped[str] = mapped_column(String(60))
    sheet_id: Mapped[int] = mapped_column(ForeignKey("goal_sheet.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    delegate_name: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    respondent_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    outcome: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="open")
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None]

    sheet: Mapped[GoalSheet] = relationship()
