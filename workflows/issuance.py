"""Issuing approved goals with the budget (批复), the congress's inquiries before it (DOMAIN b
steps 7–9; R11, R12, R13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from models import (
    BudgetUnit,
    CongressInquiry,
    FinanceBureau,
    GoalSheet,
    Notification,
    Project,
    User,
    UserRole,
    db,
)
from models.base import utcnow

from .audit import record
from .cycle_rules import IssuanceDates, issuance_dates
from .cycle_steps import today, unit_scope
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .evaluation.fields import text
from .ex_ante import goal_sheet_refusal
from .ledger_rules import ZONE
from .ledger_settings import bureau_of
from .locks import locked
from .messages import Msg
from .notifications import notify
from .permissions import acts_in_workflows, can_see_unit
from .rule_settings import rule_settings

SETTINGS_KEY = "issuance"
ISSUERS = ("budget_section",)
READERS = ("budget_section", "perf_staff", "perf_chief", "bureau_leader", "congress", "admin")
OPEN_INQUIRY = ("open", "answered")  # not closed: the sheet waits (R12)
MAX_SELECTION = 5000


def can_issue(user: User) -> bool:
    """The budget section issues the budget and goals together (同步批复)."""
    return acts_in_workflows(user) and user.has_role(*ISSUERS)


def _check_issuer(user: User) -> None:
    if not can_issue(user):
        raise Forbidden(Msg("only the budget section issues goal sheets"))


def approval_date(bureau: FinanceBureau, year: int) -> date | None:
    """The day the congress approved the year's budget, as the budget section recorded it."""
    raw = ((bureau.settings or {}).get(SETTINGS_KEY) or {}).get(str(year))
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def record_approval(user: User, year: int, raw) -> date:
    """Record the congress's approval of the year's budget: R13's clock starts."""
    _check_issuer(user)
    try:
        day = date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput(Msg("the date has errors"), {
            "approved_on": [Msg("a date written YYYY-MM-DD")]}) from None
    if not (year - 1 <= day.year <= year) or day > today():
        raise InvalidInput(Msg("the date has errors"), {"approved_on": [Msg(
            "the congress approves the budget of %(year)s before or early in that year, and not "
            "in the future", year=year)]})
    bureau = locked(bureau_of(user))  # its settings JSON is rewritten whole
    before = approval_date(bureau, year)
    stored = dict((bureau.settings or {}).get(SETTINGS_KEY) or {})
    stored[str(year)] = day.isoformat()
    bureau.settings = {**(bureau.settings or {}), SETTINGS_KEY: stored}
    db.flush()
    record(user.id, "finance_bureau", bureau.id, "issuance.approved_on",
           before={"year": year, "approved_on": before.isoformat() if before else None},
           after={"year": year, "approved_on": day.isoformat()})
    return day


@dataclass(frozen=True)
class SheetLine:
    """An approved or issued sheet of the year with what stands in the way of its issuance."""

    sheet: GoalSheet
    unit_name: str
    project_name: str | None
    open_inquiries: int
    refusal: Msg | None


@dataclass(frozen=True)
class IssuanceBoard:
    """The year's sheets for issuance with R13's dates."""

    year: int
    approved_on: date | None
    dates: IssuanceDates | None
    lines: list[SheetLine]
    sub_issuance_days: int = 15

    @property
    def issued_on(self) -> date | None:
        """The day the first of the year's sheets was issued (the bureau's calendar)."""
        days = [line.sheet.issued_at.astimezone(ZONE).date() for line in self.lines
                if line.sheet.issued_at is not None]
        return min(days, default=None)

    @property
    def sub_units_due(self) -> date | None:
        """R13: departments issue to their sub-units within the period after their own
        issuance; before it, the latest day the deadline allows."""
        if self.issued_on is not None:
            return self.issued_on + timedelta(days=self.sub_issuance_days)
        return self.dates.sub_units_due if self.dates else None

    @property
    def warn(self) -> bool:
        """R13: the budget section is warned from D-5 while sheets wait."""
        return self.dates is not None and today() >= self.dates.warn and any(
            line.sheet.status == "approved" for line in self.lines)

    @property
    def days_left(self) -> int | None:
        """Days left to the issuance deadline (negative once past)."""
        return (self.dates.due - today()).days if self.dates else None

    def count(self, status: str) -> int:
        """Sheets of the board in a status."""
        return sum(1 for line in self.lines if line.sheet.status == status)


