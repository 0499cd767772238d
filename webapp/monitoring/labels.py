"""Translated labels of double monitoring's codes, and its task names for the inbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..inbox.labels import STEP_DECISION_LABELS, TASK_LABELS

STATUS_LABELS = {
    "draft": _l("Being filled"),
    "submitted": _l("Awaiting the unit leader"),
    "unit_approved": _l("Awaiting the liaison cadre"),
    "normal": _l("On track"),
    "flagged": _l("Flagged: awaiting a decision"),
    "decided": _l("Decided"),
    "approved": _l("Approved: awaiting execution"),
    "executed": _l("Fund action executed"),
}
STATUS_CLASSES = {
    "draft": "jx-status-draft", "submitted": "jx-status-submitted",
    "unit_approved": "jx-status-submitted", "normal": "jx-status-completed",
    "flagged": "jx-status-returned", "decided": "jx-status-running",
    "approved": "jx-status-running", "executed": "jx-status-completed",
}
DECISION_LABELS = {
    "none": _l("None"),
    "notice": _l("Notice to correct"),
    "goal_adjust": _l("Adjust the goals"),
    "suspend": _l("Suspend disbursement"),
    "stop": _l("Stop disbursement"),
    "reduce": _l("Reduce the unspent budget"),
    "recover": _l("Recover balances"),
}
CAUSE_LABELS = {
    "policy_change": _l("Policy change"),
    "funds_not_arrived": _l("Funds not arrived"),
    "progress_delay": _l("Progress delayed"),
    "bad_indicator": _l("Badly set indicator"),
    "external": _l("External factors"),
    "other": _l("Other"),
}
FUND_KIND_LABELS = {
    "suspend": _l("Suspension"), "stop": _l("Stop"), "reduce": _l("Reduction"),
    "recover": _l("Recovery"), "cancel_next_year": _l("Cancelled next year"),
    "cut_pct_next_year": _l("Cut next year"), "balance_rule_cut": _l("Balance-rule cut"),
    "idle_funds_clearance": _l("Idle funds cleared"),
}
ACTION_LABELS = {
    "create": _l("opened the report"),
    "fill.submit": _l("submitted the report"),
    "leader.approve": _l("approved it for the unit"),
    "leader.return": _l("returned it to the filer"),
    "liaison.approve": _l("approved it for the expenditure section"),
    "liaison.return": _l("returned it to the unit"),
    "decide": _l("decided on the flagged report"),
    "approve.approve": _l("approved the fund action"),
    "approve.reject": _l("rejected the fund action"),
    "execute": _l("executed the fund action"),
}

TASK_LABELS.update({
    "monitor_fill": _l("Fill in the monitoring report"),
    "monitor_leader_review": _l("Unit leader: approve the monitoring report"),
    "monitor_liaison_review": _l("Liaison cadre: review the monitoring report"),
    "monitor_decide": _l("Decide on the flagged report"),
    "monitor_leader_approve": _l("Bureau leader: approve the fund action"),
    "monitor_execute": _l("Execute the fund action"),
})
STEP_DECISION_LABELS.update({
    ("monitor_fill", "submit"): _l("submitted the report"),
    ("monitor_decide", "submit"): _l("decided"),
    ("monitor_execute", "submit"): _l("executed it"),
    ("monitor_leader_approve", "reject"): _l("rejected the fund action"),
})


def monitoring_globals() -> dict:
    """The label tables the monitoring templates use (task pages render them too)."""
    return {"MON_STATUS_LABELS": STATUS_LABELS, "MON_STATUS_CLASSES": STATUS_CLASSES,
            "MON_DECISION_LABELS": DECISION_LABELS, "MON_CAUSE_LABELS": CAUSE_LABELS,
            "FUND_KIND_LABELS": FUND_KIND_LABELS, "MON_ACTION_LABELS": ACTION_LABELS}
