"""Task forms from fieldwork to the settled draft: the unit's data, the firm's fieldwork and
draft, the unit's feedback and the firm's answer (DOMAIN d steps 6-9; R17)."""

from __future__ import annotations

from decimal import Decimal

from models import FinanceBureau, ProcessInstance, Task, User, db
from models.evaluation import METHODS
from models.ledger import PROBLEM_CATEGORIES, SEVERITIES

from ..errors import InvalidInput
from ..evaluation_rules import score_key_evaluation
from ..grading import grade_of
from ..messages import Msg
from ..rectification.items import today
from ..tasks import Completion, register_form
from .common import guard_firm, move, open_evaluation, tell, unit_people
from .documents import document_count
from .fields import amount, choice, codes, decision, integer, text
from .scores import plan_rows
from .settings import days_for, due_after

MAX_PROBLEMS = 100
CENT = Decimal("0.01")


@register_form("jixiao:ke_unit_data")
def supply_data(task: Task, instance: ProcessInstance, user: User, payload: dict
                ) -> Completion:
    """The evaluated unit says what it supplied (files are uploaded to the evaluation)."""
    evaluation = open_evaluation(instance)
    errors: dict[str, list] = {}
    note = text(payload, "note", errors, required=True)
    if errors:
        raise InvalidInput(Msg("the form has errors"), errors)
    evaluation.fieldwork = {**evaluation.fieldwork, "unit_data_note": note,
                            "unit_data_by": user.id}
    move(evaluation, user, evaluation.status, "unit_data.submit",
         documents=document_count(evaluation.id, "unit_data"))
    return Completion(data={"decision": "submit"}, decision="submit", comment=note)


@register_form("jixiao:ke_fieldwork", guard=guard_firm)
def record_fieldwork(task: Task, instance: ProcessInstance, user: User, payload: dict
                     ) -> Completion:
    """The firm records its fieldwork: methods used, survey sample, notes, working papers."""
    evaluation = open_evaluation(instance)
    errors: dict[str, list] = {}
    methods = codes(payload, "methods", METHODS, errors, required=True)
    sample = integer(payload, "survey_sample_size", errors, low=0, high=1_000_000)
    notes = text(payload, "notes", errors, required=True)
    if document_count(evaluation.id, "working_paper") == 0:
        errors["working_papers"] = [Msg("upload at least one working paper")]
    if errors:
        raise InvalidInput(Msg("the fieldwork record has errors"), errors)
    evaluation.fieldwork = {**evaluation.fieldwork, "methods": methods,
                            "survey_sample_size": sample, "notes": notes,
                            "recorded_by": user.id}
    move(evaluation, user, evaluation.status, "fieldwork.record")
    return Completion(data={"decision": "submit"}, decision="submit")


def _problem(raw, path: str, errors: dict) -> dict:
    if not isinstance(raw, dict):
        errors[path] = [Msg("must be an object")]
        return {}
    local: dict[str, list] = {}
    row = {"description": text(raw, "description", local, required=True, limit=2000),
           "category": choice(raw, "category", PROBLEM_CATEGORIES, local),
           "severity": raw.get("severity") or "normal",
           "amount_involved": amount(raw, "amount_involved", local),
           "suggested_measure": text(raw, "suggested_measure", local, limit=2000)}
    if row["severity"] not in SEVERITIES:
        local["severity"] = [Msg("choose one of: %(options)s", options=", ".join(SEVERITIES))]
    for key, messages in local.items():
        errors[f"{path}.{key}"] = messages
    if row["amount_involved"] is not None:
        row["amount_involved"] = str(row["amount_involved"].quantize(CENT))
    return row


