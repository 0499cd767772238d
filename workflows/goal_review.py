"""Goal declaration and its three-gate review (DOMAIN process b; rules R7–R11)."""

from __future__ import annotations

from sqlalchemy import select

from models import (
    BudgetUnit,
    GoalReview,
    GoalSheet,
    Indicator,
    ProcessInstance,
    Project,
    Task,
    User,
    db,
)
from models.base import utcnow
from models.goal_sheet import RATINGS

from .audit import record
from .deploy import latest_definition
from .engine import runtime
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .ex_ante import amount_cap, goal_sheet_refusal
from .goal_rules import grade, rating_passes, validate_sheet
from .messages import Msg
from .permissions import can_see_unit
from .query_args import MAX_ID
from .tasks import Completion, register_form

PROCESS_KEY = "goal_declaration"
MAX_RETURNS = 50  # far below the engine's loop-depth failure (ENGINE-NOTES)
# Which gate each user task is; the gate's reviewer role comes from the diagram's candidate groups.
GATES = {"gate1_unit_review": "unit_leader", "gate2_section_review": "section",
         "gate3_performance_review": "performance"}
RATING_REQUIRED = {"section", "performance"}
APPROVED_STATUS = {"unit_leader": "unit_approved", "section": "section_approved",
                   "performance": "approved"}


def get_project_or_404(project_id: int, user: User) -> Project:
    """A project within the user's data scope."""
    project = db.get(Project, project_id) if 0 < project_id <= MAX_ID else None
    if project is None or not can_see_unit(user, project.unit_id):
        raise NotFound(Msg("project not found"))
    return project


def start_goal_declaration(project: Project, user: User) -> ProcessInstance:
    """A unit filer opens the goal declaration of one of their unit's projects."""
    if not user.has_role("unit_filer") or user.unit_id != project.unit_id:
        raise Forbidden(Msg("only a filer of the project's unit can declare its goals"))
    refusal = goal_sheet_refusal(project)
    if refusal is not None:
        raise Conflict(refusal)
    if project.status in ("blocked", "cancelled") and not project.blocked_by_review:
        raise Conflict(Msg("this project is blocked from the budget"))
    sheets = db.scalars(select(GoalSheet).where(GoalSheet.project_id == project.id,
                                                GoalSheet.fiscal_year == project.fiscal_year)).all()
    _check_no_open_sheet(sheets)
    sheet = GoalSheet(
        bureau_id=project.bureau_id, fiscal_year=project.fiscal_year, kind="project",
        unit_id=project.unit_id, project_id=project.id, amount=project.year_amount,
        version=len(sheets) + 1,
    )
    return _start(sheet, project.unit, project.name, user, {"project_id": project.id})


def start_overall_declaration(unit: BudgetUnit, year: int, user: User) -> ProcessInstance:
    """A unit filer opens the unit's overall goal sheet of a year (R6: one per unit and year)."""
    if not user.has_role("unit_filer") or user.unit_id != unit.id:
        raise Forbidden(Msg("only a filer of the unit can declare its overall goals"))
    if not unit.active:
        raise Conflict(Msg("this unit is no longer active"))
    # two filers at once: the second waits here, then sees the first one's sheet
    db.execute(select(BudgetUnit.id).where(BudgetUnit.id == unit.id).with_for_update())
    sheets = db.scalars(select(GoalSheet).where(
        GoalSheet.unit_id == unit.id, GoalSheet.kind == "overall",
        GoalSheet.fiscal_year == year)).all()
    _check_no_open_sheet(sheets)
    sheet = GoalSheet(bureau_id=unit.bureau_id, fiscal_year=year, kind="overall",
                      unit_id=unit.id, project_id=None, amount=0, version=len(sheets) + 1)
    return _start(sheet, unit, f"{unit.name} {year}", user, {"project_id": None})


