"""Who reads and works result applications (DOMAIN section 2): the performance section proposes,
section chiefs comment for their units, the bureau leader approves, the budget section applies;
units and congress read."""

from __future__ import annotations

from models import ProcessInstance, ResultApplication, ResultApplicationRound, User, db

from ..errors import NotFound
from ..firms.registry import FIRM_ROLE
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..permissions import acts_in_workflows, can_see_unit

PROCESS_KEY = "result_application"
KIND = "result_application"
PROPOSER_ROLES = ("perf_staff", "perf_chief")
ACCOUNT_ROLES = ("budget_section", "perf_staff", "perf_chief")


def can_propose(user: User) -> bool:
    """The performance section generates and adds proposals (never an administrator)."""
    return acts_in_workflows(user) and user.has_role(*PROPOSER_ROLES)


def can_record_accounts(user: User) -> bool:
    """The budget and performance sections record final accounts and project balances."""
    return acts_in_workflows(user) and user.has_role(*ACCOUNT_ROLES)


def can_read_results(user: User) -> bool:
    """Firm staff and the audit bureau have no part in result application."""
    return not user.has_role(FIRM_ROLE, "audit_bureau") or user.has_role(*PROPOSER_ROLES)


def _sees(user: User, application: ResultApplication) -> bool:
    return can_read_results(user) and (user.has_role("congress")
                                       or can_see_unit(user, application.unit_id))


def get_application_or_404(application_id, user: User) -> ResultApplication:
    """A proposal the user may read."""
    ident = application_id if isinstance(application_id, int) and not isinstance(
        application_id, bool) and 0 < application_id < 2**31 else None
    application = db.get(ResultApplication, ident) if ident else None
    if application is None or not _sees(user, application):
        raise NotFound(Msg("result application not found"))
    return application


def get_round_or_404(round_id, user: User) -> ResultApplicationRound:
    """A round of the user's bureau."""
    found = db.get(ResultApplicationRound, round_id) if isinstance(round_id, int) else None
    if found is None or not can_read_results(user) or found.bureau_id != bureau_of(user).id:
        raise NotFound(Msg("result application round not found"))
    return found


def application_for_instance(instance: ProcessInstance) -> ResultApplication:
    """The proposal a result_application instance runs."""
    kind, _, ident = instance.business_key.partition(":")
    application = db.get(ResultApplication, int(ident)) if kind == PROCESS_KEY \
        and ident.isdecimal() else None
    if application is None:
        raise NotFound(Msg("result application not found"))
    return application
