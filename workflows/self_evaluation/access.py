"""Who sees and works self-evaluations: data scope, R21 (never a firm), finance-only parts."""

from __future__ import annotations

from models import ProcessInstance, SelfEvaluation, User, db

from ..errors import Forbidden, NotFound
from ..messages import Msg
from ..permissions import acts_in_workflows, can_see_unit, role_table

PROCESS_KEY = "self_evaluation"
OPENER_ROLES = ("perf_staff", "perf_chief")
FIRM_ROLE = "tp_evaluator"
# The bureau's own people; only they learn which evaluations were drawn for the spot check and
# what the check found (DOMAIN d, step 4).
FINANCE_ROLES = ("section_cadre", "section_chief", "budget_section", "perf_staff", "perf_chief",
                 "bureau_leader")
# Statuses a unit sees as "accepted": after the liaison's approval its part is over, and telling
# "waiting for the spot check" apart would reveal the sample.
AFTER_REVIEW = ("reviewed", "spot_checked", "accepted")
READ_SCOPES = ("unit", "section", "tenant")  # the audit bureau and congress have no part in it


def is_firm_user(user: User) -> bool:
    """Third-party staff, whatever other roles they hold (R21: never in a self-evaluation)."""
    return user.has_role(FIRM_ROLE) or user.firm_id is not None


def can_read_evaluations(user: User) -> bool:
    """Whether the user has a data scope that reaches self-evaluations (never a firm, R21)."""
    roles = role_table(user)
    return not is_firm_user(user) and any(
        roles[code].scope in READ_SCOPES for code in user.roles if code in roles)


def sees_spot_checks(user: User) -> bool:
    """Finance staff see the spot-check sample, the check score and the gap; units never."""
    return not is_firm_user(user) and user.has_role(*FINANCE_ROLES)


def can_open_round(user: User) -> bool:
    """The performance section opens a year's self-evaluation (never an administrator)."""
    return acts_in_workflows(user) and not is_firm_user(user) and user.has_role(*OPENER_ROLES)


def shown_status(status: str, user: User) -> str:
    """The status as this user may see it (units never see the spot-check steps)."""
    if status in AFTER_REVIEW and not sees_spot_checks(user):
        return "accepted"
    return status


def refuse_firm(user: User) -> None:
    """R21: a third party never fills, reviews or reads a self-evaluation."""
    if is_firm_user(user):
        raise Forbidden(Msg("a third party can never take part in a self-evaluation (R21)"))


def get_evaluation_or_404(evaluation_id: int, user: User) -> SelfEvaluation:
    """A self-evaluation within the user's data scope; firm staff see none (R21)."""
    evaluation = db.get(SelfEvaluation, evaluation_id)
    if evaluation is None or is_firm_user(user) or not can_see_unit(user, evaluation.unit_id):
        raise NotFound(Msg("self-evaluation not found"))
    return evaluation


def evaluation_for_instance(instance: ProcessInstance) -> SelfEvaluation:
    """The self-evaluation an instance runs (business key self_evaluation:<id>)."""
    kind, _, ident = instance.business_key.partition(":")
    evaluation = db.get(SelfEvaluation, int(ident)) \
        if kind == PROCESS_KEY and ident.isdigit() else None
    if evaluation is None:
        raise NotFound(Msg("self-evaluation not found"))
    db.info.setdefault("kept", []).append(evaluation)  # guard and handler read it: keep it loaded
    return evaluation
