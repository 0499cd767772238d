"""Reading result applications: the rounds, a round's proposals with their summary (DOMAIN §7,
result application), one proposal, the list for the budget section as .xlsx."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select, true

from models import (
    BudgetUnit,
    Project,
    ResultApplication,
    ResultApplicationRound,
    Task,
    User,
    db,
)
from models.result_application import ACTIONS, APPLICATION_STATUSES

from ..cycle_steps import HistoryLine, history_of, open_tasks, unit_scope
from ..errors import InvalidInput
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..query_args import code, whole
from ..tables_xlsx import Table
from .access import KIND, can_read_results, get_application_or_404

PER_PAGE = 50
MAX_PAGE = 10_000
LIVE = ("proposed", "confirmed", "section_reviewed", "approved", "applied")


def _scope(user: User):
    return true() if user.has_role("congress") else unit_scope(user, ResultApplication.unit_id)


def list_rounds(user: User) -> list[ResultApplicationRound]:
    """The bureau's rounds, newest target year first."""
    if not can_read_results(user):
        return []
    return list(db.scalars(select(ResultApplicationRound).where(
        ResultApplicationRound.bureau_id == bureau_of(user).id)
        .order_by(ResultApplicationRound.target_year.desc())))


@dataclass
class ApplicationFilters:
    """What a round's list is filtered and paged by."""

    round_id: int | None = None
    unit_id: int | None = None
    status: str | None = None
    action: str | None = None
    rule_id: str | None = None
    page: int = 1

    @classmethod
    def parse(cls, args) -> ApplicationFilters:
        """Filters from query arguments; a bad value is a 422 naming the argument."""
        errors: dict[str, list] = {}
        filters = cls(round_id=whole(args, "round_id", errors),
                      unit_id=whole(args, "unit_id", errors),
                      status=code(args, "status", APPLICATION_STATUSES, errors),
                      action=code(args, "action", ACTIONS, errors),
                      rule_id=code(args, "rule_id", RULES, errors),
                      page=min(whole(args, "page", errors) or 1, MAX_PAGE))
        if errors:
            raise InvalidInput(Msg("the filters have errors"), errors)
        return filters


RULES = ("R15", "R23", "R24", "R25", "R26", "R28", "discretionary")


@dataclass(frozen=True)
class ApplicationRow:
    """One line of a round's list."""

    application: ResultApplication
    unit_name: str
    project_name: str | None


@dataclass
class ApplicationSummary:
    """A round's figures over every matching proposal (DOMAIN §7, result application)."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_action: dict[str, int] = field(default_factory=dict)
    cancelled: int = 0
    special_fund_cut: Decimal = Decimal(0)
    balance_units: int = 0
    balance_cut: Decimal = Decimal(0)
    proposed_effect: Decimal = Decimal(0)
    applied_effect: Decimal = Decimal(0)


@dataclass(frozen=True)
class ApplicationPage:
    """A page of proposals and the summary."""

    rows: list[ApplicationRow]
    summary: ApplicationSummary
    page: int
    per_page: int = PER_PAGE

    @property
    def total(self) -> int:
        """Proposals matching the filters."""
        return self.summary.total

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))


def _where(user: User, f: ApplicationFilters) -> list:
    where = [_scope(user), ResultApplication.bureau_id == bureau_of(user).id]
    for column, value in ((ResultApplication.round_id, f.round_id),
                          (ResultApplication.unit_id, f.unit_id),
                          (ResultApplication.status, f.status),
                          (ResultApplication.action, f.action),
                          (ResultApplication.rule_id, f.rule_id)):
        if value is not None:
            where.append(column == value)
    return where


def summarize(where: list) -> ApplicationSummary:
    """Counts and effects of the proposals matching `where`."""
    s = ApplicationSummary()
    for status, action, rule, fund, count, proposed, applied in db.execute(
            select(ResultApplication.status, ResultApplication.action,
                   ResultApplication.rule_id, ResultApplication.special_fund_id.is_not(None),
                   func.count(), func.sum(ResultApplication.budget_effect),
                   func.sum(ResultApplication.applied_effect)).where(*where)
            .group_by(ResultApplication.status, ResultApplication.action,
                      ResultApplication.rule_id,
                      ResultApplication.special_fund_id.is_not(None))):
        s.total += count
        s.by_status[status] = s.by_status.get(status, 0) + count
        s.by_action[action] = s.by_action.get(action, 0) + count
        if status not in LIVE:
            continue
        effect = Decimal(applied if status == "applied" else proposed or 0)
        s.proposed_effect += Decimal(proposed or 0)
        s.applied_effect += Decimal(applied or 0)
        if action == "cancel":
            s.cancelled += count
        if fund and action == "reduce_pct":
            s.special_fund_cut += -effect
        if rule == "R25":
            s.balance_units += count
            s.balance_cut += -effect
    s.by_status = {k: s.by_status[k] for k in APPLICATION_STATUSES if k in s.by_status}
    s.by_action = {k: s.by_action[k] for k in ACTIONS if k in s.by_action}
    return s


def list_applications(user: User, f: ApplicationFilters) -> ApplicationPage:
    """One page of a round's proposals in the user's scope, by unit code, with the summary."""
    if not can_read_results(user):
        return ApplicationPage([], ApplicationSummary(), f.page)
    where = _where(user, f)
    rows = db.execute(
        select(ResultApplication, BudgetUnit.name, Project.name)
        .join(BudgetUnit, BudgetUnit.id == ResultApplication.unit_id)
        .outerjoin(Project, Project.id == ResultApplication.project_id).where(*where)
        .order_by(BudgetUnit.code, ResultApplication.id)
        .limit(PER_PAGE).offset((f.page - 1) * PER_PAGE)).all()
    return ApplicationPage([ApplicationRow(*row) for row in rows], summarize(where), f.page)


@dataclass
class ApplicationView:
    """One proposal as its page shows it."""

    application: ResultApplication
    history: list[HistoryLine] = field(default_factory=list)
    open_tasks: list[Task] = field(default_factory=list)


def application_view(application_id: int, user: User) -> ApplicationView:
    """One proposal in the user's scope with its history and open steps."""
    a = get_application_or_404(application_id, user)
    return ApplicationView(a, history_of(KIND, a.id), open_tasks(a.instance_id))


