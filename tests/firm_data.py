"""Shared data of the firm page and API tests: two firms with staff, engagements, scores.

Everything is committed (the test's savepoint): a failing request rolls its own work back, and
the data must outlive it.
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, select

from models import AuditLog, Engagement, ThirdPartyFirm, User, db
from workflows import firms

CODE_A = "91350100M000100Y43"  # the example code of GB 32100-2015
CODE_B = "91440300708461136T"
GOOD = dict.fromkeys(firms.QUALITY_COMPONENTS, "85")
POOR = dict.fromkeys(firms.QUALITY_COMPONENTS, "50")


def user(username: str) -> User:
    """A user by username, in the current session."""
    return db.scalars(select(User).where(User.username == username)).one()


def firm_fields(code: str, **extra) -> dict:
    return {"name": f"评估事务所 {code[-4:]}", "credit_code": code, "firm_type": "cpa", **extra}


def make_registry(bureau, make_user) -> SimpleNamespace:
    """Firms A and B; A's lead, a team member and an outsider; B's evaluator. Ids only."""
    a = firms.register_firm(bureau.perf, firm_fields(CODE_A, staff_count=40,
                                                     qualifications=["资产评估资格"]))
    b = firms.register_firm(bureau.perf, firm_fields(CODE_B, firm_type="consulting"))
    for name, firm in (("lead_a", a), ("member_a", a), ("outsider_a", a), ("eva_b", b)):
        make_user(name, "tp_evaluator")
        firms.assign_firm_staff(name, firm)
    ids = SimpleNamespace(a=a.id, b=b.id, u1=bureau.projects["p1"].unit_id,
                          u2=bureau.projects["p2"].unit_id)
    db.commit()
    return ids


def key_eval(unit_id: int, object_id: int = 7) -> list[dict]:
    return [{"kind": "key_evaluation", "id": object_id, "unit_id": unit_id}]


def engage(firm_id: int, scope: list[dict], *, lead: str = "lead_a", team: tuple = (),
           date: str = "2028-03-01", state: str = "active") -> int:
    """An engagement of the firm by `perf`, left in `state` (draft, declared, active, closed)."""
    perf = user("perf")
    engagement = firms.create_engagement(perf, db.get(ThirdPartyFirm, firm_id), {
        "procurement_method": "competitive_consultation", "contract_amount": "180000.00",
        "contract_date": date, "start_date": date, "lead_evaluator_user_id": user(lead).id,
        "team_user_ids": [user(u).id for u in team], "scope": scope})
    if state != "draft":
        firms.record_coi(perf, engagement)
    if state in ("active", "closed"):
        firms.activate_engagement(perf, engagement)
    if state == "closed":
        firms.close_engagement(perf, engagement)
    db.commit()
    return engagement.id


def score(engagement_id: int, components: dict = GOOD, remarks: str = "") -> None:
    """The chief's quality score of a finished engagement."""
    firms.score_quality(user("perfchief"), db.get(Engagement, engagement_id), components,
                        remarks)
    db.commit()


def engagements() -> int:
    """How many engagements exist."""
    return db.scalar(select(func.count(Engagement.id)))


def firm_reads(username: str) -> list[AuditLog]:
    """The "firm.read" audit rows of a user, oldest first."""
    return list(db.scalars(select(AuditLog).where(
        AuditLog.action == "firm.read", AuditLog.actor_id == user(username).id)
        .order_by(AuditLog.id)))
