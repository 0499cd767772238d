"""Demo data: a district finance bureau living its performance cycle (DOMAIN §6), driven
through the real operations; `load_demo("load")` builds the load-test tenant."""

from __future__ import annotations

from sqlalchemy import select

from models import User, db

from ..cycle_steps import today
from .cycle import run_story
from .people import DEMO_PASSWORD, build_organisation
from .profile import PROFILES

# (username, roles, what to try) printed by `jixiao demo`; every unit has filerNN and headNN.
SHOWCASE = [
    ("admin", "admin", "processes, settings"),
    ("leader", "bureau_leader", "dashboard, fund actions, interviews, approvals"),
    ("perfchief", "perf_chief", "gate 3, sign-off, ex-ante approval"),
    ("perf01", "perf_staff", "rounds, decisions, result application"),
    ("budget01", "budget_section", "issuance, fund-action execution, final accounts"),
    ("chief_edu", "section_chief", "comments on result applications"),
    ("cadre_edu", "section_cadre", "gate 2 and reviews for the education units"),
    ("filer01", "unit_filer", "the first unit's filer (filerNN: the NN-th unit)"),
    ("head01", "unit_leader", "the first unit's head (headNN)"),
    ("firm_a_lead", "tp_evaluator", "a firm's lead evaluator"),
    ("audit01", "audit_bureau", "audit consultations"),
    ("congress01", "congress", "congress inquiries"),
]


def demo_exists() -> bool:
    """True once the demo has been loaded."""
    return db.scalar(select(User.id).where(User.username == "admin")) is not None


def demo_accounts() -> list[tuple[str, list[str], str, dict]]:
    """(username, roles, what to try, {}) of the logins worth trying."""
    return [(username, [role], hint, {}) for username, role, hint in SHOWCASE]


def load_demo(profile: str = "district", year: int | None = None) -> None:
    """Build the bureau of the profile and drive its story, with `year` (default: this
    calendar year) as the current budget year."""
    bureau = build_organisation(PROFILES[profile])
    run_story(bureau, year or today().year)


__all__ = ["DEMO_PASSWORD", "PROFILES", "demo_accounts", "demo_exists", "load_demo"]
