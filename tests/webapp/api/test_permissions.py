"""Who may claim and complete each step of a goal declaration over the API (DOMAIN rules)."""

from __future__ import annotations

import pytest

from models import Task, db
from tests.conftest import GOOD_SHEET, ready_task

from .conftest import APPROVE

USERS = ("filer1", "leader1", "filer2", "leader2", "cadre1", "cadre1b", "cadre2", "perf",
         "budget", "leader", "admin")
# Data scope: U2's people and the other section's cadre cannot see a U1 task at all (404);
# everyone else can see it, and only the candidate role (or the assignee) may act (else 403).
# Gate 2 is assigned to U1's liaison cadre1, so his section peer gets 409 (held by cadre1).
EXPECTED = {
    "fill_sheet": dict(zip(USERS, (200, 403, 404, 404, 403, 403, 404, 403, 403, 403, 403),
                           strict=True)),
    "gate1_unit_review": dict(zip(USERS, (403, 200, 404, 404, 403, 403, 404, 403, 403, 403,
                                          403), strict=True)),
    "gate2_section_review": dict(zip(USERS, (403, 403, 404, 404, 200, 409, 404, 403, 403, 403,
                                             403), strict=True)),
    "gate3_performance_review": dict(zip(USERS, (403, 403, 404, 404, 403, 403, 404, 200, 403,
                                                 403, 403), strict=True)),
}
def cases():
    """(step, user, status) for every step and user."""
    for step, row in EXPECTED.items():
        for username, status in row.items():
            yield pytest.param(step, username, status, id=f"{step}-{username}")


def body_for(step: str) -> dict:
    """A valid completion of the step."""
    return {"sheet": GOOD_SHEET} if step == "fill_sheet" else APPROVE


@pytest.mark.parametrize("action", ["claim", "complete"])
@pytest.mark.parametrize(("step", "username", "status"), list(cases()))
def test_claim_and_complete_matrix(api, org, declaration, step, username, status, action):
    instance_id = declaration(step)
    task = ready_task(instance_id, step)
    task_id, holder = task.id, task.assignee_id
    resp = api.post(f"/tasks/{task_id}/{action}", username,
                    json=body_for(step) if action == "complete" else None)
    assert resp.status_code == status, resp.get_json()
    row = db.get(Task, task_id)
    if status != 200:
        assert (row.status, row.assignee_id) == ("ready", holder)  # nothing changed
    elif action == "claim":
        assert (row.status, row.assignee_id) == ("ready", org.users[username])
    else:
        assert (row.status, row.completed_by_id) == ("completed", org.users[username])


@pytest.mark.parametrize("username", USERS)
def test_inbox_lists_only_tasks_the_caller_may_act_on(api, org, declaration, username):
    tasks = {"gate1_unit_review": ready_task(declaration("gate1_unit_review")).id,
             "fill_sheet": ready_task(declaration("fill_sheet", "p2", "filer2")).id}
    listed = {t["id"] for t in api.get("/tasks?per_page=100", username).get_json()["items"]}
    expected = {tasks["gate1_unit_review"]} if username == "leader1" else set()
    expected |= {tasks["fill_sheet"]} if username == "filer2" else set()
    assert listed == expected


@pytest.mark.parametrize("username", USERS)
def test_task_and_instance_are_visible_within_data_scope(api, org, declaration, username):
    instance_id = declaration("gate1_unit_review")
    task_id = ready_task(instance_id).id
    expected = 404 if username in ("filer2", "leader2", "cadre2") else 200
    assert api.get(f"/tasks/{task_id}", username).status_code == expected
    assert api.get(f"/process-instances/{instance_id}", username).status_code == expected


def test_filer_holding_the_leader_role_cannot_approve_own_sheet(api, org, declaration):
    instance_id = declaration("gate1_unit_review", filer="both1")
    task_id = ready_task(instance_id).id
    resp = api.post(f"/tasks/{task_id}/complete", "both1", json=APPROVE)
    assert resp.status_code == 403
    assert "R9" in resp.get_json()["error"]["message"]
    row = db.get(Task, task_id)
    assert (row.status, row.assignee_id, row.completed_by_id) == ("ready", None, None)
    # Another leader of the unit can still sign it off.
    assert api.post(f"/tasks/{task_id}/complete", "leader1", json=APPROVE).status_code == 200


def test_only_a_filer_of_the_projects_unit_starts_its_declaration(api, org):
    def start(username, project="p1"):
        return api.post("/process-instances", username, json={
            "process_key": "goal_declaration", "data": {"project_id": org.projects[project]}})

    for username, status in (("leader1", 403), ("cadre1", 403), ("perf", 403), ("admin", 403),
                             ("filer2", 404), ("leader2", 404), ("cadre2", 404)):
        resp = start(username)
        assert resp.status_code == status, (username, resp.get_json())
    assert start("filer1").status_code == 201
    assert start("both1").status_code == 409  # one declaration at a time
    assert start("filer2", "p2").status_code == 201