XLSX_ACTIONS = {"priority_support": "优先保障", "keep": "维持", "require_improvement": "限期整改",
                "reduce_pct": "按比例压减", "cancel": "取消", "suspend_until_rectified":
                "暂缓安排待整改", "investment_review_before_disbursement": "拨付前投资评审",
                "policy_adjust": "调整政策", "management_rule_revision": "修订管理办法",
                "recover_idle_funds": "收回存量资金"}
XLSX_STATUSES = {"proposed": "待审核", "confirmed": "待股室意见",
                 "section_reviewed": "待局领导审批", "approved": "待预算股应用",
                 "applied": "已应用", "rejected": "未采纳", "withdrawn": "已撤回"}
COLUMNS = (("序号", 6), ("单位", 20), ("项目", 28), ("依据规则", 10), ("应用方式", 16),
           ("比例%", 8), ("基数（万元）", 14), ("建议影响（万元）", 14), ("实际影响（万元）", 14),
           ("依据", 50), ("股室意见", 24), ("状态", 12))


def basis_message(a: ResultApplication) -> Msg | str:
    """What a proposal rests on: the rule's sentence (to translate), or the performance
    section's own words for a proposal it added."""
    stored = (a.basis or {}).get("text")
    if isinstance(stored, dict) and isinstance(stored.get("template"), str):
        return Msg.stored(stored["template"], stored.get("params") or {})
    return a.basis_text


def round_table(user: User, found: ResultApplicationRound, say=str) -> Table:
    """The round's result-application list for the budget section (DOMAIN §7 exports); `say`
    puts a basis into words (the web layer passes its Chinese translation)."""
    wan = Decimal(10000)
    rows = db.execute(
        select(ResultApplication, BudgetUnit.name, Project.name)
        .join(BudgetUnit, BudgetUnit.id == ResultApplication.unit_id)
        .outerjoin(Project, Project.id == ResultApplication.project_id)
        .where(ResultApplication.round_id == found.id, _scope(user))
        .order_by(BudgetUnit.code, ResultApplication.id)).all()
    lines = [(i, unit, project or "—", a.rule_id, XLSX_ACTIONS.get(a.action, a.action), a.pct,
              a.base_amount / wan if a.base_amount is not None else None,
              a.budget_effect / wan if a.budget_effect is not None else None,
              a.applied_effect / wan if a.applied_effect is not None else None,
              say(basis_message(a)), a.section_comment, XLSX_STATUSES.get(a.status, a.status))
             for i, (a, unit, project) in enumerate(rows, start=1)]
    title = (f"{found.target_year}年预算绩效结果应用清单"
             f"（依据{found.source_year}年评价、监控和整改结果）")
    return Table("结果应用清单", title, COLUMNS, lines)
