"""Translated labels of the firm registry's stored codes (types, statuses, scope kinds...)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workflows.firms.registry import quality_weights, read_grace_days

FIRM_TYPE_LABELS = {
    "consulting": _l("Consulting firm"),
    "cpa": _l("Accounting firm"),
    "asset_appraisal": _l("Asset appraisal firm"),
    "law": _l("Law firm"),
    "research_institute": _l("Research institute"),
    "university": _l("University"),
}
FIRM_STATUS_LABELS = {
    "active": _l("Active"),
    "warned": _l("Warned"),
    "suspended": _l("Suspended"),
    "blacklisted": _l("Blacklisted"),
}
# Pill classes of the stylesheet, per firm status.
FIRM_STATUS_CLASSES = {
    "active": "jx-status-approved", "warned": "jx-tag jx-tag-due",
    "suspended": "jx-status-returned", "blacklisted": "jx-status-returned",
}
ENGAGEMENT_STATUS_LABELS = {
    "draft": _l("Draft"),
    "active": _l("Under way"),
    "delivered": _l("Delivered"),
    "accepted": _l("Accepted"),
    "closed": _l("Closed"),
}
ENGAGEMENT_STATUS_CLASSES = {
    "draft": "jx-status-draft", "active": "jx-status-running",
    "delivered": "jx-status-submitted", "accepted": "jx-status-approved",
    "closed": "jx-status-completed",
}
COMMISSIONING_PARTY_LABELS = {
    "finance_bureau": _l("Finance bureau"),
    "department": _l("Department"),
}
PROCUREMENT_LABELS = {
    "open_tender": _l("Open tender"),
    "competitive_consultation": _l("Competitive consultation"),
    "inquiry": _l("Request for quotation"),
    "single_source": _l("Single source"),
    "framework": _l("Framework agreement"),
    "small_direct": _l("Small direct purchase"),
}
# R21: the kinds an engagement may cover; self-evaluation is never among them.
SCOPE_KIND_LABELS = {
    "key_evaluation": _l("Key evaluation"),
    "ex_ante": _l("Ex-ante assessment"),
    "goal_review": _l("Goal review"),
    "key_monitoring": _l("Key monitoring"),
    "recheck": _l("Result re-check"),
    "indicator_system": _l("Indicator-system work"),
}
QUALITY_LABELS = {
    "plan_quality": _l("Plan quality"),
    "fieldwork_compliance": _l("Fieldwork compliance"),
    "evidence_sufficiency": _l("Evidence sufficiency"),
    "report_quality": _l("Report quality"),
    "timeliness": _l("Timeliness"),
    "integrity_confidentiality": _l("Integrity and confidentiality"),
}


def firm_globals() -> dict:
    """The label tables the firm templates use."""
    return {
        "FIRM_TYPE_LABELS": FIRM_TYPE_LABELS, "FIRM_STATUS_LABELS": FIRM_STATUS_LABELS,
        "FIRM_STATUS_CLASSES": FIRM_STATUS_CLASSES,
        "ENGAGEMENT_STATUS_LABELS": ENGAGEMENT_STATUS_LABELS,
        "ENGAGEMENT_STATUS_CLASSES": ENGAGEMENT_STATUS_CLASSES,
        "COMMISSIONING_PARTY_LABELS": COMMISSIONING_PARTY_LABELS,
        "PROCUREMENT_LABELS": PROCUREMENT_LABELS, "SCOPE_KIND_LABELS": SCOPE_KIND_LABELS,
        "QUALITY_LABELS": QUALITY_LABELS, "QUALITY_WEIGHTS": quality_weights(),
        "READ_GRACE_DAYS": read_grace_days(),
    }
