"""Translated labels of the self-evaluation's stored codes, and its task names for the inbox."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..inbox.labels import STEP_DECISION_LABELS, TASK_LABELS
from ..ledger.labels import CATEGORY_LABELS, SEVERITY_LABELS

STATUS_LABELS = {
    "draft": _l("Being filled"),
    "submitted": _l("Awaiting the unit leader"),
    "unit_approved": _l("Awaiting the liaison cadre"),
    "reviewed": _l("Awaiting the spot check"),
    "spot_checked": _l("Spot-checked"),
    "accepted": _l("Accepted"),
}
# Pill classes of the stylesheet, per status.
STATUS_CLASSES = {
    "draft": "jx-status-draft", "submitted": "jx-status-submitted",
    "unit_approved": "jx-status-submitted", "reviewed": "jx-status-running",
    "spot_checked": "jx-status-running", "accepted": "jx-status-completed",
}
KIND_LABELS = {
    "project": _l("Project"),
    "overall": _l("Unit as a whole"),
}
ACHIEVEMENT_LABELS = {
    "achieved": _l("Achieved (80 to 100 percent of the weight)"),
    "partly": _l("Partly achieved (60–80 %)"),
    "not_achieved": _l("Not achieved (0–60 %)"),
}
ACHIEVEMENTS = ("achieved", "partly", "not_achieved")
ACTION_LABELS = {
    "create": _l("opened the self-evaluation"),
    "fill.submit": _l("submitted the self-evaluation"),
    "leader.approve": _l("approved it for the unit"),
    "leader.return": _l("returned it to the filer"),
    "liaison.approve": _l("approved it for the expenditure section"),
    "liaison.return": _l("returned it to the unit"),
    "spot_check.submit": _l("recorded the spot check"),
    "accept.approve": _l("accepted the spot check"),
    "accept.return": _l("returned it to the spot check"),
}
GROUP_LABELS = {
    "output": _l("Output"),
    "benefit": _l("Benefit"),
    "satisfaction": _l("Satisfaction"),
}

# The inbox names tasks and decisions from its tables; ours join them from here, as the task
# pages do (TASK_PAGES), so the inbox module needs no change for a new process.
TASK_LABELS.update({
    "fill_evaluation": _l("Fill in the self-evaluation"),
    "leader_review": _l("Unit leader: approve the self-evaluation"),
    "liaison_review": _l("Liaison cadre: review the self-evaluation"),
    "spot_check": _l("Spot-check the self-evaluation"),
    "accept_check": _l("Accept the spot check"),
})
STEP_DECISION_LABELS.update({
    ("fill_evaluation", "submit"): _l("submitted the self-evaluation"),
    ("spot_check", "submit"): _l("recorded the spot check"),
    ("accept_check", "approve"): _l("accepted the spot check"),
})


def self_evaluation_globals() -> dict:
    """The label tables the self-evaluation templates use (task pages render them too)."""
    return {
        "SE_STATUS_LABELS": STATUS_LABELS, "SE_STATUS_CLASSES": STATUS_CLASSES,
        "SE_KIND_LABELS": KIND_LABELS, "ACHIEVEMENT_LABELS": ACHIEVEMENT_LABELS,
        "ACHIEVEMENTS": ACHIEVEMENTS, "SE_ACTION_LABELS": ACTION_LABELS,
        "SE_GROUP_LABELS": GROUP_LABELS, "CATEGORY_LABELS": CATEGORY_LABELS,
        "SEVERITY_LABELS": SEVERITY_LABELS,
    }