@register_form("jixiao:ke_draft", guard=guard_firm)
def submit_draft(task: Task, instance: ProcessInstance, user: User, payload: dict
                 ) -> Completion:
    """The firm's draft: a score per plan indicator (0..weight) and the draft problem list; the
    unit then has its feedback deadline."""
    evaluation = open_evaluation(instance)
    errors: dict[str, list] = {}
    scores = payload.get("scores")
    rows = plan_rows(evaluation)
    if not isinstance(scores, list) or len(scores) != len(rows):
        errors["scores"] = [Msg("give one score for each of the plan's %(n)s indicators",
                                n=len(rows))]
        breakdown = None
    else:
        try:
            breakdown = score_key_evaluation(
                [r.__class__(r.level1, r.level2, r.name, r.weight, s)
                 for r, s in zip(rows, scores, strict=True)], grader=grade_of)
        except InvalidInput as exc:
            errors.update({k.replace("indicators.", "scores.").removesuffix(".score"): v
                           for k, v in exc.errors.items()})
            breakdown = None
    problems = payload.get("problems") or []
    if not isinstance(problems, list) or len(problems) > MAX_PROBLEMS:
        errors["problems"] = [Msg("list at most %(n)s problems", n=MAX_PROBLEMS)]
        problems = []
    cleaned = [_problem(p, f"problems.{i}", errors) for i, p in enumerate(problems)]
    summary = text(payload, "summary", errors, required=True)
    if errors:
        raise InvalidInput(Msg("the draft has errors"), errors)
    evaluation.draft = {"scores": [str(s.score) for s in breakdown.indicators],
                        "total": str(breakdown.total), "grade": breakdown.grade,
                        "subtotals": {k: str(v) for k, v in breakdown.subtotals.items()},
                        "summary": summary, "submitted_by": user.id}
    evaluation.problems = cleaned
    evaluation.feedback_status, evaluation.unit_feedback, evaluation.firm_response = \
        "pending", {}, ""
    bureau = db.get(FinanceBureau, evaluation.bureau_id)
    due = due_after(bureau, today(), days_for(bureau).feedback)
    move(evaluation, user, "unit_feedback", "draft.submit", total=str(breakdown.total),
         problems=len(cleaned))
    tell(unit_people(evaluation.unit_id), "evaluation", Msg(
        "The draft report of “%(title)s” awaits your feedback by %(due)s; without a reply you "
        "are deemed to agree", title=evaluation.title, due=due.date().isoformat()), evaluation)
    return Completion(data={"decision": "submit", "feedback_due_at": due.isoformat()},
                      decision="submit")


@register_form("jixiao:ke_unit_feedback")
def unit_feedback(task: Task, instance: ProcessInstance, user: User, payload: dict
                  ) -> Completion:
    """The evaluated unit agrees with the draft or disputes it with its reasons (R17)."""
    evaluation = open_evaluation(instance)
    chosen, comment = decision(payload, ("agree", "dispute"), ("dispute",))
    evaluation.unit_feedback = {"decision": chosen, "text": comment, "by": user.id,
                                "at": today().isoformat()}
    evaluation.feedback_status = "agreed" if chosen == "agree" else "disputed"
    status = "perf_review" if chosen == "agree" else evaluation.status
    move(evaluation, user, status, f"feedback.{chosen}", comment)
    return Completion(data={"decision": chosen}, decision=chosen, comment=comment or None)


@register_form("jixiao:ke_firm_response", guard=guard_firm)
def firm_response(task: Task, instance: ProcessInstance, user: User, payload: dict
                  ) -> Completion:
    """The firm answers the unit's disputes: keep the scores, or rescore (a new draft)."""
    evaluation = open_evaluation(instance)
    chosen, comment = decision(payload, ("keep", "rescore"), ("keep", "rescore"))
    evaluation.firm_response = comment
    if chosen == "rescore":
        evaluation.feedback_status = "pending"  # the unit answers the new draft
    status = "perf_review" if chosen == "keep" else "draft_submitted"
    move(evaluation, user, status, f"feedback.answer.{chosen}", comment)
    return Completion(data={"decision": chosen}, decision=chosen, comment=comment)
