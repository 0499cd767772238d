"""Translated labels of the key evaluation's stored codes, shared by its list, results and task
pages: statuses, object types, selection reasons, methods, indicator groups, grades, document
kinds, consultation stages, history actions. (Task names are the inbox's TASK_LABELS.)"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..inbox import labels as common

STATUS_LABELS = {
    "proposed": _l("Proposed for evaluation"),
    "audit_pre": _l("Audit bureau consulted on the object"),
    "approved_list": _l("Object approved"),
    "engaged": _l("Firm engaged"),
    "plan_review": _l("Plan under review"),
    "fieldwork": _l("Fieldwork"),
    "draft_submitted": _l("Draft report being prepared"),
    "unit_feedback": _l("Awaiting the unit's feedback"),
    "perf_review": _l("Quality review"),
    "audit_prefinal": _l("Audit bureau consulted on the draft"),
    "leader_approval": _l("Awaiting the bureau leader"),
    "final": _l("Final"),
    "results_issued": _l("Results issued"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
}
# Pill classes of the stylesheet, per evaluation status.
STATUS_CLASSES = {
    "proposed": "jx-status-draft", "audit_pre": "jx-status-submitted",
    "approved_list": "jx-status-approved", "engaged": "jx-status-running",
    "plan_review": "jx-status-submitted", "fieldwork": "jx-status-running",
    "draft_submitted": "jx-status-running", "unit_feedback": "jx-status-submitted",
    "perf_review": "jx-status-submitted", "audit_prefinal": "jx-status-submitted",
    "leader_approval": "jx-status-submitted", "final": "jx-status-approved",
    "results_issued": "jx-status-approved", "closed": "jx-status-completed",
    "withdrawn": "jx-status-returned",
}
OBJECT_TYPE_LABELS = {
    "project": _l("Project expenditure"),
    "overall": _l("Overall expenditure of a unit"),
    "special_fund": _l("Special fund"),
    "policy": _l("Policy"),
    "transfer": _l("Transfer payment"),
    "ppp": _l("PPP project"),
    "enterprise_subsidy": _l("Enterprise subsidy"),
}
REASON_LABELS = {
    "large_amount": _l("Large amount"),
    "broad_coverage": _l("Broad coverage"),
    "public_concern": _l("Public concern"),
    "poor_history": _l("Poor results before"),
    "priority_area": _l("Priority area"),
    "leader_assigned": _l("Assigned by the leaders"),
}
METHOD_LABELS = {
    "goal_comparison": _l("Comparison with the goals"),
    "document_review": _l("Document review"),
    "site_inspection": _l("Site inspection"),
    "survey": _l("Questionnaire survey"),
    "interview": _l("Interviews with those concerned"),
    "recheck": _l("Cross-check and recheck"),
    "data_analysis": _l("Data analysis"),
    "cost_benefit": _l("Cost-benefit analysis"),
    "benchmark": _l("Benchmarking"),
}
# The goal sheets' groups are kept, so these tables can stand in for the app-wide ones.
LEVEL1_LABELS = {
    **common.LEVEL1_LABELS,
    "decision": _l("Decision-making"),
    "process": _l("Implementation process"),
    "output": _l("Output"),
    "benefit": _l("Benefit"),
}
LEVEL2_LABELS = {
    **common.LEVEL2_LABELS,
    "project_initiation": _l("Project initiation"),
    "performance_goal": _l("Performance goals"),
    "funds_input": _l("Funds input"),
    "funds_management": _l("Funds management"),
    "organisation_implementation": _l("Organisation and implementation"),
    "output_quantity": _l("Output quantity"),
    "output_quality": _l("Output quality"),
    "output_timeliness": _l("Output timeliness"),
    "output_cost": _l("Output cost"),
    "implementation_benefit": _l("Benefits achieved"),
    "satisfaction": _l("Satisfaction"),
}
GRADE_LABELS = common.RATING_LABELS  # 优 / 良 / 中 / 差 (R1)
DOC_KIND_LABELS = {
    "plan": _l("Evaluation plan"),
    "working_paper": _l("Working paper"),
    "draft_report": _l("Draft report"),
    "unit_data": _l("Data supplied by the unit"),
    "feedback": _l("Unit's feedback"),
    "final_report": _l("Final report"),
}
STAGE_LABELS = {
    "pre_evaluation": _l("Before the evaluation"),
    "pre_finalisation": _l("Before finalisation"),
}
FEEDBACK_LABELS = {
    "pending": _l("Not given yet"),
    "agreed": _l("Agreed"),
    "disputed": _l("Disputed"),
    "deemed_agreed": _l("Deemed agreed (no reply by the deadline)"),
}
SCORE_STAGE_LABELS = {
    "draft": _l("Draft scores"),
    "final": _l("Final scores"),
}
ACTION_LABELS = {
    "propose": _l("proposed the object"),
    "proposal.revise": _l("revised the proposal"),
    "list.approve": _l("approved the object"),
    "list.return": _l("returned the proposal"),
    "list.withdraw": _l("withdrew the object"),
    "list.resubmit": _l("resubmitted the proposal"),
    "engage": _l("engaged the firm"),
    "plan.submit": _l("submitted the evaluation plan"),
    "plan.approve": _l("approved the evaluation plan"),
    "plan.return": _l("returned the evaluation plan"),
    "unit_data.submit": _l("supplied the data"),
    "fieldwork.record": _l("recorded the fieldwork"),
    "draft.submit": _l("submitted the draft report"),
    "feedback.agree": _l("agreed with the draft"),
    "feedback.dispute": _l("disputed the draft"),
    "feedback.deemed_agreed": _l("feedback deemed agreed"),
    "feedback.answer.keep": _l("kept the scores"),
    "feedback.answer.rescore": _l("chose to rescore"),
    "review.pass": _l("passed the quality review"),
    "review.return": _l("returned the draft"),
    "final.chief_approve": _l("approved the final score"),
    "final.chief_return": _l("returned the final score"),
    "final.ready": _l("ready for the bureau leader"),
    "final.approve": _l("approved the final score and grade"),
    "final.return": _l("returned the final score"),
    "results.issue": _l("issued the results"),
    "firm_score.propose": _l("proposed the firm's quality score"),
    "firm_score.return": _l("returned the firm's quality score"),
    "close": _l("closed the evaluation"),
    "document.upload": _l("uploaded a document"),
    "consultation.pre_evaluation.open": _l("consulted the audit bureau on the object"),
    "consultation.pre_evaluation.reply": _l("gave the audit opinion on the object"),
    "consultation.pre_evaluation.lapsed": _l("no audit opinion on the object by the deadline"),
    "consultation.pre_finalisation.open": _l("consulted the audit bureau on the draft"),
    "consultation.pre_finalisation.reply": _l("gave the audit opinion on the draft"),
    "consultation.pre_finalisation.lapsed": _l("no audit opinion on the draft by the deadline"),
}
# Timeline dot per action (classes of the stylesheet's timeline).
ACTION_CLASSES = {
    "propose": "start", "plan.submit": "submit", "draft.submit": "submit",
    "list.approve": "approve", "plan.approve": "approve", "review.pass": "approve",
    "final.approve": "approve", "results.issue": "complete", "close": "complete",
    "list.return": "return", "plan.return": "return", "review.return": "return",
    "final.return": "return", "final.chief_return": "return", "feedback.dispute": "return",
}


def evaluation_globals() -> dict:
    """The label tables the evaluation templates use (no key of ledger_globals or
    firm_globals, which task pages pass alongside)."""
    return {
        "STATUS_LABELS": STATUS_LABELS, "STATUS_CLASSES": STATUS_CLASSES,
        "OBJECT_TYPE_LABELS": OBJECT_TYPE_LABELS, "REASON_LABELS": REASON_LABELS,
        "METHOD_LABELS": METHOD_LABELS, "LEVEL1_LABELS": LEVEL1_LABELS,
        "LEVEL2_LABELS": LEVEL2_LABELS, "GRADE_LABELS": GRADE_LABELS,
        "DOC_KIND_LABELS": DOC_KIND_LABELS, "STAGE_LABELS": STAGE_LABELS,
        "FEEDBACK_LABELS": FEEDBACK_LABELS, "SCORE_STAGE_LABELS": SCORE_STAGE_LABELS,
        "EVALUATION_ACTION_LABELS": ACTION_LABELS, "EVALUATION_ACTION_CLASSES": ACTION_CLASSES,
    }
