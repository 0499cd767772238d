"""Who may see a key evaluation: the tenant's finance roles, the evaluated unit and its section,
the engaged firm's team (R18, every read logged), the audit bureau while consulted and once
final, congress once final."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditConsultation, KeyEvaluation, User, db

from ..errors import NotFound
from ..firms.access import firm_access
from ..firms.registry import FIRM_ROLE
from ..messages import Msg
from ..permissions import can_see_unit, unit_only

KIND = "key_evaluation"
FINAL_STATUSES = ("final", "results_issued", "closed")
# The evaluated unit learns of the evaluation with its notice, when fieldwork starts (the list
# and the plan are the finance side's: DOMAIN section 2).
UNIT_STATUSES = ("fieldwork", "draft_submitted", "unit_feedback", "perf_review",
                 "audit_prefinal", "leader_approval", *FINAL_STATUSES)
# Who reads fieldwork and the draft before the score is final (the budget section, congress and
# administrators read the final results only).
DRAFT_READERS = ("perf_staff", "perf_chief", "bureau_leader", "section_cadre", "section_chief",
                 "unit_filer", "unit_leader", FIRM_ROLE, "audit_bureau")


def _consulted(evaluation: KeyEvaluation) -> bool:
    """An audit consultation of the evaluation waits for its reply."""
    return db.scalar(select(AuditConsultation.id).where(
        AuditConsultation.key_evaluation_id == evaluation.id,
        AuditConsultation.responded_at.is_(None), AuditConsultation.no_opinion.is_(False))
        .limit(1)) is not None


def can_see(user: User, evaluation: KeyEvaluation) -> bool:
    """Whether the user may read the evaluation (a firm user's check is logged)."""
    if user.has_role(FIRM_ROLE) and user.firm_id is not None:
        return firm_access(user, KIND, evaluation.id) is not None
    if can_see_unit(user, evaluation.unit_id):
        return evaluation.status in UNIT_STATUSES or not unit_only(user)
    if user.has_role("audit_bureau"):
        return evaluation.status in FINAL_STATUSES or _consulted(evaluation)
    return user.has_role("congress") and evaluation.status in FINAL_STATUSES


def get_evaluation_or_404(evaluation_id, user: User) -> KeyEvaluation:
    """The evaluation if the user may see it; 404 otherwise (a firm user's probe is logged)."""
    ident = evaluation_id if isinstance(evaluation_id, int) and not isinstance(
        evaluation_id, bool) and 0 < evaluation_id < 2**31 else None
    evaluation = db.get(KeyEvaluation, ident) if ident else None
    if evaluation is None:
        if user.has_role(FIRM_ROLE):
            firm_access(user, KIND, ident or 0)  # the probe is in the audit trail all the same
        raise NotFound(Msg("evaluation not found"))
    if not can_see(user, evaluation):
        raise NotFound(Msg("evaluation not found"))
    return evaluation


def sees_draft(user: User, evaluation: KeyEvaluation) -> bool:
    """Fieldwork, the draft scores and the draft problem list: for the parties working on them
    until the score is final, for every reader afterwards."""
    return evaluation.status in FINAL_STATUSES or user.has_role(*DRAFT_READERS)


def sees_audit_opinions(user: User) -> bool:
    """Firm staff never see audit opinions (DOMAIN section 2); units neither."""
    return user.has_role("perf_staff", "perf_chief", "bureau_leader", "audit_bureau")


def sees_firm_quality(user: User) -> bool:
    """The firm's quality score is for the performance section and the leaders only."""
    return user.has_role("perf_staff", "perf_chief", "bureau_leader")
