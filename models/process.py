"""Deployed process definitions (immutable versions) and running instances."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JsonDoc, utcnow

INSTANCE_STATUSES = ("running", "completed", "suspended", "terminated")


class ProcessDefinition(Base):
    """One deployed version of a BPMN process; never changed after insert."""

    __tablename__ = "process_definition"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        Index("ix_process_definition_key_hash", "key", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)  # read on a spec-cache miss
    source_name: Mapped[str] = mapped_column(String(200), default="")
    # Assignment attributes (candidate groups, assignee, due date, priority, form) per user
    # task, read from the XML at deploy time because SpiffWorkflow ignores them.
    user_tasks: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    deployed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProcessInstance(Base):
    """A running or finished instance, pinned to the definition version it started on."""

    __tablename__ = "process_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    definition_hash: Mapped[str] = mapped_column(String(64), default="")
    process_key: Mapped[str] = mapped_column(String(64), index=True)
    business_key: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    # Optimistic version counter checked on every save, on top of the row lock.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    next_timer_at: Mapped[datetime | None] = mapped_column(index=True)
    # The path taken so far ({"completed", "active", "edges"} of BPMN ids), kept at each save so
    # that pages can draw it without deserializing the workflow.
    trail: Mapped[dict] = mapped_column(JsonDoc, default=dict)

    definition: Mapped[ProcessDefinition] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}
