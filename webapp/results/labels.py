"""Translated labels of result application's codes, and its task names for the inbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workflows import results

from ..i18n import translate
from ..inbox.labels import STEP_DECISION_LABELS, TASK_LABELS

STATUS_LABELS = {
    "proposed": _l("Awaiting the performance section"),
    "confirmed": _l("Awaiting the section chief"),
    "section_reviewed": _l("Awaiting the bureau leader"),
    "approved": _l("Approved: awaiting the budget section"),
    "applied": _l("Applied"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}
STATUS_CLASSES = {
    "proposed": "jx-status-draft", "confirmed": "jx-status-submitted",
    "section_reviewed": "jx-status-submitted", "approved": "jx-status-running",
    "applied": "jx-status-completed", "rejected": "jx-status-returned",
    "withdrawn": "jx-status-returned",
}
ACTION_LABELS = {
    "priority_support": _l("Priority support"),
    "keep": _l("Keep"),
    "require_improvement": _l("Require improvement"),
    "reduce_pct": _l("Cut by a percentage"),
    "cancel": _l("Cancel"),
    "suspend_until_rectified": _l("Suspend until rectified"),
    "investment_review_before_disbursement": _l("Investment review before disbursement"),
    "policy_adjust": _l("Adjust the policy"),
    "management_rule_revision": _l("Revise the fund's management rules"),
    "recover_idle_funds": _l("Recover idle funds"),
}
RULE_LABELS = {
    "R15": _l("R15 monitoring fund action"),
    "R23": _l("R23 graded poor"),
    "R24": _l("R24 graded fair"),
    "R25": _l("R25 balance rule"),
    "R26": _l("R26 idle funds"),
    "R28": _l("R28 not rectified"),
    "discretionary": _l("Added by the performance section"),
}
HISTORY_LABELS = {
    "propose": _l("proposed it"),
    "review.confirm": _l("confirmed the proposal"),
    "review.withdraw": _l("withdrew the proposal"),
    "section.comment": _l("commented for the section"),
    "approve.approve": _l("approved the proposal"),
    "approve.reject": _l("rejected the proposal"),
    "approve.return": _l("returned it for review"),
    "apply": _l("applied it to the control numbers"),
}

TASK_LABELS.update({
    "result_review": _l("Review the result-application proposal"),
    "result_section_comment": _l("Section chief: comment on the proposal"),
    "result_leader_approve": _l("Bureau leader: approve the proposal"),
    "result_apply": _l("Apply the proposal to next year's budget"),
})
STEP_DECISION_LABELS.update({
    ("result_review", "confirm"): _l("confirmed"),
    ("result_review", "withdraw"): _l("withdrew it"),
    ("result_section_comment", "submit"): _l("commented"),
    ("result_leader_approve", "reject"): _l("rejected the proposal"),
    ("result_apply", "submit"): _l("applied it"),
})


def results_globals() -> dict:
    """The label tables the result-application templates use."""
    return {"RA_STATUS_LABELS": STATUS_LABELS, "RA_STATUS_CLASSES": STATUS_CLASSES,
            "RA_ACTION_LABELS": ACTION_LABELS, "RA_RULE_LABELS": RULE_LABELS,
            "RA_HISTORY_LABELS": HISTORY_LABELS, "basis_of": basis_of}


def basis_of(application) -> str:
    """What a proposal rests on, in the interface language."""
    return translate(results.basis_message(application))
