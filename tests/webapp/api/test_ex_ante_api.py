"""Ex-ante over the API: applying, the whole process through the task endpoints with their
documented bodies, the list with its summary, and scope."""

from __future__ import annotations

from models import ExAnteAssessment, db
from tests.cycle_data import APPLICATION, new_project, ready, scores


def complete(api, assessment_id: int, key: str, as_user: str, body: dict):
    assessment = db.get(ExAnteAssessment, assessment_id)
    return api.post(f"/tasks/{ready(assessment, key).id}/complete", as_user, json=body)


def test_an_assessment_from_application_to_conclusion(api, org, bureau):
    project_id = new_project(amount=900_000).id
    db.commit()
    resp = api.post("/ex-ante", "filer1", json={"project_id": project_id})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    ident = body["id"]
    assert body["status"] == "draft" and body["requested_amount"] == "900000.00"
    assert [t["task_key"] for t in body["open_tasks"]] == ["ex_ante_fill"]
    bad = complete(api, ident, "ex_ante_fill", "filer1", {"application": {}})
    assert bad.status_code == 422, bad.get_json()
    assert "application.basis" in bad.get_json()["error"]["errors"]
    stray = complete(api, ident, "ex_ante_fill", "filer1", {**APPLICATION, "rating": "good"})
    assert stray.status_code == 422 and "rating" in stray.get_json()["error"]["errors"]
    for key, who, payload in (
            ("ex_ante_fill", "filer1", APPLICATION),
            ("ex_ante_leader_review", "leader1", {"decision": "approve"}),
            ("ex_ante_completeness", "cadre1", {"decision": "approve"}),
            ("ex_ante_choose_mode", "perf", {"mode": "expert_panel"}),
            ("ex_ante_score", "perf", {"dimension_scores": scores(14, 14, 14, 14, 14),
                                       "recommended_amount": "700000", "opinion": "压减"}),
            ("ex_ante_chief_approve", "perfchief", {"decision": "approve"}),
            ("ex_ante_revise", "filer1", {"revision_note": "压减规模"})):
        resp = complete(api, ident, key, who, payload)
        assert resp.status_code == 200, (key, resp.get_json())
    detail = api.get(f"/ex-ante/{ident}", "leader1").get_json()
    assert detail["status"] == "arrangeable" and detail["conclusion"] == "support_with_revision"
    assert detail["reduction"] == "200000.00" and detail["dimension_scores"]["economy"] == "14"
    listing = api.get("/ex-ante?conclusion=support_with_revision", "perf").get_json()
    assert listing["total"] == 1 and listing["summary"]["reduction"] == "200000.00"


def test_scope_and_refusals(api, org, bureau):
    project_id = new_project(amount=900_000).id
    small_id = new_project("小项目", amount=100_000).id
    db.commit()
    assert api.post("/ex-ante", "filer2", json={"project_id": project_id}).status_code == 404
    assert api.post("/ex-ante", "filer1", json={"project_id": small_id}).status_code == 409
    assert api.post("/ex-ante", "filer1", json={"project_id": "x"}).status_code == 422
    ident = api.post("/ex-ante", "filer1", json={"project_id": project_id}).get_json()["id"]
    assert api.post("/ex-ante", "filer1", json={"project_id": project_id}).status_code == 409
    assert api.get(f"/ex-ante/{ident}", "filer2").status_code == 404
    assert api.get("/ex-ante", "filer2").get_json()["total"] == 0
    assert api.get("/ex-ante?status=nope", "perf").status_code == 422