def _inquiry_counts(sheet_ids: list[int]) -> dict[int, int]:
    if not sheet_ids:
        return {}
    return dict(db.execute(select(CongressInquiry.sheet_id, func.count()).where(
        CongressInquiry.sheet_id.in_(sheet_ids), CongressInquiry.status.in_(OPEN_INQUIRY))
        .group_by(CongressInquiry.sheet_id)).all())


def _refusal(sheet: GoalSheet, open_inquiries: int) -> Msg | None:
    """Why the sheet cannot be issued now (R12, R5), or None."""
    if sheet.status != "approved":
        return None
    if open_inquiries:
        return Msg("a congress inquiry is still open (R12)")
    if sheet.project is not None:
        return goal_sheet_refusal(sheet.project)
    return None


def issuance_board(user: User, year: int) -> IssuanceBoard:
    """The year's approved and issued sheets (the congress sees the flagged ones only)."""
    if not user.has_role(*READERS):
        raise NotFound(Msg("page not found"))
    bureau = bureau_of(user)
    query = select(GoalSheet, BudgetUnit.name, Project.name).join(
        BudgetUnit, BudgetUnit.id == GoalSheet.unit_id).outerjoin(
        Project, Project.id == GoalSheet.project_id).where(
        GoalSheet.bureau_id == bureau.id, GoalSheet.fiscal_year == year,
        GoalSheet.status.in_(("approved", "issued", "revision_required")))
    if not user.has_role(*(r for r in READERS if r != "congress")):
        query = query.where(GoalSheet.submit_to_congress.is_(True))
    rows = db.execute(query.order_by(BudgetUnit.code, GoalSheet.kind.desc(),
                                     Project.code, GoalSheet.version)).all()
    counts = _inquiry_counts([sheet.id for sheet, _, _ in rows])
    lines = [SheetLine(sheet, unit, project, counts.get(sheet.id, 0),
                       _refusal(sheet, counts.get(sheet.id, 0))) for sheet, unit, project in rows]
    approved_on = approval_date(bureau, year)
    settings = rule_settings(bureau)
    dates = issuance_dates(approved_on, settings) if approved_on else None
    return IssuanceBoard(year, approved_on, dates, lines, settings["sub_issuance_days"])


def _selected(user: User, year: int, sheet_ids) -> list[GoalSheet]:
    ids = [i for i in sheet_ids or [] if isinstance(i, int) and not isinstance(i, bool)]
    if not ids or len(ids) > MAX_SELECTION:
        raise InvalidInput(Msg("choose the sheets"), {"sheet_ids": [
            Msg("tick at least one sheet")]})
    sheets = list(db.scalars(select(GoalSheet).where(
        GoalSheet.id.in_(ids), GoalSheet.bureau_id == bureau_of(user).id,
        GoalSheet.fiscal_year == year).order_by(GoalSheet.id).with_for_update()))
    if len(sheets) != len(set(ids)):
        raise NotFound(Msg("goal sheet not found"))
    return sheets


def flag_for_congress(user: User, year: int, sheet_ids, flag: bool) -> int:
    """Send (or stop sending) approved sheets to the congress with the budget draft."""
    _check_issuer(user)
    changed = 0
    for sheet in _selected(user, year, sheet_ids):
        if sheet.status != "approved":
            raise Conflict(Msg("only approved sheets not yet issued go to the congress"))
        if sheet.submit_to_congress != flag:
            sheet.submit_to_congress = flag
            changed += 1
            record(user.id, "goal_sheet", sheet.id, "congress.flag" if flag else "congress.unflag",
                   after={"submit_to_congress": flag})
    return changed


@dataclass(frozen=True)
class IssueResult:
    """What an issuance did: the sheets issued and those it left, with the reason."""

    issued: list[GoalSheet]
    refused: list[tuple[GoalSheet, Msg]]


