"""The deadline ladder's rungs (pre-warning, overdue, notice, interview) reaching an item: its
escalation level, a reminder row and in-app notifications (R28)."""

from __future__ import annotations

from sqlalchemy import select

from models import ProcessInstance, RectificationItem, Reminder, User, UserRole, db

from ..audit import record
from ..engine import runtime
from ..messages import Msg
from ..notifications import notify
from .items import PROCESS_KEY, item_for_instance, today

LEVEL_ORDER = ("none", "reminder", "notice", "interview")

def _rung_message(rung: str, item: RectificationItem) -> Msg:
    params = {"item": item.id, "unit": item.unit.name}
    if rung == "prewarning":
        return Msg("Ledger item %(item)s of %(unit)s is due on %(deadline)s",
                   deadline=item.deadline.isoformat(), **params)
    if rung == "overdue":
        return Msg("Ledger item %(item)s of %(unit)s is overdue since %(deadline)s",
                   deadline=item.deadline.isoformat(), **params)
    if rung == "notice":
        return Msg("Written notice: ledger item %(item)s of %(unit)s is %(days)s days overdue",
                   days=max(0, (today() - item.deadline).days), **params)
    return Msg("An accountability interview is proposed for ledger item %(item)s of %(unit)s",
               **params)


RUNG_LEVEL = {"prewarning": "none", "overdue": "reminder", "notice": "notice",
              "interview": "interview"}


def _users(*, roles: tuple[str, ...], unit_id: int | None = None) -> list[int]:
    query = select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role_code.in_(roles), User.active.is_(True))
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    return list(db.scalars(query.distinct()))


def _recipients(item: RectificationItem, rung: str) -> list[int]:
    unit_people = _users(roles=("unit_filer", "unit_leader"), unit_id=item.unit_id)
    leaders = _users(roles=("unit_leader",), unit_id=item.unit_id)
    liaison = [item.unit.liaison_user_id]
    if rung == "prewarning":
        return unit_people
    if rung == "overdue":
        return leaders + liaison
    if rung == "notice":
        return leaders + liaison + _users(roles=("bureau_leader", "perf_chief"))
    return _users(roles=("bureau_leader",)) + liaison


def on_escalation(instance: ProcessInstance, events: list[runtime.ThrownEvent]) -> None:
    """A rung of the ladder was reached: raise the level, log a reminder, notify (R28)."""
    item = item_for_instance(instance)
    for event in events:
        rung = event.code
        if event.kind != "escalation" or rung not in RUNG_LEVEL or item.signed_off:
            continue
        level = RUNG_LEVEL[rung]
        before = item.escalation_level
        if LEVEL_ORDER.index(level) > LEVEL_ORDER.index(item.escalation_level):
            item.escalation_level = level
        recipients = notify(_recipients(item, rung), rung, _rung_message(rung, item),
                            entity="rectification_item", entity_id=item.id)
        db.add(Reminder(item_id=item.id, level=rung, channel="in_app", recipient_ids=recipients))
        record(None, "rectification_item", item.id, f"escalation.{rung}",
               before={"escalation_level": before},
               after={"escalation_level": item.escalation_level, "recipients": len(recipients)})


runtime.EVENT_HANDLERS[PROCESS_KEY] = on_escalation
