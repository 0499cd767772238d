"""Rectification ledger items and their workflow (DOMAIN process e; rules R9, R27, R28)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from models import (
    BudgetUnit,
    FinanceBureau,
    InterviewRecord,
    Problem,
    ProcessInstance,
    Project,
    RectificationItem,
    Reminder,
    Task,
    TaskCandidate,
    User,
    UserRole,
    db,
)
from models.base import utcnow
from models.ledger import PROBLEM_CATEGORIES, PROBLEM_SOURCES, SEVERITIES

from .audit import record
from .deploy import latest_definition
from .engine import clock, runtime
from .engine.assignment import resolve_due
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .evidence import evidence_count
from .ledger_rules import LedgerSettings, deadline_at, default_deadline, ladder, settings_for
from .messages import Msg
from .notifications import notify
from .permissions import acts_in_workflows, can_see_unit
from .tasks import Completion, register_form

PROCESS_KEY = "rectification"
RECORDER_ROLES = ("perf_staff", "perf_chief")
MAX_TEXT = 4000
MAX_RETURNS = 50  # far below the engine's loop-depth failure (ENGINE-NOTES)
LEVEL_ORDER = ("none", "reminder", "notice", "interview")


def today() -> date:
    """Today in the bureau's calendar (the movable clock, so tests can travel)."""
    return clock.now().astimezone(_zone()).date()


def _zone() -> ZoneInfo:
    return ZoneInfo(LedgerSettings.timezone)


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
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if len(str(value)) <= 10 else \
            date.fromisoformat(str(value))
    except ValueError:
        errors[key] = [Msg("dates must be written YYYY-MM-DD")]
        return None


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
    unit_id = raw.get("unit_id")
    unit = None
    if isinstance(unit_id, str) and unit_id.isdigit():
        unit_id = int(unit_id)
    if not isinstance(unit_id, int) or isinstance(unit_id, bool):
        errors["unit_id"] = [Msg("choose the responsible unit")]
    else:
        unit = db.get(BudgetUnit, unit_id)
        if unit is None or not unit.active:
            errors["unit_id"] = [Msg("no active unit with this id")]
    cleaned["unit"] = unit
    project_id = raw.get("project_id")
    cleaned["project_id"] = None
    if project_id not in (None, ""):
        project = db.get(Project, int(project_id)) if str(project_id).isdigit() else None
        if project is None or (unit is not None and project.unit_id != unit.id):
            errors["project_id"] = [Msg("no project of the responsible unit with this id")]
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
        co_sections=[], extension_history=[])
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
              "plan_due_at": deadline_at(settings, item.plan_due),
              "deadline_at": deadline_at(settings, deadline)})
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


# ---------------------------------------------------------------- task forms

def _decision(payload: dict, options: tuple[str, ...], comment_on: tuple[str, ...]
              ) -> tuple[str, str]:
    errors: dict[str, list] = {}
    decision = payload.get("decision")
    comment = payload.get("comment") or ""
    if decision not in options:
        errors["decision"] = [Msg("choose one of: %(options)s", options=", ".join(options))]
    if not isinstance(comment, str) or len(comment) > 2000:
        errors["comment"] = [Msg("must be text of at most 2000 characters")]
        comment = ""
    elif decision in comment_on and not comment.strip():
        errors["comment"] = [Msg("give the reason")]
    if errors:
        raise InvalidInput(Msg("the form has errors"), errors)
    return decision, comment.strip()


def _open(item: RectificationItem) -> None:
    if item.signed_off:
        raise Conflict(Msg("this item is signed off and can no longer change (R27)"))


