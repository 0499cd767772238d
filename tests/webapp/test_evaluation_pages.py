"""Key evaluation pages: the list with its filters and counts, the results page, the printable
and .xlsx reports, documents (download and upload), and 404 outside the scope — a firm user's
refused read stays in the audit trail."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import AuditLog, Document, RectificationItem, db
from tests.conftest import ready_task
from tests.evaluation_support import act, propose, to_fieldwork, to_final_step, to_plan, upload

pytestmark = pytest.mark.usefixtures("english")

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def issued(ke):
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    act(ke.auditor, ev, "consult_final", {"opinion": "与审计计划无重复，同意定稿"})
    act(ke.o.leader, ev, "leader_approval", {"decision": "approve"})
    return ev


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-evaluation="(\d+)"', html)]


def refused_reads(user_id: int, ev_id: int) -> list[dict]:
    return [r.after for r in db.scalars(select(AuditLog).where(
        AuditLog.actor_id == user_id, AuditLog.action == "firm.read",
        AuditLog.entity == "key_evaluation", AuditLog.entity_id == str(ev_id)))
        if not r.after["allowed"]]


# ------------------------------------------------------------------ the list

def test_the_list_keeps_to_the_scope_and_offers_proposing_to_the_section(ke, as_user, get):
    a = issued(ke)
    b = propose(ke, project_id=ke.o.projects["p2"].id, title="高标准农田建设项目重点评价",
                fiscal_year_evaluated=2026)
    as_user("perf")
    page = get("/evaluations")
    assert row_ids(page) == [a.id, b.id]
    assert 'href="/evaluations/new"' in page and 'data-propose' in page
    assert 'aria-current="page">Evaluations</a>' in page  # the nav link
    assert 'data-status="results_issued">1<' in page and 'data-grade="good">1<' in page
    assert "甲会计师事务所" in page and "88.00" in page and 'data-grade-pill="good"' in page
    assert f'href="/tasks/{ready_task(a.instance_id, "score_firm").id}"' in page
    assert row_ids(get("/evaluations?year=2026")) == [b.id]
    assert row_ids(get("/evaluations?grade=good&q=薄弱")) == [a.id]
    assert row_ids(get("/evaluations?status=closed")) == []
    as_user("filer2")  # U2 learns of its evaluation with the notice at fieldwork
    page = get("/evaluations")
    assert row_ids(page) == [] and "data-propose" not in page
    as_user("cadre2")  # its expenditure section reads the list
    assert row_ids(get("/evaluations")) == [b.id]
    as_user("filer1")
    assert row_ids(get("/evaluations")) == [a.id]
    as_user("eva_b")
    assert row_ids(get("/evaluations")) == []
    as_user("delegate")
    assert row_ids(get("/evaluations")) == [a.id]


def test_bad_filters_are_a_422(ke, as_user, client):
    as_user("perf")
    resp = client.get("/evaluations?year=abc&grade=A")
    assert resp.status_code == 422 and "year" in resp.text


def test_the_list_pages(ke, as_user, get):
    for year in range(2001, 2024):
        propose(ke, fiscal_year_evaluated=year, title=f"{year} 年度评价")
    as_user("perf")
    first = get("/evaluations")
    assert len(row_ids(first)) == 20 and 'rel="next"' in first
    assert len(row_ids(get("/evaluations?page=2"))) == 3


# ------------------------------------------------------------------ the results page

def test_the_results_page_shows_scores_problems_and_their_ledger_items(ke, as_user, get):
    ev = issued(ke)
    as_user("perf")
    page = get(f"/evaluations/{ev.id}")
    assert ev.title in page and 'data-grade-pill="good"' in page
    assert 'data-subtotal="decision">17.00<' in page and 'data-subtotal="benefit">26.00<' in page
    assert "data-total>88.00<" in page and "Final scores" in page
    items = db.scalars(select(RectificationItem).order_by(RectificationItem.id)).all()
    for item in items:
        assert f'href="/ledger/items/{item.id}"' in page
    assert page.count("Assigned") >= 2  # the items' status
    assert "与审计计划无重复，同意定稿" in page  # the performance section reads audit opinions
    assert f'href="/tasks/{ready_task(ev.instance_id, "score_firm").id}"' in page
    assert 'data-action="results.issue"' in page and "issued the results" in page
    assert f'href="/evaluations/{ev.id}/report"' in page
    as_user("filer1")
    page = get(f"/evaluations/{ev.id}")
    assert "与审计计划无重复" not in page and 'id="consultations"' not in page
    assert f'href="/ledger/items/{items[0].id}"' in page
    as_user("delegate")  # congress reads the results, not the ledger item pages
    page = get(f"/evaluations/{ev.id}")
    assert f'data-item="{items[0].id}">{items[0].id}<' in page
    assert f'href="/ledger/items/{items[0].id}"' not in page


def test_outsiders_get_404_and_a_firms_probe_stays_in_the_audit_trail(ke, as_user, client):
    ev = to_plan(ke)
    for name in ("filer2", "cadre2", "other_a", "delegate"):
        as_user(name)
        assert client.get(f"/evaluations/{ev.id}").status_code == 404, name
    as_user("eva_b")
    for path in (f"/evaluations/{ev.id}", f"/evaluations/{ev.id}/report",
                 f"/evaluations/{ev.id}/report.xlsx"):
        assert client.get(path).status_code == 404
    rows = refused_reads(ke.eva_b.id, ev.id)
    assert len(rows) == 3 and all(r["firm_id"] == ke.b.id for r in rows)
    assert client.get("/evaluations/999999").status_code == 404
    as_user("lead_a")
    assert client.get(f"/evaluations/{ev.id}").status_code == 200


def test_the_printable_report_has_no_navigation(ke, as_user, get):
    ev = issued(ke)
    as_user("leader")
    page = get(f"/evaluations/{ev.id}/report")
    assert "@media print" in page and "jx-nav" not in page and "jx-header" not in page
    assert ev.title in page and "data-total>88.00<" in page
    assert "Problem list" in page and "/ledger/items/" not in page


def test_the_report_workbook(ke, as_user, client):
    ev = issued(ke)
    as_user("filer1")
    resp = client.get(f"/evaluations/{ev.id}/report.xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["Cache-Control"] == "private, no-store"
    wb = load_workbook(BytesIO(resp.data))
    assert wb.sheetnames == ["评价概况", "指标得分", "问题清单"]
    assert wb["评价概况"]["B3"].value == ev.title


# ------------------------------------------------------------------ documents

def test_documents_download_as_sandboxed_attachments_within_the_scope(ke, as_user, client, get):
    ev = to_fieldwork(ke)
    doc = upload(ke.lead_a, ev, "plan", "评价方案.pdf")
    as_user("filer1")
    page = get(f"/evaluations/{ev.id}")
    assert f'href="/evaluations/documents/{doc.id}"' in page and "Evaluation plan" in page
    with client.get(f"/evaluations/documents/{doc.id}") as resp:  # closes the streamed file
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    as_user("filer2")
    assert client.get(f"/evaluations/documents/{doc.id}").status_code == 404
    as_user("eva_b")
    assert client.get(f"/evaluations/documents/{doc.id}").status_code == 404
    assert len(refused_reads(ke.eva_b.id, ev.id)) == 1


def test_uploading_a_document(ke, as_user, client, get):
    ev = to_fieldwork(ke)
    url = f"/evaluations/{ev.id}/documents"
    as_user("filer1")
    page = get(f"/evaluations/{ev.id}")
    assert 'data-upload' in page and 'value="unit_data"' in page and 'value="plan"' not in page
    resp = client.post(url, data={"kind": "unit_data", "file": (BytesIO(PDF), "预算批复.pdf")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#documents")
    assert "has been uploaded" in get(f"/evaluations/{ev.id}")
    docs = db.scalars(select(Document).where(Document.owner_type == "key_evaluation")).all()
    assert [(d.kind, d.filename) for d in docs] == [("unit_data", "预算批复.pdf")]
    # a refused file and a missing kind are flashed; nothing is stored
    client.post(url, data={"kind": "unit_data", "file": (BytesIO(b"MZ\x90"), "x.exe")},
                content_type="multipart/form-data")
    assert "this file type is not accepted" in get(f"/evaluations/{ev.id}")
    client.post(url, data={"file": (BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert "Choose the kind of document" in get(f"/evaluations/{ev.id}")
    assert len(db.scalars(select(Document).where(
        Document.owner_type == "key_evaluation")).all()) == 1
    # another's kind is forbidden; the section only reads
    resp = client.post(url, data={"kind": "plan", "file": (BytesIO(PDF), "a.pdf")},
                       content_type="multipart/form-data")
    assert resp.status_code == 403
    as_user("cadre1")
    assert "data-upload" not in get(f"/evaluations/{ev.id}")
    as_user("filer2")
    resp = client.post(url, data={"kind": "unit_data", "file": (BytesIO(PDF), "a.pdf")},
                       content_type="multipart/form-data")
    assert resp.status_code == 404
