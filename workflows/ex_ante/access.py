"""Who may see an ex-ante assessment (DOMAIN section 2): the unit and its section, the tenant's
finance roles, the engaged firm's team (R18, every read logged), and the audit bureau or
congress when the assessment is joint with them."""

from __future__ import annotations

from models import ExAnteAssessment, ProcessInstance, Project, User, db

from ..errors import NotFound
from ..firms.access import firm_access
from ..firms.registry import FIRM_ROLE
from ..messages import Msg
from ..permissions import acts_in_workflows, can_see_unit
from ..rule_settings import rule_settings

PROCESS_KEY = "ex_ante_assessment"
KIND = "ex_ante"  # the engagement scope kind (R21) and the audit entity
JOINED_ROLES = {"audit_bureau": "audit", "congress": "congress"}
CONCLUDED = ("arrangeable", "blocked")


def needs_assessment(project: Project, settings: dict | None = None) -> bool:
    """R5 for this project on the bureau's settings: a new project (or, when the bureau says
    so, an expiring renewal) at or above the threshold."""
    settings = settings or rule_settings()
    renewal = settings["ex_ante_scope"] == "new_and_expiring_renewals" and project.is_renewal
    return (project.is_new or renewal) and project.year_amount >= settings["ex_ante_threshold"]


def can_see(user: User, assessment: ExAnteAssessment) -> bool:
    """Whether the user may read the assessment (a firm user's check is logged)."""
    if user.has_role(FIRM_ROLE):
        return firm_access(user, KIND, assessment.id) is not None
    if can_see_unit(user, assessment.unit_id):
        return True
    return any(user.has_role(role) and party in (assessment.joint_parties or [])
               for role, party in JOINED_ROLES.items())


def get_assessment_or_404(assessment_id, user: User) -> ExAnteAssessment:
    """The assessment if the user may see it; 404 otherwise (a firm user's probe is logged)."""
    ident = assessment_id if isinstance(assessment_id, int) and not isinstance(
        assessment_id, bool) and 0 < assessment_id < 2**31 else None
    assessment = db.get(ExAnteAssessment, ident) if ident else None
    if assessment is None:
        if user.has_role(FIRM_ROLE):
            firm_access(user, KIND, ident or 0)  # the probe is on record all the same
        raise NotFound(Msg("ex-ante assessment not found"))
    if not can_see(user, assessment):
        raise NotFound(Msg("ex-ante assessment not found"))
    return assessment


def assessment_for_instance(instance: ProcessInstance) -> ExAnteAssessment:
    """The assessment an instance runs (business key ex_ante_assessment:<id>)."""
    kind, _, ident = instance.business_key.partition(":")
    assessment = db.get(ExAnteAssessment, int(ident)) if kind == PROCESS_KEY \
        and ident.isdecimal() else None
    if assessment is None:
        raise NotFound(Msg("ex-ante assessment not found"))
    return assessment


def can_start(user: User, project: Project) -> bool:
    """A filer of the project's own unit applies (never an administrator)."""
    return acts_in_workflows(user) and user.has_role("unit_filer") \
        and user.unit_id == project.unit_id
