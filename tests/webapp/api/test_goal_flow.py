"""The goal declaration driven entirely over the API: three gates, a return loop, history."""

from __future__ import annotations

from tests.conftest import GOOD_SHEET


def start(api, org, as_user="filer1", project="p1"):
    """POST /process-instances for a goal declaration."""
    return api.post("/process-instances", as_user, json={
        "process_key": "goal_declaration", "data": {"project_id": org.projects[project]}})


def only_task(instance: dict) -> dict:
    """The single ready task of an instance document."""
    assert len(instance["tasks"]) == 1, instance["tasks"]
    return instance["tasks"][0]


def complete(api, as_user, task_id, body):
    """POST /tasks/<id>/complete and return the instance document."""
    resp = api.post(f"/tasks/{task_id}/complete", as_user, json=body)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["instance"]


def test_declaration_passes_three_gates(api, org, api_token):
    api.bearer = api_token  # this test goes through POST /auth/token for every user
    resp = start(api, org)
    assert resp.status_code == 201, resp.get_json()
    instance = resp.get_json()
    assert (instance["process_key"], instance["version"], instance["status"]) == (
        "goal_declaration", 1, "running")
    assert instance["business_key"].startswith("goal_sheet:")
    assert instance["subject"] == "义务教育薄弱环节改善" and instance["history"] == []
    fill = only_task(instance)
    assert (fill["task_key"], fill["candidate_groups"], fill["assignee"]["username"]) == (
        "fill_sheet", ["unit_filer"], "filer1")  # the filer who opened it keeps the sheet
    assert fill["unit"] == {"id": fill["unit"]["id"], "name": "区教育局"}

    instance = complete(api, "filer1", fill["id"], {"sheet": GOOD_SHEET})
    gate1 = only_task(instance)
    assert gate1["task_key"] == "gate1_unit_review"
    inbox = api.get("/tasks", "leader1").get_json()
    assert [t["id"] for t in inbox["items"]] == [gate1["id"]]
    assert inbox["counts"] == {"assigned": 0, "claimable": 1, "overdue": 0}

    instance = complete(api, "leader1", gate1["id"],
                        {"decision": "approve", "comment": "单位同意", "rating": "good"})
    gate2 = only_task(instance)
    assert gate2["task_key"] == "gate2_section_review"
    assert gate2["assignee"] == {"id": org.users["cadre1"], "username": "cadre1",
                                 "name": "cadre1"}  # the unit's liaison cadre
    assert api.get("/tasks?scope=assigned", "cadre1").get_json()["total"] == 1
    assert api.get("/tasks", "cadre1b").get_json()["total"] == 0

    instance = complete(api, "cadre1", gate2["id"],
                        {"decision": "approve", "comment": "金额匹配", "rating": "good"})
    gate3 = only_task(instance)
    instance = complete(api, "perf", gate3["id"],
                        {"decision": "approve", "comment": "指标规范", "rating": "excellent"})
    assert (instance["status"], instance["tasks"]) == ("completed", [])

    got = api.get(f"/process-instances/{instance['id']}", "filer1").get_json()
    assert got["status"] == "completed"
    assert [(h["task_key"], h["user"], h["decision"], h["rating"], h["comment"])
            for h in got["history"]] == [
        ("fill_sheet", "filer1", "submit", None, None),
        ("gate1_unit_review", "leader1", "approve", "good", "单位同意"),
        ("gate2_section_review", "cadre1", "approve", "good", "金额匹配"),
        ("gate3_performance_review", "perf", "approve", "excellent", "指标规范")]
    assert all(h["at"] and h["status"] == "completed" for h in got["history"])
    assert got["history"][0]["task"] == "申报绩效目标"
    # Approved goals are locked: a new declaration of the project is refused.
    assert start(api, org).status_code == 409


def test_returned_sheet_loops_back_through_the_gates(api, org):
    instance = start(api, org).get_json()
    instance = complete(api, "filer1", only_task(instance)["id"], {"sheet": GOOD_SHEET})
    instance = complete(api, "leader1", only_task(instance)["id"],
                        {"decision": "approve", "comment": ""})
    instance = complete(api, "cadre1", only_task(instance)["id"],
                        {"decision": "return", "comment": "补充效益指标", "rating": "fair"})
    refill = only_task(instance)
    assert (refill["task_key"], refill["assignee"]["username"]) == ("fill_sheet", "filer1")
    assert api.get("/tasks", "filer1").get_json()["items"][0]["id"] == refill["id"]

    instance = complete(api, "filer1", refill["id"], {"sheet": GOOD_SHEET})
    assert only_task(instance)["task_key"] == "gate1_unit_review"
    history = api.get(f"/process-instances/{instance['id']}", "cadre1").get_json()["history"]
    assert [(h["task_key"], h["decision"], h["rating"], h["comment"]) for h in history] == [
        ("fill_sheet", "submit", None, None),
        ("gate1_unit_review", "approve", None, ""),
        ("gate2_section_review", "return", "fair", "补充效益指标"),
        ("fill_sheet", "submit", None, None)]
