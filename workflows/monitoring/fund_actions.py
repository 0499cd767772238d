"""Fund actions (R15): executed by the budget section once the bureau leader approved them,
written once; an undo (lifting a suspension, say) is a reversal row."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select

from models import BudgetUnit, FundAction, MonitoringReport, Project, User, db

from ..audit import record
from ..cycle_rules import fund_action_ceiling
from ..cycle_steps import unit_scope
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..evaluation.fields import text
from ..fund_holds import held_projects
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..permissions import acts_in_workflows, can_see_unit

REVERSERS = ("bureau_leader",)


def record_fund_action(report: MonitoringReport, user: User, amount: Decimal,
                       note: str) -> FundAction:
    """The budget section's execution of an approved decision, as one append-only row."""
    action = FundAction(
        bureau_id=report.bureau_id, fiscal_year=report.fiscal_year,
        kind=report.finance_decision, unit_id=report.unit_id, project_id=report.project_id,
        amount=amount, basis_type="monitoring_report", basis_id=report.id, note=note,
        proposed_by_id=report.decided_by_id, approved_by_id=report.approved_by_id,
        executed_by_id=user.id)
    db.add(action)
    db.flush()
    record(user.id, "fund_action", action.id, "execute",
           after={"kind": action.kind, "amount": str(amount), "report_id": report.id,
                  "project_id": report.project_id})
    return action


MOVING = ("reduce", "recover")  # the kinds that take money off the year's budget


def moved_already(project_id: int, fiscal_year: int) -> Decimal:
    """The year's reductions and recoveries of a project, net of their reversals; the caller
    holds the project's lock so that two executions cannot both pass the ceiling."""
    signed = case((FundAction.reversal_of_id.is_(None), FundAction.amount),
                  else_=-FundAction.amount)
    return Decimal(db.scalar(select(func.coalesce(func.sum(signed), 0)).where(
        FundAction.project_id == project_id, FundAction.fiscal_year == fiscal_year,
        FundAction.kind.in_(MOVING))) or 0)


def ceiling_of(report: MonitoringReport, *, lock: bool = False) -> Decimal:
    """R15's ceiling for a report's reduction or recovery (the project locked when asked)."""
    if report.project_id is None:
        return Decimal(0)
    if lock:
        db.execute(select(Project.id).where(Project.id == report.project_id).with_for_update())
    return fund_action_ceiling(report.budget_amount, report.executed_amount or 0,
                               moved_already(report.project_id, report.fiscal_year))


def get_action_or_404(action_id: int, user: User) -> FundAction:
    """A fund action of a unit in the user's scope."""
    action = db.get(FundAction, action_id)
    if action is None or action.bureau_id != bureau_of(user).id \
            or not can_see_unit(user, action.unit_id):
        raise NotFound(Msg("fund action not found"))
    return action


def reverse_fund_action(user: User, action: FundAction, raw: dict) -> FundAction:
    """The bureau leader undoes an action (e.g. lifts a suspension) with a reason: a reversal
    row; the original stays as it was."""
    if not acts_in_workflows(user) or not user.has_role(*REVERSERS):
        raise Forbidden(Msg("only a bureau leader reverses a fund action (R15)"))
    if action.reversal_of_id is not None:
        raise Conflict(Msg("a reversal cannot itself be reversed"))
    db.execute(select(FundAction.id).where(FundAction.id == action.id).with_for_update())
    if db.scalar(select(FundAction.id).where(FundAction.reversal_of_id == action.id)):
        raise Conflict(Msg("this fund action has already been reversed"))
    errors: dict[str, list] = {}
    reason = text(raw if isinstance(raw, dict) else {}, "reason", errors, required=True,
                  limit=2000)
    if errors:
        raise InvalidInput(Msg("the reversal has errors"), errors)
    reversal = FundAction(
        bureau_id=action.bureau_id, fiscal_year=action.fiscal_year, kind=action.kind,
        unit_id=action.unit_id, project_id=action.project_id,
        special_fund_id=action.special_fund_id, amount=action.amount, pct=action.pct,
        basis_type=action.basis_type, basis_id=action.basis_id, note=reason,
        proposed_by_id=user.id, approved_by_id=user.id, executed_by_id=user.id,
        reversal_of_id=action.id)
    db.add(reversal)
    db.flush()
    record(user.id, "fund_action", action.id, "reverse", after={"reversal_id": reversal.id},
           reason=reason)
    return reversal


def suspended(project: Project) -> bool:
    """R15: a suspended or stopped project is not disbursed until the suspension is lifted."""
    return project.id in held_projects([project.id])


@dataclass(frozen=True)
class ActionRow:
    """A fund action with its names, and whether it was reversed."""

    action: FundAction
    unit_name: str
    project_name: str | None
    reversed: bool


def list_fund_actions(user: User, year: int | None = None,
                      round_id: int | None = None) -> list[ActionRow]:
    """Fund actions of units in the user's scope, newest first."""
    query = select(FundAction, BudgetUnit.name, Project.name).join(
        BudgetUnit, BudgetUnit.id == FundAction.unit_id).outerjoin(
        Project, Project.id == FundAction.project_id).where(
        FundAction.bureau_id == bureau_of(user).id, unit_scope(user, FundAction.unit_id))
    if year:
        query = query.where(FundAction.fiscal_year == year)
    if round_id:
        query = query.where(FundAction.basis_type == "monitoring_report", FundAction.basis_id.in_(
            select(MonitoringReport.id).where(MonitoringReport.round_id == round_id)))
    rows = db.execute(query.order_by(FundAction.id.desc()).limit(1000)).all()
    reversed_ids = set(db.scalars(select(FundAction.reversal_of_id).where(
        FundAction.reversal_of_id.in_([a.id for a, _, _ in rows]))))
    return [ActionRow(a, unit, project, a.id in reversed_ids) for a, unit, project in rows]
