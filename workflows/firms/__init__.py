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
  for READ_GRACE_DAYS after closing; nothing otherwise.
"""

from models.firm import QUALITY_COMPONENTS

from .access import firm_access, firm_can_see, get_firm_or_404
from .engagements import (
    activate_engagement,
    check_independence,
    close_engagement,
    create_engagement,
    record_coi,
    validate_scope,
)
from .quality import mark_false_report, months_before, score_quality
from .registry import (
    REGISTRY_ROLES,
    add_firm,
    assign_firm_staff,
    can_manage_firms,
    check_eligible,
    check_manager,
    clean_credit_code,
    eligible_firms,
    firm_by_credit_code,
    list_firms,
    register_firm,
    update_firm,
)

__all__ = [
    "QUALITY_COMPONENTS", "REGISTRY_ROLES", "activate_engagement", "add_firm",
    "assign_firm_staff", "can_manage_firms", "check_eligible", "check_independence",
    "check_manager", "clean_credit_code", "close_engagement", "create_engagement",
    "eligible_firms", "firm_access", "firm_by_credit_code", "firm_can_see", "get_firm_or_404",
    "list_firms", "mark_false_report", "months_before", "record_coi", "register_firm",
    "score_quality", "update_firm", "validate_scope",
]
