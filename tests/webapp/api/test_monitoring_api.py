"""Double monitoring over the API: a round opened, a report through every step with the
documented bodies, the round's figures, fund actions and their reversal, scope."""

from __future__ import annotations

from datetime import timedelta

from models import GoalSheet, MonitoringReport, db
from tests.cycle_data import issued, ready, report_payload
from workflows.cycle_steps import today


def _task(report_id: int, key: str):
    return ready(db.get(MonitoringReport, report_id), key)


def test_a_round_and_a_fund_action_through_the_api(api, org, bureau):
    sheet_id = issued(bureau, "p1").id
    issued(bureau, "p2")
    db.commit()
    due = (today() + timedelta(days=20)).isoformat()
    bad = api.post("/monitoring-rounds", "perf", json={"fiscal_year": 2027})
    assert bad.status_code == 422
    resp = api.post("/monitoring-rounds", "perf", json={
        "fiscal_year": 2027, "period_label": "H1", "cutoff_date": "2027-06-30",
        "due_date": due, "time_progress": "50"})
    assert resp.status_code == 201, resp.get_json()
    round_id = resp.get_json()["id"]
    assert resp.get_json()["reports"] == 2
    assert api.post("/monitoring-rounds", "filer1", json={
        "fiscal_year": 2027, "period_label": "Q3", "cutoff_date": "2027-09-30",
        "due_date": due}).status_code == 403
    reports = api.get(f"/monitoring-reports?round_id={round_id}", "filer1").get_json()
    assert reports["total"] == 1
    report_id = reports["items"][0]["id"]
    body = report_payload(db.get(GoalSheet, sheet_id), "500000", measures="加快进度")
    for key, who, payload in (
            ("monitor_fill", "filer1", body),
            ("monitor_leader_review", "leader1", {"decision": "approve"}),
            ("monitor_liaison_review", "cadre1", {"decision": "approve"}),
            ("monitor_decide", "perf", {"finance_decision": "recover", "amount": "200000",
                                        "note": "收回结余"}),
            ("monitor_leader_approve", "leader", {"decision": "approve"}),
            ("monitor_execute", "budget", {"note": "已收回"})):
        resp = api.post(f"/tasks/{_task(report_id, key).id}/complete", who, json=payload)
        assert resp.status_code == 200, (key, resp.get_json())
    detail = api.get(f"/monitoring-reports/{report_id}", "perf").get_json()
    assert detail["status"] == "executed" and detail["flagged"]
    assert detail["fund_actions"][0]["amount"] == "200000.00"
    figures = api.get(f"/monitoring-rounds/{round_id}", "perf").get_json()
    assert figures["recovered"] == "200000.00" and figures["flagged"] == 1
    actions = api.get("/fund-actions", "perf").get_json()["items"]
    assert len(actions) == 1
    action_id = actions[0]["id"]
    assert api.post(f"/fund-actions/{action_id}/reverse", "perf",
                    json={"reason": "x"}).status_code == 403
    resp = api.post(f"/fund-actions/{action_id}/reverse", "leader", json={"reason": "误收回"})
    assert resp.status_code == 201 and resp.get_json()["reversal_of_id"] == action_id
    figures = api.get(f"/monitoring-rounds/{round_id}", "perf").get_json()
    assert figures["recovered"] == "0.00"
    assert api.get(f"/monitoring-reports/{report_id}", "filer2").status_code == 404
    assert api.post(f"/monitoring-rounds/{round_id}/close", "perf").status_code == 409
