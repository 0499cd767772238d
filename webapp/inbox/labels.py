"""Translated display labels for codes stored in English (task keys, statuses, ratings...)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from models.goal_sheet import LEVEL1, LEVEL2, RATINGS

TASK_LABELS = {
    "fill_sheet": _l("Declare performance goals"),
    "gate1_unit_review": _l("Gate 1: unit sign-off"),
    "gate2_section_review": _l("Gate 2: expenditure section review"),
    "gate3_performance_review": _l("Gate 3: performance section review"),
    "enter_plan": _l("Enter the rectification plan"),
    "approve_plan": _l("Approve the rectification plan"),
    "submit_evidence": _l("Rectify and submit the evidence"),
    "verify": _l("Verify the rectification"),
    "sign_off": _l("Sign off the ledger item"),
    "interview_serious": _l("Interview proposal: serious problem"),
    "interview_returns": _l("Interview proposal: returned twice"),
    "interview_overdue": _l("Interview proposal: long overdue"),
    "consult_pre": _l("Audit consultation before evaluation"),
    "approve_list": _l("Approve the evaluation object and fee"),
    "revise_proposal": _l("Revise the evaluation proposal"),
    "engage_firm": _l("Engage a third-party firm"),
    "submit_plan": _l("Submit the evaluation plan"),
    "review_plan": _l("Review the evaluation plan"),
    "supply_data": _l("Supply the evaluation data"),
    "record_fieldwork": _l("Record the fieldwork"),
    "submit_draft": _l("Submit the draft report"),
    "unit_feedback": _l("Feedback on the draft report"),
    "firm_response": _l("Answer the unit's disputes"),
    "quality_review": _l("Quality review of the draft"),
    "consult_final": _l("Audit consultation before finalisation"),
    "chief_approval": _l("Chief's approval of the final score"),
    "leader_approval": _l("Leader's approval of the final score"),
    "score_firm": _l("Score the firm's work"),
    "confirm_firm_score": _l("Confirm the firm's quality score"),
}
PROCESS_LABELS = {
    "goal_declaration": _l("Goal declaration and review"),
    "ex_ante_assessment": _l("Ex-ante assessment"),
    "dual_monitoring": _l("Dual monitoring"),
    "self_evaluation": _l("Self-evaluation"),
    "key_evaluation": _l("Key evaluation"),
    "rectification": _l("Rectification"),
    "result_application": _l("Result application"),
}
ROLE_LABELS = {
    "unit_filer": _l("Unit filer"),
    "unit_leader": _l("Unit leader"),
    "dept_reviewer": _l("Supervising department reviewer"),
    "section_cadre": _l("Expenditure section cadre"),
    "section_chief": _l("Expenditure section chief"),
    "budget_section": _l("Budget section"),
    "perf_staff": _l("Performance section staff"),
    "perf_chief": _l("Performance section chief"),
    "bureau_leader": _l("Bureau leader"),
    "tp_evaluator": _l("Third-party evaluator"),
    "audit_bureau": _l("Audit bureau liaison"),
    "congress": _l("People's congress staff"),
    "admin": _l("Administrator"),
}
SHEET_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "unit_approved": _l("Signed off by the unit"),
    "section_approved": _l("Passed the expenditure section"),
    "returned": _l("Returned"),
    "approved": _l("Approved"),
    "issued": _l("Issued"),
    "revision_required": _l("To be revised (congress)"),
}
# Pill classes the stylesheet provides, per sheet status.
SHEET_STATUS_CLASSES = {
    "draft": "jx-status-draft", "submitted": "jx-status-submitted",
    "unit_approved": "jx-status-submitted", "section_approved": "jx-status-submitted",
    "returned": "jx-status-returned", "approved": "jx-status-approved",
    "issued": "jx-status-completed", "revision_required": "jx-status-returned",
}
INSTANCE_STATUS_LABELS = {
    "running": _l("Running"),
    "completed": _l("Completed"),
    "suspended": _l("Suspended"),
    "terminated": _l("Terminated"),
}
TASK_STATUS_LABELS = {
    "ready": _l("Waiting"),
    "completed": _l("Done"),
    "cancelled": _l("Cancelled"),
}
PROJECT_STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "ex_ante_pending": _l("Ex-ante assessment pending"),
    "arrangeable": _l("Can be budgeted"),
    "blocked": _l("Blocked"),
    "in_budget": _l("In the budget"),
    "issued": _l("Issued"),
    "executing": _l("Executing"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
DECISION_LABELS = {
    "submit": _l("submitted the sheet"),
    "approve": _l("approved"),
    "return": _l("returned for revision"),
    "pass": _l("passed the verification"),
    "sign_off": _l("signed off"),
    "reject": _l("rejected the sign-off"),
    "interview": _l("recorded the interview"),
    "extend": _l("granted an extension"),
    "withdraw": _l("withdrew it from the list"),
    "reply": _l("replied"),
    "engage": _l("engaged the firm"),
    "agree": _l("agreed"),
    "dispute": _l("disputed the draft"),
    "keep": _l("kept the scores"),
    "rescore": _l("will rescore"),
    "confirm": _l("confirmed"),
}
# A decision that reads differently at one step: (task key, decision) -> label.
STEP_DECISION_LABELS = {
    ("enter_plan", "submit"): _l("submitted the plan"),
    ("submit_evidence", "submit"): _l("submitted the rectification"),
    ("submit_plan", "submit"): _l("submitted the plan"),
    ("submit_draft", "submit"): _l("submitted the draft"),
    ("record_fieldwork", "submit"): _l("recorded the fieldwork"),
    ("supply_data", "submit"): _l("supplied the data"),
    ("revise_proposal", "submit"): _l("resubmitted the proposal"),
    ("score_firm", "submit"): _l("proposed the quality score"),
    ("quality_review", "pass"): _l("passed the quality review"),
}
RATING_LABELS = {
    "excellent": _l("Excellent"),
    "good": _l("Good"),
    "fair": _l("Fair"),
    "poor": _l("Poor"),
}
LEVEL1_LABELS = {
    "output": _l("Output"),
    "benefit": _l("Benefit"),
    "satisfaction": _l("Satisfaction"),
    "cost": _l("Cost"),
}
LEVEL2_LABELS = {
    "quantity": _l("Quantity"),
    "quality": _l("Quality"),
    "timeliness": _l("Timeliness"),
    "cost": _l("Cost"),
    "economic": _l("Economic benefit"),
    "social": _l("Social benefit"),
    "ecological": _l("Ecological benefit"),
    "sustainability": _l("Sustainable impact"),
    "recipient_satisfaction": _l("Beneficiary satisfaction"),
    "economic_cost": _l("Economic cost"),
    "social_cost": _l("Social cost"),
    "ecological_cost": _l("Ecological cost"),
}
OPERATOR_LABELS = {
    "ge": "≥",
    "le": "≤",
    "eq": "=",
    "gt": ">",
    "lt": "<",
    "range": _l("Range"),
    "qualitative": _l("Qualitative"),
}
# Order of the operator choices in the sheet form: the common ones first.
OPERATOR_ORDER = ("ge", "le", "eq", "gt", "lt", "range", "qualitative")


def label(table: dict, code: str | None, fallback: str | None = None) -> str:
    """The translated label of a code, else the fallback, else the code itself."""
    if code is None:
        return fallback or ""
    return str(table.get(code, fallback or code))


def task_label(task_key: str, name: str | None = None) -> str:
    """A task's translated name, falling back to the name stored from the BPMN."""
    return label(TASK_LABELS, task_key, name)