def issue_sheets(user: User, year: int, sheet_ids) -> IssueResult:
    """Issue the chosen approved sheets with the budget: locked for good (R11), the project
    issued; a sheet with an open congress inquiry stays (R12), as does one R5 still holds."""
    _check_issuer(user)
    sheets = _selected(user, year, sheet_ids)
    if approval_date(bureau_of(user), year) is None:
        raise Conflict(Msg("record the day the congress approved the %(year)s budget first",
                           year=year))
    counts = _inquiry_counts([s.id for s in sheets])
    issued, refused = [], []
    for sheet in sheets:
        if sheet.status != "approved":
            refused.append((sheet, Msg("only an approved sheet can be issued")))
            continue
        refusal = _refusal(sheet, counts.get(sheet.id, 0))
        if refusal is not None:
            refused.append((sheet, refusal))
            continue
        sheet.status, sheet.locked = "issued", True
        sheet.issued_at, sheet.issued_by_id = utcnow(), user.id
        record(user.id, "goal_sheet", sheet.id, "issue", before={"status": "approved"},
               after={"status": "issued"})
        if sheet.project is not None and sheet.project.status not in ("cancelled",):
            before, sheet.project.status = sheet.project.status, "issued"
            record(user.id, "project", sheet.project_id, "issue", before={"status": before},
                   after={"status": "issued", "sheet_id": sheet.id})
        issued.append(sheet)
    if issued:
        notify(_unit_people([s.unit_id for s in issued], ("unit_filer", "unit_leader")),
               "issued", Msg("Goal sheets of %(year)s have been issued with the budget",
                             year=year), entity="issuance", entity_id=year)
    return IssueResult(issued, refused)


def _unit_people(unit_ids: list[int], roles: tuple[str, ...]) -> list[int]:
    return list(db.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        User.unit_id.in_(set(unit_ids)), User.active.is_(True),
        UserRole.role_code.in_(roles)).distinct()))


def issuance_warnings(now_day: date | None = None) -> int:
    """R13: from D-5, tell the budget section once per year that approved sheets still wait;
    the worker runs this after each round. How many notifications went out."""
    day = now_day or today()
    sent = 0
    for bureau in db.scalars(select(FinanceBureau)):
        for year_text, raw in ((bureau.settings or {}).get(SETTINGS_KEY) or {}).items():
            if not year_text.isdecimal():
                continue
            try:
                dates = issuance_dates(date.fromisoformat(raw), rule_settings(bureau))
            except (TypeError, ValueError):
                continue
            if day < dates.warn or db.scalar(select(Notification.id).where(
                    Notification.entity == "issuance.warn",
                    Notification.entity_id == int(year_text)).limit(1)):
                continue
            waiting = db.scalar(select(func.count(GoalSheet.id)).where(
                GoalSheet.bureau_id == bureau.id, GoalSheet.fiscal_year == int(year_text),
                GoalSheet.status == "approved")) or 0
            if waiting:
                people = list(db.scalars(select(User.id).join(
                    UserRole, UserRole.user_id == User.id).where(
                    User.active.is_(True), UserRole.role_code.in_(ISSUERS))))
                sent += len(notify(people, "deadline", Msg(
                    "%(n)s goal sheets of %(year)s still wait to be issued; the deadline is "
                    "%(due)s (R13)", n=waiting, year=year_text, due=dates.due.isoformat()),
                    entity="issuance.warn", entity_id=int(year_text)))
    return sent


# ---------------------------------------------------------------- congress inquiries

def get_inquiry_or_404(inquiry_id: int, user: User) -> CongressInquiry:
    """An inquiry the user may see: congress and finance all, the unit its own."""
    inquiry = db.get(CongressInquiry, inquiry_id)
    if inquiry is None or not (user.has_role("congress") or can_see_unit(user, inquiry.unit_id)):
        raise NotFound(Msg("inquiry not found"))
    return inquiry


