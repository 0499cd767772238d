"""Writing audit rows; the only way operations record what they changed."""

from __future__ import annotations

from contextvars import ContextVar

from models import AuditLog, db

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def record(actor_id: int | None, entity: str, entity_id, action: str, *,
           before: dict | None = None, after: dict | None = None,
           reason: str | None = None) -> AuditLog:
    """Append one audit row to the current transaction."""
    row = AuditLog(actor_id=actor_id, entity=entity, entity_id=str(entity_id), action=action,
                   before=before, after=after, reason=reason, ip=client_ip.get())
    db.add(row)
    return row
