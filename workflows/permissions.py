"""Permission predicates and data-scope filters; role scopes are data (the role table)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from models import BudgetUnit, ProcessInstance, Role, Task, TaskCandidate, User, db


def role_table() -> dict[str, Role]:
    """Role rows by code."""
    return {r.code: r for r in db.scalars(select(Role))}


def _scope_clause(scope: str, user: User, unit_col, section_col) -> ColumnElement[bool]:
    if scope == "tenant":
        return true()
    if scope == "unit" and user.unit_id is not None:
        return unit_col == user.unit_id
    if scope == "section" and user.section_id is not None:
        return section_col == user.section_id
    return false()


def visible_tasks_clause(user: User) -> ColumnElement[bool]:
    """Tasks whose unit lies within the user's data scope (any of their roles)."""
    roles = role_table()
    return or_(false(), *(_scope_clause(roles[r].scope, user, Task.unit_id, Task.section_id)
                          for r in user.roles if r in roles))


def actionable_tasks_clause(user: User) -> ColumnElement[bool]:
    """Ready tasks assigned to the user, or unassigned and claimable by one of their roles."""
    roles = role_table()
    claimable = []
    for code in user.roles:
        role = roles.get(code)
        if role is None or not role.acts_in_workflows:
            continue
        has_role = select(TaskCandidate.task_id).where(
            TaskCandidate.task_id == Task.id, TaskCandidate.role_code == code).exists()
        claimable.append(and_(has_role, _scope_clause(role.scope, user, Task.unit_id,
                                                      Task.section_id)))
    return and_(Task.status == "ready",
                or_(Task.assignee_id == user.id,
                    and_(Task.assignee_id.is_(None), or_(false(), *claimable))))


def can_see_unit(user: User, unit_id: int | None) -> bool:
    """Whether a record of this unit lies within the user's data scope."""
    roles = role_table()
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


def can_see_instance(user: User, instance: ProcessInstance) -> bool:
    """Instances are visible within the data scope of the unit they concern."""
    return can_see_unit(user, instance.unit_id)


def can_act_on(user: User, task: Task) -> bool:
    """Whether the user holds a role that may work this task (ignoring who holds it now)."""
    roles = role_table()
    if task.assignee_id == user.id:
        return True
    for cand in task.candidates:
        role = roles.get(cand.role_code)
        if role is None or not role.acts_in_workflows or cand.role_code not in user.roles:
            continue
        if role.scope == "tenant" or (role.scope == "unit" and task.unit_id == user.unit_id) or (
                role.scope == "section" and task.section_id == user.section_id):
            return True
    return False
