"""In-app notifications: written with the change that caused them, read from an indexed table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, update

from models import Notification, User, db
from models.base import utcnow

from .messages import Msg

UNREAD_CAP = 100  # the header badge shows "99+" beyond this; counting further costs for nothing


@dataclass
class NotificationView:
    """One notification as pages and the API show it."""

    id: int
    kind: str
    message: Msg
    entity: str
    entity_id: int | None
    created_at: object
    read: bool


def notify(user_ids: Iterable[int], kind: str, message: Msg, *, entity: str = "",
           entity_id: int | None = None) -> list[int]:
    """Queue one notification per distinct user in the current transaction; the user ids."""
    ids = sorted({uid for uid in user_ids if uid is not None})
    for uid in ids:
        db.add(Notification(user_id=uid, kind=kind, message=message.template,
                            params=dict(message.params), entity=entity, entity_id=entity_id))
    return ids


def unread_count(user: User) -> int:
    """Unread notifications of the user, counted up to UNREAD_CAP."""
    capped = select(Notification.id).where(Notification.user_id == user.id,
                                           Notification.read_at.is_(None)).limit(UNREAD_CAP)
    return db.scalar(select(func.count()).select_from(capped.subquery())) or 0


def list_notifications(user: User, *, limit: int = 50, unread_only: bool = False
                       ) -> list[NotificationView]:
    """The user's latest notifications, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = db.scalars(query.order_by(Notification.id.desc()).limit(limit))
    return [NotificationView(n.id, n.kind, Msg.stored(n.message, n.params), n.entity,
                             n.entity_id, n.created_at, n.read_at is not None) for n in rows]


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all when no ids); how many changed."""
    query = update(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_(list(ids)))
    return db.execute(query.values(read_at=utcnow())).rowcount or 0
