"""The key evaluation API: the list and its scope, one evaluation's results, proposing,
documents, the report workbook, the steps through /tasks/{id}/complete — and a firm's probe of
another firm's evaluation: a 404 whose audit row stays (R18)."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import AuditLog, RectificationItem, db
from tests.conftest import ready_task
from tests.evaluation_support import PLAN, act, propose, to_fieldwork, to_final_step, to_plan

from .conftest import user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def kapi(ke, org):
    """The key evaluation set-up, committed (`org` commits) so failing requests keep it."""
    return ke


def issued(ke):
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    act(ke.auditor, ev, "consult_final", {"opinion": "同意定稿"})
    act(ke.o.leader, ev, "leader_approval", {"decision": "approve"})
    db.commit()
    return ev


def ids(resp) -> list[int]:
    assert resp.status_code == 200, resp.get_json()
    return [row["id"] for row in resp.get_json()["items"]]


def firm_reads(user_id: int) -> list[tuple[str, bool]]:
    return [(r.entity_id, r.after["allowed"]) for r in db.scalars(select(AuditLog).where(
        AuditLog.actor_id == user_id, AuditLog.action == "firm.read",
        AuditLog.entity == "key_evaluation").order_by(AuditLog.id))]


def upload(api, ev_id: int, as_user: str, kind: str = "unit_data", name: str = "资料.pdf",
           data: bytes = PDF):
    return api.post(f"/evaluations/{ev_id}/documents", as_user,
                    data={"kind": kind, "file": (BytesIO(data), name)},
                    content_type="multipart/form-data")


# ------------------------------------------------------------------------------ list

def test_the_list_keeps_to_the_scope_filters_and_pages(api, kapi):
    a = issued(kapi)
    b = propose(kapi, project_id=kapi.o.projects["p2"].id, title="高标准农田建设项目重点评价",
                fiscal_year_evaluated=2026)
    db.commit()
    body = api.get("/evaluations?per_page=1", "perf").get_json()
    assert (body["total"], body["pages"], [r["id"] for r in body["items"]]) == (2, 2, [a.id])
    assert body["counts"] == {"by_status": {"results_issued": 1, "audit_pre": 1},
                              "by_grade": {"good": 1}}
    row = body["items"][0]
    assert (row["final_score"], row["grade"], row["firm_name"], row["problem_count"]) == (
        "88.00", "good", "甲会计师事务所", 2)
    assert row["unit"]["name"] == "区教育局" and row["open_tasks"][0]["task_key"] == "score_firm"
    assert ids(api.get("/evaluations?per_page=1&page=2", "perf")) == [b.id]
    assert ids(api.get("/evaluations?year=2026", "leader")) == [b.id]
    assert ids(api.get("/evaluations?grade=good&q=薄弱", "budget")) == [a.id]
    assert ids(api.get("/evaluations", "filer2")) == []  # U2 hears of it at fieldwork
    assert ids(api.get("/evaluations", "cadre2")) == [b.id]
    assert ids(api.get("/evaluations", "lead_a")) == [a.id]
    assert ids(api.get("/evaluations", "eva_b")) == []
    assert ids(api.get("/evaluations", "delegate")) == [a.id]
    assert ids(api.get("/evaluations", "auditor")) == [a.id, b.id]  # final; consulted now
    resp = api.get("/evaluations?status=lost&per_page=0", "perf")
    assert resp.status_code == 422 and {"status", "per_page"} <= set(
        resp.get_json()["error"]["errors"])
    assert api.get("/evaluations").status_code == 401


# ------------------------------------------------------------------------------ one evaluation

def test_one_evaluation_with_scores_problems_and_ledger_items(api, kapi):
    ev = issued(kapi)
    body = api.get(f"/evaluations/{ev.id}", "perf").get_json()
    assert (body["status"], body["score_stage"], body["total"], body["grade"]) == (
        "results_issued", "final", "88.00", "good")
    assert [(g["level1"], g["weight"], g["subtotal"]) for g in body["groups"]] == [
        ("decision", "20.00", "17.00"), ("process", "20.00", "18.00"),
        ("output", "30.00", "27.00"), ("benefit", "30.00", "26.00")]
    assert body["groups"][0]["indicators"][0] == {
        "number": 1, "level1": "decision", "level2": "project_initiation",
        "name": "立项依据充分性", "weight": "10.00", "score": "9.00"}
    items = db.scalars(select(RectificationItem).order_by(RectificationItem.id)).all()
    assert [p["ledger_item"]["id"] for p in body["problems"]] == [i.id for i in items]
    assert body["problems"][1]["amount_involved"] == "125000.00"
    assert body["engagement"]["firm"]["name"] == "甲会计师事务所"
    assert body["engagement"]["lead_evaluator"]["name"] == "lead_a"
    assert [c["stage"] for c in body["consultations"]] == ["pre_evaluation", "pre_finalisation"]
    assert body["fee_budget"] == "180000.00" and body["methods"] == PLAN["methods"]
    assert body["feedback"]["status"] == "agreed"
    assert any(h["action"] == "results.issue" for h in body["history"])
    assert [t["task_key"] for t in body["open_tasks"]] == ["score_firm"]
    unit = api.get(f"/evaluations/{ev.id}", "filer1").get_json()
    assert unit["consultations"] is None and unit["fee_budget"] is None
    firm = api.get(f"/evaluations/{ev.id}", "lead_a").get_json()
    assert firm["consultations"] is None and firm["upload_kinds"] == []  # delivered: read only


def test_a_firms_probe_of_another_firms_evaluation_is_a_404_kept_in_the_audit_trail(api, kapi):
    ev = to_plan(kapi).id
    db.commit()
    resp = api.get(f"/evaluations/{ev}", "eva_b")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == 404
    assert firm_reads(user("eva_b").id) == [(str(ev), False)]
    assert api.get("/evaluations/987654", "eva_b").status_code == 404
    assert firm_reads(user("eva_b").id)[-1] == ("987654", False)
    for path in (f"/evaluations/{ev}/report.xlsx", f"/evaluations/{ev}/documents"):
        call = api.post if path.endswith("documents") else api.get
        assert call(path, "eva_b").status_code == 404
    assert len(firm_reads(user("eva_b").id)) == 4
    assert api.get(f"/evaluations/{ev}", "other_a").status_code == 404  # same firm, no team
    assert api.get(f"/evaluations/{ev}", "member_a").status_code == 200
    assert firm_reads(user("member_a").id)[-1] == (str(ev), True)


# ------------------------------------------------------------------------------ proposing

def test_proposing_an_evaluation(api, kapi):
    body = {"object_type": "project", "project_id": kapi.o.projects["p2"].id,
            "title": "高标准农田建设项目重点评价", "fiscal_year_evaluated": 2026,
            "selection_reason": "priority_area", "fee_budget": "200000"}
    resp = api.post("/evaluations", "perf", json=body)
    assert resp.status_code == 201, resp.get_json()
    created = resp.get_json()
    assert (created["status"], created["unit"]["name"], created["fee_budget"]) == (
        "audit_pre", "区农业局", "200000.00")
    assert [t["task_key"] for t in created["open_tasks"]] == ["consult_pre"]
    assert api.post("/evaluations", "perf", json=body).status_code == 409
    assert api.post("/evaluations", "filer1", json=body).status_code == 403
    resp = api.post("/evaluations", "perf", json={**body, "selection_reason": "whim",
                                                  "title": "x"})
    assert resp.status_code == 422 and "selection_reason" in resp.get_json()["error"]["errors"]
    resp = api.post("/evaluations", "perf", json={"title": "缺少字段"})
    assert resp.status_code == 422
    assert {"object_type", "fiscal_year_evaluated"} <= set(resp.get_json()["error"]["errors"])


# ------------------------------------------------------------------------------ documents

def test_uploading_documents(api, kapi):
    ev = to_fieldwork(kapi).id
    db.commit()
    resp = upload(api, ev, "filer1")
    assert resp.status_code == 201, resp.get_json()
    doc = resp.get_json()
    assert (doc["kind"], doc["filename"], doc["uploaded_by"], doc["size"]) == (
        "unit_data", "资料.pdf", "filer1", len(PDF))
    assert doc["download_url"] == f"/evaluations/documents/{doc['id']}"
    assert upload(api, ev, "lead_a", "plan", "方案.pdf").status_code == 201
    assert upload(api, ev, "filer1", "plan").status_code == 403
    assert upload(api, ev, "cadre1").status_code == 403
    assert upload(api, ev, "filer2").status_code == 404
    resp = upload(api, ev, "filer1", "memo")
    assert resp.status_code == 422 and "kind" in resp.get_json()["error"]["errors"]
    resp = upload(api, ev, "filer1", name="x.exe", data=b"MZ")
    assert resp.status_code == 422 and "file" in resp.get_json()["error"]["errors"]
    resp = api.post(f"/evaluations/{ev}/documents", "filer1", json={"kind": "unit_data"})
    assert resp.status_code == 415
    kinds = [d["kind"] for d in api.get(f"/evaluations/{ev}", "perf").get_json()[
        "documents"]]
    assert kinds == ["unit_data", "plan"]


def test_the_report_workbook(api, kapi):
    ev = issued(kapi).id
    resp = api.get(f"/evaluations/{ev}/report.xlsx", "delegate")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(BytesIO(resp.data))
    assert wb.sheetnames == ["评价概况", "指标得分", "问题清单"]
    assert api.get(f"/evaluations/{ev}/report.xlsx", "filer2").status_code == 404


# ------------------------------------------------------------------------------ the steps

def test_the_steps_complete_through_the_task_endpoint(api, kapi):
    ev = propose(kapi)
    ev, instance = ev.id, ev.instance_id
    firm, lead, member = kapi.a.id, kapi.lead_a.id, kapi.member_a.id
    db.commit()
    task = ready_task(instance, "consult_pre").id
    resp = api.post(f"/tasks/{task}/complete", "auditor", json={"opinion": "同意",
                                                                   "rating": "good"})
    assert resp.status_code == 422 and "rating" in resp.get_json()["error"]["errors"]
    resp = api.post(f"/tasks/{task}/complete", "auditor", json={"no_opinion": True})
    assert resp.status_code == 200, resp.get_json()
    task = ready_task(instance, "approve_list").id
    assert api.post(f"/tasks/{task}/complete", "leader",
                    json={"decision": "approve"}).status_code == 200
    task = ready_task(instance, "engage_firm").id
    resp = api.post(f"/tasks/{task}/complete", "perf", json={
        "firm_id": firm, "procurement_method": "inquiry", "contract_amount": 180000,
        "contract_date": "2028-04-10", "lead_evaluator_user_id": lead,
        "team_user_ids": [member], "coi_signed": True})
    assert resp.status_code == 200, resp.get_json()
    task = ready_task(instance, "submit_plan").id
    resp = api.post(f"/tasks/{task}/complete", "lead_a", json=PLAN)
    assert resp.status_code == 200, resp.get_json()
    body = api.get(f"/evaluations/{ev}", "perf").get_json()
    assert body["status"] == "plan_review" and len(body["groups"]) == 4
