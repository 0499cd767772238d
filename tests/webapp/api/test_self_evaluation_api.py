"""Self-evaluation over the API: opening rounds, the list with its summary and scope, one
evaluation, and the whole workflow through the task endpoints with their documented bodies."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import GoalSheet, RectificationItem, SelfEvaluation, db
from tests.self_evaluation_data import SHORT, YEAR, due, filled, issued_sheet, ready

from .conftest import user


@pytest.fixture
def sheets(bureau, org):
    """p1 and p2 issued for the year, committed; their ids."""
    ids = [issued_sheet(bureau, name).id for name in ("p1", "p2")]
    db.commit()
    return ids


def opened(api, pct="0") -> dict:
    resp = api.post("/self-evaluation-rounds", "perf",
                    json={"fiscal_year": YEAR, "due_date": due(), "spot_check_pct": pct})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def evaluation_id(sheet_id: int) -> int:
    return db.scalars(select(SelfEvaluation.id).where(SelfEvaluation.sheet_id == sheet_id)).one()


def complete(api, sheet_id: int, key: str, as_user: str, body: dict):
    evaluation = db.get(SelfEvaluation, evaluation_id(sheet_id))
    return api.post(f"/tasks/{ready(evaluation, key).id}/complete", as_user, json=body)


def fill_body(sheet_id: int, **over) -> dict:
    return filled(db.get(GoalSheet, sheet_id), **over)


def test_the_performance_section_opens_a_round_once(api, sheets):
    body = opened(api, pct="50")
    assert (body["evaluations"], body["spot_checks"]) == (2, 1)
    assert body["round"]["fiscal_year"] == YEAR and body["round"]["spot_check_pct"] == "50.00"
    again = api.post("/self-evaluation-rounds", "perfchief",
                     json={"fiscal_year": YEAR, "due_date": due()})
    assert again.status_code == 409
    rounds = api.get("/self-evaluation-rounds", "filer1").get_json()["items"]
    assert [(r["fiscal_year"], r["evaluations"]) for r in rounds] == [(YEAR, 1)]  # own unit


def test_opening_is_refused_to_others_and_bad_input_is_named(api, sheets):
    for who in ("filer1", "cadre1", "admin"):
        resp = api.post("/self-evaluation-rounds", who,
                        json={"fiscal_year": YEAR, "due_date": due()})
        assert resp.status_code == 403, who
    resp = api.post("/self-evaluation-rounds", "perf",
                    json={"fiscal_year": YEAR, "due_date": "2020-13-01", "spot_check_pct": -1})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["errors"]) == {"due_date", "spot_check_pct"}
    resp = api.post("/self-evaluation-rounds", "perf", json={"fiscal_year": "2027"})
    assert resp.status_code == 422
    assert {"fiscal_year", "due_date"} <= set(resp.get_json()["error"]["errors"])


def test_the_list_pages_filters_and_keeps_to_the_scope(api, sheets, make_user):
    opened(api)
    make_user("firm1", "tp_evaluator")
    db.commit()
    resp = api.get("/self-evaluations?per_page=1", "leader")
    body = resp.get_json()
    assert (body["total"], body["pages"], len(body["items"])) == (2, 2, 1)
    assert body["summary"]["by_status"] == {"draft": 2}
    mine = api.get("/self-evaluations", "filer2").get_json()
    assert [row["unit"]["id"] for row in mine["items"]] == [user("filer2").unit_id]
    assert mine["items"][0]["spot_check"] is None and mine["summary"]["flagged"] is None
    assert api.get("/self-evaluations", "firm1").get_json()["items"] == []
    assert api.get("/self-evaluation-rounds", "firm1").get_json()["items"] == []
    e1 = evaluation_id(sheets[0])
    assert api.get(f"/self-evaluations/{e1}", "firm1").status_code == 404
    assert api.get(f"/self-evaluations/{e1}", "filer2").status_code == 404
    assert api.get(f"/self-evaluations/{e1}", "cadre1").status_code == 200
    assert api.get("/self-evaluations?grade=superb", "perf").status_code == 422


def test_the_workflow_through_the_task_endpoints(api, sheets):
    opened(api, pct="100")
    p1 = sheets[0]
    resp = complete(api, p1, "fill_evaluation", "filer1",
                    {"evaluation": {"execution": {"full_year_budget": "3200000"},
                                    "indicators": [], "report": ""}})
    assert resp.status_code == 422
    errors = resp.get_json()["error"]["errors"]
    assert {"evaluation.execution.executed", "evaluation.indicators.0.actual_value",
            "evaluation.indicators.3.achievement", "evaluation.report"} <= set(errors)
    stray = complete(api, p1, "fill_evaluation", "filer1", {"sheet": {}})
    assert stray.status_code == 422 and "sheet" in stray.get_json()["error"]["errors"]
    assert complete(api, p1, "fill_evaluation", "filer1", fill_body(p1, **SHORT)).status_code \
        == 200
    detail = api.get(f"/self-evaluations/{evaluation_id(p1)}", "filer1").get_json()
    assert (detail["total_score"], detail["grade"], detail["status"]) == ("75.75", "fair",
                                                                           "submitted")
    assert detail["subtotals"] == {"output": "31.25", "benefit": "25.50",
                                   "satisfaction": "10.00"}
    assert [line["score"] for line in detail["indicators"]] == [
        "18.75", "12.50", "15.00", "10.50", "10.00"]
    assert detail["budget_full_year"] == "3200000.00" and detail["executed"] == "2880000.00"
    assert complete(api, p1, "leader_review", "leader1", {"decision": "approve"}).status_code \
        == 200
    assert complete(api, p1, "liaison_review", "cadre1", {"decision": "approve"}).status_code \
        == 200
    unit_view = api.get(f"/self-evaluations/{evaluation_id(p1)}", "filer1").get_json()
    assert unit_view["status"] == "accepted" and unit_view["spot"] is None
    assert unit_view["spot_check"] is None and unit_view["open_tasks"] == []
    check = {"spot_check": {"check_score": 60, "comments": "自评偏高",
                            "problems": [{"description": "自评报告未反映资金结余",
                                          "category": "funds"}]}}
    assert complete(api, p1, "spot_check", "perf", check).status_code == 200
    perf_view = api.get(f"/self-evaluations/{evaluation_id(p1)}", "perf").get_json()
    assert (perf_view["status"], perf_view["gap"], perf_view["gap_flagged"]) == (
        "spot_checked", "15.75", True)
    assert perf_view["spot"]["problems"][0]["category"] == "funds"
    assert complete(api, p1, "accept_check", "perf", {"decision": "approve"}).status_code == 403
    assert complete(api, p1, "accept_check", "perfchief",
                    {"decision": "approve"}).status_code == 200
    item = db.scalars(select(RectificationItem)).one()
    assert (item.source, item.unit_id) == ("self_evaluation", user("filer1").unit_id)
    flagged = api.get("/self-evaluations?flagged=true", "perf").get_json()
    assert [row["id"] for row in flagged["items"]] == [evaluation_id(p1)]
    assert flagged["summary"]["flagged"] == 1


def test_an_administrator_and_a_firm_cannot_act(api, sheets, make_user):
    opened(api)
    make_user("firm2", "tp_evaluator", "unit_filer", unit="U1")
    db.commit()
    body = fill_body(sheets[0])
    assert complete(api, sheets[0], "fill_evaluation", "admin", body).status_code == 403
    # a firm's staff never reaches a self-evaluation's task, whatever else they hold (R21)
    resp = complete(api, sheets[0], "fill_evaluation", "firm2", body)
    assert resp.status_code == 404
