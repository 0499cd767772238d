"""Starting and reading process instances over the API: bad input and scope."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import ProcessInstance, db
from tests.conftest import ready_task


def test_start_answers_with_the_instance_and_its_first_task(api, org):
    resp = api.post("/process-instances", "filer1", json={
        "process_key": "goal_declaration", "data": {"project_id": org.projects["p1"]}})
    assert resp.status_code == 201
    body = resp.get_json()
    assert set(body) == {"id", "process_key", "version", "status", "business_key", "subject",
                         "tasks", "history"}
    assert [t["task_key"] for t in body["tasks"]] == ["fill_sheet"]
    assert db.get(ProcessInstance, body["id"]).started_by_id == org.users["filer1"]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "process_key"),
    ({"data": {"project_id": 1}}, "process_key"),
    ({"process_key": 7, "data": {}}, "process_key"),
    ({"process_key": "", "data": {}}, "process_key"),
    ({"process_key": "goal_declaration", "data": []}, "data"),
    ({"process_key": "goal_declaration", "data": "p1"}, "data"),
    ({"process_key": "goal_declaration", "data": {"project_id": 1}, "force": True}, "force"),
    ({"process_key": "goal_declaration", "data": {}}, "data.project_id"),
    ({"process_key": "goal_declaration", "data": {"project_id": "1"}}, "data.project_id"),
    ({"process_key": "goal_declaration", "data": {"project_id": True}}, "data.project_id"),
    ({"process_key": "goal_declaration", "data": {"project_id": 1.5}}, "data.project_id"),
])
def test_bad_start_body_is_422(api, org, body, field):
    resp = api.post("/process-instances", "filer1", json=body)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["errors"]
    assert db.scalar(select(func.count()).select_from(ProcessInstance)) == 0


@pytest.mark.parametrize(("data", "content_type"), [
    ("process_key=goal_declaration", "application/x-www-form-urlencoded"),
    ('{"process_key": "goal_declaration"}', "text/plain"),
    ("{process_key: goal_declaration}", "application/json"),
    ("", "application/json")])
def test_start_body_must_be_a_json_object(api, org, data, content_type):
    resp = api.post("/process-instances", "filer1", data=data, content_type=content_type)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["errors"]


@pytest.mark.parametrize(("process_key", "project_id"), [
    ("no_such_process", 1), ("goal_declaration", 999999), ("goal_declaration", -1)])
def test_unknown_process_or_project_is_404(api, org, process_key, project_id):
    resp = api.post("/process-instances", "filer1",
                    json={"process_key": process_key, "data": {"project_id": project_id}})
    assert resp.status_code == 404


def test_second_declaration_under_way_is_409(api, org, declaration):
    declaration("gate1_unit_review")
    resp = api.post("/process-instances", "filer1", json={
        "process_key": "goal_declaration", "data": {"project_id": org.projects["p1"]}})
    assert resp.status_code == 409
    assert "under way" in resp.get_json()["error"]["message"]


def test_instance_view_shows_ready_tasks_and_history(api, org, declaration):
    instance_id = declaration("gate2_section_review")
    body = api.get(f"/process-instances/{instance_id}", "perf").get_json()
    assert (body["id"], body["status"], body["version"]) == (instance_id, "running", 1)
    assert [t["id"] for t in body["tasks"]] == [ready_task(instance_id).id]
    assert body["tasks"][0]["assignee"]["username"] == "cadre1"
    assert [h["task_key"] for h in body["history"]] == ["fill_sheet", "gate1_unit_review"]
    assert set(body["history"][1]) >= {"task", "task_key", "user", "decision", "rating",
                                       "comment", "at"}


@pytest.mark.parametrize("path", ["/process-instances/999999", "/process-instances/x"])
def test_unknown_instance_is_404(api, org, path):
    assert api.get(path, "admin").status_code == 404
