"""The firm registry pages: who reads the registry, who registers a firm, field errors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import ThirdPartyFirm, db
from tests.firm_data import (
    CODE_A,
    POOR,
    engage,
    firm_reads,
    key_eval,
    make_registry,
    score,
)

pytestmark = pytest.mark.usefixtures("english")

CODE = "91350100M000100Y43"


def firm_form(**over) -> dict:
    data = {"name": "闽信评估咨询有限公司", "credit_code": CODE, "firm_type": "consulting",
            "staff_count": "25", "qualifications": "资产评估资格\n工程咨询资信"}
    return {**data, **over}


def test_perf_registers_a_firm_and_it_is_listed(bureau, as_user, get, post):
    as_user("perf")
    assert "Register a firm" in get("/firms/new")
    resp = post("/firms/new", firm_form())
    assert resp.headers["Location"].endswith("/firms")
    firm = db.scalar(select(ThirdPartyFirm).where(ThirdPartyFirm.credit_code == CODE))
    assert (firm.firm_type, firm.staff_count, firm.status) == ("consulting", 25, "active")
    assert firm.qualifications == ["资产评估资格", "工程咨询资信"]
    assert firm.major_violation_last_3y is False
    html = get("/firms")
    assert "has been registered" in html
    assert "闽信评估咨询有限公司" in html and CODE in html
    assert f'data-firm="{firm.id}"' in html and 'data-eligible="yes"' in html
    assert 'href="/firms/new"' in html


def test_a_major_violation_makes_the_firm_ineligible(bureau, as_user, get, post):
    as_user("perfchief")
    post("/firms/new", firm_form(major_violation_last_3y="yes"))
    assert 'data-eligible="no"' in get("/firms")


def test_a_wrong_check_character_is_a_422_naming_the_field(bureau, as_user, post):
    as_user("perf")
    resp = post("/firms/new", firm_form(credit_code=CODE[:-1] + "4"), status=422)
    html = resp.text
    assert 'id="f-credit_code-error"' in html
    assert "the check character of this credit code is wrong" in html
    assert 'value="闽信评估咨询有限公司"' in html  # the form keeps what was typed
    assert db.scalar(select(ThirdPartyFirm.id)) is None


def test_missing_fields_are_each_named(bureau, as_user, post):
    as_user("perf")
    html = post("/firms/new", {"name": "", "credit_code": "", "firm_type": ""}, status=422).text
    for name in ("name", "credit_code", "firm_type"):
        assert f'id="f-{name}-error"' in html


@pytest.mark.parametrize("user", ["filer1", "admin", "leader"])
def test_only_the_performance_section_registers(bureau, as_user, get, post, user):
    as_user(user)
    get("/firms/new", status=403)
    post("/firms/new", firm_form(), status=403)
    assert db.scalar(select(ThirdPartyFirm.id)) is None


@pytest.mark.parametrize("user", ["filer1", "admin", "cadre1", "budget"])
def test_others_cannot_read_the_registry(bureau, as_user, get, user):
    as_user(user)
    get("/firms", status=403)
    assert 'href="/firms"' not in get("/inbox")


def test_firm_staff_never_see_the_registry(bureau, make_user, as_user, get):
    make_user("tp1", "tp_evaluator")
    as_user("tp1")
    get("/firms", status=403)


def test_the_leader_reads_the_registry_without_the_register_button(bureau, as_user, get, post):
    as_user("perf")
    post("/firms/new", firm_form())
    as_user("leader")
    html = get("/firms")
    assert CODE in html and 'href="/firms"' in html
    assert "/firms/new" not in html and "Register a firm" not in html


# ---------------------------------------------------------------- one firm's page

@pytest.fixture
def reg(bureau, make_user):
    """Firms A and B with staff (committed); one closed, scored engagement of A."""
    ids = make_registry(bureau, make_user)
    ids.done = engage(ids.a, key_eval(ids.u1), team=("member_a",), state="closed")
    score(ids.done, POOR, remarks="报告论证不充分-REMARK")
    return ids


@pytest.mark.parametrize("who, manages", [("perf", True), ("perfchief", True),
                                          ("leader", False)])
def test_the_registry_readers_see_the_whole_firm(reg, as_user, get, who, manages):
    as_user(who)
    html = get(f"/firms/{reg.a}")
    assert CODE_A in html and "资产评估资格" in html and 'data-firm-status="warned"' in html
    assert 'data-average' in html and "50.00" in html  # one poor score: average and warning
    assert 'data-eligibility="yes"' in html
    assert f'data-engagement="{reg.done}"' in html and "18.00" in html  # 180,000 yuan in 万元
    assert f'data-score="{reg.done}"' in html and 'data-grade="poor"' in html
    assert "报告论证不充分-REMARK" in html
    assert ("data-edit-firm" in html) is manages
    assert ("data-new-engagement" in html) is manages
    assert ("data-false-report" in html) is (who == "perfchief")


def test_firm_staff_see_their_own_profile_only_and_the_read_is_logged(reg, as_user, get):
    as_user("lead_a")
    html = get(f"/firms/{reg.a}")
    assert CODE_A in html and "资产评估资格" in html and 'data-firm-status="warned"' in html
    for hidden in ("data-average", "data-eligibility", 'id="engagements"', 'id="quality"',
                   "data-score", "报告论证不充分-REMARK", "data-edit-firm", "Back to the registry"):
        assert hidden not in html, hidden
    rows = firm_reads("lead_a")
    assert [(r.entity, r.entity_id, r.after["allowed"]) for r in rows] == [
        ("third_party_firm", str(reg.a), True)]


def test_firm_staff_get_a_404_for_another_firm_and_the_probe_is_logged(reg, as_user, get):
    as_user("eva_b")
    assert CODE_A not in get(f"/firms/{reg.a}", status=404)
    get("/firms/999999", status=404)
    rows = firm_reads("eva_b")
    assert [(r.entity_id, r.after["allowed"]) for r in rows] == [(str(reg.a), False),
                                                                 ("999999", False)]


@pytest.mark.parametrize("who", ["filer1", "admin", "cadre1", "budget"])
def test_others_get_a_404_for_a_firm(reg, as_user, get, who):
    as_user(who)
    assert CODE_A not in get(f"/firms/{reg.a}", status=404)


def test_perf_edits_the_profile_but_never_the_status(reg, as_user, get, post):
    as_user("perf")
    html = get(f"/firms/{reg.a}/edit")
    assert 'value="40"' in html and "资产评估资格" in html and "data-status-note" in html
    post(f"/firms/{reg.a}/edit", firm_form(credit_code=CODE_A, staff_count="55",
                                           major_violation_last_3y="yes", status="active"))
    firm = db.get(ThirdPartyFirm, reg.a)
    assert (firm.staff_count, firm.major_violation_last_3y, firm.status) == (55, True, "warned")
    html = get(f"/firms/{reg.a}")
    assert "has been saved" in html and 'data-eligibility="no"' in html
    assert "data-problem" in html and "the firm had a major violation" in html
    assert "data-new-engagement" not in html  # an ineligible firm offers no new engagement


def test_a_bad_edit_is_a_422_and_nothing_changes(reg, as_user, post):
    as_user("perf")
    html = post(f"/firms/{reg.a}/edit", firm_form(credit_code=CODE_A[:-1] + "4",
                                                  staff_count="many"), status=422).text
    assert 'id="f-credit_code-error"' in html and 'id="f-staff_count-error"' in html
    firm = db.get(ThirdPartyFirm, reg.a)
    assert (firm.credit_code, firm.staff_count) == (CODE_A, 40)


@pytest.mark.parametrize("who, status", [("leader", 403), ("lead_a", 403), ("eva_b", 404),
                                         ("filer1", 404)])
def test_only_the_performance_section_edits_a_firm(reg, as_user, get, post, who, status):
    as_user(who)
    get(f"/firms/{reg.a}/edit", status=status)
    post(f"/firms/{reg.a}/edit", firm_form(credit_code=CODE_A, staff_count="1"), status=status)
    assert db.get(ThirdPartyFirm, reg.a).staff_count == 40


def test_the_chief_blacklists_a_firm_for_a_false_report(reg, as_user, get, post):
    as_user("perf")
    post(f"/firms/{reg.a}/false-report", {"reason": "数据造假"}, status=403)
    as_user("perfchief")
    html = post(f"/firms/{reg.a}/false-report", {"reason": " "}, status=422).text
    assert 'id="f-reason-error"' in html
    assert db.get(ThirdPartyFirm, reg.a).status == "warned"
    post(f"/firms/{reg.a}/false-report", {"reason": "评价报告数据造假，经核实"})
    html = get(f"/firms/{reg.a}")
    assert 'data-firm-status="blacklisted"' in html and 'data-eligibility="no"' in html
    assert "data-false-report" not in html and "blacklisted and may not be engaged" in html
