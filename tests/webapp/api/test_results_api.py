"""Result application over the API: final accounts, running the rules, a proposal through its
steps with the documented bodies, the summary and scope."""

from __future__ import annotations

from models import ResultApplication, db
from tests.cycle_data import graded, ready


def test_rules_and_a_proposal_through_the_api(api, org, bureau):
    graded(bureau, "p1", "poor")
    db.commit()
    resp = api.post("/final-accounts", "budget", json={"fiscal_year": 2026, "accounts": [
        {"unit_code": "U1", "expenditure": "10000000", "carryover": "1000000",
         "balance": "801000", "operating_funds": "2000000"},
        {"unit_code": "U2", "expenditure": "90000000", "carryover": "0",
         "balance": "6199000", "operating_funds": "5000000"}]})
    assert resp.status_code == 201 and resp.get_json() == {"accounts": 2, "balances": 0}
    assert api.post("/final-accounts", "filer1", json={
        "fiscal_year": 2026, "accounts": [{}]}).status_code == 403
    resp = api.post("/result-application-rounds", "perf", json={
        "target_year": 2028, "source_year": 2026, "compilation_date": "2027-09-01"})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["added"] == 2 and body["county_ratio"] == "8.0000"
    listing = api.get(f"/result-applications?round_id={body['id']}", "perf").get_json()
    assert listing["total"] == 2 and listing["summary"]["balance_units"] == 1
    cut = next(i for i in listing["items"] if i["rule_id"] == "R25")
    assert cut["budget_effect"] == "-200000.00" and cut["basis"]["ratio"] == "18.0100"
    application = db.get(ResultApplication, cut["id"])
    for key, who, payload in (
            ("result_review", "perf", {"decision": "confirm", "pct": "5"}),
            ("result_section_comment", "chief1", {"comment": "同意"}),
            ("result_leader_approve", "leader", {"decision": "approve"}),
            ("result_apply", "budget", {"note": "已调整"})):
        resp = api.post(f"/tasks/{ready(application, key).id}/complete", who, json=payload)
        assert resp.status_code == 200, (key, resp.get_json())
    detail = api.get(f"/result-applications/{cut['id']}", "leader1").get_json()
    assert detail["status"] == "applied" and detail["applied_effect"] == "-100000.00"
    assert api.get(f"/result-applications/{cut['id']}", "filer2").status_code == 404
    resp = api.post(f"/result-application-rounds/{body['id']}/proposals", "perf", json={
        "action": "management_rule_revision", "unit_id": bureau.filer1.unit_id,
        "basis_text": "修订专项资金管理办法"})
    assert resp.status_code == 201 and resp.get_json()["rule_id"] == "discretionary"
