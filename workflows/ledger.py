"""Reading the rectification ledger: filtered pages, the closure summary, one item's file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select, true

from models import (
    AuditLog,
    BudgetUnit,
    Document,
    InterviewRecord,
    Problem,
    RectificationItem,
    Reminder,
    Task,
    User,
    db,
)
from models.ledger import ITEM_STATUSES, PROBLEM_SOURCES

from .errors import InvalidInput
from .evidence import OWNER
from .messages import Msg
from .permissions import role_table
from .query_args import code, flag, whole
from .rectification import get_item_or_404, today

OPEN = "open"  # a status filter meaning "anything not signed off"
STATUS_FILTERS = (OPEN, *ITEM_STATUSES)
SORTS = ("deadline", "overdue", "unit", "status", "returns", "escalation", "id")
AGEING_BANDS = ((1, 15), (16, 30), (31, 60), (61, None))
MAX_PER_PAGE = 200
MAX_PAGE = 10_000


@dataclass
class LedgerFilters:
    """What the ledger page and the API filter, sort and page by."""

    unit_id: int | None = None
    source: str | None = None
    status: str | None = None
    overdue: bool | None = None
    year: int | None = None
    q: str | None = None
    sort: str = "deadline"
    descending: bool = False
    page: int = 1
    per_page: int = 50

    @classmethod
    def parse(cls, args) -> LedgerFilters:
        """Filters from query-string arguments; a bad value is a 422 naming the argument."""
        errors: dict[str, list] = {}

        sort = args.get("sort") or "deadline"
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        filters = cls(
            unit_id=whole(args, "unit_id", errors),
            source=code(args, "source", PROBLEM_SOURCES, errors),
            status=code(args, "status", STATUS_FILTERS, errors), overdue=flag(args, "overdue"),
            year=whole(args, "year", errors, 2000, 2100),
            q=(args.get("q") or "").strip()[:100] or None,
            sort=sort if sort in SORTS else "deadline", descending=descending,
            page=min(whole(args, "page", errors) or 1, MAX_PAGE),
            per_page=whole(args, "per_page", errors, 1, MAX_PER_PAGE) or 50)
        if sort not in SORTS:
            errors["sort"] = [Msg("choose one of: %(options)s", options=", ".join(SORTS))]
        if errors:
            raise InvalidInput(Msg("the ledger filters have errors"), errors)
        return filters


@dataclass
class LedgerRow:
    """One line of the ledger."""

    id: int
    problem_id: int
    unit_id: int
    unit_name: str
    description: str
    source: str
    category: str
    severity: str
    problem_list_no: str
    amount_involved: Decimal | None
    deadline: date
    original_deadline: date
    status: str
    overdue_days: int
    escalation_level: str
    return_count: int
    fiscal_year: int
    signed_off_at: datetime | None
    responsible_person: str
    measures: str
    suggested_measure: str


@dataclass
class LedgerPage:
    """A page of ledger rows and the number of rows matching."""

    rows: list[LedgerRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.per_page))


@dataclass
class LedgerSummary:
    """Closure figures of the rows matching the filters (DOMAIN section 7, Rectification)."""

    items: int
    signed_off: int
    due: int  # items whose deadline has passed, or already signed off
    on_time: int
    overdue: int
    ageing: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def closure_rate(self) -> float | None:
        """Signed off ÷ items."""
        return self.signed_off / self.items if self.items else None

    @property
    def on_time_rate(self) -> float | None:
        """Signed off by the deadline ÷ items due (deadline passed or signed off)."""
        return self.on_time / self.due if self.due else None


def scope_clause(user: User) -> ColumnElement[bool]:
    """The ledger items the user may see: tenant roles all, section roles their units, unit
    roles their own unit; nothing otherwise."""
    scopes = {role.scope for role in role_table(user).values()}
    if "tenant" in scopes:
        return true()
    clauses = []
    if "unit" in scopes and user.unit_id is not None:
        clauses.append(RectificationItem.unit_id == user.unit_id)
    if "section" in scopes and user.section_id is not None:
        clauses.append(RectificationItem.unit_id.in_(
            select(BudgetUnit.id).where(BudgetUnit.expenditure_section_id == user.section_id)))
    return or_(*clauses) if clauses else false()


def _filtered(user: User, f: LedgerFilters, on: date) -> list[ColumnElement[bool]]:
    where = [scope_clause(user)]
    if f.unit_id:
        where.append(RectificationItem.unit_id == f.unit_id)
    if f.source:
        where.append(RectificationItem.source == f.source)
    if f.status == OPEN:
        where.append(RectificationItem.status != "signed_off")
    elif f.status:
        where.append(RectificationItem.status == f.status)
    if f.overdue is not None:
        overdue = and_(RectificationItem.deadline < on, RectificationItem.status != "signed_off")
        where.append(overdue if f.overdue else ~overdue)
    if f.year:
        where.append(RectificationItem.fiscal_year == f.year)
    if f.q:
        escaped = f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        units = select(BudgetUnit.id).where(BudgetUnit.name.like(like, escape="\\"))
        where.append(or_(RectificationItem.search_text.like(like, escape="\\"),
                         RectificationItem.unit_id.in_(units)))
    return where


def _base(columns, user: User, f: LedgerFilters, on: date, *, joined: bool = True) -> Select:
    """The filtered items; the problem and unit are joined only when needed (a sort by unit,
    the row columns), so counts, sums and searches read the item table alone."""
    query = select(*columns).select_from(RectificationItem)
    if joined:
        query = query.join(Problem, Problem.id == RectificationItem.problem_id)
    if joined or f.sort == "unit":
        query = query.join(BudgetUnit, BudgetUnit.id == RectificationItem.unit_id)
    return query.where(*_filtered(user, f, on))


_ORDER = {
    "deadline": (RectificationItem.deadline,),
    "overdue": (case((RectificationItem.status == "signed_off", 1), else_=0),
                RectificationItem.deadline),
    "unit": (BudgetUnit.name,),
    "status": (RectificationItem.status,),
    "returns": (RectificationItem.return_count,),
    "escalation": (case({"none": 0, "reminder": 1, "notice": 2, "interview": 3},
                        value=RectificationItem.escalation_level),),
    "id": (),
}
_ROW_COLUMNS = (
    RectificationItem.id, RectificationItem.problem_id, RectificationItem.unit_id,
    BudgetUnit.name, Problem.description,
    RectificationItem.source, Problem.category, Problem.severity, Problem.problem_list_no,
    Problem.amount_involved, RectificationItem.deadline, RectificationItem.status,
    RectificationItem.escalation_level, RectificationItem.return_count,
    RectificationItem.fiscal_year, RectificationItem.signed_off_at,
    RectificationItem.responsible_person, RectificationItem.measures,
    RectificationItem.original_deadline, Problem.suggested_measure,
)


def _row(r, on: date) -> LedgerRow:
    overdue = (on - r.deadline).days if r.status != "signed_off" and on > r.deadline else 0
    return LedgerRow(
        id=r.id, problem_id=r.problem_id, unit_id=r.unit_id, unit_name=r.name,
        description=r.description,
        source=r.source, category=r.category, severity=r.severity,
        problem_list_no=r.problem_list_no, amount_involved=r.amount_involved,
        deadline=r.deadline, original_deadline=r.original_deadline, status=r.status,
        overdue_days=overdue,
        escalation_level=r.escalation_level, return_count=r.return_count,
        fiscal_year=r.fiscal_year, signed_off_at=r.signed_off_at,
        responsible_person=r.responsible_person, measures=r.measures,
        suggested_measure=r.suggested_measure or "")


def _ordered(query: Select, f: LedgerFilters) -> Select:
    # "overdue" sorts most overdue first: open items by earliest deadline
    columns = _ORDER[f.sort]
    keys = [c.desc() if f.descending else c.asc() for c in columns]
    tiebreak = RectificationItem.id.desc() if f.descending else RectificationItem.id.asc()
    return query.order_by(*keys, tiebreak)


def list_items(user: User, f: LedgerFilters, on: date | None = None,
               total: int | None = None) -> LedgerPage:
    """One page of the ledger in the user's scope (`total` when the caller already counted,
    e.g. from the summary).

    The page's ids are picked from the item table first (an index range for the deadline
    order), then only those rows are joined to their problem and unit.
    """
    on = on or today()
    if total is None:
        total = db.scalar(_base([func.count()], user, f, on, joined=False)) or 0
    ids = _ordered(_base([RectificationItem.id], user, f, on, joined=False), f) \
        .limit(f.per_page).offset((f.page - 1) * f.per_page).subquery()
    query = _ordered(select(*_ROW_COLUMNS).select_from(RectificationItem)
                     .join(ids, ids.c.id == RectificationItem.id)
                     .join(Problem, Problem.id == RectificationItem.problem_id)
                     .join(BudgetUnit, BudgetUnit.id == RectificationItem.unit_id), f)
    return LedgerPage([_row(r, on) for r in db.execute(query)], total, f.page, f.per_page)


def iter_items(user: User, f: LedgerFilters, on: date | None = None,
               chunk: int = 1000) -> Iterator[LedgerRow]:
    """Every row matching the filters, in order, fetched in chunks (for the export)."""
    on = on or today()
    query = _ordered(_base(_ROW_COLUMNS, user, f, on), f).execution_options(yield_per=chunk)
    for r in db.execute(query):
        yield _row(r, on)


def summary(user: User, f: LedgerFilters, on: date | None = None) -> LedgerSummary:
    """Closure summary of the rows matching the filters.

    One grouped query by (status, deadline, on time) — an index-only scan on PostgreSQL, a few
    thousand groups at most — and the figures are added up here.
    """
    on = on or today()
    item = RectificationItem
    query = _base([item.status, item.deadline, item.closed_on_time, func.count()], user, f, on,
                  joined=False).group_by(item.status, item.deadline, item.closed_on_time)
    result = LedgerSummary(items=0, signed_off=0, due=0, on_time=0, overdue=0,
                           ageing={_band(lo, hi): 0 for lo, hi in AGEING_BANDS})
    statuses: dict[str, int] = {}
    for status, deadline, closed_on_time, count in db.execute(query):
        result.items += count
        statuses[status] = statuses.get(status, 0) + count
        if status == "signed_off":
            result.signed_off += count
            result.due += count
            result.on_time += count if closed_on_time else 0
        elif deadline < on:
            result.due += count
            result.overdue += count
            result.ageing[_age_band((on - deadline).days)] += count
    result.by_status = {s: statuses[s] for s in ITEM_STATUSES if s in statuses}
    return result


def page_and_summary(user: User, f: LedgerFilters, on: date | None = None
                     ) -> tuple[LedgerPage, LedgerSummary]:
    """A ledger page with its summary; the summary's item count is the page's total."""
    on = on or today()
    stats = summary(user, f, on)
    return list_items(user, f, on, total=stats.items), stats


def _age_band(days: int) -> str:
    for low, high in AGEING_BANDS:
        if high is None or days <= high:
            return _band(low, high)
    raise AssertionError("unreachable: the last band is open-ended")


def _band(low: int, high: int | None) -> str:
    return f"{low}-{high}" if high is not None else f">{low - 1}"


@dataclass
class HistoryEntry:
    """One line of an item's history."""

    at: datetime
    actor: str | None
    action: str
    reason: str | None
    after: dict | None


