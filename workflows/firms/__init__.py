"""Third-party firms: the registry, engagements, quality scores and firm staff access (R18–R22).

Interpretations (flagged for the domain expert):
- R19 vs R22: a `warned` firm stays eligible. R22 excludes only suspended and blacklisted firms
  from selection; a warning that also excluded would make `warned` the same as `suspended`.
- R20 with the data we hold: a firm has a prior relation with a unit when, in the same or the
  previous year (the engagement's contract year), it held a non-draft engagement that either had
  ex_ante or indicator_system work on that unit in its scope (advisory work: the ex-ante
  assessment and consulting), or was commissioned by that unit itself (the unit was its client).
  Such a firm may not take evaluative work (key_evaluation, recheck, key_monitoring, goal_review)
  on the unit, nor may one engagement both advise and evaluate the same unit. Separation of
  subjects (主体分离): a department may not commission evaluative work on itself.
- Scope entries carry the unit the object concerns ({"kind", "id", "unit_id"}): R20 needs it and
  the evaluated objects' own tables are not all built yet.
- R18: write access while the engagement is active; read-only while delivered or accepted, and
  for READ_GRACE_DAYS after closing; nothing otherwise. The engagement itself is readable by its
  team on the same terms (firm_access(user, "engagement", id)); firm staff read their own
  firm's profile, never its quality scores. A refused read is a 404 whose audit row is kept
  past the request's rollback (audit.record(keep=True)).
- The quality score is recorded on the pages by the section chief (perf_chief approves it in
  DOMAIN section 2); score_quality itself admits the whole performance section.
"""

from models.firm import QUALITY_COMPONENTS

from .access import (
    can_read_registry,
    firm_access,
    firm_can_see,
    get_engagement_or_404,
    get_firm_or_404,
)
from .engagements import (
    activate_engagement,
    check_independence,
    close_engagement,
    create_engagement,
    record_coi,
    validate_scope,
)
from .quality import (
    SCORABLE_STATUSES,
    can_mark_false_report,
    can_score_quality,
    mark_false_report,
    months_before,
    record_quality_score,
    score_quality,
    scored_in_process,
)
from .reading import (
    EngagementView,
    FirmView,
    bureau_units,
    engagement_view,
    firm_staff,
    firm_view,
)
from .registry import (
    REGISTRY_ROLES,
    add_firm,
    assign_firm_staff,
    can_manage_firms,
    check_eligible,
    check_manager,
    clean_credit_code,
    eligibility_problems,
    eligible_firms,
    firm_by_credit_code,
    list_firms,
    register_firm,
    update_firm,
)

__all__ = [
    "EngagementView", "FirmView", "QUALITY_COMPONENTS", "REGISTRY_ROLES",
    "SCORABLE_STATUSES", "activate_engagement", "add_firm", "assign_firm_staff",
    "bureau_units", "can_manage_firms", "can_mark_false_report", "can_read_registry",
    "can_score_quality", "check_eligible", "check_independence", "check_manager",
    "clean_credit_code", "close_engagement", "create_engagement", "eligibility_problems",
    "eligible_firms", "engagement_view", "firm_access", "firm_by_credit_code", "firm_can_see",
    "firm_staff", "firm_view", "get_engagement_or_404", "get_firm_or_404", "list_firms",
    "mark_false_report", "months_before", "record_coi", "record_quality_score",
    "register_firm", "score_quality", "scored_in_process", "update_firm", "validate_scope",
]
