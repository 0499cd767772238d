"""Permission predicates and data-scope filters; role scopes are data (the role table)."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from models import BudgetUnit, ProcessInstance, Role, Task, TaskCandidate, User, db

# Steps a budget unit must not learn of: which self-evaluations were drawn for the spot check.
HIDDEN_FROM_UNITS = {("self_evaluation", "spot_check"), ("self_evaluation", "accept_check")}
# Processes whose whole diagram and history (the generic instance page) units do not see.
# (A key evaluation's history holds the finance side's own remarks, e.g. on the firm's score.)
WHOLE_VIEW_HIDDEN_FROM_UNITS = frozenset({"self_evaluation", "key_evaluation"})


def role_table(user: User) -> dict[str, Role]:
    """The user's roles by code (loaded with the user: no query)."""
    return {link.role_code: link.role for link in user.role_links}


def unit_only(user: User) -> bool:
    """Whether the user's reach is no wider than their own unit (no section or tenant scope)."""
    return not {role.scope for role in role_table(user).values()} & {"tenant", "section"}


def claim_scope(role: Role, user: User) -> list[ColumnElement[bool]] | None:
    """Conditions on claimable rows for one role of the user; None when the role claims nothing."""
    if not role.acts_in_workflows:
        return None
    if role.scope == "tenant":
        return [TaskCandidate.role_code == role.code]
    if role.scope == "unit" and user.unit_id is not None:
        return [TaskCandidate.role_code == role.code, TaskCandidate.unit_id == user.unit_id]
    if role.scope == "section" and user.section_id is not None:
        return [TaskCandidate.role_code == role.code,
                TaskCandidate.section_id == user.section_id]
    if role.scope == "none":  # consulted roles (audit bureau) reach only tasks offered to them
        return [TaskCandidate.role_code == role.code]
    return None


def can_see_unit(user: User, unit_id: int | None) -> bool:
    """Whether a record of this unit lies within the user's data scope."""
    roles = role_table(user)
    scopes = {roles[r].scope for r in user.roles if r in roles}
    if "tenant" in scopes:
        return True
    if unit_id is None:
        return False
    if "unit" in scopes and user.unit_id == unit_id:
        return True
    if "section" in scopes and user.section_id is not None:
        unit = db.get(BudgetUnit, unit_id)
        return unit is not None and unit.expenditure_section_id == user.section_id
    return False


def can_see_task(user: User, task: Task) -> bool:
    """Tasks carry their unit and its section: the same scope as their instance, no query.
    Besides, a task is visible to whoever it is assigned to (a firm's lead evaluator) and to
    consulted roles it is offered to (the audit bureau)."""
    roles = role_table(user)
    scopes = {role.scope for role in roles.values()}
    if (task.process_key, task.task_key) in HIDDEN_FROM_UNITS and task.assignee_id != user.id \
            and unit_only(user):
        return False
    if task.assignee_id == user.id or any(
            roles[code].scope == "none" for code in task.candidate_roles if code in roles):
        return True
    return "tenant" in scopes or (task.unit_id is not None and (
        ("unit" in scopes and task.unit_id == user.unit_id)
        or ("section" in scopes and user.section_id is not None
            and task.section_id == user.section_id)))


def can_see_instance(user: User, instance: ProcessInstance) -> bool:
    """Instances are visible within the data scope of the unit they concern."""
    return can_see_unit(user, instance.unit_id)


def can_see_whole_instance(user: User, instance: ProcessInstance) -> bool:
    """The diagram, path and full history of an instance: not for units in processes that keep
    steps from them (the spot-check sample)."""
    if not can_see_instance(user, instance):
        return False
    if instance.process_key not in WHOLE_VIEW_HIDDEN_FROM_UNITS:
        return True
    return not unit_only(user)


def acts_in_workflows(user: User) -> bool:
    """Administrators never act in a workflow (R9), whatever other roles they hold."""
    return not user.has_role("admin")


def role_allows(user: User, task: Task) -> bool:
    """Whether one of the user's roles may work this task (whoever holds it now)."""
    if not acts_in_workflows(user):
        return False
    roles = role_table(user)
    for code in task.candidate_roles:
        role = roles.get(code)
        if role is None or not role.acts_in_workflows:
            continue
        if role.scope in ("tenant", "none") or (
                role.scope == "unit" and task.unit_id == user.unit_id) or (
                role.scope == "section" and task.section_id == user.section_id):
            return True
    return False


def can_act_on(user: User, task: Task) -> bool:
    """Whether the user may work this ready task now: it is theirs, or unheld and their role's."""
    if task.status != "ready":
        return False
    if task.assignee_id == user.id:
        return acts_in_workflows(user)
    return task.assignee_id is None and role_allows(user, task)
