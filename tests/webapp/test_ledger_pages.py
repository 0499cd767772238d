"""The rectification ledger pages: list, summary, item, evidence, problems, settings, xlsx."""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import AuditLog, Document, Problem, RectificationItem, db
from workflows import rectification
from workflows.ledger_rules import SETTINGS_KEY, settings_for
from workflows.org import default_bureau
from workflows.workdays import WorkCalendar

pytestmark = pytest.mark.usefixtures("english")


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make(bureau, user="filer1", days=30, **over):
    """Record a problem for the unit of `user`, due in `days` days (negative: overdue)."""
    raw = {"source": "audit", "unit_id": bureau.users[user].unit_id, "category": "funds",
           "description": "资金闲置", "deadline": (rectification.today() + timedelta(days=30))
           .isoformat()}
    raw.update(over)
    item = rectification.record_problem(bureau.perf, raw)
    if days != 30:
        item.deadline = rectification.today() + timedelta(days=days)
        db.flush()
    return item


def row_ids(html: str) -> list[int]:
    """Ids of the ledger rows of a page, in order."""
    return [int(i) for i in re.findall(r'<tr data-item="(\d+)"', html)]


def figure(html: str, attribute: str, name: str) -> str:
    """The number a summary figure shows."""
    return re.search(rf'data-{attribute}="{re.escape(escape(name))}">([^<]*)<', html).group(1)


