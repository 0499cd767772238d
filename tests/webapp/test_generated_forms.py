"""Forms follow the diagram: the task page draws the generated fields of the task's own
definition version, alone or beside a domain form, and the server checks the same constraints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState

from models import Task, db
from tests.conftest import DATA, GOOD_SHEET, ready_task
from workflows.deploy import deploy_definition
from workflows.engine import runtime
from workflows.engine.store import load_state
from workflows.goal_review import start_goal_declaration
from workflows.tasks import complete_user_task

pytestmark = pytest.mark.usefixtures("english")
GOAL = (Path(__file__).resolve().parents[2] / "bpmn" / "goal_declaration.bpmn").read_text()
MEETING = (
    '<bpmn:extensionElements><camunda:formData>'
    '<camunda:formField id="meeting_date" label="Party group meeting date" type="date">'
    '<camunda:validation><camunda:constraint name="required" /></camunda:validation>'
    '</camunda:formField>'
    '<camunda:formField id="minutes_no" label="Minutes number" type="string">'
    '<camunda:validation><camunda:constraint name="maxlength" config="20" /></camunda:validation>'
    '</camunda:formField></camunda:formData></bpmn:extensionElements>')


def workflow_data(instance_id: int) -> dict:
    """The instance's data: the workflow's, and what its waiting tasks carry."""
    instance = runtime.lock_instance(instance_id)
    workflow = load_state(instance.state, instance.serializer_version,
                          runtime.pinned_for(instance).specs)
    data = dict(workflow.data)
    for task in workflow.get_tasks(state=TaskState.READY):
        data.update(task.data)
    return data


@pytest.fixture
def generic(bureau):
    definition, _ = deploy_definition((DATA / "form_fields.bpmn").read_bytes())
    instance = runtime.start_instance(definition, data={}, actor_id=None, business_key="g:1",
                                      subject="生成表单", unit_id=None)
    db.flush()
    return ready_task(instance.id)


def test_a_task_without_a_domain_form_shows_the_generated_fields(generic, as_user, get, client):
    as_user("perf")
    page = get(f"/tasks/{generic.id}")
    amount = re.search(r'<input id="field-amount"[^>]*>', page).group(0)
    assert 'type="number"' in amount and 'min="1"' in amount and 'max="1000"' in amount
    assert "required" in amount and 'name="field:amount"' in amount
    assert '<option value="approve">Approve</option>' in page
    assert 'type="checkbox" id="field-urgent" name="field:urgent"' in page
    # the browser's checks are a courtesy: the server refuses the same values
    resp = client.post(f"/tasks/{generic.id}", data={"field:amount": "0",
                                                     "field:decision": "maybe"})
    assert resp.status_code == 422
    assert "must be at least 1" in resp.text and "choose one of the listed options" in resp.text
    assert 'value="0"' in resp.text  # what was typed is shown again
    assert db.get(Task, generic.id).status == "ready"
    resp = client.post(f"/tasks/{generic.id}", data={"field:amount": "12",
                                                     "field:decision": "approve",
                                                     "field:urgent": "true"})
    assert resp.status_code == 302
    assert db.get(Task, generic.id).status == "completed"
    data = workflow_data(generic.instance_id)
    assert (data["amount"], data["decision"], data["urgent"], data["result"]) == (
        12, "approve", True, "approved")


def test_generated_fields_beside_the_goal_review_form(bureau, as_user, get, client):
    edited = GOAL.replace(
        '<bpmn:documentation>The unit\'s leader (unit_leader, not the filer) signs',
        MEETING + '<bpmn:documentation>The unit\'s leader (unit_leader, not the filer) signs', 1)
    assert edited != GOAL
    definition, created = deploy_definition(edited.encode(), source_name="goal-v2.bpmn")
    assert created and definition.user_tasks["gate1_unit_review"]["form_fields"]
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    gate1 = ready_task(instance.id)
    as_user("leader1")
    page = get(f"/tasks/{gate1.id}")
    assert 'name="decision"' in page and 'name="field:meeting_date"' in page
    assert 'type="date"' in page and 'maxlength="20"' in page
    resp = client.post(f"/tasks/{gate1.id}", data={"decision": "approve", "comment": "ok",
                                                   "field:minutes_no": "x" * 21})
    assert resp.status_code == 422
    assert "this field is required" in resp.text and "must have at most 20 characters" in resp.text
    assert db.get(Task, gate1.id).status == "ready"
    resp = client.post(f"/tasks/{gate1.id}", data={
        "decision": "approve", "comment": "ok", "field:meeting_date": "2026-11-20",
        "field:minutes_no": "党组〔2026〕12号"})
    assert resp.status_code == 302
    data = workflow_data(instance.id)
    assert (data["meeting_date"], data["minutes_no"]) == ("2026-11-20", "党组〔2026〕12号")


def test_the_api_checks_generated_fields_of_a_domain_task(bureau, client, api_token):
    edited = GOAL.replace('<bpmn:documentation>The unit\'s leader', MEETING +
                          '<bpmn:documentation>The unit\'s leader', 1)
    deploy_definition(edited.encode(), source_name="goal-v2.bpmn")
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    gate1 = ready_task(instance.id)
    headers = api_token("leader1")
    resp = client.post(f"/api/v1/tasks/{gate1.id}/complete", headers=headers,
                       json={"decision": "return", "comment": "",
                             "data": {"meeting_date": "yesterday"}})
    assert resp.status_code == 422
    errors = resp.json["error"]["errors"]
    assert "data.meeting_date" in errors and "comment" in errors  # both forms' errors at once
    resp = client.post(f"/api/v1/tasks/{gate1.id}/complete", headers=headers,
                       json={"decision": "approve", "data": {"meeting_date": "2026-11-20"}})
    assert resp.status_code == 200, resp.json


def test_instances_keep_the_fields_of_their_own_version(bureau, as_user, get):
    old = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    deploy_definition(GOAL.replace('<bpmn:documentation>The unit\'s leader', MEETING +
                                   '<bpmn:documentation>The unit\'s leader', 1).encode(),
                      source_name="goal-v2.bpmn")
    complete_user_task(ready_task(old.id), bureau.filer1, {"sheet": GOOD_SHEET})
    as_user("leader1")
    page = get(f"/tasks/{ready_task(old.id).id}")
    assert 'name="decision"' in page and "field:meeting_date" not in page
