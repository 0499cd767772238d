"""The ledger over the API: the list and its scope, one item, problems, evidence, the workflow
through the task endpoints, and the .xlsx export."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from models import RectificationItem, db
from tests.conftest import ready_task
from workflows import rectification
from workflows.tasks import complete_user_task

from .conftest import user

PDF = b"%PDF-1.4 evidence of the rectification\n"


def later(days: int) -> str:
    return (rectification.today() + timedelta(days=days)).isoformat()


@pytest.fixture
def problem(org):
    """Factory: record a problem as perf and commit; the id of its ledger item."""
    def make(unit: str = "U1", **over) -> int:
        raw = {"source": "key_evaluation", "description": "专项资金未按规定用途使用",
               "unit_id": user("filer1" if unit == "U1" else "filer2").unit_id,
               "category": "funds", "amount_involved": "125000.50", "problem_list_no": "ZD-01",
               "deadline": later(60)}
        raw.update(over)
        item = rectification.record_problem(user("perf"), raw)
        db.commit()
        return item.id
    return make


def ids(resp) -> list[int]:
    assert resp.status_code == 200, resp.get_json()
    return [row["id"] for row in resp.get_json()["items"]]


def detail(api, item_id: int, as_user: str = "perf") -> dict:
    resp = api.get(f"/ledger/items/{item_id}", as_user)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def upload(api, item_id: int, as_user: str = "filer1", name: str = "整改佐证.pdf",
           data: bytes = PDF):
    return api.post(f"/ledger/items/{item_id}/evidence", as_user,
                    data={"file": (BytesIO(data), name)}, content_type="multipart/form-data")


# ------------------------------------------------------------------------------ list

def test_the_list_filters_pages_and_keeps_to_the_scope(api, problem):
    a = problem(deadline=later(30))
    b = problem(source="audit", deadline=later(40), description="政府采购程序不规范")
    c = problem(deadline=later(50), amount_involved=None)
    d = problem("U2")
    page = api.get("/ledger/items?per_page=2", "perf").get_json()
    assert (page["total"], page["page"], page["per_page"], page["pages"]) == (4, 1, 2, 2)
    assert [row["id"] for row in page["items"]] == [a, b] and "summary" not in page
    assert ids(api.get("/ledger/items?per_page=2&page=2", "perf")) == [c, d]
    assert ids(api.get("/ledger/items", "filer2")) == [d]
    assert ids(api.get("/ledger/items", "cadre1")) == [a, b, c]
    assert ids(api.get("/ledger/items", "filer1")) == [a, b, c]
    assert ids(api.get("/ledger/items?source=audit", "perf")) == [b]
    assert ids(api.get("/ledger/items?q=采购", "perf")) == [b]
    assert ids(api.get("/ledger/items?sort=-deadline&status=open&overdue=false",
                       "cadre1")) == [c, b, a]
    unit2 = user("filer2").unit_id
    assert ids(api.get(f"/ledger/items?unit_id={unit2}", "filer1")) == []
    row = api.get("/ledger/items", "perf").get_json()["items"][0]
    item = db.get(RectificationItem, a)
    assert row == {
        "id": a, "unit": {"id": item.unit_id, "name": "区教育局"},
        "problem": {"id": item.problem_id, "description": "专项资金未按规定用途使用",
                    "source": "key_evaluation", "category": "funds", "severity": "normal",
                    "amount_involved": "125000.50", "problem_list_no": "ZD-01"},
        "deadline": later(30), "original_deadline": later(30), "status": "assigned",
        "overdue_days": 0, "escalation_level": "none", "return_count": 0,
        "signed_off_at": None}


def test_the_summary_comes_on_request(api, problem):
    problem()
    problem("U2")
    summary = api.get("/ledger/items?summary=1", "filer1").get_json()["summary"]
    assert (summary["items"], summary["signed_off"], summary["overdue"]) == (1, 0, 0)
    assert summary["closure_rate"] == 0.0 and summary["by_status"] == {"assigned": 1}
    assert set(summary["ageing"]) == {"1-15", "16-30", "31-60", ">60"}


@pytest.mark.parametrize("query, field", [
    ("source=bogus", "source"), ("status=lost", "status"), ("sort=-colour", "sort"),
    ("per_page=201", "per_page"), ("unit_id=x", "unit_id"), ("year=1999", "year"),
])
def test_bad_filters_are_422_naming_the_argument(api, org, query, field):
    resp = api.get(f"/ledger/items?{query}", "perf")
    assert resp.status_code == 422 and field in resp.get_json()["error"]["errors"]


# ------------------------------------------------------------------------------ one item

def test_an_item_shows_its_plan_tasks_and_evidence_within_the_scope(api, problem):
    item_id = problem()
    body = detail(api, item_id, "filer1")
    assert (body["status"], body["measures"], body["evidence"], body["reminders"]) == (
        "assigned", "", [], [])
    assert [t["task_key"] for t in body["open_tasks"]] == ["enter_plan"]
    assert body["signed_off_by"] is None and body["verified_by"] is None
    assert body["history"][0]["action"] == "create"
    assert body["problem"]["amount_involved"] == "125000.50"
    assert api.get(f"/ledger/items/{item_id}", "filer2").status_code == 404
    assert api.get(f"/ledger/items/{item_id}", "cadre2").status_code == 404
    assert api.get(f"/ledger/items/{item_id + 1000}", "perf").status_code == 404


# ------------------------------------------------------------------------------ problems

def test_the_performance_section_records_problems(api, org):
    body = {"source": "audit", "unit_id": user("filer1").unit_id, "description": "资金闲置",
            "category": "funds", "severity": "serious", "amount_involved": 1234.5,
            "deadline": later(30), "suggested_measure": "盘活资金", "fiscal_year": 2025}
    resp = api.post("/ledger/problems", "perf", json=body)
    assert resp.status_code == 201, resp.get_json()
    created = resp.get_json()
    assert (created["status"], created["deadline"], created["fiscal_year"]) == (
        "assigned", later(30), 2025)
    assert created["problem"]["amount_involved"] == "1234.50"
    assert created["problem"]["severity"] == "serious"
    assert {t["task_key"] for t in created["open_tasks"]} == {"enter_plan", "interview_serious"}
    assert detail(api, created["id"], "filer1")["id"] == created["id"]
    assert api.post("/ledger/problems", "filer1", json=body).status_code == 403
    assert api.post("/ledger/problems", "admin", json=body).status_code == 403


@pytest.mark.parametrize("change, fields", [
    ({"category": "colour", "deadline": "2000-01-01"}, {"category", "deadline"}),
    ({"unit_id": 99999, "amount_involved": "lots"}, {"unit_id", "amount_involved"}),
    ({"amount_involved": True, "unit_id": "1", "extra": 1}, {"amount_involved", "unit_id",
                                                              "extra"}),
    ({"description": "  "}, {"description"}),
])
def test_bad_problems_are_422_naming_the_fields(api, org, change, fields):
    body = {"source": "audit", "unit_id": user("filer1").unit_id, "description": "资金闲置",
            "category": "funds", **change}
    resp = api.post("/ledger/problems", "perf", json=body)
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["errors"]) == fields


# ------------------------------------------------------------------------------ evidence

def test_the_unit_uploads_evidence(api, problem):
    item_id = problem()
    resp = upload(api, item_id)
    assert resp.status_code == 201, resp.get_json()
    doc = resp.get_json()
    assert (doc["filename"], doc["size"], doc["content_type"]) == (
        "整改佐证.pdf", len(PDF), "application/pdf")
    assert doc["download_url"] == f"/ledger/documents/{doc['id']}" and len(doc["sha256"]) == 64
    assert detail(api, item_id, "cadre1")["evidence"] == [doc]


def test_evidence_uploads_are_refused_outside_the_rules(api, problem):
    item_id = problem()
    assert upload(api, item_id, "filer2").status_code == 404
    assert upload(api, item_id, "perf").status_code == 403
    bad = upload(api, item_id, name="setup.exe", data=b"MZ\x90\x00")
    assert bad.status_code == 422 and "file" in bad.get_json()["error"]["errors"]
    disguised = upload(api, item_id, name="佐证.pdf", data=b"MZ\x90\x00")
    assert disguised.status_code == 422
    missing = api.post(f"/ledger/items/{item_id}/evidence", "filer1", data={},
                       content_type="multipart/form-data")
    assert missing.status_code == 422
    assert api.post(f"/ledger/items/{item_id}/evidence", "filer1",
                    json={"file": "x"}).status_code == 415
    assert detail(api, item_id)["evidence"] == []


# ------------------------------------------------------------------------------ workflow

def complete(api, item_id: int, task_key: str, as_user: str, body: dict):
    tasks = {t["task_key"]: t["id"] for t in detail(api, item_id)["open_tasks"]}
    return api.post(f"/tasks/{tasks[task_key]}/complete", as_user, json=body)


def enter_plan(item_id: int) -> None:
    """The plan step, through the operation (see test_the_plan_form_over_the_api)."""
    task = ready_task(db.get(RectificationItem, item_id).instance_id, "enter_plan")
    complete_user_task(task, user("filer1"), {"measures": "收回资金并完善制度",
                                             "responsible_person": "张三"})
    db.commit()


def ok(resp) -> dict:
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_an_item_runs_to_sign_off_through_the_task_endpoints(api, problem):
    item_id = problem()
    enter_plan(item_id)
    ok(complete(api, item_id, "approve_plan", "leader1", {"decision": "approve"}))
    assert upload(api, item_id).status_code == 201
    ok(complete(api, item_id, "submit_evidence", "filer1", {"comment": "已整改"}))
    refused = complete(api, item_id, "verify", "cadre1", {"decision": "return"})
    assert refused.status_code == 422 and "comment" in refused.get_json()["error"]["errors"]
    stray = complete(api, item_id, "verify", "cadre1", {"decision": "pass", "rating": "good"})
    assert stray.status_code == 422 and "rating" in stray.get_json()["error"]["errors"]
    ok(complete(api, item_id, "verify", "cadre1", {"decision": "return", "comment": "佐证不足"}))
    assert (detail(api, item_id)["status"], detail(api, item_id)["return_count"]) == (
        "returned", 1)
    ok(complete(api, item_id, "submit_evidence", "filer1", {"comment": "已补充佐证"}))
    ok(complete(api, item_id, "verify", "cadre1", {"decision": "pass", "comment": "佐证充分"}))
    done = ok(complete(api, item_id, "sign_off", "perfchief", {"decision": "sign_off"}))
    assert done["instance"]["status"] == "completed"
    body = detail(api, item_id, "filer1")
    assert (body["status"], body["verify_result"], body["open_tasks"]) == (
        "signed_off", "pass", [])
    assert body["signed_off_by"] == {"id": user("perfchief").id, "name": "perfchief"}
    assert body["verified_by"] == {"id": user("cadre1").id, "name": "cadre1"}
    assert body["signed_off_at"] is not None
    assert upload(api, item_id).status_code == 409


def test_the_verifier_cannot_sign_off_the_same_item(api, problem):
    item_id = problem()
    enter_plan(item_id)
    ok(complete(api, item_id, "approve_plan", "leader1", {"decision": "approve"}))
    assert upload(api, item_id).status_code == 201
    ok(complete(api, item_id, "submit_evidence", "filer1", {}))
    verify = next(t["id"] for t in detail(api, item_id)["open_tasks"])
    assert api.post(f"/tasks/{verify}/complete", "perfchief",
                    json={"decision": "pass"}).status_code == 409  # held by the liaison
    ok(api.post(f"/tasks/{verify}/unclaim", "cadre1"))
    ok(api.post(f"/tasks/{verify}/complete", "perfchief", json={"decision": "pass"}))
    refused = complete(api, item_id, "sign_off", "perfchief", {"decision": "sign_off"})
    assert refused.status_code == 403 and "(R9)" in refused.get_json()["error"]["message"]
    assert detail(api, item_id)["status"] == "verified"


def test_the_plan_form_over_the_api(api, problem):
    item_id = problem()
    ok(complete(api, item_id, "enter_plan", "filer1", {
        "measures": "收回资金并完善制度", "responsible_person": "张三",
        "planned_completion": later(20)}))
    body = detail(api, item_id)
    assert body["status"] == "plan_submitted" and body["planned_completion"] == later(20)


# ------------------------------------------------------------------------------ export

def test_the_export_is_an_xlsx_of_the_scope(api, problem):
    problem()
    problem("U2", description="农田建设资金滞留")
    resp = api.get("/ledger/export.xlsx?sort=-deadline", "filer2")
    assert resp.status_code == 200 and resp.data.startswith(b"PK\x03\x04")
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in resp.headers["Content-Disposition"]
    ws = load_workbook(BytesIO(resp.data)).worksheets[0]
    assert [r[4] for r in ws.iter_rows(min_row=3, values_only=True)] == ["农田建设资金滞留"]
    assert api.get("/ledger/export.xlsx?status=lost", "perf").status_code == 422


# ------------------------------------------------------------------------------ auth, docs

@pytest.mark.parametrize("method, path", [
    ("get", "/ledger/items"), ("get", "/ledger/items/1"), ("post", "/ledger/problems"),
    ("post", "/ledger/items/1/evidence"), ("get", "/ledger/export.xlsx"),
])
def test_every_ledger_endpoint_needs_a_token(api, method, path):
    resp = getattr(api, method)(path)
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_ledger_endpoints_are_documented_with_their_errors(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    expected = {
        ("/api/v1/ledger/items", "get"): {401, 422},
        ("/api/v1/ledger/items/{item_id}", "get"): {401, 404},
        ("/api/v1/ledger/problems", "post"): {401, 403, 409, 422},
        ("/api/v1/ledger/items/{item_id}/evidence", "post"): {401, 403, 404, 409, 413, 415,
                                                             422},
        ("/api/v1/ledger/export.xlsx", "get"): {401, 422},
    }
    for (path, method), codes in expected.items():
        responses = paths[path][method]["responses"]
        assert {int(c) for c in responses if c.isdigit() and int(c) >= 400} == codes, path
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in paths[
        "/api/v1/ledger/export.xlsx"]["get"]["responses"]["200"]["content"]
