"""The firm registry API: who reads the registry, a firm and an engagement; firm staff never
see quality scores or other firms, and their refused probes stay in the audit trail (R18)."""

from __future__ import annotations

import pytest

from tests.firm_data import (
    CODE_A,
    CODE_B,
    POOR,
    engage,
    firm_reads,
    key_eval,
    make_registry,
    score,
)

READER_ONLY_FIRM_KEYS = {"avg_quality_score", "eligible", "eligibility_problems", "engagements",
                         "quality_scores"}


@pytest.fixture
def reg(org, make_user, bureau):
    """Firms A and B with staff; a closed, poorly scored engagement of A with member_a."""
    ids = make_registry(bureau, make_user)
    ids.done = engage(ids.a, key_eval(ids.u1), team=("member_a",), state="closed")
    score(ids.done, POOR, remarks="REMARK")
    return ids


@pytest.mark.parametrize("who", ["perf", "perfchief", "leader"])
def test_the_registry_readers_list_the_firms(api, reg, who):
    resp = api.get("/firms", as_user=who)
    assert resp.status_code == 200, resp.get_json()
    items = {f["credit_code"]: f for f in resp.get_json()["items"]}
    assert set(items) == {CODE_A, CODE_B}
    a = items[CODE_A]
    assert (a["status"], a["avg_quality_score"], a["eligible"]) == ("warned", "50.00", True)
    assert a["qualifications"] == ["资产评估资格"] and a["staff_count"] == 40


@pytest.mark.parametrize("who", ["lead_a", "filer1", "admin", "cadre1"])
def test_others_may_not_list_the_firms(api, reg, who):
    assert api.get("/firms", as_user=who).status_code == 403


def test_the_api_needs_a_token(api, reg):
    for path in ("/firms", f"/firms/{reg.a}", f"/engagements/{reg.done}"):
        assert api.get(path).status_code == 401


def test_a_reader_gets_the_firm_with_engagements_and_scores(api, reg):
    body = api.get(f"/firms/{reg.a}", as_user="leader").get_json()
    assert body["eligibility_problems"] == [] and body["avg_quality_score"] == "50.00"
    [engagement] = body["engagements"]
    assert (engagement["id"], engagement["status"], engagement["contract_amount"]) == (
        reg.done, "closed", "180000.00")
    assert engagement["scope"] == [{"kind": "key_evaluation", "id": 7,
                                    "unit": {"id": reg.u1, "name": "区教育局"}}]
    assert engagement["lead_evaluator"]["name"] == "lead_a"
    [quality] = body["quality_scores"]
    assert (quality["engagement_id"], quality["total"], quality["grade"]) == (
        reg.done, "50.00", "poor")
    assert quality["remarks"] == "REMARK" and quality["scorer"]["name"] == "perfchief"


def test_firm_staff_get_their_own_profile_only(api, reg):
    resp = api.get(f"/firms/{reg.a}", as_user="lead_a")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["credit_code"] == CODE_A and body["status"] == "warned"
    assert not READER_ONLY_FIRM_KEYS & set(body)
    assert [(r.entity, r.after["allowed"]) for r in firm_reads("lead_a")] == [
        ("third_party_firm", True)]


def test_a_probe_of_another_firm_is_a_logged_404(api, reg):
    resp = api.get(f"/firms/{reg.a}", as_user="eva_b")
    assert resp.status_code == 404 and CODE_A not in resp.get_data(as_text=True)
    assert resp.get_json()["error"]["message"] == "firm not found"
    rows = firm_reads("eva_b")
    assert [(r.entity, r.entity_id, r.after["allowed"]) for r in rows] == [
        ("third_party_firm", str(reg.a), False)]


@pytest.mark.parametrize("who", ["filer1", "admin"])
def test_others_get_a_404_for_a_firm(api, reg, who):
    assert api.get(f"/firms/{reg.a}", as_user=who).status_code == 404


def test_a_reader_gets_the_engagement_with_its_score(api, reg):
    body = api.get(f"/engagements/{reg.done}", as_user="perf").get_json()
    assert body["firm"]["id"] == reg.a and body["coi_signed_at"] and body["closed_at"]
    assert [p["name"] for p in body["team"]] == ["member_a"]
    assert body["quality_score"]["grade"] == "poor" and body["eligibility_problems"] == []


def test_the_team_reads_its_engagement_without_the_score(api, reg):
    resp = api.get(f"/engagements/{reg.done}", as_user="member_a")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["id"] == reg.done and body["contract_amount"] == "180000.00"
    assert "quality_score" not in body and "eligibility_problems" not in body
    assert [(r.entity, r.entity_id, r.after["allowed"]) for r in firm_reads("member_a")] == [
        ("engagement", str(reg.done), True)]


@pytest.mark.parametrize("who", ["outsider_a", "eva_b"])
def test_a_probe_of_an_engagement_not_theirs_is_a_logged_404(api, reg, who):
    for probe in (reg.done, 999999):
        resp = api.get(f"/engagements/{probe}", as_user=who)
        assert resp.status_code == 404
        assert resp.get_json()["error"]["message"] == "engagement not found"
    rows = firm_reads(who)
    assert [(r.entity, r.entity_id, r.after["allowed"]) for r in rows] == [
        ("engagement", str(reg.done), False), ("engagement", "999999", False)]


@pytest.mark.parametrize("who", ["filer1", "admin", "cadre1"])
def test_others_get_a_404_for_an_engagement(api, reg, who):
    assert api.get(f"/engagements/{reg.done}", as_user=who).status_code == 404
