"""The unit's own goal sheets from the pages and the API: the overall sheet of a year (R6) and
the adjustment of issued goals (R11), each checked, scoped and refused twice."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import GoalSheet, db
from tests.cycle_data import issued, monitor_act, open_monitoring, report_of, to_decision
from workflows.cycle_steps import today

pytestmark = pytest.mark.usefixtures("english")


def _overall(unit_id: int) -> list[GoalSheet]:
    return list(db.scalars(select(GoalSheet).where(GoalSheet.unit_id == unit_id,
                                                   GoalSheet.kind == "overall")))


def test_a_filer_declares_the_units_overall_goals_once_a_year(bureau, as_user, get, post):
    db.commit()
    year = today().year
    as_user("filer1")
    page = get("/projects")
    assert f'data-overall-year="{year}"' in page and f'data-overall-year="{year + 1}"' in page
    assert "Declare overall goals" in page
    resp = post("/overall-goals/declare", {"fiscal_year": str(year + 1)})
    assert "/tasks/" in resp.headers["Location"]
    [sheet] = _overall(bureau.filer1.unit_id)
    assert (sheet.fiscal_year, sheet.amount, sheet.project_id) == (year + 1, 0, None)
    assert 'name="overall_goal"' in get(resp.headers["Location"])
    post("/overall-goals/declare", {"fiscal_year": str(year + 1)}, status=409)
    resp = post("/overall-goals/declare", {"fiscal_year": "1999"})
    assert len(_overall(bureau.filer1.unit_id)) == 1
    assert "the budget year under way or the next one" in get(resp.headers["Location"])


def test_only_a_filer_declares_and_a_leader_only_sees_the_years(bureau, as_user, get, post):
    db.commit()
    as_user("leader1")
    page = get("/projects")
    assert "data-overall-goals" in page and "Declare overall goals" not in page
    post("/overall-goals/declare", {"fiscal_year": str(today().year)}, status=403)
    as_user("perf")
    assert "data-overall-goals" not in get("/projects")
    assert _overall(bureau.filer1.unit_id) == []


def test_adjusting_issued_goals_needs_a_reason_and_the_units_filer(bureau, as_user, get, post):
    sheet = issued(bureau, "p1")
    db.commit()
    as_user("filer1")
    assert f'data-adjust="{sheet.id}"' in get("/projects")
    resp = post(f"/sheets/{sheet.id}/adjust", {"reason": "  "})
    assert "give the reason for the adjustment" in get(resp.headers["Location"])
    assert db.scalar(select(GoalSheet).where(GoalSheet.version == 2)) is None
    as_user("filer2")
    post(f"/sheets/{sheet.id}/adjust", {"reason": "调整"}, status=404)
    as_user("leader1")
    post(f"/sheets/{sheet.id}/adjust", {"reason": "调整"}, status=403)
    as_user("filer1")
    resp = post(f"/sheets/{sheet.id}/adjust", {"reason": "监控发现进度滞后，调整产出指标"})
    assert "/tasks/" in resp.headers["Location"]
    adjusted = db.scalar(select(GoalSheet).where(GoalSheet.project_id == sheet.project_id,
                                                 GoalSheet.version == 2))
    assert adjusted.is_adjustment and adjusted.adjustment_reason.startswith("监控发现")
    assert len(adjusted.indicators) == len(sheet.indicators)
    page = get("/projects")
    assert f'data-adjust="{sheet.id}"' not in page and "Adjustment" in page
    post(f"/sheets/{sheet.id}/adjust", {"reason": "再次调整"}, status=409)


def test_the_monitoring_report_offers_the_adjustment_it_asked_for(bureau, as_user, get, post):
    sheet = issued(bureau, "p1")
    open_monitoring(bureau.perf)
    report = to_decision(bureau, sheet)
    monitor_act(report, "monitor_decide", bureau.perf,
                {"finance_decision": "goal_adjust", "note": "指标值偏高，请调整"})
    db.commit()
    as_user("filer1")
    page = get(f"/monitoring/reports/{report.id}")
    assert "data-goal-adjustment" in page and f'data-adjust="{sheet.id}"' in page
    resp = post(f"/sheets/{sheet.id}/adjust", {"reason": "", "next":
                                              f"/monitoring/reports/{report.id}"})
    assert resp.headers["Location"].endswith(f"/monitoring/reports/{report.id}")
    as_user("leader1")  # the unit leader reads the report; the filer files the adjustment
    assert "data-goal-adjustment" not in get(f"/monitoring/reports/{report_of(sheet).id}")


def test_the_api_starts_both(bureau, app, client):
    from webapp.auth.tokens import issue_token
    sheet = issued(bureau, "p1")
    db.commit()
    with app.app_context():
        headers = {"Authorization": f"Bearer {issue_token(bureau.filer1)}"}
    url = "/api/v1/process-instances"
    resp = client.post(url, headers=headers, json={"process_key": "goal_declaration", "data": {
        "kind": "overall", "fiscal_year": today().year}})
    assert resp.status_code == 201, resp.text
    resp = client.post(url, headers=headers, json={"process_key": "goal_declaration", "data": {
        "adjusts_sheet_id": sheet.id, "reason": ""}})
    assert resp.status_code == 422 and "adjustment_reason" in resp.text
    resp = client.post(url, headers=headers, json={"process_key": "goal_declaration", "data": {
        "adjusts_sheet_id": sheet.id, "reason": "调整"}})
    assert resp.status_code == 201, resp.text