def stored_files(app) -> list[Path]:
    """Files in the evidence store (temporary uploads included)."""
    root = Path(app.config["FILE_STORE"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def evidence_of(item_id: int) -> list[Document]:
    """The evidence rows of an item."""
    return list(db.scalars(select(Document).where(Document.owner_id == item_id)))


def upload(client, item_id: int, content: bytes, name: str):
    """Post one file to an item."""
    return client.post(f"/ledger/items/{item_id}/evidence",
                       data={"file": (BytesIO(content), name)},
                       content_type="multipart/form-data")


# ------------------------------------------------------------------ the list

def test_the_list_shows_only_the_users_scope(bureau, as_user, client):
    a = make(bureau, "filer1", description="教育资金闲置")
    b = make(bureau, "filer2", description="农田项目验收滞后")
    as_user("filer2")
    page = client.get("/ledger").text
    assert row_ids(page) == [b.id] and "教育资金闲置" not in page
    as_user("cadre1")
    assert row_ids(client.get("/ledger").text) == [a.id]  # the section owning U1
    as_user("perf")
    assert sorted(row_ids(client.get("/ledger").text)) == sorted([a.id, b.id])


def test_filters_search_and_sort_change_the_rows(bureau, as_user, client):
    a = make(bureau, "filer1", days=40, description="项目资金闲置两年", source="key_evaluation",
             problem_list_no="LL-2026-01")
    b = make(bureau, "filer2", days=-20, description="政府采购程序不规范")
    c = make(bureau, "filer1", days=10, description="绩效目标不明确")
    c.status = "signed_off"
    db.flush()
    as_user("perf")

    def ids(query: str) -> list[int]:
        resp = client.get(f"/ledger?{query}")
        assert resp.status_code == 200, resp.text[:2000]
        return row_ids(resp.text)

    assert ids("") == [b.id, c.id, a.id]  # by deadline
    assert ids("sort=-deadline") == [a.id, c.id, b.id]
    assert ids("q=采购") == [b.id]
    assert ids("q=LL-2026") == [a.id]
    assert ids("source=key_evaluation") == [a.id]
    assert ids("overdue=yes") == [b.id]
    assert ids("overdue=no&sort=-deadline") == [a.id, c.id]
    assert ids("status=open") == [b.id, a.id]
    assert ids("status=signed_off") == [c.id]
    assert ids(f"unit_id={bureau.filer2.unit_id}") == [b.id]
    assert ids(f"year={rectification.today().year + 1}") == []
    page = client.get("/ledger?sort=overdue").text
    assert row_ids(page)[0] == b.id and 'data-overdue>20<' in page
    # sort links keep the filters and flip the direction of the active column
    assert 'href="/ledger?sort=-deadline&amp;q=%E9%87%87%E8%B4%AD"' in client.get(
        "/ledger?q=采购").text


def test_the_summary_counts_what_the_filters_select(bureau, as_user, client):
    items = [make(bureau, "filer1", days=d) for d in (-1, -20, -45, -61, 30)]
    closed = make(bureau, "filer1", days=-5)
    closed.status, closed.closed_on_time = "signed_off", True
    make(bureau, "filer2", days=-3)
    db.flush()
    as_user("perf")
    page = client.get(f"/ledger?unit_id={bureau.filer1.unit_id}").text
    assert len(items) + 1 == len(row_ids(page))
    assert figure(page, "figure", "items") == "6"
    assert figure(page, "figure", "signed_off") == "1"
    assert figure(page, "figure", "overdue") == "4"
    assert figure(page, "figure", "closure_rate") == "16.7%"  # 1 of 6
    assert figure(page, "figure", "on_time_rate") == "20.0%"  # 1 of the 5 due
    assert {band: figure(page, "ageing", band) for band in ("1-15", "16-30", "31-60", ">60")} \
        == {"1-15": "1", "16-30": "1", "31-60": "1", ">60": "1"}
    assert figure(page, "status", "signed_off") == "1"
    assert figure(page, "status", "assigned") == "5"
    assert figure(client.get("/ledger").text, "figure", "items") == "7"


def test_bad_filters_are_a_422_naming_them(bureau, as_user, client):
    as_user("perf")
    resp = client.get("/ledger?unit_id=x&sort=price&status=lost")
    assert resp.status_code == 422
    for name in ("unit_id", "sort", "status"):
        assert f"<code>{name}</code>" in resp.text
    assert client.get("/ledger/export.xlsx?year=1").status_code == 422


def test_buttons_follow_the_roles(bureau, as_user, client):
    as_user("filer1")
    page = client.get("/ledger").text
    assert "/ledger/export.xlsx" in page
    assert "/ledger/problems/new" not in page and "/ledger/settings" not in page
    as_user("perf")
    page = client.get("/ledger").text
    assert "/ledger/problems/new" in page and "/ledger/import" in page
    assert "/ledger/settings" not in page
    as_user("perfchief")
    assert "/ledger/settings" in client.get("/ledger").text


# ------------------------------------------------------------------ one item

def test_the_item_page_in_and_out_of_scope(bureau, as_user, client):
    item = make(bureau, "filer1", description="专项资金结余未及时清理", amount_involved="1234567",
                suggested_measure="收回结余资金", responsible_person="张三")
    as_user("cadre1")
    page = client.get(f"/ledger/items/{item.id}").text
    assert "专项资金结余未及时清理" in page and "收回结余资金" in page and "张三" in page
    assert "123.46" in page  # 万元
    assert f'href="/instances/{item.instance_id}"' in page
    assert re.search(r'href="/tasks/\d+"', page)  # the open plan task
    assert 'name="file"' not in page  # the liaison reads, the unit uploads
    as_user("filer1")
    assert 'name="file"' in client.get(f"/ledger/items/{item.id}").text
    as_user("filer2")
    assert client.get(f"/ledger/items/{item.id}").status_code == 404
    assert client.get("/ledger/items/999999").status_code == 404


# ------------------------------------------------------------------ evidence

def test_the_unit_uploads_evidence_and_it_is_listed(bureau, as_user, client, app):
    item = make(bureau, "filer1")
    as_user("filer1")
    resp = upload(client, item.id, PDF, "整改报告.pdf")
    assert resp.status_code == 302 and resp.headers["Location"].startswith(
        f"/ledger/items/{item.id}")
    docs = evidence_of(item.id)
    assert [(d.filename, d.size, d.content_type) for d in docs] == \
        [("整改报告.pdf", len(PDF), "application/pdf")]
    assert len(stored_files(app)) == 1
    page = client.get(f"/ledger/items/{item.id}").text
    assert "整改报告.pdf" in page and f'href="/ledger/documents/{docs[0].id}"' in page


@pytest.mark.parametrize(("user", "status"), [("filer2", 404), ("cadre1", 403)])
def test_others_cannot_upload(bureau, as_user, client, app, user, status):
    item = make(bureau, "filer1")
    as_user(user)
    assert upload(client, item.id, PDF, "report.pdf").status_code == status
    assert evidence_of(item.id) == [] and stored_files(app) == []


@pytest.mark.parametrize(("content", "name"), [
    (b"MZ\x90\x00\x03", "setup.exe"),
    (b"#!/bin/sh\necho pwned\n", "report.pdf"),  # not a PDF whatever its name
    (b"", "empty.pdf"),
])
def test_refused_files_are_not_stored(bureau, as_user, client, app, content, name):
    item = make(bureau, "filer1")
    as_user("filer1")
    resp = upload(client, item.id, content, name)
    assert resp.status_code == 422
    assert 'id="evidence-file-error"' in resp.text and 'aria-invalid="true"' in resp.text
    assert evidence_of(item.id) == [] and stored_files(app) == []


def test_a_missing_file_is_a_422(bureau, as_user, client):
    item = make(bureau, "filer1")
    as_user("filer1")
    resp = client.post(f"/ledger/items/{item.id}/evidence", data={},
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and "choose a file to upload" in resp.text


def test_download_is_an_attachment_within_scope(bureau, as_user, client):
    item = make(bureau, "filer1")
    as_user("filer1")
    upload(client, item.id, PDF, "整改报告.pdf")
    doc = evidence_of(item.id)[0]
    as_user("cadre1")
    with client.get(f"/ledger/documents/{doc.id}") as resp:  # closes the streamed file
        assert resp.status_code == 200 and resp.data == PDF
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Type"] == "application/pdf"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''" in disposition
    as_user("filer2")
    assert client.get(f"/ledger/documents/{doc.id}").status_code == 404


# ------------------------------------------------------------------ recording problems

def problem_form(bureau, **over) -> dict:
    data = {"source": "special_check", "source_ref": "财监〔2026〕3号", "problem_list_no": "SC-7",
            "unit_id": str(bureau.filer2.unit_id), "project_id": "",
            "description": "农田建设资金拨付滞后", "category": "funds", "severity": "normal",
            "amount_involved": "250000", "suggested_measure": "加快拨付",
            "responsible_person": "李四", "deadline": ""}
    data.update(over)
    return data


def test_the_performance_section_records_a_problem(bureau, as_user, client):
    as_user("perf")
    assert client.get("/ledger/problems/new").status_code == 200
    resp = client.post("/ledger/problems/new", data=problem_form(
        bureau, project_id=str(bureau.projects["p2"].id)))
    assert resp.status_code == 302
    item_id = int(re.fullmatch(r"/ledger/items/(\d+)", resp.headers["Location"]).group(1))
    item = db.get(RectificationItem, item_id)
    assert item.unit_id == bureau.filer2.unit_id and item.responsible_person == "李四"
    assert item.problem.project_id == bureau.projects["p2"].id
    assert str(item.problem.amount_involved) == "250000.00" and item.source == "special_check"
    assert "农田建设资金拨付滞后" in client.get(resp.headers["Location"]).text


def test_a_problem_needs_a_description(bureau, as_user, client):
    as_user("perf")
    before = db.scalar(select(func.count()).select_from(Problem))
    resp = client.post("/ledger/problems/new", data=problem_form(bureau, description="  "))
    assert resp.status_code == 422
    block = resp.text.split('data-field="description"', 1)[1].split("</div>", 1)[0]
    assert "is required" in block and 'aria-invalid="true"' in block
    assert "财监〔2026〕3号" in resp.text  # what was typed is kept
    assert db.scalar(select(func.count()).select_from(Problem)) == before


@pytest.mark.parametrize("user", ["filer1", "cadre1", "admin"])
def test_others_cannot_record_problems(bureau, as_user, client, user):
    as_user(user)
    assert client.get("/ledger/problems/new").status_code == 403
    assert client.post("/ledger/problems/new", data=problem_form(bureau)).status_code == 403
    assert client.get("/ledger/import").status_code == 403
    assert db.scalar(select(func.count()).select_from(Problem)) == 0


# ------------------------------------------------------------------ settings

def settings_form(**over) -> dict:
    data = {"deadline_days": "90", "serious_deadline_days": "60", "plan_days": "30",
            "day_kind": "calendar", "prewarning_days": "7", "notice_days": "15",
            "interview_days": "30", "interview_after_returns": "2",
            "interview_when_serious": "true", "strict_signoff_sod": "true", "reminder_hour": "8",
            "holidays": "", "make_up_workdays": ""}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_saves_the_settings(bureau, as_user, client):
    as_user("admin")
    page = client.get("/ledger/settings").text
    year = rectification.today().year
    for y in (year, year + 1):  # whether next year's holidays must be entered by hand
        assert f'data-year="{y}" data-covered="{"yes" if WorkCalendar.covers(y) else "no"}"' \
            in page
    resp = client.post("/ledger/settings", data=settings_form(
        deadline_days="45", day_kind="working", strict_signoff_sod=None,
        holidays="2031-10-08\n2031-10-09", make_up_workdays="2031-10-11"))
    assert resp.status_code == 302
    saved = settings_for(default_bureau())
    assert (saved.deadline_days, saved.day_kind, saved.strict_signoff_sod) == \
        (45, "working", False)
    assert saved.holidays == ["2031-10-08", "2031-10-09"]
    assert saved.make_up_workdays == ["2031-10-11"]
    audit = db.scalars(select(AuditLog).where(AuditLog.action == "settings.rectification")).one()
    assert audit.before["deadline_days"] == 90 and audit.after["deadline_days"] == 45
    page = client.get("/ledger/settings").text
    assert 'value="45"' in page and "2031-10-09" in page


def test_bad_settings_are_refused_and_nothing_changes(bureau, as_user, client):
    as_user("perfchief")
    resp = client.post("/ledger/settings", data=settings_form(
        deadline_days="0", reminder_hour="25", holidays="2031-13-01"))
    assert resp.status_code == 422
    for name in ("deadline_days", "reminder_hour", "holidays"):
        block = resp.text.split(f'data-field="{name}"', 1)[1].split("</div>", 1)[0]
        assert 'class="jx-field-error"' in block, name
    assert "must be between 1 and 730" in resp.text and "2031-13-01" in resp.text
    assert SETTINGS_KEY not in (default_bureau().settings or {})


@pytest.mark.parametrize("user", ["filer1", "perf", "leader"])
def test_others_cannot_change_the_settings(bureau, as_user, client, user):
    as_user(user)
    assert client.get("/ledger/settings").status_code == 403
    assert client.post("/ledger/settings",
                       data=settings_form(deadline_days="5")).status_code == 403
    assert SETTINGS_KEY not in (default_bureau().settings or {})


# ------------------------------------------------------------------ xlsx

def workbook_text(data: bytes) -> str:
    """Every cell value of a workbook, as one string."""
    book = load_workbook(BytesIO(data), read_only=True)
    return "\n".join(str(value) for sheet in book.worksheets
                     for row in sheet.iter_rows(values_only=True) for value in row
                     if value is not None)


def test_export_holds_only_the_rows_in_scope(bureau, as_user, client):
    make(bureau, "filer1", description="教育资金闲置")
    make(bureau, "filer2", description="农田项目验收滞后")
    as_user("filer1")
    resp = client.get("/ledger/export.xlsx")
    assert resp.status_code == 200 and resp.data.startswith(b"PK")
    assert resp.mimetype == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    text = workbook_text(resp.data)
    assert "教育资金闲置" in text and "农田项目验收滞后" not in text
    as_user("perf")
    text = workbook_text(client.get("/ledger/export.xlsx?q=农田").data)
    assert "农田项目验收滞后" in text and "教育资金闲置" not in text


def test_import_with_a_bad_row_imports_nothing(bureau, as_user, client):
    as_user("perf")
    template = client.get("/ledger/import-template.xlsx")
    assert template.status_code == 200 and template.data.startswith(b"PK")
    book = load_workbook(BytesIO(template.data))
    sheet = book.worksheets[0]
    sheet.append(["不存在的来源"] * max(sheet.max_column, 3))
    out = BytesIO()
    book.save(out)
    resp = client.post("/ledger/import", data={"file": (BytesIO(out.getvalue()), "list.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 422
    assert re.search(r"<li><strong>[^<]*row", resp.text)
    assert db.scalar(select(func.count()).select_from(Problem)) == 0


def test_import_refuses_what_is_not_a_workbook(bureau, as_user, client):
    as_user("perf")
    for data in ({}, {"file": (BytesIO(b"not a workbook"), "list.xlsx")}):
        resp = client.post("/ledger/import", data=data, content_type="multipart/form-data")
        assert resp.status_code == 422, resp.text[:500]
    assert db.scalar(select(func.count()).select_from(Problem)) == 0

