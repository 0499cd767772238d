"""Rectification ledger (整改台账): problems, their items, interviews and reminders."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JsonDoc, Timestamps, utcnow
from .org import BudgetUnit
from .process import ProcessInstance
from .project import Project

PROBLEM_SOURCES = ("key_evaluation", "self_evaluation", "monitoring", "audit", "special_check",
                   "congress", "manual")
PROBLEM_CATEGORIES = ("decision", "management", "funds", "output", "benefit", "system")
SEVERITIES = ("normal", "serious")
ITEM_STATUSES = ("assigned", "plan_submitted", "in_progress", "evidence_submitted", "returned",
                 "verified", "signed_off")
ESCALATION_LEVELS = ("none", "reminder", "notice", "interview")
REMINDER_LEVELS = ("prewarning", "overdue", "notice", "interview")
INTERVIEW_TRIGGERS = ("overdue", "repeated_return", "serious", "poor_grade", "invalid_spending")


class Problem(Timestamps, Base):
    """A finding (from an evaluation, monitoring, an audit, or entered by hand)."""

    __tablename__ = "problem"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str] = mapped_column(String(100), default="")
    problem_list_no: Mapped[str] = mapped_column(String(40), default="")
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(8), default="normal")
    amount_involved: Mapped[Decimal | None]
    suggested_measure: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    unit: Mapped[BudgetUnit] = relationship()
    project: Mapped[Project | None] = relationship()


class RectificationItem(Timestamps, Base):
    """One problem's rectification by its responsible unit, run by a `rectification` instance.

    `source` and `fiscal_year` repeat the problem's so the ledger filters on one table.
    """

    __tablename__ = "rectification_item"
    __table_args__ = (
        Index("ix_rectification_item_ledger", "deadline", "id"),
        Index("ix_rectification_item_unit", "unit_id", "deadline"),
        # covers the closure summary's grouping: an index-only scan on PostgreSQL
        Index("ix_rectification_item_summary", "status", "deadline", "closed_on_time",
              "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"))
    responsible_person: Mapped[str] = mapped_column(String(100), default="")
    co_sections: Mapped[list] = mapped_column(JsonDoc, default=list)
    measures: Mapped[str] = mapped_column(Text, default="")
    plan_due: Mapped[date | None] = mapped_column(Date)  # when the unit's plan is due (R27)
    planned_completion: Mapped[date | None] = mapped_column(Date)  # the unit's own target date
    deadline: Mapped[date] = mapped_column(Date)
    original_deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="assigned")
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    escalation_level: Mapped[str] = mapped_column(String(12), default="none")
    filer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    submitted_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    verified_at: Mapped[datetime | None]
    verify_result: Mapped[str | None] = mapped_column(String(8))
    verify_comment: Mapped[str] = mapped_column(Text, default="")
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signed_off_at: Mapped[datetime | None]
    # Whether the sign-off fell on or before the deadline (in the bureau's time zone).
    closed_on_time: Mapped[bool | None]
    extension_history: Mapped[list] = mapped_column(JsonDoc, default=list)
    # The problem's list number, description and source, searched without joining the problem.
    search_text: Mapped[str] = mapped_column(Text, default="")
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    problem: Mapped[Problem] = relationship(lazy="joined", innerjoin=True)
    unit: Mapped[BudgetUnit] = relationship()
    instance: Mapped[ProcessInstance | None] = relationship()
    evidence: Mapped[list[Document]] = relationship(
        primaryjoin="and_(Document.owner_type == 'rectification_item', "
                    "foreign(Document.owner_id) == RectificationItem.id)",
        order_by="Document.id", viewonly=True)

    @property
    def signed_off(self) -> bool:
        """Signed off (销号): closed for good (R27)."""
        return self.status == "signed_off"

    def overdue_days(self, today: date) -> int:
        """Days past the deadline while not signed off (0 when not overdue, R27)."""
        if self.signed_off or today <= self.deadline:
            return 0
        return (today - self.deadline).days


class Document(Base):
    """An uploaded file; the bytes live in the file store, named by their sha256."""

    __tablename__ = "document"
    __table_args__ = (Index("ix_document_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    owner_type: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="evidence")
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(Base):
    """One rung of the escalation ladder reached by an item, and whom it went to."""

    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_item.id"), index=True)
    level: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(12), default="in_app")
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient_ids: Mapped[list] = mapped_column(JsonDoc, default=list)


class Notification(Base):
    """An in-app message to one user; `message` is an English msgid, shown translated."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_inbox", "user_id", "read_at", "id"),
                      Index("ix_notification_mail", "emailed_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    entity: Mapped[str] = mapped_column(String(32), default="")
    entity_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]  # set once the optional reminder e-mail went out


class InterviewRecord(Timestamps, Base):
    """An accountability interview (约谈) held with a unit about its ledger items."""

    __tablename__ = "interview_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    interviewee_unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    interviewee_person: Mapped[str] = mapped_column(String(100), default="")
    interviewer: Mapped[str] = mapped_column(String(100), default="")
    trigger: Mapped[str] = mapped_column(String(20))
    item_ids: Mapped[list] = mapped_column(JsonDoc, default=list)
    held_at: Mapped[date] = mapped_column(Date)
    commitments: Mapped[str] = mapped_column(Text, default="")
    follow_up_deadline: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
