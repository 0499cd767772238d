"""Writing audit rows; the only way operations record what they changed."""

from __future__ import annotations

from contextvars import ContextVar

from models import AuditLog, db

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
# Rows that must outlive a failed unit of work (a refused read is answered 404 and the request
# rolls back, yet R18 wants the probe on record): their fields, written again by `keep_rows`.
_kept: ContextVar[list[dict] | None] = ContextVar("kept_audit_rows", default=None)


def record(actor_id: int | None, entity: str, entity_id, action: str, *,
           before: dict | None = None, after: dict | None = None,
           reason: str | None = None, keep: bool = False) -> AuditLog:
    """Append one audit row to the current transaction; `keep` rows survive its rollback."""
    fields = {"actor_id": actor_id, "entity": entity, "entity_id": str(entity_id),
              "action": action, "before": before, "after": after, "reason": reason,
              "ip": client_ip.get()}
    row = AuditLog(**fields)
    db.add(row)
    kept = _kept.get()
    if keep and kept is not None:  # outside a request the job's own transaction decides
        kept.append(fields)
    return row


def start_unit_of_work() -> None:
    """A request begins: rows marked `keep` from now on outlive its rollback."""
    _kept.set([])


def keep_rows() -> None:
    """After a rolled-back unit of work: write the rows marked `keep` again and commit them
    on their own."""
    kept = _kept.get()
    _kept.set([] if kept is not None else None)
    if not kept:
        return
    for fields in kept:
        db.add(AuditLog(**fields))
    db.commit()