def open_inquiry(user: User, sheet: GoalSheet, raw: dict) -> CongressInquiry:
    """A delegate's question on a sheet sent to the congress; its unit head must answer."""
    if not user.has_role("congress") or not acts_in_workflows(user):
        raise Forbidden(Msg("only the people's congress staff open an inquiry"))
    if not sheet.submit_to_congress or sheet.status != "approved":
        raise Conflict(Msg("only sheets sent to the congress and not yet issued can be inquired"))
    errors: dict[str, list] = {}
    fields = {"delegate_name": text(raw, "delegate_name", errors, required=True, limit=100),
              "question": text(raw, "question", errors, required=True),
              "session": text(raw, "session", errors, required=True, limit=60)}
    if errors:
        raise InvalidInput(Msg("the inquiry has errors"), errors)
    inquiry = CongressInquiry(bureau_id=sheet.bureau_id, fiscal_year=sheet.fiscal_year,
                              sheet_id=sheet.id, unit_id=sheet.unit_id, opened_by_id=user.id,
                              status="open", **fields)
    db.add(inquiry)
    db.flush()
    record(user.id, "congress_inquiry", inquiry.id, "open",
           after={"sheet_id": sheet.id, "delegate_name": fields["delegate_name"]})
    notify(_unit_people([sheet.unit_id], ("unit_leader",)), "inquiry", Msg(
        "The congress has an inquiry on your unit's goal sheet %(id)s", id=sheet.id),
        entity="congress_inquiry", entity_id=inquiry.id)
    return inquiry


def answer_inquiry(user: User, inquiry: CongressInquiry, raw: dict) -> None:
    """The unit head answers (in person at the session; the answer is recorded here)."""
    if not user.has_role("unit_leader") or user.unit_id != inquiry.unit_id:
        raise Forbidden(Msg("the head of the unit answers the inquiry"))
    inquiry = locked(inquiry)
    if inquiry.status == "closed":
        raise Conflict(Msg("this inquiry is closed"))
    errors: dict[str, list] = {}
    answer = text(raw, "answer", errors, required=True)
    if errors:
        raise InvalidInput(Msg("the answer has errors"), errors)
    inquiry.answer, inquiry.respondent_user_id = answer, user.id
    inquiry.status, inquiry.answered_at = "answered", utcnow()
    record(user.id, "congress_inquiry", inquiry.id, "answer", after={"status": "answered"})


def close_inquiry(user: User, inquiry: CongressInquiry, outcome) -> None:
    """The congress closes it: accepted, or the sheet must be revised (a new version through
    the gates again)."""
    if not user.has_role("congress") or not acts_in_workflows(user):
        raise Forbidden(Msg("only the people's congress staff close an inquiry"))
    inquiry = locked(inquiry)
    if inquiry.status != "answered":
        raise Conflict(Msg("the unit has not answered yet") if inquiry.status == "open"
                       else Msg("this inquiry is closed"))
    if outcome not in ("accepted", "revise_required"):
        raise InvalidInput(Msg("the outcome has errors"), {"outcome": [
            Msg("choose accepted or revise_required")]})
    inquiry.outcome, inquiry.status = outcome, "closed"
    inquiry.closed_by_id, inquiry.closed_at = user.id, utcnow()
    record(user.id, "congress_inquiry", inquiry.id, "close", after={"outcome": outcome})
    if outcome == "revise_required":
        sheet = db.get(GoalSheet, inquiry.sheet_id)
        sheet.status = "revision_required"
        record(user.id, "goal_sheet", sheet.id, "congress.revise",
               before={"status": "approved"}, after={"status": "revision_required"})
        notify(_unit_people([sheet.unit_id], ("unit_filer", "unit_leader")), "returned", Msg(
            "The congress asks for goal sheet %(id)s to be revised: declare a new version",
            id=sheet.id), entity="goal_sheet", entity_id=sheet.id)


def list_inquiries(user: User, year: int | None = None) -> list[CongressInquiry]:
    """Inquiries the user may see, newest first."""
    query = select(CongressInquiry).where(CongressInquiry.bureau_id == bureau_of(user).id)
    if year:
        query = query.where(CongressInquiry.fiscal_year == year)
    if not user.has_role("congress"):  # scoped in the query, so the limit keeps its own rows
        query = query.where(unit_scope(user, CongressInquiry.unit_id))
    return list(db.scalars(query.order_by(CongressInquiry.id.desc()).limit(500)))
