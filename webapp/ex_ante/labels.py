"""Translated labels of the ex-ante assessment's codes, and its task names for the inbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..inbox.labels import STEP_DECISION_LABELS, TASK_LABELS

STATUS_LABELS = {
    "draft": _l("Application being filled"),
    "submitted": _l("Awaiting the unit leader"),
    "unit_approved": _l("Awaiting the completeness check"),
    "accepted": _l("Awaiting the assessment mode"),
    "assessing": _l("Being assessed"),
    "scored": _l("Awaiting approval"),
    "revision": _l("Being revised by the unit"),
    "arrangeable": _l("Arrangeable in the budget"),
    "blocked": _l("Blocked from the budget"),
}
STATUS_CLASSES = {
    "draft": "jx-status-draft", "submitted": "jx-status-submitted",
    "unit_approved": "jx-status-submitted", "accepted": "jx-status-running",
    "assessing": "jx-status-running", "scored": "jx-status-running",
    "revision": "jx-status-returned", "arrangeable": "jx-status-completed",
    "blocked": "jx-status-returned",
}
DIMENSION_LABELS = {
    "necessity": _l("Necessity of the project"),
    "economy": _l("Economy of the inputs"),
    "goal_rationality": _l("Rationality of the performance goals"),
    "feasibility": _l("Feasibility of the implementation plan"),
    "funding_compliance": _l("Compliance of the funding"),
}
MODE_LABELS = {
    "finance": _l("Finance review"),
    "expert_panel": _l("Expert panel"),
    "third_party": _l("Third-party firm"),
    "joint": _l("Joint assessment"),
}
PARTY_LABELS = {
    "congress": _l("People's congress"),
    "audit": _l("Audit bureau"),
    "third_party": _l("Third-party firm"),
}
CONCLUSION_LABELS = {
    "support": _l("Support"),
    "support_with_revision": _l("Support with revision"),
    "not_support": _l("Do not support"),
}
CONCLUSION_CLASSES = {"support": "jx-rating-excellent", "support_with_revision": "jx-rating-fair",
                      "not_support": "jx-rating-poor"}
APPLICATION_LABELS = {
    "basis": _l("Basis (policies, plans, documents)"),
    "implementation_plan": _l("Implementation plan"),
    "budget_breakdown": _l("Budget breakdown"),
    "draft_goals": _l("Draft performance goals"),
}
ACTION_LABELS = {
    "create": _l("applied for the assessment"),
    "fill.submit": _l("submitted the application"),
    "leader.approve": _l("approved it for the unit"),
    "leader.return": _l("returned it to the filer"),
    "completeness.approve": _l("found the application complete"),
    "completeness.return": _l("returned it as incomplete"),
    "mode.choose": _l("chose the assessment mode"),
    "score.submit": _l("scored the assessment"),
    "approve.approve": _l("approved the conclusion"),
    "approve.return": _l("returned it to the assessor"),
}

TASK_LABELS.update({
    "ex_ante_fill": _l("Fill in the ex-ante application"),
    "ex_ante_leader_review": _l("Unit leader: approve the ex-ante application"),
    "ex_ante_completeness": _l("Check the ex-ante application is complete"),
    "ex_ante_choose_mode": _l("Choose the ex-ante assessment mode"),
    "ex_ante_score": _l("Score the ex-ante assessment"),
    "ex_ante_firm_score": _l("Firm: score the ex-ante assessment"),
    "ex_ante_chief_approve": _l("Chief: approve the ex-ante conclusion"),
    "ex_ante_leader_approve": _l("Bureau leader: approve the ex-ante conclusion"),
    "ex_ante_revise": _l("Revise the project to the recommended amount"),
})
STEP_DECISION_LABELS.update({
    ("ex_ante_fill", "submit"): _l("submitted the application"),
    ("ex_ante_choose_mode", "submit"): _l("chose the mode"),
    ("ex_ante_score", "submit"): _l("scored it"),
    ("ex_ante_firm_score", "submit"): _l("scored it"),
    ("ex_ante_revise", "submit"): _l("confirmed the revision"),
})


def ex_ante_globals() -> dict:
    """The label tables the ex-ante templates use (task pages render them too)."""
    return {
        "XA_STATUS_LABELS": STATUS_LABELS, "XA_STATUS_CLASSES": STATUS_CLASSES,
        "XA_DIMENSION_LABELS": DIMENSION_LABELS, "XA_MODE_LABELS": MODE_LABELS,
        "XA_PARTY_LABELS": PARTY_LABELS, "XA_CONCLUSION_LABELS": CONCLUSION_LABELS,
        "XA_CONCLUSION_CLASSES": CONCLUSION_CLASSES, "XA_APPLICATION_LABELS": APPLICATION_LABELS,
        "XA_ACTION_LABELS": ACTION_LABELS,
    }
