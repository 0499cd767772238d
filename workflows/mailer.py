"""Reminder e-mails: optional, off unless the app is given an SMTP server. The worker sends them
after the notifications are committed, each at most once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from models import Notification, User, db, transaction
from models.base import utcnow

log = logging.getLogger(__name__)
# When e-mail is switched on later, the backlog of older notifications is not mailed out.
MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class Mail:
    """One e-mail to one address."""

    to: str
    subject: str
    body: str


Render = Callable[[Notification, User], tuple[str, str]]  # -> (subject, body)
Send = Callable[[Mail], None]


def send_pending(render: Render, send: Send, *, limit: int = 200,
                 now: datetime | None = None) -> int:
    """Mail the recent unmailed notifications of users with an address, one transaction each;
    how many went out. A failing server stops the round: the rest stay pending for the next."""
    since = (now or utcnow()) - MAX_AGE
    sent = 0
    while sent < limit:
        try:
            with transaction():
                row = db.execute(
                    select(Notification, User).join(User, User.id == Notification.user_id)
                    .where(Notification.emailed_at.is_(None), Notification.created_at >= since,
                           User.email.is_not(None), User.email != "", User.active.is_(True))
                    .order_by(Notification.id).limit(1)
                    .with_for_update(of=Notification, skip_locked=True)).first()
                if row is None:
                    return sent
                notification, user = row
                subject, body = render(notification, user)
                send(Mail(user.email, subject, body))
                notification.emailed_at = utcnow()
        except Exception:  # noqa: BLE001 - the mail server's trouble must not stop the worker
            log.exception("sending a reminder e-mail failed; retrying in the next round")
            return sent
        sent += 1
    return sent
