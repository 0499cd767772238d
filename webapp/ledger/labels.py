"""Translated labels of the ledger's stored codes (statuses, sources, history actions...)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ITEM_STATUS_LABELS = {
    "open": _l("Open (not signed off)"),
    "assigned": _l("Assigned"),
    "plan_submitted": _l("Plan submitted"),
    "in_progress": _l("Rectifying"),
    "evidence_submitted": _l("Evidence submitted"),
    "returned": _l("Returned"),
    "verified": _l("Verified"),
    "signed_off": _l("Signed off"),
}
# Pill classes of the stylesheet, per item status.
ITEM_STATUS_CLASSES = {
    "assigned": "jx-status-draft", "plan_submitted": "jx-status-submitted",
    "in_progress": "jx-status-running", "evidence_submitted": "jx-status-submitted",
    "returned": "jx-status-returned", "verified": "jx-status-approved",
    "signed_off": "jx-status-completed",
}
SOURCE_LABELS = {
    "key_evaluation": _l("Key evaluation"),
    "self_evaluation": _l("Self-evaluation"),
    "monitoring": _l("Monitoring"),
    "audit": _l("Audit"),
    "special_check": _l("Special inspection"),
    "congress": _l("People's congress"),
    "manual": _l("Entered by hand"),
}
CATEGORY_LABELS = {
    "decision": _l("Decision-making"),
    "management": _l("Management"),
    "funds": _l("Use of funds"),
    "output": _l("Outputs"),
    "benefit": _l("Benefits"),
    "system": _l("Rules and systems"),
}
SEVERITY_LABELS = {
    "normal": _l("Normal"),
    "serious": _l("Serious"),
}
ESCALATION_LABELS = {
    "none": _l("None"),
    "reminder": _l("Reminder"),
    "notice": _l("Written notice"),
    "interview": _l("Interview"),
}
REMINDER_LABELS = {
    "prewarning": _l("Pre-warning"),
    "overdue": _l("Overdue reminder"),
    "notice": _l("Written notice"),
    "interview": _l("Interview proposal"),
}
# What a notification is about: a rung of the ladder, a return, or an evaluation's step.
NOTIFICATION_LABELS = {**REMINDER_LABELS, "returned": _l("Returned"),
                       "evaluation": _l("Evaluation")}
TRIGGER_LABELS = {
    "overdue": _l("Long overdue"),
    "repeated_return": _l("Returned repeatedly"),
    "serious": _l("Serious problem"),
    "poor_grade": _l("Graded poor"),
    "invalid_spending": _l("Idle or ineffective spending"),
}
VERIFY_LABELS = {
    "pass": _l("Passed"),
    "fail": _l("Failed"),
}
ACTION_LABELS = {
    "create": _l("recorded"),
    "plan.submit": _l("submitted the plan"),
    "plan.approve": _l("approved the plan"),
    "plan.return": _l("returned the plan"),
    "evidence.upload": _l("uploaded evidence"),
    "evidence.submit": _l("submitted the rectification"),
    "verify.pass": _l("passed the verification"),
    "verify.return": _l("returned the rectification"),
    "sign.off": _l("signed the item off"),
    "reject": _l("rejected the sign-off"),
    "interview.held": _l("recorded an interview"),
    "extend": _l("extended the deadline"),
    "escalation.prewarning": _l("pre-warning sent"),
    "escalation.overdue": _l("overdue reminder sent"),
    "escalation.notice": _l("written notice sent"),
    "escalation.interview": _l("interview proposed"),
}
# Timeline dot per action (classes of the stylesheet's timeline).
ACTION_CLASSES = {
    "create": "start", "plan.submit": "submit", "evidence.submit": "submit",
    "plan.approve": "approve", "verify.pass": "approve", "sign.off": "complete",
    "plan.return": "return", "verify.return": "return", "reject": "return",
}
SORT_LABELS = {
    "deadline": _l("Deadline"),
    "overdue": _l("Days overdue"),
    "unit": _l("Budget unit"),
    "status": _l("Status"),
    "returns": _l("Returns"),
    "escalation": _l("Escalation"),
}
DAY_KIND_LABELS = {
    "calendar": _l("Calendar days"),
    "working": _l("Working days"),
}


def ledger_globals() -> dict:
    """The label tables the ledger templates use."""
    return {
        "ITEM_STATUS_LABELS": ITEM_STATUS_LABELS, "ITEM_STATUS_CLASSES": ITEM_STATUS_CLASSES,
        "SOURCE_LABELS": SOURCE_LABELS, "CATEGORY_LABELS": CATEGORY_LABELS,
        "SEVERITY_LABELS": SEVERITY_LABELS, "ESCALATION_LABELS": ESCALATION_LABELS,
        "REMINDER_LABELS": REMINDER_LABELS, "TRIGGER_LABELS": TRIGGER_LABELS,
        "VERIFY_LABELS": VERIFY_LABELS, "ACTION_LABELS": ACTION_LABELS,
        "ACTION_CLASSES": ACTION_CLASSES, "SORT_LABELS": SORT_LABELS,
        "DAY_KIND_LABELS": DAY_KIND_LABELS, "file_size": file_size, "percent": percent,
    }


def file_size(size: int | None) -> str:
    """Bytes as KB or MB."""
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def percent(rate: float | None) -> str:
    """A share as a percentage with one decimal; a dash when there is nothing to divide."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
