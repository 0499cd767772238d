"""Monitoring pages: opening a round, the round's figures and list, the fill form in 万元 with
errors on their rows, the decision and execution steps, the .xlsx summary, reversal."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from models import FundAction, MonitoringReport, MonitoringRound, Task, db
from tests.cycle_data import APPROVE, issued, open_monitoring, report_of, to_decision
from workflows.cycle_steps import today

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def sheets(bureau):
    pair = issued(bureau, "p1"), issued(bureau, "p2")
    db.commit()
    return pair


def fill_form(sheet, executed_wan="160", **over) -> dict:
    form = {"executed_wan": executed_wan, "corrective_measures": ""}
    for i, _ind in enumerate(sheet.indicators):
        form.update({f"ind-{i}-progress_value": "过半", f"ind-{i}-expected_year_end": "完成",
                     f"ind-{i}-achievable": "yes"})
    form.update(over)
    return form


def test_the_performance_section_opens_a_round_from_the_page(sheets, as_user, get, post):
    as_user("perf")
    assert "No monitoring round has been opened yet." in get("/monitoring")
    resp = post("/monitoring/rounds", {"fiscal_year": "2027", "period_label": "H1",
                                       "cutoff_date": "2026-06-30", "due_date": ""}, status=422)
    assert 'data-field="cutoff_date"' in resp.text and 'data-field="due_date"' in resp.text
    due = (today() + timedelta(days=20)).isoformat()
    post("/monitoring/rounds", {"fiscal_year": "2027", "period_label": "H1",
                                "cutoff_date": "2027-06-30", "due_date": due})
    found = db.query(MonitoringRound).one()
    assert str(found.time_progress) == "50.00"
    page = get("/monitoring")
    assert 'data-figure="submitted">0 / 2<' in page
    as_user("filer1")
    assert "data-open-round" not in get("/monitoring")


def test_fill_in_wan_flagged_needs_measures_and_errors_sit_on_their_rows(
        bureau, sheets, as_user, get, post):
    open_monitoring(bureau.perf)
    db.commit()
    report = report_of(sheets[0])
    task = db.query(Task).filter_by(instance_id=report.instance_id).one()
    as_user("filer1")
    url = f"/tasks/{task.id}"
    assert 'data-form="jixiao:monitor_fill"' in get(url)
    resp = post(url, fill_form(sheets[0], "50", **{"ind-0-progress_value": ""}), status=422)
    assert "state the corrective measures" in resp.text and "is required" in resp.text
    post(url, fill_form(sheets[0], "50", corrective_measures="加快进度"))
    report = db.get(MonitoringReport, report.id)
    assert report.executed_amount == 500_000 and report.flagged


def test_decision_approval_execution_export_and_reversal(bureau, sheets, as_user, get, post):
    open_monitoring(bureau.perf)
    report = to_decision(bureau, sheets[0])
    db.commit()

    def url():
        task = db.query(Task).filter_by(instance_id=report.instance_id, status="ready").one()
        return f"/tasks/{task.id}"
    as_user("perf")
    resp = post(url(), {"finance_decision": "reduce", "amount_wan": "300", "note": "调减"},
                status=422)
    assert "at most the unspent budget" in resp.text
    post(url(), {"finance_decision": "suspend", "note": "暂缓拨款"})
    as_user("leader")
    post(url(), APPROVE)
    as_user("budget")
    post(url(), {"note": "已暂停拨付"})
    action = db.query(FundAction).one()
    assert action.kind == "suspend" and action.amount == 2_700_000
    page = get(f"/monitoring/reports/{report.id}")
    assert f'data-fund-action="{action.id}"' in page and "Suspension" in page
    assert 'data-action="execute"' in page and "executed the fund action" in page
    assert "data-open-tasks" not in page  # nothing left to do on it
    as_user("filer1")
    assert 'data-held="suspend"' in get("/projects")
    as_user("leader")
    post(f"/fund-actions/{action.id}/reverse", {"reason": "已整改", "next": "/monitoring"})
    assert db.query(FundAction).count() == 2
    as_user("filer1")
    assert "data-held" not in get("/projects")


def test_summary_xlsx(bureau, sheets, client, as_user):
    open_monitoring(bureau.perf)
    report = to_decision(bureau, sheets[0])
    db.commit()
    as_user("perf")
    resp = client.get(f"/monitoring/rounds/{report.round_id}/summary.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(BytesIO(resp.data))
    rows = list(wb["监控汇总"].iter_rows(values_only=True))
    assert "绩效运行监控汇总表" in rows[0][0] and rows[1][0] == "序号"
    assert len(rows) == 4 and rows[2][8] == "是"  # two reports; p1 flagged
    as_user("filer1")
    assert client.get(f"/monitoring/rounds/{report.round_id}/summary.xlsx").status_code == 404


def test_the_round_figures_are_the_bureaus_for_the_performance_section(bureau, sheets, as_user,
                                                                       get):
    open_monitoring(bureau.perf)
    db.commit()
    as_user("perf")
    assert 'data-figure="submitted">0 / 2<' in get("/monitoring")


def test_units_see_their_own_reports(bureau, sheets, as_user, get):
    open_monitoring(bureau.perf)
    db.commit()
    mine, theirs = report_of(sheets[0]), report_of(sheets[1])
    as_user("filer1")
    page = get("/monitoring")
    assert f'data-report="{mine.id}"' in page and f'data-report="{theirs.id}"' not in page
    assert 'data-figure="submitted">0 / 1<' in page  # its own figures, not the bureau's
    get(f"/monitoring/reports/{theirs.id}", status=404)
