"""The administrators' process list: versions with deployer, hash and instance counts per
version, the active version marked, each version downloadable as deployed; nobody else."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models import ProcessDefinition, db
from tests.conftest import DATA
from workflows.deploy import deploy_definition
from workflows.goal_review import start_goal_declaration

pytestmark = pytest.mark.usefixtures("english")


def section(page: str, key: str) -> str:
    match = re.search(rf'<section class="jx-card" data-process="{re.escape(key)}"[^>]*>'
                      r"(.*?)</section>", page, re.S)
    assert match, key
    return match.group(1)


def counts(block: str, version: int) -> tuple[str, str]:
    row = re.search(rf'<tr data-version="{version}">(.*?)</tr>', block, re.S).group(1)
    return (re.search(r"data-running>(\d+)<", row).group(1),
            re.search(r"data-completed>(\d+)<", row).group(1))


def test_versions_with_their_instances_and_the_active_one(bureau, as_user, get):
    start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    done = start_goal_declaration(bureau.projects["p2"], bureau.filer2)
    done.status = "completed"
    first, _ = deploy_definition((DATA / "approval.bpmn").read_bytes(), source_name="a.bpmn",
                                 actor_id=bureau.admin.id)
    second, _ = deploy_definition((DATA / "approval_v2.bpmn").read_bytes(),
                                  source_name="b.bpmn", actor_id=bureau.admin.id)
    assert (first.key, second.version) == (second.key, first.version + 1)
    db.flush()
    as_user("admin")
    page = get("/admin/processes")
    goal = section(page, "goal_declaration")
    assert counts(goal, 1) == ("1", "1") and "data-active" in goal
    # where the running instance waits: one ready task at the filer's step
    assert re.search(r'data-element="fill_sheet"[^>]*>[^<]* · 1<', goal)
    approval = section(page, second.key)
    rows = dict(re.findall(r'<tr data-version="(\d+)">(.*?)</tr>', approval, re.S))
    assert "data-active" in rows[str(second.version)]
    assert "data-active" not in rows[str(first.version)]
    assert second.content_hash[:12] in rows[str(second.version)] and "b.bpmn" in approval
    assert "Decision table" in section(page, "dmn:grade")  # decision tables are listed too


def test_a_version_downloads_as_deployed(bureau, as_user, client):
    as_user("admin")
    resp = client.get("/admin/processes/goal_declaration/v1/download")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == \
        'attachment; filename="goal_declaration-v1.bpmn"'
    assert resp.data.decode() == db.scalar(select(ProcessDefinition.bpmn_xml).where(
        ProcessDefinition.key == "goal_declaration", ProcessDefinition.version == 1))
    resp = client.get("/admin/processes/dmn:grade/v1/download")
    assert resp.status_code == 200 and resp.headers["Content-Disposition"].endswith(
        'filename="grade-v1.dmn"')
    assert client.get("/admin/processes/goal_declaration/v99/download").status_code == 404


@pytest.mark.parametrize("user", ["perf", "perfchief", "leader", "filer1", "cadre1"])
def test_only_administrators_see_the_processes(bureau, as_user, client, user):
    as_user(user)
    assert client.get("/admin/processes").status_code == 403
    assert client.get("/admin/processes/goal_declaration/v1/download").status_code == 403
    assert "/admin/processes" not in client.get("/inbox").text


def test_an_administrator_suspends_and_resumes_an_instance_on_its_page(bureau, as_user, get,
                                                                         post, client):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    url = f"/instances/{instance.id}"
    as_user("perf")
    assert 'id="control"' not in get(url)
    assert client.post(f"{url}/control", data={"action": "suspend", "reason": "x"}
                       ).status_code == 403
    as_user("admin")
    assert 'value="suspend"' in get(url)
    page = post(f"{url}/control", {"action": "suspend", "reason": " "}, 422).text
    assert "give the reason" in page
    post(f"{url}/control", {"action": "suspend", "reason": "单位申请暂缓"})
    page = get(url)
    assert "The instance is now Suspended." in page and 'value="resume"' in page
    post(f"{url}/control", {"action": "resume", "reason": "恢复"})
    assert db.get(type(instance), instance.id).status == "running"