def decision_label(task_key: str, decision: str | None) -> str:
    """What a decision taken at a task reads as in a timeline."""
    step = STEP_DECISION_LABELS.get((task_key, decision))
    return str(step) if step is not None else label(DECISION_LABELS, decision)


def template_globals() -> dict:
    """The label tables and helpers templates use."""
    return {
        "label": label, "task_label": task_label, "decision_label": decision_label,
        "TASK_LABELS": TASK_LABELS,
        "PROCESS_LABELS": PROCESS_LABELS, "ROLE_LABELS": ROLE_LABELS,
        "SHEET_STATUS_LABELS": SHEET_STATUS_LABELS, "SHEET_STATUS_CLASSES": SHEET_STATUS_CLASSES,
        "INSTANCE_STATUS_LABELS": INSTANCE_STATUS_LABELS, "TASK_STATUS_LABELS": TASK_STATUS_LABELS,
        "PROJECT_STATUS_LABELS": PROJECT_STATUS_LABELS, "DECISION_LABELS": DECISION_LABELS,
        "RATING_LABELS": RATING_LABELS, "LEVEL1_LABELS": LEVEL1_LABELS,
        "LEVEL2_LABELS": LEVEL2_LABELS, "OPERATOR_LABELS": OPERATOR_LABELS,
        "OPERATOR_ORDER": OPERATOR_ORDER, "LEVEL1": LEVEL1, "LEVEL2": LEVEL2,
        "RATING_ORDER": RATINGS,
    }
