"""Who may see a monitoring report: its unit and the unit's section, the tenant's finance roles
(DOMAIN section 2); who opens and closes rounds: the performance section."""

from __future__ import annotations

from models import MonitoringReport, MonitoringRound, ProcessInstance, User, db

from ..errors import NotFound
from ..firms.registry import FIRM_ROLE
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..permissions import acts_in_workflows, can_see_unit

PROCESS_KEY = "dual_monitoring"
KIND = "monitoring_report"
MANAGER_ROLES = ("perf_staff", "perf_chief")


def can_manage_rounds(user: User) -> bool:
    """The performance section opens and closes rounds (never an administrator)."""
    return acts_in_workflows(user) and user.has_role(*MANAGER_ROLES)


def can_read_monitoring(user: User) -> bool:
    """Everyone with a unit, section or tenant scope; firm staff and outside bodies do not
    (key monitoring by a firm is not part of this product yet)."""
    return not user.has_role(FIRM_ROLE, "audit_bureau", "congress") or user.has_role(
        "perf_staff", "perf_chief", "bureau_leader", "budget_section")


def get_report_or_404(report_id, user: User) -> MonitoringReport:
    """A report within the user's data scope; 404 otherwise."""
    ident = report_id if isinstance(report_id, int) and not isinstance(report_id, bool) \
        and 0 < report_id < 2**31 else None
    report = db.get(MonitoringReport, ident) if ident else None
    if report is None or not can_read_monitoring(user) or not can_see_unit(user, report.unit_id):
        raise NotFound(Msg("monitoring report not found"))
    return report


def get_round_or_404(round_id, user: User) -> MonitoringRound:
    """A round of the user's bureau."""
    found = db.get(MonitoringRound, round_id) if isinstance(round_id, int) else None
    if found is None or not can_read_monitoring(user) or found.bureau_id != bureau_of(user).id:
        raise NotFound(Msg("monitoring round not found"))
    return found


def report_for_instance(instance: ProcessInstance) -> MonitoringReport:
    """The report a dual_monitoring instance runs (business key dual_monitoring:<id>)."""
    kind, _, ident = instance.business_key.partition(":")
    report = db.get(MonitoringReport, int(ident)) if kind == PROCESS_KEY \
        and ident.isdecimal() else None
    if report is None:
        raise NotFound(Msg("monitoring report not found"))
    return report
