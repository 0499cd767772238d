"""The inbox, claiming and completing over the API: filters, conflicts and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from models import Task, db
from models.base import utcnow
from tests.conftest import GOOD_SHEET, ready_task
from workflows import org as org_ops
from workflows.goal_review import start_goal_declaration
from workflows.tasks import claim_task, unclaim_task

from .conftest import APPROVE, user


def start_many(count: int) -> list[int]:
    """Fill tasks of `count` fresh U1 projects, all filed by filer1."""
    ids = []
    for n in range(count):
        project = org_ops.add_project("U1", f"项目{n}", 100_000, fiscal_year=2027)
        ids.append(ready_task(start_goal_declaration(project, user("filer1")).id).id)
    db.commit()
    return ids


def test_inbox_pages_filters_and_counts(api, org):
    ids = start_many(3)  # each fill task goes to filer1, who opened it
    for task_id in ids[1:]:
        unclaim_task(db.get(Task, task_id), user("filer1"))
    db.get(Task, ids[2]).due_at = utcnow() - timedelta(days=1)
    db.commit()
    page = api.get("/tasks?per_page=2", "filer1").get_json()
    assert (page["total"], page["page"], page["per_page"], page["pages"]) == (3, 1, 2, 2)
    assert page["counts"] == {"assigned": 1, "claimable": 2, "overdue": 1}
    assert page["items"][0]["id"] == ids[2] and page["items"][0]["overdue"] is True
    assert len(page["items"]) == 2
    second = api.get("/tasks?per_page=2&page=2", "filer1").get_json()
    assert [t["id"] for t in second["items"]] == [ids[1]]
    assert api.get("/tasks?page=9", "filer1").get_json()["items"] == []

    def listed(query):
        return [t["id"] for t in api.get(f"/tasks?{query}", "filer1").get_json()["items"]]
    assert listed("scope=assigned") == [ids[0]]
    assert sorted(listed("scope=claimable")) == sorted(ids[1:])
    assert listed("scope=overdue") == [ids[2]]
    assert sorted(listed("q=项目1")) == [ids[1]]
    assert listed("process_key=rectification") == []
    assert listed(f"unit_id={db.get(Task, ids[0]).unit_id + 1000}") == []
    held = next(t for t in api.get("/tasks", "filer1").get_json()["items"] if t["id"] == ids[0])
    assert held["assignee"] == {"id": org.users["filer1"], "username": "filer1",
                                "name": "filer1"}
    assert set(held) == {"id", "name", "task_key", "process_key", "instance_id", "subject",
                         "status", "unit", "assignee", "candidate_groups", "due_at", "overdue",
                         "priority", "created_at"}


def test_inbox_query_count_does_not_grow_with_the_page(api, org, connection):
    ids = start_many(4)
    for task_id in ids[:2]:
        claim_task(db.get(Task, task_id), user("filer1"))
    db.commit()
    api.bearer("filer1")  # mint the token outside the counted requests
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def queries(per_page: int) -> int:
        db.remove()  # start each request from an empty identity map, as in production
        statements.clear()
        event.listen(connection, "before_cursor_execute", count)
        try:
            resp = api.get(f"/tasks?per_page={per_page}", "filer1")
        finally:
            event.remove(connection, "before_cursor_execute", count)
        assert len(resp.get_json()["items"]) == per_page
        return len(statements)

    assert queries(1) == queries(4) <= 10


def test_get_task_shows_its_form(api, org, declaration):
    instance_id = declaration("gate2_section_review")
    task = api.get(f"/tasks/{ready_task(instance_id).id}", "cadre1").get_json()
    assert (task["instance_id"], task["form_key"], task["status"]) == (
        instance_id, "jixiao:goal_review", "ready")
    assert task["candidate_groups"] == ["section_cadre", "section_chief"]
    assert task["due_at"] and task["overdue"] is False


def test_completing_twice_is_409(api, org, declaration):
    task_id = ready_task(declaration("gate1_unit_review")).id
    assert api.post(f"/tasks/{task_id}/complete", "leader1", json=APPROVE).status_code == 200
    again = api.post(f"/tasks/{task_id}/complete", "leader1", json=APPROVE)
    assert again.status_code == 409
    assert "already been completed" in again.get_json()["error"]["message"]
    assert api.post(f"/tasks/{task_id}/claim", "leader1").status_code == 409
    assert api.post(f"/tasks/{task_id}/unclaim", "leader1").status_code == 409


def test_completing_after_someone_else_claimed_is_409(api, org, declaration):
    task_id = ready_task(declaration("gate3_performance_review")).id
    assert api.get(f"/tasks/{task_id}", "perf").get_json()["assignee"] is None  # perf looks
    assert api.post(f"/tasks/{task_id}/claim", "perfchief").status_code == 200  # chief claims
    resp = api.post(f"/tasks/{task_id}/complete", "perf", json=APPROVE)  # perf submits
    assert resp.status_code == 409
    assert "held by another user" in resp.get_json()["error"]["message"]
    assert api.post(f"/tasks/{task_id}/claim", "perf").status_code == 409
    row = db.get(Task, task_id)
    assert (row.status, row.assignee_id) == ("ready", org.users["perfchief"])


def test_release_returns_the_task_to_its_groups(api, org, declaration):
    task_id = ready_task(declaration("gate2_section_review")).id
    assert api.post(f"/tasks/{task_id}/unclaim", "cadre1b").status_code == 409  # not his
    released = api.post(f"/tasks/{task_id}/unclaim", "cadre1")
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    assert api.get("/tasks?scope=claimable", "cadre1b").get_json()["total"] == 1
    claimed = api.post(f"/tasks/{task_id}/claim", "cadre1b")
    assert claimed.get_json()["assignee"]["username"] == "cadre1b"
    assert api.post(f"/tasks/{task_id}/complete", "cadre1", json=APPROVE).status_code == 409
    assert api.post(f"/tasks/{task_id}/complete", "cadre1b", json=APPROVE).status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"decision": "approve", "comment": "", "rating": "fair"}, "decision"),  # R10
    ({"decision": "approve", "comment": "", "rating": "poor"}, "decision"),  # R10
    ({"decision": "return", "rating": "good"}, "comment"),
    ({"decision": "return", "comment": "   ", "rating": "good"}, "comment"),
    ({"decision": "approve", "comment": "x" * 2001, "rating": "good"}, "comment"),
    ({"decision": "approve", "comment": "ok"}, "rating"),  # gate 2 must rate
    ({"decision": "approve", "comment": "ok", "rating": "superb"}, "rating"),
    ({"decision": "maybe", "comment": "ok", "rating": "good"}, "decision"),
    ({"comment": "ok", "rating": "good"}, "decision"),
    ({"decision": "approve", "score": 101}, "score"),
])
def test_invalid_review_is_422_and_changes_nothing(api, org, declaration, body, field):
    task_id = ready_task(declaration("gate2_section_review")).id
    resp = api.post(f"/tasks/{task_id}/complete", "cadre1", json=body)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["errors"]
    assert db.get(Task, task_id).status == "ready"


def test_score_is_graded_into_the_rating(api, org, declaration):
    task_id = ready_task(declaration("gate2_section_review")).id
    resp = api.post(f"/tasks/{task_id}/complete", "cadre1",
                    json={"decision": "approve", "comment": "", "score": 91.5})
    assert resp.status_code == 200
    assert resp.get_json()["instance"]["history"][-1]["rating"] == "excellent"


def test_invalid_sheet_errors_name_the_field(api, org, declaration):
    task_id = ready_task(declaration("fill_sheet")).id
    sheet = {**GOOD_SHEET, "indicators": [
        {**GOOD_SHEET["indicators"][0], "target_value": "十二"}, *GOOD_SHEET["indicators"][1:]]}
    resp = api.post(f"/tasks/{task_id}/complete", "filer1", json={"sheet": sheet})
    assert resp.status_code == 422
    assert "sheet.indicators.0.target_value" in resp.get_json()["error"]["errors"]
    empty = api.post(f"/tasks/{task_id}/complete", "filer1",
                     json={"sheet": {"overall_goal": "", "indicators": []}})
    assert "sheet.overall_goal" in empty.get_json()["error"]["errors"]
    missing = api.post(f"/tasks/{task_id}/complete", "filer1", json={})
    assert missing.status_code == 422
    assert db.get(Task, task_id).status == "ready"


@pytest.mark.parametrize(("step", "username", "body", "field"), [
    ("fill_sheet", "filer1", {"sheet": GOOD_SHEET, "extra": 1}, "extra"),
    ("fill_sheet", "filer1", {"sheet": "goals"}, "sheet"),
    ("fill_sheet", "filer1", {"sheet": [GOOD_SHEET]}, "sheet"),
    ("fill_sheet", "filer1", {"sheet": GOOD_SHEET, "decision": "approve"}, "decision"),
    ("fill_sheet", "filer1", {"data": {}}, "data"),
    ("gate1_unit_review", "leader1", {**APPROVE, "sheet": GOOD_SHEET}, "sheet"),
    ("gate1_unit_review", "leader1", {**APPROVE, "decision": 1}, "decision"),
    ("gate1_unit_review", "leader1", {**APPROVE, "comment": ["a"]}, "comment"),
    ("gate1_unit_review", "leader1", {**APPROVE, "score": "NaN"}, "score"),
    ("gate1_unit_review", "leader1", {**APPROVE, "data": {"x": 1}}, "data"),
])
def test_completion_body_shape_is_validated(api, org, declaration, step, username, body, field):
    task_id = ready_task(declaration(step)).id
    resp = api.post(f"/tasks/{task_id}/complete", username, json=body)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["errors"]
    assert db.get(Task, task_id).status == "ready"


@pytest.mark.parametrize(("data", "content_type"), [
    ("decision=approve", "application/x-www-form-urlencoded"),
    ('{"decision": "approve"}', "text/plain"),
    ('{"decision": ', "application/json"),
    ("[1, 2]", "application/json"),
    ('"approve"', "application/json")])
def test_completion_body_must_be_a_json_object(api, org, declaration, data, content_type):
    task_id = ready_task(declaration("gate1_unit_review")).id
    resp = api.post(f"/tasks/{task_id}/complete", "leader1", data=data,
                    content_type=content_type)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["errors"]


@pytest.mark.parametrize("query", [
    "scope=foo", "per_page=1000", "per_page=0", "page=0", "page=-1", "page=x", "per_page=",
    "unit_id=0", "unit_id=abc", f"q={'x' * 101}"])
def test_bad_inbox_query_is_422(api, org, query):
    resp = api.get(f"/tasks?{query}", "filer1")
    assert resp.status_code == 422
    assert query.split("=")[0] in resp.get_json()["error"]["errors"]


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/tasks/999999"), ("post", "/tasks/999999/claim"),
    ("post", "/tasks/999999/unclaim"), ("post", "/tasks/999999/complete"),
    ("get", "/tasks/abc"), ("post", "/tasks/-1/claim")])
def test_unknown_task_is_404(api, org, method, path):
    resp = getattr(api, method)(path, "perf", json={} if method == "post" else None)
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == 404


def test_wrong_method_is_a_json_405(api, org):
    resp = api.get("/tasks/1/complete", "perf")
    assert resp.status_code == 405 and resp.get_json()["error"]["code"] == 405