def start_goal_adjustment(sheet: GoalSheet, user: User, reason: str) -> ProcessInstance:
    """R11: issued goals change only through an adjustment version, with a reason, that passes
    the same gates (e.g. after a monitoring decision to adjust the goals)."""
    if not user.has_role("unit_filer") or user.unit_id != sheet.unit_id:
        raise Forbidden(Msg("only a filer of the unit can ask for an adjustment of its goals"))
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > 2000:
        raise InvalidInput(Msg("the adjustment has errors"), {"adjustment_reason": [
            Msg("give the reason for the adjustment (at most 2000 characters)")]})
    db.execute(select(BudgetUnit.id).where(BudgetUnit.id == sheet.unit_id).with_for_update())
    siblings = db.scalars(select(GoalSheet).where(
        GoalSheet.unit_id == sheet.unit_id, GoalSheet.kind == sheet.kind,
        GoalSheet.project_id.is_(None) if sheet.project_id is None
        else GoalSheet.project_id == sheet.project_id,
        GoalSheet.fiscal_year == sheet.fiscal_year)).all()
    latest = max(siblings, key=lambda s: s.version)
    if latest.id != sheet.id or sheet.status != "issued":
        raise Conflict(Msg("only the latest issued version of a sheet can be adjusted"))
    adjusted = GoalSheet(
        bureau_id=sheet.bureau_id, fiscal_year=sheet.fiscal_year, kind=sheet.kind,
        unit_id=sheet.unit_id, project_id=sheet.project_id, amount=sheet.amount,
        overall_goal=sheet.overall_goal, version=sheet.version + 1, is_adjustment=True,
        adjustment_reason=reason,
        indicators=[Indicator(**{c: getattr(i, c) for c in INDICATOR_COPY}) for i in
                    sheet.indicators])
    subject = sheet.project.name if sheet.project else f"{sheet.unit.name} {sheet.fiscal_year}"
    return _start(adjusted, sheet.unit, subject, user, {"project_id": sheet.project_id})


INDICATOR_COPY = ("seq", "level1", "level2", "name", "value_type", "operator", "target_value",
                  "target_max", "target_text", "unit_of_measure", "weight")


def _check_no_open_sheet(sheets: list[GoalSheet]) -> None:
    """A first version, or a new one when the latest must be revised (congress, R11)."""
    latest = max(sheets, key=lambda s: s.version, default=None)
    if latest is None or latest.status == "revision_required":
        return
    if latest.locked:
        raise Conflict(Msg("the goals of this project are approved and locked (R11)"))
    raise Conflict(Msg("a goal declaration for this project is already under way"))


def _start(sheet: GoalSheet, unit: BudgetUnit, subject: str, user: User,
           data: dict) -> ProcessInstance:
    definition = latest_definition(PROCESS_KEY)
    if definition is None:
        raise Conflict(Msg("the goal declaration process has not been deployed"))
    db.add(sheet)
    db.flush()
    instance = runtime.start_instance(
        definition, actor_id=user.id, business_key=f"goal_sheet:{sheet.id}",
        subject=subject, unit_id=unit.id,
        data={**data, "sheet_id": sheet.id, "unit_id": unit.id, "filer": user.username,
              "liaison_user": unit.liaison.username if unit.liaison else None},
    )
    record(user.id, "goal_sheet", sheet.id, "create",
           after={"status": "draft", "kind": sheet.kind, "version": sheet.version})
    return instance


def sheet_for_instance(instance: ProcessInstance) -> GoalSheet | None:
    """The goal sheet an instance works on (business key goal_sheet:<id>)."""
    kind, _, ident = instance.business_key.partition(":")
    return db.get(GoalSheet, int(ident)) if kind == "goal_sheet" and ident.isdigit() else None


def _sheet(instance: ProcessInstance) -> GoalSheet:
    sheet = sheet_for_instance(instance)
    # The guard and the handler both read the sheet; the identity map holds unchanged objects
    # weakly, so keep a reference for the rest of the transaction rather than load it twice.
    db.info.setdefault("kept", []).append(sheet)
    if sheet is None:
        raise NotFound(Msg("goal sheet not found"))
    return sheet


