"""Recording problems and starting their ledger items (DOMAIN process e, R27)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from models import (
    BudgetUnit,
    FinanceBureau,
    Problem,
    ProcessInstance,
    Project,
    RectificationItem,
    User,
    db,
)
from models.ledger import PROBLEM_CATEGORIES, PROBLEM_SOURCES, SEVERITIES

from ..audit import record
from ..deploy import latest_definition
from ..engine import clock, runtime
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..ledger_rules import ZONE, LedgerSettings, deadline_at, default_deadline, ladder, settings_for
from ..messages import Msg
from ..permissions import acts_in_workflows, can_see_unit

PROCESS_KEY = "rectification"
RECORDER_ROLES = ("perf_staff", "perf_chief")
MAX_TEXT = 4000
MAX_RETURNS = 50  # far below the engine's loop-depth failure (ENGINE-NOTES)
LEVEL_ORDER = ("none", "reminder", "notice", "interview")


MAX_ID = 2**31 - 1
MAX_YEARS_AHEAD = 10  # a date further out is a typing error, and would overflow the ladder


def today() -> date:
    """Today in the bureaus' time zone (on the movable clock, so tests can travel)."""
    return clock.now().astimezone(ZONE).date()


def get_item_or_404(item_id: int, user: User) -> RectificationItem:
    """A ledger item within the user's data scope."""
    item = db.get(RectificationItem, item_id)
    if item is None or not can_see_unit(user, item.unit_id):
        raise NotFound(Msg("ledger item not found"))
    return item


def item_for_instance(instance: ProcessInstance) -> RectificationItem:
    """The ledger item an instance runs (business key rectification_item:<id>)."""
    kind, _, ident = instance.business_key.partition(":")
    item = db.get(RectificationItem, int(ident)) \
        if kind == "rectification_item" and ident.isdigit() else None
    if item is None:
        raise NotFound(Msg("ledger item not found"))
    db.info.setdefault("kept", []).append(item)  # guard and handler read it: keep it loaded
    return item


# ---------------------------------------------------------------- recording problems

def _text(raw: dict, key: str, errors: dict, *, required: bool = False, limit: int = MAX_TEXT
          ) -> str:
    value = raw.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = [Msg("must be text")]
        return ""
    value = value.strip()
    if required and not value:
        errors[key] = [Msg("is required")]
    elif len(value) > limit:
        errors[key] = [Msg("at most %(n)s characters", n=limit)]
    return value


def _choice(raw: dict, key: str, options, errors: dict, default: str | None = None) -> str | None:
    value = raw.get(key) or default
    if value not in options:
        errors[key] = [Msg("choose one of: %(options)s", options=", ".join(options))]
        return None
    return value


def _date(raw: dict, key: str, errors: dict) -> date | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            errors[key] = [Msg("dates must be written YYYY-MM-DD")]
            return None
    if not date(2000, 1, 1) <= value <= today() + timedelta(days=366 * MAX_YEARS_AHEAD):
        errors[key] = [Msg("the date must lie between 2000 and %(years)s years from now",
                           years=MAX_YEARS_AHEAD)]
        return None
    return value


def _id(raw, key: str, errors: dict, message: Msg) -> int | None:
    value = raw.get(key)
    if isinstance(value, str) and value.isdecimal() and value.isascii():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_ID:
        errors[key] = [message]
        return None
    return value


def _amount(raw: dict, key: str, errors: dict) -> Decimal | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[key] = [Msg("must be an amount in yuan")]
        return None
    if amount < 0 or amount >= Decimal("1e16"):
        errors[key] = [Msg("must be an amount between 0 and 10^16 yuan")]
        return None
    return amount


def validate_problem(raw: dict, *, on: date) -> dict:
    """Clean one problem's fields; every bad field named (R27 deadline after today)."""
    if not isinstance(raw, dict):
        raise InvalidInput(Msg("the problem must be an object"), {"": [Msg("must be an object")]})
    errors: dict[str, list] = {}
    cleaned = {
        "source": _choice(raw, "source", PROBLEM_SOURCES, errors),
        "source_ref": _text(raw, "source_ref", errors, limit=100),
        "problem_list_no": _text(raw, "problem_list_no", errors, limit=40),
        "description": _text(raw, "description", errors, required=True),
        "category": _choice(raw, "category", PROBLEM_CATEGORIES, errors),
        "severity": _choice(raw, "severity", SEVERITIES, errors, default="normal"),
        "amount_involved": _amount(raw, "amount_involved", errors),
        "suggested_measure": _text(raw, "suggested_measure", errors),
        "responsible_person": _text(raw, "responsible_person", errors, limit=100),
        "deadline": _date(raw, "deadline", errors),
    }
    unit = None
    unit_id = _id(raw, "unit_id", errors, Msg("choose the responsible unit"))
    if unit_id is not None:
        unit = db.get(BudgetUnit, unit_id)
        if unit is None or not unit.active:
            errors["unit_id"] = [Msg("no active unit with this id")]
    cleaned["unit"] = unit
    cleaned["project_id"] = None
    if raw.get("project_id") not in (None, ""):
        wrong = Msg("no project of the responsible unit with this id")
        project_id = _id(raw, "project_id", errors, wrong)
        project = db.get(Project, project_id) if project_id else None
        if project is None or (unit is not None and project.unit_id != unit.id):
            errors["project_id"] = [wrong]
        else:
            cleaned["project_id"] = project.id
    year = raw.get("fiscal_year") or on.year
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["fiscal_year"] = [Msg("must be a year")]
    cleaned["fiscal_year"] = year
    if cleaned["deadline"] is not None and cleaned["deadline"] <= on:
        errors["deadline"] = [Msg("the deadline must be after today")]
    if errors:
        raise InvalidInput(Msg("the problem has errors"), errors)
    return cleaned


