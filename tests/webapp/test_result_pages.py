"""Result-application pages: generating from the page, the list with its figures and filters,
the review and apply steps, the .xlsx list, final accounts uploaded as .xlsx (all or nothing)."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from models import ResultApplication, Task, UnitFinalAccount, db
from tests.cycle_data import generate, graded

pytestmark = pytest.mark.usefixtures("english")


def _task_url(application) -> str:
    task = db.query(Task).filter_by(instance_id=application.instance_id, status="ready").one()
    return f"/tasks/{task.id}"


def test_generate_from_the_page_and_work_a_proposal(bureau, as_user, get, post, client):
    graded(bureau, "p1", "poor")
    db.commit()
    as_user("perf")
    resp = post("/results/generate", {"target_year": "2030", "source_year": "2026"}, status=422)
    assert 'data-field="source_year"' in resp.text
    resp = post("/results/generate", {"target_year": "2028", "source_year": "2026",
                                      "compilation_date": "2027-09-01"})
    page = get(resp.headers["Location"])
    assert "1 new proposal(s) for 2028" in page and 'data-figure="cancelled">1<' in page
    application = db.query(ResultApplication).one()
    assert f'data-application="{application.id}"' in page
    detail = get(f"/results/{application.id}")
    assert 'data-rule="R23"' in detail and "final_score" in detail
    assert 'data-action="propose"' in detail and "data-open-tasks" in detail
    assert "graded 差 (score 52.00): the department project is cancelled" in detail
    post(_task_url(application), {"decision": "confirm"})
    as_user("chief1")
    post(_task_url(application), {"comment": "同意"})
    as_user("leader")
    post(_task_url(application), {"decision": "approve"})
    as_user("budget")
    post(_task_url(application), {"applied_effect_wan": "-300", "note": "已调整控制数"})
    assert db.get(ResultApplication, application.id).applied_effect == -3_000_000
    resp = client.get(f"/results/rounds/{application.round_id}/list.xlsx")
    rows = list(load_workbook(BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert rows[1][0] == "序号" and rows[2][3] == "R23" and rows[2][11] == "已应用"
    # a Chinese document whatever the page's language, the rule's sentence included
    assert rows[2][9].endswith("评价等级为“差”（52.00 分）：取消该部门预算项目")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert "取消该部门预算项目" in get(f"/results/{application.id}")


def test_other_units_do_not_see_the_proposal(bureau, as_user, get):
    graded(bureau, "p1", "poor")
    generate(bureau.perf)
    db.commit()
    application = db.query(ResultApplication).one()
    as_user("filer2")
    get(f"/results/{application.id}", status=404)
    assert "data-application" not in get("/results")
    as_user("filer1")
    assert f'data-application="{application.id}"' in get("/results")
    assert "data-generate" not in get("/results")


def _workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "单位决算"
    ws.append(["2026年度部门决算数据"])
    ws.append(["单位编码", "决算支出（元）", "结转资金（元）", "结余资金（元）",
               "下年业务经费（元）"])
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_final_accounts_upload(bureau, as_user, client, get):
    db.commit()
    as_user("budget")
    template = client.get("/results/accounts-template.xlsx?year=2026")
    assert template.status_code == 200 and template.data.startswith(b"PK")
    bad = _workbook([["U1", 1000, 0, 0, 10], ["NOPE", "x", 0, 0, 0]])
    resp = client.post("/results/accounts?year=2026",
                       data={"file": (BytesIO(bad), "决算.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and "accounts.1.unit_code" in resp.text
    assert db.query(UnitFinalAccount).count() == 0
    good = _workbook([["U1", 10000000, 1000000, 801000, 2000000],
                      ["U2", 90000000, 0, 6199000, 5000000]])
    resp = client.post("/results/accounts?year=2026",
                       data={"file": (BytesIO(good), "决算.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    page = get("/results/accounts?year=2026")
    assert "18.01%" in page
    resp = client.post("/results/accounts?year=2026",
                       data={"file": (BytesIO(b"not a workbook"), "x.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 422
    resp = client.post("/results/accounts?year=2026",
                       data={"file": (BytesIO(_damaged(good)), "决算.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and "may be damaged" in resp.text
    assert db.query(UnitFinalAccount).count() == 2


def _damaged(data: bytes) -> bytes:
    """The workbook with its sheet's XML cut off: a valid archive the reader fails inside."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info, body[:len(body) // 2] if "worksheets/sheet" in info.filename
                         else body)
    return out.getvalue()


def test_a_unit_sees_its_own_accounts_and_records_none(bureau, as_user, client, get):
    from workflows import results
    results.record_accounts(bureau.budget, 2026, [
        {"unit_code": "U1", "expenditure": "1000", "carryover": "0", "balance": "10",
         "operating_funds": "0"},
        {"unit_code": "U2", "expenditure": "2000", "carryover": "0", "balance": "20",
         "operating_funds": "0"}])
    db.commit()
    as_user("filer1")
    page = get("/results/accounts?year=2026")
    assert "区教育局" in page and "区农业局" not in page
    resp = client.post("/results/accounts?year=2026",
                       data={"file": (BytesIO(_workbook([["U2", 1, 0, 0, 0]])), "决算.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 403
    assert db.query(UnitFinalAccount).filter_by(unit_id=bureau.filer2.unit_id).one(
        ).expenditure == 2000