@dataclass
class ItemView:
    """Everything the item page shows."""

    item: RectificationItem
    problem: Problem
    overdue_days: int
    evidence: list[Document]
    history: list[HistoryEntry]
    reminders: list[Reminder]
    interviews: list[InterviewRecord]
    open_tasks: list[Task]


def item_view(item_id: int, user: User, on: date | None = None) -> ItemView:
    """One item in the user's scope with its evidence, history, reminders and open tasks."""
    item = get_item_or_404(item_id, user)
    on = on or today()
    audit = db.execute(
        select(AuditLog, User.name).outerjoin(User, User.id == AuditLog.actor_id)
        .where(AuditLog.entity == "rectification_item", AuditLog.entity_id == str(item.id))
        .order_by(AuditLog.id)).all()
    history = [HistoryEntry(a.at, name, a.action, a.reason, a.after) for a, name in audit]
    evidence = list(db.scalars(select(Document).where(
        Document.owner_type == OWNER, Document.owner_id == item.id).order_by(Document.id)))
    reminders = list(db.scalars(select(Reminder).where(Reminder.item_id == item.id)
                                .order_by(Reminder.id)))
    interviews = [r for r in db.scalars(
        select(InterviewRecord).where(InterviewRecord.interviewee_unit_id == item.unit_id)
        .order_by(InterviewRecord.id)) if item.id in (r.item_ids or [])]
    tasks = list(db.scalars(select(Task).where(Task.instance_id == item.instance_id,
                                               Task.status == "ready").order_by(Task.id))) \
        if item.instance_id else []
    return ItemView(item, item.problem, item.overdue_days(on), evidence, history, reminders,
                    interviews, tasks)
