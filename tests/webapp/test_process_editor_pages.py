"""The modeler and DMN editor pages, the JSON save and decision-trial endpoints, the version,
compare and migration pages: administrators only."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from models import ProcessDefinition, ProcessInstance, db
from tests.conftest import DATA, ready_task
from tests.workflows.test_process_editing import APPROVAL, GRADE, variant, with_check_step
from workflows.deploy import deploy_definition
from workflows.engine import runtime


def attr(page: str, name: str) -> str:
    """An attribute's value, whichever quotes the template used."""
    match = re.search(rf"""{name}=(?:'([^']*)'|"([^"]*)")""", page)
    assert match, name
    return (match.group(1) if match.group(1) is not None else match.group(2)).replace(
        "&#34;", '"')


@pytest.fixture
def approval(bureau):
    definition, _ = deploy_definition(APPROVAL.encode(), source_name="approval.bpmn")
    db.flush()
    return definition


def save(client, xml: str, kind: str = "bpmn", **extra):
    return client.post("/admin/processes/save", json={"xml": xml, "kind": kind, **extra})


@pytest.mark.usefixtures("english")
def test_the_modeler_opens_the_newest_version_with_roles_and_decisions(approval, as_user, get):
    as_user("admin")
    page = get("/admin/processes/tiny_approval/edit")
    assert attr(page, "data-xml-url") == "/admin/processes/tiny_approval/v1/download"
    assert (attr(page, "data-base-key"), attr(page, "data-base-version")) == ("tiny_approval", "1")
    roles = json.loads(attr(page, "data-roles"))
    assert "perf_staff" in roles and "admin" not in roles
    assert json.loads(attr(page, "data-decisions")) == ["grade"]
    assert "dist/modeler.js" in page
    table = get("/admin/processes/dmn:grade/edit")
    assert "data-dmn-modeler" in table and "dist/dmn-editor.js" in table
    assert attr(table, "data-test-url") == "/admin/decisions/test"
    new = get("/admin/processes/new")
    blank_url = attr(new, "data-xml-url")
    assert re.fullmatch(r"/admin/processes/blank/Process_[0-9a-f]{6}\.bpmn", blank_url)
    assert "isExecutable=\"true\"" in get(blank_url)
    get("/admin/processes/blank/..%2Fetc.bpmn", 404)
    get("/admin/processes/nothing_here/edit", 404)


def test_only_administrators_reach_the_editor(approval, as_user, get, client):
    as_user("perfchief")
    for path in ("/admin/processes/tiny_approval/edit", "/admin/processes/new",
                 "/admin/processes/tiny_approval/v1", "/admin/processes/tiny_approval/compare",
                 "/admin/processes/tiny_approval/migrate?source=1&target=2"):
        get(path, 403)
    resp = save(client, APPROVAL.replace("Tiny approval", "Mine"))
    assert resp.status_code == 403 and resp.json["message"]
    resp = client.post("/admin/decisions/test", json={"xml": GRADE, "decision_id": "grade",
                                                      "inputs": {"score": 1}})
    assert resp.status_code == 403
    assert len(db.scalars(select(ProcessDefinition.id)
                          .where(ProcessDefinition.key == "tiny_approval")).all()) == 1


@pytest.mark.usefixtures("english")
def test_save_deploys_the_next_version_or_names_the_offending_elements(approval, as_user, client):
    as_user("admin")
    bad = variant(('camunda:candidateGroups="perf_staff"', 'camunda:candidateGroups="wizard"'),
                  ('decision == "approve"', "__import__('os').system('id')"))
    resp = save(client, bad, base_key="tiny_approval", base_version=1)
    assert resp.status_code == 422
    problems = {(p["element_id"], p["message"]) for p in resp.json["problems"]}
    assert ("review", "unknown role 'wizard'") in problems
    assert any(el == "flow_approve" and "expression refused" in msg for el, msg in problems)
    assert resp.json["message"] == "nothing was deployed: 2 problems to fix"
    resp = save(client, with_check_step(), base_key="tiny_approval", base_version=1)
    assert resp.status_code == 201
    assert resp.json | {"url": None, "message": None} == {
        "created": True, "key": "tiny_approval", "version": 2, "url": None, "message": None,
        "edit_url": "/admin/processes/tiny_approval/edit"}
    assert "Version 2 deployed" in resp.json["message"]
    again = save(client, with_check_step(), base_key="tiny_approval", base_version=2)
    assert (again.status_code, again.json["created"]) == (200, False)
    stale = save(client, APPROVAL.replace("Tiny approval", "Stale"), base_key="tiny_approval",
                 base_version=1)
    assert stale.status_code == 409 and "version 2" in stale.json["message"]
    assert save(client, "", base_key="tiny_approval", base_version=2).status_code == 422
    assert client.post("/admin/processes/save", data="xml").status_code == 400
    assert save(client, GRADE, "bpmn").status_code == 422


