"""Starting instances by process key: each business process names how it is started."""

from __future__ import annotations

from collections.abc import Callable

from models import ProcessInstance, User

from . import unit_goals
from .errors import InvalidInput, NotFound
from .goal_review import get_project_or_404, start_goal_declaration
from .messages import Msg


def _start_goal_declaration(data: dict, user: User) -> ProcessInstance:
    """A project's sheet ({project_id}), the unit's overall sheet ({kind: overall,
    fiscal_year}) or an adjustment of an issued sheet ({adjusts_sheet_id, reason})."""
    if "adjusts_sheet_id" in data:
        return unit_goals.adjust_sheet(user, data["adjusts_sheet_id"], data.get("reason"))
    if data.get("kind") == "overall":
        return unit_goals.declare_overall(user, data.get("fiscal_year"))
    project_id = data.get("project_id")
    if not isinstance(project_id, int) or isinstance(project_id, bool):
        raise InvalidInput(Msg("a project is required"),
                           {"data.project_id": [Msg("must be an integer")]})
    return start_goal_declaration(get_project_or_404(project_id, user), user)


STARTERS: dict[str, Callable[[dict, User], ProcessInstance]] = {
    "goal_declaration": _start_goal_declaration,
}


def start_process(process_key: str, data: dict, user: User) -> ProcessInstance:
    """Start the named business process for the user (each starter authorizes)."""
    starter = STARTERS.get(process_key)
    if starter is None:
        raise NotFound(Msg("no process '%(key)s' can be started here", key=process_key))
    if not isinstance(data, dict):
        raise InvalidInput(Msg("data must be an object"), {"data": [Msg("must be an object")]})
    return starter(data, user)
