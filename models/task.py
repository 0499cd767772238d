"""The task projection the inboxes read: one row per human task, ready or done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow

TASK_STATUSES = ("ready", "completed", "cancelled")
_READY = text("status = 'ready'")


class Task(Base):
    """A human task of an instance; kept in step with the workflow in the same transaction."""

    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("instance_id", "task_guid"),
        Index("ix_task_ready_assignee", "assignee_id", "due_at", "id",
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
        cascade="all, delete-orphan", lazy="select"
    )

    @property
    def candidate_roles(self) -> list[str]:
        """Role codes named by the task's candidate groups."""
        return [r for r in self.candidate_groups.split(",") if r]

    def open_to_candidates(self) -> None:
        """(Re)create the claimable rows from the candidate groups."""
        self.candidates = [TaskCandidate(role_code=r, unit_id=self.unit_id,
                                         section_id=self.section_id, due_at=self.due_at)
                           for r in self.candidate_roles]


class TaskCandidate(Base):
    """A role that may claim a ready, unassigned task right now: the claimable half of the inbox.

    Rows carry the task's scope and due date so that each role's inbox is one index range;
    they are removed when the task is claimed or finished and restored when it is released.
    """

    __tablename__ = "task_candidate"
    __table_args__ = (
        # task_id last: an inbox page and its counts are read from the index alone.
        Index("ix_task_candidate_unit", "role_code", "unit_id", "due_at", "task_id"),
        Index("ix_task_candidate_section", "role_code", "section_id", "due_at", "task_id"),
        Index("ix_task_candidate_role_due", "role_code", "due_at", "task_id"),
    )

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), primary_key=True)
    role_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(Integer)
    section_id: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime | None]


@event.listens_for(Task.due_at, "set")
def _keep_candidate_due_in_step(task: Task, value, _old, _initiator) -> None:
    # The claimable rows copy the due date for their index; a new deadline must reach them.
    if task.id is not None:
        for candidate in task.candidates:
            candidate.due_at = value
