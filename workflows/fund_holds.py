"""Projects not to be disbursed (R15): a leaf module, read by the project list and by
monitoring alike without either importing the other."""

from __future__ import annotations

from sqlalchemy import select

from models import FundAction, db


def held_projects(project_ids) -> dict[int, str]:
    """R15: the projects of these ids not to be disbursed — suspended or stopped by an executed
    action not reversed since — with the kind of the latest such action."""
    ids = [i for i in project_ids if i]
    if not ids:
        return {}
    reversed_ids = select(FundAction.reversal_of_id).where(FundAction.reversal_of_id.is_not(None))
    return dict(db.execute(select(FundAction.project_id, FundAction.kind).where(
        FundAction.project_id.in_(ids), FundAction.kind.in_(("suspend", "stop")),
        FundAction.reversal_of_id.is_(None), FundAction.id.not_in(reversed_ids))
        .order_by(FundAction.id)).all())