@register_form("jixiao:goal_sheet")
def fill_sheet(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """The filer submits (or resubmits) the sheet; R7 is checked here, R11 keeps it closed later."""
    sheet = _sheet(instance)
    if sheet.locked:
        raise Conflict(Msg("this goal sheet is approved and read-only (R11)"))
    cleaned = validate_sheet(payload.get("sheet"))
    _check_amount(sheet, cleaned["amount"])
    before = {"status": sheet.status, "indicators": len(sheet.indicators)}
    sheet.overall_goal = cleaned["overall_goal"]
    if cleaned["amount"] is not None:
        sheet.amount = cleaned["amount"]
    sheet.indicators = [Indicator(seq=i + 1, **row) for i, row in enumerate(cleaned["indicators"])]
    sheet.filer_id = sheet.filer_id or user.id
    sheet.last_editor_id = user.id
    sheet.status = "submitted"
    sheet.submitted_at = utcnow()
    record(user.id, "goal_sheet", sheet.id, "submit", before=before,
           after={"status": "submitted", "indicators": len(cleaned["indicators"])})
    return Completion(data={"decision": "submit"}, decision="submit")


def _check_amount(sheet: GoalSheet, amount) -> None:
    """R5: a project's goals cannot declare more than its ex-ante recommended amount; an
    overall sheet states the unit's budget."""
    if sheet.kind == "overall" and amount is None and not sheet.amount:
        raise InvalidInput(Msg("the sheet has errors"), {"sheet.amount": [
            Msg("state the unit's budget for the year in yuan")]})
    cap = amount_cap(sheet.project) if sheet.project is not None else None
    declared = amount if amount is not None else sheet.amount
    if cap is not None and declared > cap:
        raise InvalidInput(Msg("the sheet has errors"), {"sheet.amount": [Msg(
            "must not exceed the amount recommended by the ex-ante assessment (%(cap)s yuan, "
            "R5)", cap=cap)]})


def _review_input(gate: str, payload: dict) -> tuple[str, str | None, str]:
    errors: dict[str, list[str]] = {}
    decision = payload.get("decision")
    comment = payload.get("comment") or ""
    rating = payload.get("rating") or None
    if payload.get("score") not in (None, "") and rating is None:
        try:
            rating = grade(payload["score"])
        except (ValueError, ArithmeticError):
            errors["score"] = [Msg("must be a number between 0 and 100")]
    if decision not in ("approve", "return"):
        errors["decision"] = [Msg("choose whether to approve or return the sheet")]
    if not isinstance(comment, str) or len(comment) > 2000:
        errors["comment"] = [Msg("must be text of at most 2000 characters")]
        comment = ""
    if decision == "return" and not comment.strip():
        errors["comment"] = [Msg("a return needs a comment giving the reasons")]
    if rating is not None and rating not in RATINGS:
        errors["rating"] = [Msg("choose a rating: excellent, good, fair or poor")]
    elif rating is None and gate in RATING_REQUIRED:
        errors["rating"] = [Msg("this gate must rate the sheet (excellent/good/fair/poor)")]
    elif rating and decision == "approve" and not rating_passes(rating):
        errors["decision"] = [Msg("a fair or poor rating means the sheet is returned (R10)")]
    if errors:
        raise InvalidInput(Msg("the review has errors"), errors)
    return decision, rating, comment.strip()


def guard_review(task: Task, instance: ProcessInstance, user: User) -> None:
    """R9 and R8, checked before a reviewer may claim or complete a gate."""
    sheet = _sheet(instance)
    if user.id in (sheet.filer_id, sheet.last_editor_id, instance.started_by_id):
        raise Forbidden(Msg("separation of duties: whoever filed or last edited a sheet "
                            "cannot review it (R9)"))
    if GATES.get(task.task_key) == "section" \
            and user.section_id != sheet.unit.expenditure_section_id:
        raise Forbidden(
            Msg("only the expenditure section that owns the unit reviews at gate 2 (R8)"))


@register_form("jixiao:goal_review", guard=guard_review)
def review_sheet(task: Task, instance: ProcessInstance, user: User, payload: dict) -> Completion:
    """One gate approves or returns the sheet (R8 order by diagram, R9, R10, R11)."""
    gate = GATES.get(task.task_key)
    if gate is None:
        raise Conflict(Msg("this task is not a goal review gate"))
    sheet = _sheet(instance)
    decision, rating, comment = _review_input(gate, payload)
    if decision == "return" and sheet.return_count >= MAX_RETURNS:
        raise Conflict(Msg("this sheet has been returned %(n)s times; open a new declaration",
                           n=MAX_RETURNS))
    db.add(GoalReview(sheet_id=sheet.id, gate=gate, reviewer_id=user.id, decision=decision,
                      rating=rating, comments=comment))
    before = {"status": sheet.status}
    if decision == "return":
        sheet.status = "returned"
        sheet.return_count += 1
    else:
        sheet.status = APPROVED_STATUS[gate]
        if gate == "performance":
            sheet.locked, sheet.approved_at = True, utcnow()
    if gate in RATING_REQUIRED:
        _apply_rating_to_project(sheet, decision, rating, user)
    record(user.id, "goal_sheet", sheet.id, f"review.{decision}", before=before,
           after={"status": sheet.status, "gate": gate, "rating": rating}, reason=comment or None)
    return Completion(data={"decision": decision}, decision=decision, rating=rating,
                      comment=comment)


def _apply_rating_to_project(sheet: GoalSheet, decision: str, rating: str | None,
                             user: User) -> None:
    """R10: 差 blocks the project from budget arrangement until re-rated 良 or better."""
    if rating is None or sheet.project_id is None:
        return
    project = sheet.project
    if rating == "poor" and not project.blocked_by_review:
        project.blocked_by_review, project.status = True, "blocked"
        record(user.id, "project", project.id, "block", after={"status": "blocked"},
               reason="goal sheet rated poor (R10)")
    elif decision == "approve" and rating_passes(rating) and project.blocked_by_review:
        project.blocked_by_review, project.status = False, "proposed"
        record(user.id, "project", project.id, "unblock", after={"status": "proposed"},
               reason=f"goal sheet re-rated {rating} (R10)")
