"""The firm registry pages: who reads the registry, who registers a firm, field errors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import ThirdPartyFirm, db

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
