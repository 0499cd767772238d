"""The task projection the inboxes read: one row per human task, ready or done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

TASK_STATUSES = ("ready", "completed", "cancelled")
_READY = text("status = 'ready'")


class Task(Base):
    """A human task of an instance; kept in step with the workflow in the same transaction."""

    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("instance_id", "task_guid"),
        Index("ix_task_ready_assignee", "assignee_id", "due_at",
              postgresql_where=_READY, sqlite_where=_READY),
        Index("ix_task_ready_unit", "unit_id", "due_at",
              postgresql_where=_READY, sqlite_where=_READY),
        Index("ix_task_ready_section", "section_id", "due_at",
              postgresql_where=_READY, sqlite_where=_READY),
        Index("ix_task_ready_due", "due_at", "id",
              postgresql_where=_READY, sqlite_where=_READY),
        Index("ix_task_instance_status", "instance_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    task_guid: Mapped[str] = mapped_column(String(36))
    task_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    process_key: Mapped[str] = mapped_column(String(64))
    business_key: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200), default="")
    form_key: Mapped[str] = mapped_column(String(64), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("budget_unit.id"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    candidate_groups: Mapped[str] = mapped_column(String(200), default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    priority: Mapped[int] = mapped_column(Integer, default=50)
    due_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="ready")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decision: Mapped[str | None] = mapped_column(String(32))
    rating: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)

    candidates: Mapped[list[TaskCandidate]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class TaskCandidate(Base):
    """A role allowed to claim a task (from camunda:candidateGroups)."""

    __tablename__ = "task_candidate"
    __table_args__ = (Index("ix_task_candidate_role_task", "role_code", "task_id"),)

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), primary_key=True)
    role_code: Mapped[str] = mapped_column(String(32), primary_key=True)
