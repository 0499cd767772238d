"""Proposing key evaluation objects (DOMAIN d step 1) and loading an instance's evaluation."""

from __future__ import annotations

from sqlalchemy import select

from models import BudgetUnit, FinanceBureau, KeyEvaluation, ProcessInstance, Project, User, db
from models.evaluation import OBJECT_TYPES, SELECTION_REASONS

from ..audit import record
from ..deploy import latest_definition
from ..engine import runtime
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..firms.engagements import positive_id
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..permissions import acts_in_workflows
from . import consultations
from .fields import amount, choice, integer, text

PROCESS_KEY = "key_evaluation"
PROPOSER_ROLES = ("perf_staff", "perf_chief")
REVISABLE = ("title", "selection_reason", "selection_note", "fee_budget")


def can_propose(user: User) -> bool:
    """The performance section proposes the list (never an administrator)."""
    return acts_in_workflows(user) and user.has_role(*PROPOSER_ROLES)


def validate_proposal(raw, bureau_id: int) -> dict:
    """Clean a proposal: the object (a project, or a unit's overall spending), year, reason."""
    if not isinstance(raw, dict):
        raise InvalidInput(Msg("the proposal must be an object"), {"": [Msg("must be an object")]})
    errors: dict[str, list] = {}
    cleaned = {
        "object_type": choice(raw, "object_type", OBJECT_TYPES, errors),
        "title": text(raw, "title", errors, required=True, limit=200),
        "fiscal_year_evaluated": integer(raw, "fiscal_year_evaluated", errors, low=2000,
                                         high=2100, required=True),
        "selection_reason": choice(raw, "selection_reason", SELECTION_REASONS, errors),
        "selection_note": text(raw, "selection_note", errors),
        "fee_budget": amount(raw, "fee_budget", errors),
        "project_id": None,
    }
    unit = None
    if raw.get("project_id") not in (None, ""):
        project = db.get(Project, positive_id(raw.get("project_id")) or 0)
        if project is None or project.bureau_id != bureau_id or not project.unit.active:
            errors["project_id"] = [Msg("no project of an active unit with this id")]
        else:
            cleaned["project_id"], unit = project.id, project.unit
    elif cleaned["object_type"] == "project":
        errors["project_id"] = [Msg("choose the project to evaluate")]
    if unit is None and "project_id" not in errors:
        unit = db.get(BudgetUnit, positive_id(raw.get("unit_id")) or 0)
        if unit is None or unit.bureau_id != bureau_id or not unit.active:
            errors["unit_id"] = [Msg("choose the evaluated unit")]
    cleaned["unit"] = unit
    if errors:
        raise InvalidInput(Msg("the proposal has errors"), errors)
    return cleaned


def _check_not_listed(bureau_id: int, cleaned: dict) -> None:
    query = select(KeyEvaluation.id).where(
        KeyEvaluation.bureau_id == bureau_id, KeyEvaluation.status != "withdrawn",
        KeyEvaluation.fiscal_year_evaluated == cleaned["fiscal_year_evaluated"],
        KeyEvaluation.object_type == cleaned["object_type"],
        KeyEvaluation.unit_id == cleaned["unit"].id)
    if cleaned["project_id"] is not None:
        query = query.where(KeyEvaluation.project_id == cleaned["project_id"])
    if db.scalar(query.limit(1)) is not None:
        raise Conflict(Msg("this object is already on the key evaluation list for that year"))


def propose_evaluation(user: User, raw) -> KeyEvaluation:
    """Put an object on the list and send it to the audit bureau for consultation #1."""
    if not can_propose(user):
        raise Forbidden(Msg("only the performance section proposes key evaluations"))
    definition = latest_definition(PROCESS_KEY)
    if definition is None:
        raise Conflict(Msg("the key evaluation process has not been deployed"))
    bureau = bureau_of(user)
    cleaned = validate_proposal(raw, bureau.id)
    # two proposals of the same object at once: the second waits here, then sees the first
    db.execute(select(FinanceBureau.id).where(FinanceBureau.id == bureau.id).with_for_update())
    _check_not_listed(bureau.id, cleaned)
    unit = cleaned.pop("unit")
    evaluation = KeyEvaluation(bureau_id=bureau.id, unit_id=unit.id, status="audit_pre",
                               created_by_id=user.id, **cleaned)
    db.add(evaluation)
    db.flush()
    consultation = consultations.open_consultation(evaluation, "pre_evaluation")
    instance = runtime.start_instance(
        definition, actor_id=user.id, business_key=f"key_evaluation:{evaluation.id}",
        subject=evaluation.title, unit_id=unit.id,
        data={"evaluation_id": evaluation.id, "consult_due_at": consultation.due_at.isoformat(),
              "lead_evaluator": ""})
    evaluation.instance_id = instance.id
    record(user.id, "key_evaluation", evaluation.id, "propose",
           after={"object_type": evaluation.object_type, "unit_id": unit.id,
                  "project_id": evaluation.project_id,
                  "selection_reason": evaluation.selection_reason})
    return evaluation


def evaluation_for_instance(instance: ProcessInstance) -> KeyEvaluation:
    """The evaluation a key_evaluation instance runs (from its business key)."""
    kind, _, ident = instance.business_key.partition(":")
    evaluation = db.get(KeyEvaluation, int(ident)) if kind == "key_evaluation" \
        and ident.isdecimal() else None
    if evaluation is None:
        raise NotFound(Msg("evaluation not found"))
    return evaluation


def revise_proposal(evaluation: KeyEvaluation, user: User, raw) -> None:
    """Change the proposal after the leader returned it (same object rules)."""
    raw = raw if isinstance(raw, dict) else {}
    wording = {key: raw[key] for key in REVISABLE if key in raw}
    cleaned = validate_proposal({**_proposal_of(evaluation), **wording}, evaluation.bureau_id)
    before = _proposal_of(evaluation)
    for key in REVISABLE:  # the object, its type and year stay: withdraw to change those
        setattr(evaluation, key, cleaned[key])
    record(user.id, "key_evaluation", evaluation.id, "proposal.revise", before=before,
           after=_proposal_of(evaluation))


def _proposal_of(evaluation: KeyEvaluation) -> dict:
    return {"object_type": evaluation.object_type, "title": evaluation.title,
            "fiscal_year_evaluated": evaluation.fiscal_year_evaluated,
            "selection_reason": evaluation.selection_reason,
            "selection_note": evaluation.selection_note,
            "fee_budget": str(evaluation.fee_budget) if evaluation.fee_budget is not None
            else None, "project_id": evaluation.project_id, "unit_id": evaluation.unit_id}