def test_problems_are_shown_in_chinese(approval, as_user, client):
    as_user("admin")
    resp = save(client, variant(('camunda:candidateGroups="perf_staff"',
                                 'camunda:candidateGroups="wizard"')))
    assert resp.status_code == 422
    assert resp.json["problems"] == [{"element_id": "review", "message": "未知角色“wizard”"}]
    assert "未部署" in resp.json["message"]


def test_a_decision_table_is_tried_in_the_editor(bureau, as_user, client):
    as_user("admin")
    resp = client.post("/admin/decisions/test", json={
        "xml": GRADE, "decision_id": "grade", "inputs": {"score": 89.99}})
    assert resp.status_code == 200
    assert (resp.json["rule_id"], resp.json["row"], resp.json["outputs"]) == (
        "rule_good", 2, {"grade": "good"})
    resp = client.post("/admin/decisions/test", json={
        "xml": GRADE, "decision_id": "grade", "inputs": {"score": 120}})
    assert resp.status_code == 422 and resp.json["problems"]
    resp = client.post("/admin/decisions/test", json=["nope"])
    assert resp.status_code == 400
    assert save(client, GRADE.replace("评价等级", "评价等级（新）"), "dmn",
                base_key="dmn:grade", base_version=1).status_code == 201


@pytest.mark.usefixtures("english")
def test_version_page_compare_and_migration(approval, as_user, get, post, client):
    waiting = runtime.start_instance(approval, data={}, actor_id=None, business_key="w:1",
                                     subject="等待迁移", unit_id=None)
    as_user("admin")
    assert save(client, variant(('camunda:candidateGroups="perf_staff"',
                                 'camunda:candidateGroups="perf_chief"'),
                                xml=with_check_step()),
                base_key="tiny_approval", base_version=1).status_code == 201
    page = get("/admin/processes/tiny_approval/v1")
    assert json.loads(attr(page, "data-counts")) == {"review": 1}
    assert json.loads(attr(page, "data-marks")) == {"review": "jx-heat-5"}
    listing = get("/admin/processes")
    assert "/admin/processes/tiny_approval/migrate?source=1&amp;target=2" in listing
    compare = get("/admin/processes/tiny_approval/compare?old=1&new=2")
    assert json.loads(attr(compare, "data-marks"))  # the old side's
    assert 'data-change="added" data-element="check"' in compare
    assert 'data-change="changed" data-element="review"' in compare
    assert "candidateGroups: perf_staff → perf_chief" in compare
    assert "data-xml-diff" in compare
    get("/admin/processes/tiny_approval/compare?old=1&new=9", 404)
    plan = get("/admin/processes/tiny_approval/migrate?source=1&target=2")
    assert f'data-instance="{waiting.id}" data-movable="yes"' in plan
    assert "1 of 1 running instances can move" in plan
    post("/admin/processes/tiny_approval/migrate?source=1&target=2", {})  # nothing ticked
    assert runtime.pinned_for(db.get(ProcessInstance, waiting.id)).version == 1
    post("/admin/processes/tiny_approval/migrate?source=1&target=2", {"instance": "²"})
    assert runtime.pinned_for(db.get(ProcessInstance, waiting.id)).version == 1
    post("/admin/processes/tiny_approval/migrate?source=1&target=2",
         {"instance": str(waiting.id)})
    assert runtime.pinned_for(db.get(ProcessInstance, waiting.id)).version == 2
    assert ready_task(waiting.id).candidate_groups == "perf_chief"
    get("/admin/processes/tiny_approval/migrate?source=2&target=1", 422)


def test_the_instance_page_draws_the_path_taken(bureau, as_user, get):
    definition, _ = deploy_definition((DATA / "approval.bpmn").read_bytes())
    instance = runtime.start_instance(definition, data={}, actor_id=None, business_key="p:1",
                                      subject="路径", unit_id=None)
    as_user("admin")
    page = get(f"/instances/{instance.id}")
    assert json.loads(attr(page, "data-completed")) == ["start"]
    assert json.loads(attr(page, "data-active")) == ["review"]
