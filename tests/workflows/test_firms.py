"""Third-party firms: credit codes, R19 eligibility, R20 independence, R21 negative list,
R22 quality and status, R18 access by firm staff (every check audited)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from models import AuditLog, FirmQualityScore, db
from workflows import firms
from workflows.engine import clock
from workflows.errors import Conflict, Forbidden, InvalidInput, NotFound

CODE_A = "91350100M000100Y43"  # the example code of GB 32100-2015
CODE_B = "91440300708461136T"
CODE_C = "91110108551385082Q"
GOOD = dict.fromkeys(firms.QUALITY_COMPONENTS, 85)
POOR = dict.fromkeys(firms.QUALITY_COMPONENTS, 50)


def firm_fields(code: str, **extra) -> dict:
    return {"name": f"事务所 {code[-4:]}", "credit_code": code, "firm_type": "cpa", **extra}


@pytest.fixture
def reg(bureau, make_user):
    """Two registered firms; firm A's lead, a team member and an outsider; firm B's evaluator."""
    a = firms.register_firm(bureau.perf, firm_fields(CODE_A, staff_count=40))
    b = firms.register_firm(bureau.perf, firm_fields(CODE_B, firm_type="consulting"))
    users = {}
    for name, firm in (("lead_a", a), ("member_a", a), ("outsider_a", a), ("eva_b", b)):
        users[name] = make_user(name, "tp_evaluator")
        firms.assign_firm_staff(name, firm)
    u1, u2 = (bureau.projects[p].unit_id for p in ("p1", "p2"))
    return SimpleNamespace(a=a, b=b, u1=u1, u2=u2, perf=bureau.perf, chief=bureau.perfchief,
                           **users)


def engage(reg, firm, scope, *, lead=None, team=(), date="2028-03-01", activate=True, **extra):
    """An engagement of `firm` (activated, with a signed declaration, unless told otherwise)."""
    lead = lead or (reg.lead_a if firm is reg.a else reg.eva_b)
    engagement = firms.create_engagement(reg.perf, firm, {
        "procurement_method": "competitive_consultation", "contract_amount": "180000.00",
        "contract_date": date, "lead_evaluator_user_id": lead.id,
        "team_user_ids": [u.id for u in team], "scope": scope, **extra})
    if activate:
        firms.record_coi(reg.perf, engagement)
        firms.activate_engagement(reg.perf, engagement)
    return engagement


def key_eval(unit_id: int, object_id: int = 7) -> list[dict]:
    return [{"kind": "key_evaluation", "id": object_id, "unit_id": unit_id}]


# ---------------------------------------------------------------- registry and credit codes

@pytest.mark.parametrize("code", [CODE_A, CODE_B, CODE_C, " 91350100m000100y43 "])
def test_valid_credit_codes_are_accepted_in_capitals(code):
    assert firms.clean_credit_code(code) == code.strip().upper()


@pytest.mark.parametrize("code, message", [
    ("91350100M000100Y44", "the check character of this credit code is wrong"),
    ("91440300708461136X", "the check character of this credit code is wrong"),
    ("91350100M000100Y4", "18 characters"),
    ("9135010OM000100Y43", "18 characters"),       # a letter O in the region code
    ("91350100M00010IY43", "18 characters"),       # I is not in the alphabet
    (None, "18 characters"),
])
def test_bad_credit_codes_are_refused(code, message):
    with pytest.raises(ValueError, match=message):
        firms.clean_credit_code(code)


def test_registering_a_firm_validates_every_field_and_is_audited(reg):
    assert (reg.a.status, reg.a.staff_count, reg.a.avg_quality_score) == ("active", 40, None)
    row = db.scalar(select(AuditLog).where(AuditLog.entity == "third_party_firm",
                                           AuditLog.entity_id == str(reg.a.id)))
    assert (row.action, row.actor_id, row.after["credit_code"]) == ("create", reg.perf.id, CODE_A)
    with pytest.raises(InvalidInput) as err:
        firms.register_firm(reg.perf, {"name": "", "credit_code": "91350100M000100Y44",
                                       "firm_type": "astrologer", "staff_count": "many"})
    assert set(err.value.errors) == {"name", "credit_code", "firm_type", "staff_count"}
    with pytest.raises(InvalidInput) as err:
        firms.register_firm(reg.perf, firm_fields(CODE_A.lower()))
    assert err.value.errors == {"credit_code": ["a firm with this credit code is already "
                                                "registered"]}


@pytest.mark.parametrize("who", ["admin", "filer1", "leader"])
def test_only_the_performance_section_registers_firms(bureau, who):
    with pytest.raises(Forbidden):
        firms.register_firm(getattr(bureau, who), firm_fields(CODE_C))


def test_updating_a_firm_never_touches_its_status(reg):
    firms.update_firm(reg.perf, reg.a, {"major_violation_last_3y": True, "status": "active",
                                        "qualifications": ["证券期货相关业务许可"]})
    assert reg.a.major_violation_last_3y and reg.a.qualifications == ["证券期货相关业务许可"]
    with pytest.raises(InvalidInput) as err:
        firms.update_firm(reg.perf, reg.a, {"credit_code": CODE_B})
    assert list(err.value.errors) == ["credit_code"]


# ---------------------------------------------------------------- R19 eligibility

@pytest.mark.parametrize("status, violation, eligible", [
    ("active", False, True),
    ("warned", False, True),   # decided: a warning does not exclude (R22 excludes from suspended)
    ("suspended", False, False),
    ("blacklisted", False, False),
    ("active", True, False),
])
def test_eligibility(reg, status, violation, eligible):
    reg.a.status, reg.a.major_violation_last_3y = status, violation
    assert (reg.a in firms.eligible_firms(reg.a.bureau_id)) is eligible
    if eligible:
        firms.check_eligible(reg.a)
        engage(reg, reg.a, key_eval(reg.u1))
    else:
        with pytest.raises(Conflict):
            firms.check_eligible(reg.a)
        with pytest.raises(Conflict):
            engage(reg, reg.a, key_eval(reg.u1), activate=False)


def test_activation_needs_a_signed_declaration_and_a_lead_of_the_firm(reg):
    engagement = engage(reg, reg.a, key_eval(reg.u1), activate=False)
    with pytest.raises(Conflict, match="conflict-of-interest declaration"):
        firms.activate_engagement(reg.perf, engagement)
    firms.record_coi(reg.perf, engagement)
    reg.a.status = "suspended"  # the firm fell out of standing after the contract was drafted
    with pytest.raises(Conflict, match="suspended"):
        firms.activate_engagement(reg.perf, engagement)
    reg.a.status = "active"
    engagement.lead_evaluator_user_id = None
    with pytest.raises(Conflict, match="lead evaluator"):
        firms.activate_engagement(reg.perf, engagement)
    engagement.lead_evaluator_user_id = reg.lead_a.id
    firms.activate_engagement(reg.perf, engagement)
    assert engagement.status == "active"


def test_the_team_must_be_staff_of_the_engaged_firm(reg, bureau):
    with pytest.raises(InvalidInput) as err:
        engage(reg, reg.a, key_eval(reg.u1), lead=reg.eva_b, team=[bureau.perf], activate=False)
    assert set(err.value.errors) == {"lead_evaluator_user_id", "team_user_ids"}


# ---------------------------------------------------------------- R20 independence

@pytest.mark.parametrize("earlier, later, unit, refused", [
    ("2027-05-01", "2028-03-01", "u1", True),    # ex-ante of the unit the year before
    ("2028-01-10", "2028-03-01", "u1", True),    # the same year
    ("2026-05-01", "2028-03-01", "u1", False),   # two years before
    ("2027-05-01", "2028-03-01", "u2", False),   # another unit
])
def test_a_firm_may_not_evaluate_a_unit_it_assessed_ex_ante(reg, earlier, later, unit, refused):
    engage(reg, reg.a, [{"kind": "ex_ante", "id": 3, "unit_id": reg.u1}], date=earlier)
    if refused:
        with pytest.raises(Conflict, match="not independent"):
            engage(reg, reg.a, key_eval(getattr(reg, unit)), date=later, activate=False)
    else:
        engage(reg, reg.a, key_eval(getattr(reg, unit)), date=later)
    engage(reg, reg.b, key_eval(getattr(reg, unit)), date=later)  # another firm is independent


def test_a_firm_the_unit_commissioned_may_not_evaluate_it(reg):
    engage(reg, reg.a, [{"kind": "indicator_system", "id": 1, "unit_id": reg.u2}],
           date="2027-06-01", commissioning_party="department", commissioner_unit_id=reg.u1)
    with pytest.raises(Conflict, match="not independent"):
        engage(reg, reg.a, key_eval(reg.u1), activate=False)


def test_a_department_may_not_commission_its_own_evaluation(reg):
    with pytest.raises(Conflict, match="evaluation of itself"):
        engage(reg, reg.a, key_eval(reg.u1), commissioning_party="department",
               commissioner_unit_id=reg.u1, activate=False)


def test_one_engagement_may_not_advise_and_evaluate_the_same_unit(reg):
    with pytest.raises(Conflict, match="both advise and evaluate"):
        engage(reg, reg.a, [{"kind": "ex_ante", "id": 3, "unit_id": reg.u1},
                            *key_eval(reg.u1)], activate=False)


@pytest.mark.parametrize("advice, refused", [
    ("2028-06-01", True),    # advice in the year of the firm's evaluation
    ("2027-06-01", True),    # advice the year before it
    ("2029-06-01", False),   # advice after the evaluation year
])
def test_a_firm_evaluating_a_unit_may_not_also_advise_it(reg, advice, refused):
    engage(reg, reg.a, key_eval(reg.u1), date="2028-03-01")
    ex_ante = [{"kind": "ex_ante", "id": 3, "unit_id": reg.u1}]
    if refused:
        with pytest.raises(Conflict, match="not independent"):
            engage(reg, reg.a, ex_ante, date=advice, activate=False)
    else:
        engage(reg, reg.a, ex_ante, date=advice)


def test_independence_is_checked_again_at_activation(reg):
    evaluation = engage(reg, reg.a, key_eval(reg.u1), activate=False)
    engage(reg, reg.a, [{"kind": "ex_ante", "id": 3, "unit_id": reg.u1}])
    firms.record_coi(reg.perf, evaluation)
    with pytest.raises(Conflict, match="not independent"):
        firms.activate_engagement(reg.perf, evaluation)


# ---------------------------------------------------------------- R21 negative list

@pytest.mark.parametrize("kind, message", [
    ("self_evaluation", "self-evaluation may never be given to a third party (R21)"),
    ("bookkeeping", "choose one of"),
])
def test_scope_allows_only_the_listed_kinds(reg, kind, message):
    with pytest.raises(InvalidInput) as err:
        engage(reg, reg.a, [*key_eval(reg.u1), {"kind": kind, "id": 9, "unit_id": reg.u1}],
               activate=False)
    assert list(err.value.errors) == ["scope.1"]
    assert err.value.errors["scope.1"][0].startswith(message)


def test_scope_entries_name_an_object_and_a_unit(reg):
    with pytest.raises(InvalidInput) as err:
        engage(reg, reg.a, [{"kind": "ex_ante", "id": 0, "unit_id": reg.u1},
                            {"kind": "ex_ante", "id": 2, "unit_id": 999_999}], activate=False)
    assert set(err.value.errors) == {"scope.0", "scope.1"}
    with pytest.raises(InvalidInput, match="engagement has errors"):
        engage(reg, reg.a, [], activate=False)


# ---------------------------------------------------------------- R22 quality and status

def scored(reg, firm, components, *, months_ago: int = 0, object_id: int = 7):
    """Close an engagement of the firm and score it (optionally dated months back)."""
    engagement = engage(reg, firm, key_eval(reg.u1, object_id))
    firms.close_engagement(reg.perf, engagement)
    row = firms.score_quality(reg.perf, engagement, components)
    if months_ago:
        day = firms.months_before(row.at.date(), months_ago)
        row.at = row.at.replace(year=day.year, month=day.month, day=day.day)
        db.flush()
    return row


def test_the_total_is_weighted_and_graded_by_r1(reg):
    row = scored(reg, reg.a, {"plan_quality": 90, "fieldwork_compliance": 80,
                              "evidence_sufficiency": 70, "report_quality": "95.5",
                              "timeliness": 100, "integrity_confidentiality": 60})
    # 13.5 + 16 + 14 + 23.875 + 10 + 6 = 83.375 → 83.38
    assert (row.total, row.grade) == (Decimal("83.38"), "good")
    assert reg.a.avg_quality_score == Decimal("83.38") and reg.a.status == "active"


def test_scores_are_checked_and_given_once(reg):
    engagement = engage(reg, reg.a, key_eval(reg.u1))
    with pytest.raises(Conflict, match="delivered"):
        firms.score_quality(reg.perf, engagement, GOOD)
    firms.close_engagement(reg.perf, engagement)
    with pytest.raises(InvalidInput) as err:
        firms.score_quality(reg.perf, engagement, {**GOOD, "timeliness": 101,
                                                   "report_quality": None})
    assert set(err.value.errors) == {"timeliness", "report_quality"}
    firms.score_quality(reg.perf, engagement, GOOD)
    with pytest.raises(Conflict, match="already been scored"):
        firms.score_quality(reg.perf, engagement, GOOD)


def test_one_poor_score_warns_the_firm(reg):
    scored(reg, reg.a, POOR)
    assert reg.a.status == "warned" and reg.a in firms.eligible_firms(reg.a.bureau_id)
    scored(reg, reg.a, GOOD, object_id=8)  # a good score later does not lift the warning
    assert reg.a.status == "warned" and reg.a.avg_quality_score == Decimal("67.50")
    row = db.scalar(select(AuditLog).where(AuditLog.action == "status.warned"))
    assert (row.entity_id, row.reason) == (str(reg.a.id), "R22")


@pytest.mark.parametrize("months_apart, status", [(23, "suspended"), (24, "suspended"),
                                                  (25, "warned")])
def test_two_poor_scores_within_24_months_suspend_the_firm(reg, months_apart, status):
    scored(reg, reg.a, POOR, months_ago=months_apart)
    scored(reg, reg.a, POOR, object_id=8)
    assert reg.a.status == status
    assert (reg.a in firms.eligible_firms(reg.a.bureau_id)) is (status == "warned")


def test_a_false_report_blacklists_the_firm(reg):
    with pytest.raises(Forbidden):
        firms.mark_false_report(reg.perf, reg.a, "虚假报告")
    with pytest.raises(InvalidInput):
        firms.mark_false_report(reg.chief, reg.a, " ")
    firms.mark_false_report(reg.chief, reg.a, "评价报告数据造假，经核实")
    assert reg.a.status == "blacklisted"
    assert reg.a not in firms.eligible_firms(reg.a.bureau_id)
    assert reg.b in firms.eligible_firms(reg.a.bureau_id)
    with pytest.raises(Conflict, match="blacklisted"):
        engage(reg, reg.a, key_eval(reg.u1), activate=False)
    scored(reg, reg.b, POOR)
    firms.mark_false_report(reg.chief, reg.b, "报告失实")
    assert reg.b.status == "blacklisted"  # and later rules never lower it


# ---------------------------------------------------------------- R18 access

def _closed_days_ago(engagement, days):
    engagement.closed_at = clock.now() - timedelta(days=days)
    db.flush()


@pytest.mark.parametrize("who, state, object_id, expected", [
    ("lead_a", "active", 7, "write"),
    ("member_a", "active", 7, "write"),
    ("outsider_a", "active", 7, None),     # same firm, not on the team
    ("eva_b", "active", 7, None),          # another firm
    ("member_a", "active", 8, None),       # not in the scope
    ("member_a", "draft", 7, None),
    ("member_a", "delivered", 7, "read"),
    ("member_a", 29, 7, "read"),           # closed 29 days ago: read-only grace
    ("member_a", 30, 7, "read"),
    ("member_a", 31, 7, None),             # grace over
])
def test_firm_access_matrix(reg, who, state, object_id, expected):
    engagement = engage(reg, reg.a, key_eval(reg.u1, 7), team=[reg.member_a],
                        activate=state != "draft")
    if state == "delivered":
        engagement.status = "delivered"
    elif isinstance(state, int):
        firms.close_engagement(reg.perf, engagement)
        _closed_days_ago(engagement, state)
    user = getattr(reg, who)
    assert firms.firm_access(user, "key_evaluation", object_id) == expected
    assert firms.firm_can_see(user, "key_evaluation", object_id) is (expected is not None)
    rows = db.scalars(select(AuditLog).where(AuditLog.action == "firm.read",
                                             AuditLog.actor_id == user.id)).all()
    assert len(rows) == 2 and {(r.entity, r.entity_id) for r in rows} == {
        ("key_evaluation", str(object_id))}
    assert all(r.after["allowed"] is (expected is not None) for r in rows)


def test_the_kind_must_match_and_other_roles_are_not_firm_checked(reg, bureau):
    engage(reg, reg.a, key_eval(reg.u1, 7))
    assert firms.firm_access(reg.lead_a, "ex_ante", 7) is None
    assert firms.firm_access(bureau.perf, "key_evaluation", 7) is None
    assert db.scalar(select(AuditLog.id).where(AuditLog.action == "firm.read",
                                               AuditLog.actor_id == bureau.perf.id)) is None


def test_moving_to_another_firm_ends_access(reg):
    engage(reg, reg.a, key_eval(reg.u1, 7))
    assert firms.firm_access(reg.lead_a, "key_evaluation", 7) == "write"
    firms.assign_firm_staff("lead_a", reg.b)
    assert firms.firm_access(reg.lead_a, "key_evaluation", 7) is None


def test_firm_staff_see_only_their_own_firm(reg, bureau):
    assert firms.get_firm_or_404(reg.a.id, reg.lead_a) is reg.a
    assert firms.get_firm_or_404(reg.a.id, bureau.leader) is reg.a
    for user in (reg.eva_b, bureau.filer1):
        with pytest.raises(NotFound, match="firm not found"):
            firms.get_firm_or_404(reg.a.id, user)


# ---------------------------------------------------------------- the console

def test_firm_commands(runner, bureau, make_user):
    result = runner.invoke(args=["firm", "add", "湘潭某会计师事务所", "--credit-code", CODE_A,
                                 "--type", "cpa", "--staff", "35"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["firm", "add", "x", "--credit-code", "91350100M000100Y44",
                                 "--type", "law"])
    assert result.exit_code != 0 and "check character" in result.output
    assert "Traceback" not in result.output
    make_user("zhou", "tp_evaluator")
    result = runner.invoke(args=["firm", "staff", "zhou", "--credit-code", CODE_A])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["firm", "list"])
    assert result.exit_code == 0, result.output
    assert CODE_A in result.output and "湘潭某会计师事务所" in result.output
    assert db.scalar(select(FirmQualityScore.id)) is None
