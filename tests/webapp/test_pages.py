"""The HTML pages through the test client: inbox, task forms, instances and projects."""

from __future__ import annotations

import json
import re

import pytest

from models import ProcessInstance, Task, db
from tests.conftest import GOOD_SHEET, ready_task
from webapp.inbox.views import count_label
from workflows import org
from workflows.goal_review import sheet_for_instance, start_goal_declaration
from workflows.tasks import COUNT_CAP, complete_user_task

pytestmark = pytest.mark.usefixtures("english")


def sheet_fields(sheet: dict = GOOD_SHEET, **overrides) -> dict:
    """The goal sheet as the browser form posts it."""
    data = {"overall_goal": sheet["overall_goal"]}
    for i, row in enumerate(sheet["indicators"]):
        data.update({f"indicators-{i}-{key}": value for key, value in row.items()})
    data.update(overrides)
    return data


def task_ids(html: str) -> set[int]:
    """Ids of the tasks a page links to."""
    return {int(i) for i in re.findall(r'href="/tasks/(\d+)"', html)}


def to_gate(bureau, project: str, gate: int):
    """Start a declaration of p1 or p2 and move it (operations layer) to gate 1, 2 or 3."""
    n = "1" if project == "p1" else "2"
    instance = start_goal_declaration(bureau.projects[project], getattr(bureau, f"filer{n}"))
    steps = [(f"filer{n}", {"sheet": GOOD_SHEET}),
             (f"leader{n}", {"decision": "approve", "comment": "ok"}),
             (f"cadre{n}", {"decision": "approve", "rating": "good", "comment": "ok"})]
    for username, payload in steps[:gate]:
        complete_user_task(ready_task(instance.id), getattr(bureau, username), payload)
    return instance


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("path", ["/inbox", "/projects", "/tasks/1", "/instances/1",
                                  "/instances/1/diagram.xml"])
def test_pages_require_login(client, path):
    resp = client.get(path)
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login")


def test_login_and_wrong_password(client, bureau, get):
    assert 'name="username"' in get("/login")
    resp = client.post("/login", data={"username": "filer1", "password": "nope"})
    assert resp.status_code == 401
    assert "Wrong username or password" in resp.text


# ---------------------------------------------------------------------------- inbox


def test_filer_inbox_shows_own_unit_only(bureau, as_user, get):
    mine = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    theirs = start_goal_declaration(bureau.projects["p2"], bureau.filer2)
    as_user("filer1")
    page = get("/inbox")
    assert ready_task(mine.id).id in task_ids(page)
    assert ready_task(theirs.id).id not in task_ids(page)
    assert "Declare performance goals — 义务教育薄弱环节改善" in page
    assert "高标准农田建设" not in page


def test_cadres_see_only_their_sections_units(bureau, as_user, get):
    instance = to_gate(bureau, "p1", 2)
    gate2 = ready_task(instance.id)
    as_user("cadre2")
    assert gate2.id not in task_ids(get("/inbox"))
    as_user("cadre1")
    assert gate2.id in task_ids(get("/inbox"))


def test_perf_sees_gate3_tasks_of_all_units(bureau, as_user, get):
    tasks = {ready_task(to_gate(bureau, p, 3).id).id for p in ("p1", "p2")}
    as_user("perf")
    assert tasks <= task_ids(get("/inbox"))


def test_inbox_filters(bureau, as_user, get):
    t1 = ready_task(to_gate(bureau, "p1", 3).id).id
    t2 = ready_task(to_gate(bureau, "p2", 3).id).id
    u1 = bureau.projects["p1"].unit_id
    as_user("perf")
    assert {t1, t2} <= task_ids(get("/inbox?process=goal_declaration"))
    assert not task_ids(get("/inbox?process=self_evaluation"))
    assert task_ids(get(f"/inbox?unit={u1}")) == {t1}
    assert task_ids(get("/inbox?q=农田")) == {t2}
    assert task_ids(get("/inbox?scope=assigned")) == set()
    assert task_ids(get("/inbox?scope=claimable")) == {t1, t2}
    assert task_ids(get("/inbox?scope=overdue")) == set()


def test_inbox_pages_keep_filters(bureau, as_user, get):
    for i in range(25):
        project = org.add_project("U1", f"校舍维修{i:02d}", 100_000, fiscal_year=2027)
        start_goal_declaration(project, bureau.filer1)
    start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    as_user("filer1")
    first = get("/inbox?q=校舍")
    assert len(task_ids(first)) == 20
    links = re.findall(r'href="(/inbox\?[^"]*page=2[^"]*)"', first)
    assert links and all("q=" in link for link in links)
    second = get(links[0].replace("&amp;", "&"))
    assert len(task_ids(second)) == 5
    assert not task_ids(first) & task_ids(second)