def can_record(user: User) -> bool:
    """The performance section records and imports problems (never an administrator, R9)."""
    return acts_in_workflows(user) and user.has_role(*RECORDER_ROLES)


def _check_recorder(user: User) -> None:
    if not can_record(user):
        raise Forbidden(Msg("only the performance section records problems"))


def record_problem(user: User, raw: dict) -> RectificationItem:
    """Record one problem and start the rectification of its ledger item."""
    _check_recorder(user)
    return _create(user, validate_problem(raw, on=today()))


def record_problems(user: User, rows: list[dict]) -> list[RectificationItem]:
    """Record many problems at once: all rows valid, or nothing recorded (errors per row)."""
    _check_recorder(user)
    return issue_problems(user, rows)


def issue_problems(user: User, rows: list[dict]) -> list[RectificationItem]:
    """Start ledger items for an issued problem list (an approved evaluation's findings are
    recorded on its approver's decision): all rows valid, or nothing recorded."""
    on, cleaned, errors = today(), [], {}
    for number, raw in enumerate(rows, start=1):
        try:
            cleaned.append(validate_problem(raw, on=on))
        except InvalidInput as exc:
            for key, messages in exc.errors.items():
                errors[f"{number}.{key}"] = messages
    if errors:
        raise InvalidInput(Msg("some rows have errors; nothing was imported"), errors)
    return [_create(user, row) for row in cleaned]


def _create(user: User, row: dict) -> RectificationItem:
    definition = latest_definition(PROCESS_KEY)
    if definition is None:
        raise Conflict(Msg("the rectification process has not been deployed"))
    unit = row.pop("unit")
    settings = settings_for(db.get(FinanceBureau, unit.bureau_id))
    on = today()
    deadline = row.pop("deadline") or default_deadline(settings, row["severity"], on)
    person = row.pop("responsible_person")
    problem = Problem(bureau_id=unit.bureau_id, unit_id=unit.id, created_by_id=user.id, **row)
    db.add(problem)
    db.flush()
    item = RectificationItem(
        bureau_id=unit.bureau_id, fiscal_year=problem.fiscal_year, problem_id=problem.id,
        source=problem.source, unit_id=unit.id, responsible_person=person,
        plan_due=settings.add_days(on, settings.plan_days), deadline=deadline,
        original_deadline=deadline, status="assigned", escalation_level="none",
        co_sections=[], extension_history=[],
        search_text=" ".join((problem.problem_list_no, problem.description, problem.source_ref)))
    db.add(item)
    db.flush()
    instance = runtime.start_instance(
        definition, actor_id=user.id, business_key=f"rectification_item:{item.id}",
        subject=_subject(problem), unit_id=unit.id,
        data={"item_id": item.id, "unit_id": unit.id, "severity": problem.severity,
              "interview_when_serious": settings.interview_when_serious,
              "interview_after_returns": settings.interview_after_returns,
              "ladder": ladder(settings, deadline), "step": 0, "return_count": 0,
              "filer": "", "liaison_user": unit.liaison.username if unit.liaison else None,
              "plan_due_at": deadline_at(item.plan_due),
              "deadline_at": deadline_at(deadline)})
    item.instance_id = instance.id
    record(user.id, "problem", problem.id, "create",
           after={"source": problem.source, "unit_id": unit.id, "severity": problem.severity})
    record(user.id, "rectification_item", item.id, "create",
           after={"status": "assigned", "deadline": deadline.isoformat()})
    return item


def _subject(problem: Problem) -> str:
    text = " ".join(problem.description.split())
    return text if len(text) <= 60 else text[:59] + "…"


def settings_of(item: RectificationItem) -> LedgerSettings:
    """The ledger settings of the item's bureau."""
    return settings_for(db.get(FinanceBureau, item.bureau_id))