@register_form("jixiao:rect_plan")
def enter_plan(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The unit's filer enters the measures, the responsible person and the plan date."""
    item = item_for_instance(instance)
    _open(item)
    errors: dict[str, list] = {}
    measures = _text(payload, "measures", errors, required=True)
    person = _text(payload, "responsible_person", errors, required=True, limit=100)
    plan_due = _date(payload, "plan_due", errors)
    if plan_due is not None and plan_due > item.deadline:
        errors["plan_due"] = [Msg("the plan date must not be after the deadline")]
    if errors:
        raise InvalidInput(Msg("the plan has errors"), errors)
    before = {"status": item.status}
    item.measures, item.responsible_person = measures, person
    item.plan_due = plan_due or item.plan_due
    item.filer_id = user.id
    item.status = "plan_submitted"
    record(user.id, "rectification_item", item.id, "plan.submit", before=before,
           after={"status": item.status, "plan_due": item.plan_due.isoformat()
                  if item.plan_due else None})
    return Completion(data={"decision": "submit", "filer": user.username}, decision="submit")


def guard_plan_review(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: whoever entered the plan cannot approve it."""
    item = item_for_instance(instance)
    if user.id == item.filer_id:
        raise Forbidden(Msg("separation of duties: whoever entered the plan cannot approve it "
                            "(R9)"))


@register_form("jixiao:rect_plan_review", guard=guard_plan_review)
def review_plan(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The unit leader approves the plan or returns it to the filer."""
    item = item_for_instance(instance)
    _open(item)
    decision, comment = _decision(payload, ("approve", "return"), ("return",))
    before = {"status": item.status}
    item.status = "in_progress" if decision == "approve" else "assigned"
    record(user.id, "rectification_item", item.id, f"plan.{decision}", before=before,
           after={"status": item.status}, reason=comment or None)
    return Completion(data={"decision": decision}, decision=decision, comment=comment)


@register_form("jixiao:rect_evidence")
def submit_evidence(task: Task, instance: ProcessInstance, user: User, payload: dict
                    ) -> Completion:
    """The unit submits its rectification with at least one evidence file."""
    item = item_for_instance(instance)
    _open(item)
    errors: dict[str, list] = {}
    comment = _text(payload, "comment", errors, limit=2000)
    if evidence_count(item.id) == 0:
        errors["evidence"] = [Msg("upload at least one evidence file before submitting")]
    if errors:
        raise InvalidInput(Msg("the submission has errors"), errors)
    before = {"status": item.status}
    item.status, item.submitted_by_id, item.submitted_at = "evidence_submitted", user.id, utcnow()
    record(user.id, "rectification_item", item.id, "evidence.submit", before=before,
           after={"status": item.status}, reason=comment or None)
    return Completion(data={"decision": "submit"}, decision="submit", comment=comment or None)


def guard_verify(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: a verifier cannot be the evidence submitter."""
    item = item_for_instance(instance)
    if user.id == item.submitted_by_id:
        raise Forbidden(Msg("separation of duties: the submitter of the evidence cannot verify "
                            "it (R9)"))


@register_form("jixiao:rect_verify", guard=guard_verify)
def verify(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The verifier passes the evidence, or returns it with a reason (return count + 1)."""
    item = item_for_instance(instance)
    _open(item)
    decision, comment = _decision(payload, ("pass", "return"), ("return",))
    if decision == "return" and item.return_count >= MAX_RETURNS:
        raise Conflict(Msg("this item has been returned %(n)s times", n=MAX_RETURNS))
    before = {"status": item.status, "return_count": item.return_count}
    item.verified_by_id, item.verified_at, item.verify_comment = user.id, utcnow(), comment
    if decision == "pass":
        item.status, item.verify_result = "verified", "pass"
    else:
        item.status, item.verify_result = "returned", "fail"
        item.return_count += 1
    record(user.id, "rectification_item", item.id, f"verify.{decision}", before=before,
           after={"status": item.status, "return_count": item.return_count},
           reason=comment or None)
    return Completion(data={"decision": decision, "return_count": item.return_count},
                      decision=decision, comment=comment or None)


def guard_sign_off(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9: the verifier does not sign off the same item (setting strict_signoff_sod)."""
    item = item_for_instance(instance)
    if user.id == item.verified_by_id and settings_of(item).strict_signoff_sod:
        raise Forbidden(Msg("separation of duties: the verifier cannot sign off the same item "
                            "(R9)"))


@register_form("jixiao:rect_sign_off", guard=guard_sign_off)
def sign_off(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The performance section chief signs the item off (销号) once, or rejects it (R27)."""
    item = item_for_instance(instance)
    _open(item)
    decision, comment = _decision(payload, ("sign_off", "reject"), ("reject",))
    before = {"status": item.status}
    if decision == "sign_off":
        if item.verify_result != "pass" or evidence_count(item.id) == 0:
            raise Conflict(Msg("an item is signed off only after a passed verification and "
                               "with at least one evidence file (R27)"))
        item.status, item.signed_off_by_id, item.signed_off_at = "signed_off", user.id, utcnow()
        item.closed_on_time = today() <= item.deadline
    else:
        item.status, item.verify_result = "in_progress", None
    record(user.id, "rectification_item", item.id, decision.replace("_", "."), before=before,
           after={"status": item.status}, reason=comment or None)
    return Completion(data={"decision": decision}, decision=decision, comment=comment or None)


INTERVIEW_TRIGGERS = {"interview_serious": "serious", "interview_returns": "repeated_return",
                      "interview_overdue": "overdue"}


@register_form("jixiao:rect_interview")
def decide_interview(task: Task, instance: ProcessInstance, user: User, payload: dict
                     ) -> Completion:
    """The bureau leader holds the proposed interview (约谈) or grants an extension instead."""
    item = item_for_instance(instance)
    _open(item)
    decision, comment = _decision(payload, ("interview", "extend"), ("extend",))
    if decision == "extend":
        return _extend(item, user, payload, comment)
    errors: dict[str, list] = {}
    held_at = _date(payload, "held_at", errors) or today()
    person = _text(payload, "interviewee_person", errors, required=True, limit=100)
    commitments = _text(payload, "commitments", errors, required=True)
    follow_up = _date(payload, "follow_up_deadline", errors)
    if held_at > today():
        errors["held_at"] = [Msg("the interview cannot be recorded before it is held")]
    if follow_up is not None and follow_up <= held_at:
        errors["follow_up_deadline"] = [Msg("the follow-up deadline must be after the interview")]
    if errors:
        raise InvalidInput(Msg("the interview record has errors"), errors)
    interview = InterviewRecord(
        bureau_id=item.bureau_id, interviewee_unit_id=item.unit_id, interviewee_person=person,
        interviewer=_text(payload, "interviewer", errors, limit=100) or user.name,
        trigger=INTERVIEW_TRIGGERS.get(task.task_key, "overdue"), item_ids=[item.id],
        held_at=held_at, commitments=commitments, follow_up_deadline=follow_up,
        recorded_by_id=user.id)
    db.add(interview)
    db.flush()
    record(user.id, "rectification_item", item.id, "interview.held",
           after={"interview_id": interview.id, "held_at": held_at.isoformat()})
    return Completion(data={"decision": "interview"}, decision="interview",
                      comment=comment or None)


def _extend(item: RectificationItem, user: User, payload: dict, reason: str) -> Completion:
    errors: dict[str, list] = {}
    new_deadline = _date(payload, "new_deadline", errors)
    if new_deadline is None and "new_deadline" not in errors:
        errors["new_deadline"] = [Msg("give the new deadline")]
    elif new_deadline is not None and (new_deadline <= item.deadline or new_deadline <= today()):
        errors["new_deadline"] = [Msg("the new deadline must be later than the current one "
                                      "and than today")]
    if errors:
        raise InvalidInput(Msg("the extension has errors"), errors)
    settings = settings_of(item)
    entry = {"from": item.deadline.isoformat(), "to": new_deadline.isoformat(), "reason": reason,
             "granted_by": user.id, "granted_by_name": user.name, "at": utcnow().isoformat()}
    before = {"deadline": item.deadline.isoformat(), "escalation_level": item.escalation_level}
    item.deadline = new_deadline
    item.extension_history = [*item.extension_history, entry]
    item.escalation_level = "none"
    new_ladder = ladder(settings, new_deadline)
    due = deadline_at(settings, new_deadline)
    _move_task_due(item, due)
    record(user.id, "rectification_item", item.id, "extend", before=before,
           after={"deadline": new_deadline.isoformat(), "escalation_level": "none"},
           reason=reason)
    data = {"ladder": new_ladder, "step": 0, "deadline_at": due}
    return Completion(data={"decision": "extend", **data}, decision="extend", comment=reason,
                      rearm=data)


def _move_task_due(item: RectificationItem, due: str) -> None:
    """The unit's open evidence task follows the new deadline."""
    when = resolve_due(due, {}, utcnow())
    ids = db.scalars(select(Task.id).where(Task.instance_id == item.instance_id,
                                           Task.status == "ready",
                                           Task.task_key == "submit_evidence")).all()
    if ids:
        db.execute(update(Task).where(Task.id.in_(ids)).values(due_at=when))
        db.execute(update(TaskCandidate).where(TaskCandidate.task_id.in_(ids)).values(due_at=when))


# ---------------------------------------------------------------- the deadline ladder

def _rung_message(rung: str, item: RectificationItem) -> Msg:
    params = {"item": item.id, "unit": item.unit.name}
    if rung == "prewarning":
        return Msg("Ledger item %(item)s of %(unit)s is due on %(deadline)s",
                   deadline=item.deadline.isoformat(), **params)
    if rung == "overdue":
        return Msg("Ledger item %(item)s of %(unit)s is overdue since %(deadline)s",
                   deadline=item.deadline.isoformat(), **params)
    if rung == "notice":
        return Msg("Written notice: ledger item %(item)s of %(unit)s is %(days)s days overdue",
                   days=max(0, (today() - item.deadline).days), **params)
    return Msg("An accountability interview is proposed for ledger item %(item)s of %(unit)s",
               **params)


RUNG_LEVEL = {"prewarning": "none", "overdue": "reminder", "notice": "notice",
              "interview": "interview"}


def _users(*, roles: tuple[str, ...], unit_id: int | None = None) -> list[int]:
    query = select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role_code.in_(roles), User.active.is_(True))
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    return list(db.scalars(query.distinct()))


def _recipients(item: RectificationItem, rung: str) -> list[int]:
    unit_people = _users(roles=("unit_filer", "unit_leader"), unit_id=item.unit_id)
    leaders = _users(roles=("unit_leader",), unit_id=item.unit_id)
    liaison = [item.unit.liaison_user_id]
    if rung == "prewarning":
        return unit_people
    if rung == "overdue":
        return leaders + liaison
    if rung == "notice":
        return leaders + liaison + _users(roles=("bureau_leader", "perf_chief"))
    return _users(roles=("bureau_leader",)) + liaison


def on_escalation(instance: ProcessInstance, events: list[runtime.ThrownEvent]) -> None:
    """A rung of the ladder was reached: raise the level, log a reminder, notify (R28)."""
    item = item_for_instance(instance)
    for event in events:
        rung = event.code
        if event.kind != "escalation" or rung not in RUNG_LEVEL or item.signed_off:
            continue
        level = RUNG_LEVEL[rung]
        before = item.escalation_level
        if LEVEL_ORDER.index(level) > LEVEL_ORDER.index(item.escalation_level):
            item.escalation_level = level
        recipients = notify(_recipients(item, rung), rung, _rung_message(rung, item),
                            entity="rectification_item", entity_id=item.id)
        db.add(Reminder(item_id=item.id, level=rung, channel="in_app", recipient_ids=recipients))
        record(None, "rectification_item", item.id, f"escalation.{rung}",
               before={"escalation_level": before},
               after={"escalation_level": item.escalation_level, "recipients": len(recipients)})


runtime.EVENT_HANDLERS[PROCESS_KEY] = on_escalation