def test_claim_and_release(bureau, as_user, client, get):
    task = ready_task(to_gate(bureau, "p1", 3).id)
    as_user("perf")
    resp = client.post(f"/tasks/{task.id}/claim", data={"next": "/inbox?scope=assigned"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/inbox?scope=assigned"
    assert db.get(Task, task.id).assignee_id == bureau.perf.id
    page = get("/inbox?scope=assigned")
    assert "You have claimed" in page and f'action="/tasks/{task.id}/unclaim"' in page
    resp = client.post(f"/tasks/{task.id}/unclaim", data={"next": "https://evil.example/"})
    assert resp.headers["Location"] == "/inbox"  # never redirected off-site
    assert db.get(Task, task.id).assignee_id is None
    as_user("perfchief")  # a claimed task leaves the others' inboxes; a released one returns
    assert task.id in task_ids(get("/inbox"))


def test_claiming_a_task_held_by_someone_else_is_a_conflict(bureau, as_user, client):
    task = ready_task(to_gate(bureau, "p1", 2).id)  # gate 2 goes to the liaison, cadre1
    as_user("cadre1b")
    resp = client.post(f"/tasks/{task.id}/claim")
    assert resp.status_code == 409
    assert "held by another user" in resp.text


# ----------------------------------------------------------------- the whole path


def test_declaration_through_the_browser_forms(bureau, as_user, client, get):
    p1 = bureau.projects["p1"]
    as_user("filer1")
    assert f'action="/projects/{p1.id}/declare"' in get("/projects")
    resp = client.post(f"/projects/{p1.id}/declare")
    assert resp.status_code == 302
    fill_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    fill_page = get(f"/tasks/{fill_id}")
    assert 'name="indicators-0-level1"' in fill_page and "data-row-template" in fill_page
    resp = client.post(f"/tasks/{fill_id}", data=sheet_fields())
    assert resp.status_code == 302 and resp.headers["Location"] == "/inbox"
    instance_id = db.get(Task, fill_id).instance_id

    as_user("leader1")
    gate1 = ready_task(instance_id)
    assert 'name="decision"' in get(f"/tasks/{gate1.id}")
    assert 'name="rating"' not in get(f"/tasks/{gate1.id}")  # only gates 2 and 3 rate
    resp = client.post(f"/tasks/{gate1.id}",
                       data={"decision": "return", "comment": "请补充时效指标"})
    assert resp.status_code == 302

    as_user("filer1")
    refill = ready_task(instance_id)
    page = get(f"/tasks/{refill.id}")
    banner = page.split('class="jx-return-banner"', 1)[1].split("</section>", 1)[0]
    assert "请补充时效指标" in banner and "leader1" in banner and "Gate 1" in banner
    assert 'value="改造学校数量"' in page  # the form is prefilled with the returned sheet
    client.post(f"/tasks/{refill.id}", data=sheet_fields())

    for username, rating in [("leader1", None), ("cadre1", "good"), ("perf", "excellent")]:
        as_user(username)
        data = {"decision": "approve", "comment": "同意"}
        if rating:
            data["rating"] = rating
        resp = client.post(f"/tasks/{ready_task(instance_id).id}", data=data)
        assert resp.status_code == 302, resp.text

    sheet = sheet_for_instance(db.get(ProcessInstance, instance_id))
    assert (sheet.status, sheet.locked) == ("approved", True)
    as_user("filer1")
    for path in (f"/tasks/{refill.id}", f"/instances/{instance_id}"):
        page = get(path)
        assert "approved and locked (R11)" in page
        assert 'name="overall_goal"' not in page and 'name="decision"' not in page
    history = get(f"/instances/{instance_id}")
    assert history.count("jx-timeline-item") >= 7  # start + 2 fills + 4 gate decisions
    assert "请补充时效指标" in history and "Excellent" in history


def test_invalid_sheet_is_shown_again_with_field_errors(bureau, as_user, client):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    task = ready_task(instance.id)
    as_user("filer1")
    data = sheet_fields(**{"indicators-1-target_value": "abc", "overall_goal": "我的目标"})
    resp = client.post(f"/tasks/{task.id}", data=data)
    assert resp.status_code == 422
    page = resp.text
    field = re.search(r'<input[^>]*name="indicators-1-target_value"[^>]*>', page).group(0)
    assert 'value="abc"' in field and 'aria-invalid="true"' in field
    cell = page.split('name="indicators-1-target_value"', 1)[1].split("</td>", 1)[0]
    assert "must be a number" in cell
    assert "我的目标" in page and 'value="工程验收合格率"' in page
    assert ready_task(instance.id).id == task.id
    assert sheet_for_instance(instance).status == "draft"


def test_blank_rows_are_dropped_and_sheet_errors_listed(bureau, as_user, client):
    task = ready_task(start_goal_declaration(bureau.projects["p1"], bureau.filer1).id)
    as_user("filer1")
    data = {"overall_goal": "", "indicators-5-name": "   "}  # one blank row, no indicators
    resp = client.post(f"/tasks/{task.id}", data=data)
    assert resp.status_code == 422
    assert "at least 3 indicators are required" in resp.text
    assert "the overall goal is required" in resp.text
    assert 'name="indicators-0-level1"' in resp.text  # one empty row to start again


def test_fair_rating_cannot_approve(bureau, as_user, client):
    task = ready_task(to_gate(bureau, "p1", 2).id)
    as_user("cadre1")
    resp = client.post(f"/tasks/{task.id}",
                       data={"decision": "approve", "rating": "fair", "comment": "一般"})
    assert resp.status_code == 422
    assert "R10" in resp.text and "一般" in resp.text
    assert re.search(r'<option value="fair" selected>', resp.text)
    assert db.get(Task, task.id).status == "ready"


def test_return_without_comment_is_refused(bureau, as_user, client):
    task = ready_task(to_gate(bureau, "p1", 1).id)
    as_user("leader1")
    resp = client.post(f"/tasks/{task.id}", data={"decision": "return", "comment": " "})
    assert resp.status_code == 422
    assert "a return needs a comment" in resp.text


def test_filer_cannot_sign_off_own_sheet(bureau, as_user, client, get):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.both1)
    complete_user_task(ready_task(instance.id), bureau.both1, {"sheet": GOOD_SHEET})
    gate1 = ready_task(instance.id)
    as_user("both1")
    page = get(f"/tasks/{gate1.id}")
    assert "R9" in page and 'name="decision"' not in page
    resp = client.post(f"/tasks/{gate1.id}", data={"decision": "approve", "comment": "ok"})
    assert resp.status_code == 403
    assert "R9" in resp.text


def test_second_completion_is_a_conflict(bureau, as_user, client, get):
    task = ready_task(start_goal_declaration(bureau.projects["p1"], bureau.filer1).id)
    as_user("filer1")
    assert client.post(f"/tasks/{task.id}", data=sheet_fields()).status_code == 302
    resp = client.post(f"/tasks/{task.id}", data=sheet_fields())
    assert resp.status_code == 409
    assert "already been completed" in resp.text and "Back to my inbox" in resp.text
    assert "was completed by filer1" in get(f"/tasks/{task.id}")


def test_peer_cadre_reads_a_held_task_without_form(bureau, as_user, get):
    task = ready_task(to_gate(bureau, "p1", 2).id)
    as_user("cadre1b")
    page = get(f"/tasks/{task.id}")
    assert "cadre1 is handling this task" in page and 'name="decision"' not in page


def test_other_units_task_is_not_found(bureau, as_user, client, get):
    task = ready_task(start_goal_declaration(bureau.projects["p1"], bureau.filer1).id)
    as_user("filer2")
    get(f"/tasks/{task.id}", status=404)
    assert client.post(f"/tasks/{task.id}", data=sheet_fields()).status_code == 404
    assert client.post(f"/tasks/{task.id}/claim").status_code == 404
    get("/tasks/999999", status=404)


# ------------------------------------------------------------------------ instances


@pytest.mark.parametrize("username,allowed", [
    ("filer1", True), ("cadre1", True), ("cadre1b", True), ("perf", True), ("leader", True),
    ("filer2", False), ("cadre2", False)])
def test_instance_page_and_diagram_follow_scope(bureau, as_user, client, get, username,
                                                allowed):
    instance = to_gate(bureau, "p1", 2)
    as_user(username)
    page = client.get(f"/instances/{instance.id}")
    xml = client.get(f"/instances/{instance.id}/diagram.xml")
    if not allowed:
        assert (page.status_code, xml.status_code) == (404, 404)
        return
    assert page.status_code == 200 and xml.status_code == 200
    assert xml.mimetype == "application/xml" and b"bpmn:definitions" in xml.data
    assert "data-bpmn-diagram" in page.text and "dist/diagram.js" in page.text
    text = page.text.replace("&#34;", '"')
    completed = json.loads(re.search(r"data-completed='([^']*)'", text).group(1))
    assert {"start_declaration", "fill_sheet", "gate1_unit_review", "gate1_decision"} <= set(
        completed) and "gate2_section_review" not in completed
    assert '["gate2_section_review"]' in text
    assert "flow_gate1_approve" in re.search(r"data-path='([^']*)'", text).group(1)
    assert f"/tasks/{ready_task(instance.id).id}" in page.text


def test_task_page_links_to_its_instance(bureau, as_user, get):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    as_user("filer1")
    assert f'href="/instances/{instance.id}"' in get(f"/tasks/{ready_task(instance.id).id}")
    assert "dist/diagram.js" not in get("/inbox")


# ------------------------------------------------------------------------- projects


def test_projects_follow_scope_and_offer_declaration_to_filers(bureau, as_user, get):
    p1, p2 = bureau.projects["p1"], bureau.projects["p2"]
    as_user("filer1")
    page = get("/projects")
    assert p1.name in page and p2.name not in page
    assert "320.00" in page  # 3,200,000 yuan in 万元
    assert f"/projects/{p1.id}/declare" in page
    as_user("leader1")
    page = get("/projects")
    assert p1.name in page and "/declare" not in page
    as_user("cadre2")
    page = get("/projects")
    assert p2.name in page and p1.name not in page
    as_user("perf")
    assert p1.name in get("/projects") and p2.name in get("/projects")
    assert p1.name not in get("/projects?q=农田")


def test_projects_show_sheet_status_and_instance(bureau, as_user, client, get):
    p1 = bureau.projects["p1"]
    instance = start_goal_declaration(p1, bureau.filer1)
    as_user("filer1")
    page = get("/projects")
    assert f'href="/instances/{instance.id}"' in page and f"/projects/{p1.id}/declare" not in page
    resp = client.post(f"/projects/{p1.id}/declare")
    assert resp.status_code == 409 and "already under way" in resp.text


def test_declare_refused_to_other_units_and_non_filers(bureau, as_user, client):
    p1 = bureau.projects["p1"]
    as_user("filer2")
    assert client.post(f"/projects/{p1.id}/declare").status_code == 404
    as_user("leader1")
    assert client.post(f"/projects/{p1.id}/declare").status_code == 403


def test_projects_pagination(bureau, as_user, get):
    for i in range(22):
        org.add_project("U1", f"图书购置{i:02d}", 50_000, fiscal_year=2027)
    as_user("filer1")
    first = get("/projects?q=图书")
    assert first.count("图书购置") == 20
    assert 'href="/projects?page=2&amp;q=' in first
    assert get("/projects?q=图书&page=2").count("图书购置") == 2


def test_inbox_badge_counts_actionable_tasks(bureau, as_user, get):
    for key in ("p1",):
        start_goal_declaration(bureau.projects[key], bureau.filer1)
    as_user("filer1")
    badge = re.search(r'class="jx-badge" title="[^"]*">(\d+)<', get("/projects"))
    assert badge and badge.group(1) == "1"


def test_capped_counts_read_as_lower_bounds():
    assert (count_label(3), count_label(COUNT_CAP)) == ("3", f"{COUNT_CAP}+")


def test_sheet_amount_is_typed_in_wan_and_stored_in_yuan(bureau, as_user, client, get):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    fill_id = ready_task(instance.id).id
    as_user("filer1")
    assert 'name="amount_wan" inputmode="decimal" value="320"' in get(f"/tasks/{fill_id}")
    resp = client.post(f"/tasks/{fill_id}", data=sheet_fields(amount_wan="十万"))
    assert resp.status_code == 422 and 'value="十万"' in resp.text
    assert resp.text.count('aria-invalid="true"') == 1  # only the amount is marked
    resp = client.post(f"/tasks/{fill_id}", data=sheet_fields(amount_wan="280.5"))
    assert resp.status_code == 302
    assert str(sheet_for_instance(instance).amount) == "2805000.00"


def test_absurd_page_numbers_and_the_served_diagram_are_harmless(bureau, as_user, client, get):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    as_user("filer1")
    assert client.get("/inbox?page=999999999999999999").status_code == 200
    assert client.get("/projects?page=999999999999999999").status_code == 200
    xml = client.get(f"/instances/{instance.id}/diagram.xml")
    assert "sandbox" in xml.headers["Content-Security-Policy"]
