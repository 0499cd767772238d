"""Open tasks per role with SLA breaches (DOMAIN §7, workload): the inbox table as it stands."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from models import Role, Task, db

from ..messages import Msg
from .charts import Chart, Figure, Panel, Series
from .scope import Scope


def workload_panel(scope: Scope, now: datetime, lang: str = "zh") -> Panel:
    """Ready tasks of units in view by the role they wait for; overdue ones breach the SLA."""
    names = {r.code: (r.name_en if lang == "en" else r.name_zh) for r in db.scalars(select(Role))}
    open_, late = {}, {}
    unit_ids = scope.unit_ids
    # one labelled expression, grouped by its label: PostgreSQL wants the same parameter
    late_now = (Task.due_at < now).label("late")
    for groups, overdue, count in db.execute(
            select(Task.candidate_groups, late_now, func.count())
            .where(Task.status == "ready", Task.unit_id.in_(unit_ids))
            .group_by(Task.candidate_groups, late_now)):
        role = (groups or "").split(",")[0] or "assigned"
        open_[role] = open_.get(role, 0) + count
        late[role] = late.get(role, 0) + (count if overdue else 0)
    roles = sorted(open_, key=lambda r: (-open_[r], r))
    labels = [names.get(r, Msg("Assigned to a person") if r == "assigned" else r) for r in roles]
    return Panel("workload", Msg("Workload"), [
        Figure(Msg("Open tasks"), sum(open_.values())),
        Figure(Msg("Past their due date"), sum(late.values()))], [
        Chart("workload_roles", Msg("Open tasks per role"), "hbar", labels,
              [Series(Msg("Open"), [open_[r] for r in roles]),
               Series(Msg("Overdue"), [late[r] for r in roles])])])
