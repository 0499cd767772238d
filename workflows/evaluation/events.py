"""What the key evaluation diagram throws: lapsed consultations (no opinion, R16), feedback
deemed agreed (R17), and the issued results (problems start ledger items)."""

from __future__ import annotations

from models import Engagement, KeyEvaluation, ProcessInstance, User, db
from models.base import utcnow

from ..engine import runtime
from ..firms.engagements import deliver_engagement
from ..grading import GRADES
from ..messages import Msg
from ..rectification import issue_problems
from . import consultations
from .common import move, role_people, tell, unit_people
from .final_forms import after_parallel_step
from .proposals import PROCESS_KEY, evaluation_for_instance

LAPSES = {"pre_evaluation_lapsed": "pre_evaluation",
          "pre_finalisation_lapsed": "pre_finalisation"}


def handle_events(instance: ProcessInstance, events: list[runtime.ThrownEvent]) -> None:
    """React to the escalations of one save, in its transaction."""
    evaluation = evaluation_for_instance(instance)
    for event in events:
        if event.code in LAPSES:
            consultations.lapse(evaluation, LAPSES[event.code])
            if LAPSES[event.code] == "pre_finalisation":
                after_parallel_step(evaluation)
        elif event.code == "feedback_deemed_agreed":
            _deem_agreed(evaluation)
        elif event.code == "issue_results":
            issue_results(evaluation)


def _deem_agreed(evaluation: KeyEvaluation) -> None:
    if evaluation.feedback_status != "pending":
        return
    evaluation.feedback_status = "deemed_agreed"
    evaluation.unit_feedback = {"decision": "deemed_agreed", "at": utcnow().date().isoformat()}
    move(evaluation, None, "perf_review", "feedback.deemed_agreed")


def _rows(evaluation: KeyEvaluation) -> list[dict]:
    return [{"unit_id": evaluation.unit_id, "project_id": evaluation.project_id,
             "fiscal_year": evaluation.fiscal_year_evaluated,  # R33: the year evaluated
             "source": "key_evaluation", "source_ref": evaluation.title[:100],
             "problem_list_no": f"KE{evaluation.fiscal_year_evaluated}-{evaluation.id}-{n}",
             "description": p["description"], "category": p["category"],
             "severity": p.get("severity") or "normal",
             "amount_involved": p.get("amount_involved"),
             "suggested_measure": p.get("suggested_measure") or ""}
            for n, p in enumerate(evaluation.problems or [], start=1)]


def issue_results(evaluation: KeyEvaluation) -> None:
    """Results issued: every problem on the list starts a ledger item of the evaluated unit; the
    unit, the budget section, the audit bureau and congress are told; the firm's work is
    delivered and can be scored."""
    if evaluation.results_issued_at is not None:
        return  # handled once
    approver = db.get(User, evaluation.approved_by_id)
    items = issue_problems(approver, _rows(evaluation)) if evaluation.problems else []
    evaluation.problems = [{**p, "item_id": item.id}
                           for p, item in zip(evaluation.problems or [], items, strict=True)]
    evaluation.results_issued_at = utcnow()
    move(evaluation, approver, "results_issued", "results.issue",
         items=[item.id for item in items])
    grade = evaluation.grade if evaluation.grade in GRADES else ""
    message = Msg("Results of the key evaluation “%(title)s”: %(score)s points, grade %(grade)s; "
                  "%(n)s problems entered the rectification ledger", title=evaluation.title,
                  score=str(evaluation.final_score), grade=grade, n=len(items))
    tell([*unit_people(evaluation.unit_id), *role_people("budget_section", "audit_bureau",
                                                         "congress")],
         "evaluation", message, evaluation)
    if evaluation.engagement_id:
        deliver_engagement(approver.id, db.get(Engagement, evaluation.engagement_id))


runtime.EVENT_HANDLERS[PROCESS_KEY] = handle_events
