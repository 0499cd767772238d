"""Self-evaluation pages: opening a round, the list with its summary and scope, the detail, and
the task pages (money typed in 万元, errors next to their fields, finance-only spot check)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import RectificationItem, SelfEvaluation, db
from tests.self_evaluation_data import (
    SHORT,
    YEAR,
    due,
    evaluation_of,
    filled,
    issued_sheet,
    open_year,
    ready,
)
from workflows.tasks import complete_user_task

pytestmark = pytest.mark.usefixtures("english")


def fresh(evaluation: SelfEvaluation) -> SelfEvaluation:
    """The evaluation as the last request left it."""
    return db.get(SelfEvaluation, evaluation.id)


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-evaluation="(\d+)"', html)]


def fill_form(sheet, **over) -> dict:
    """The fill task's posted form: 万元 amounts, one row per indicator."""
    form = {"budget_wan": "320", "executed_wan": "320", "report": "目标全部完成。",
            "ind-0-actual_value": "12", "ind-1-actual_value": "0", "ind-2-actual_value": "8000",
            "ind-3-achievement": "achieved", "ind-3-achieved_pct": "100",
            "ind-4-actual_value": "95"}
    form.update(over)
    return form


@pytest.fixture
def round_p1(bureau):
    """p1 and p2 issued, the year opened without a spot check; the p1 evaluation."""
    sheet = issued_sheet(bureau, "p1")
    issued_sheet(bureau, "p2")
    open_year(bureau.perf)
    db.commit()
    return sheet, evaluation_of(sheet)


def drawn(bureau):
    """p1 issued, opened with everything drawn, filled short and reviewed: at the spot check."""
    sheet = issued_sheet(bureau, "p1")
    open_year(bureau.perf, pct="100")
    evaluation = evaluation_of(sheet)
    for key, user, payload in [("fill_evaluation", bureau.filer1, filled(sheet, **SHORT)),
                               ("leader_review", bureau.leader1, {"decision": "approve"}),
                               ("liaison_review", bureau.cadre1, {"decision": "approve"})]:
        complete_user_task(ready(evaluation, key), user, payload)
    db.commit()
    return sheet, evaluation


# ------------------------------------------------------------------ rounds and the list

def test_the_performance_section_opens_a_year_from_the_page(bureau, as_user, client):
    issued_sheet(bureau, "p1")
    issued_sheet(bureau, "p2")
    as_user("perf")
    page = client.get("/self-evaluations").text
    assert "No year’s self-evaluation has been opened yet." in page and "data-open-round" in page
    resp = client.post("/self-evaluations/rounds",
                       data={"fiscal_year": str(YEAR), "due_date": due(),
                             "spot_check_pct": "10"})
    assert resp.status_code == 302, resp.text[:2000]
    page = client.get(resp.headers["Location"]).text
    assert len(row_ids(page)) == 2
    assert 'data-figure="total">2<' in page and 'data-figure="spot_checks">1<' in page  # ceil
    assert 'data-by-status="draft">2<' in page


def test_the_round_form_shows_errors_next_to_fields(bureau, as_user, client):
    issued_sheet(bureau, "p1")
    as_user("perfchief")
    resp = client.post("/self-evaluations/rounds",
                       data={"fiscal_year": "1999", "due_date": "31/03/2028",
                             "spot_check_pct": "120"})
    assert resp.status_code == 422
    for field in ("fiscal_year", "due_date", "spot_check_pct"):
        assert f'id="f-{field}-error"' in resp.text and f'id="f-{field}"' in resp.text
    assert "dates must be written YYYY-MM-DD" in resp.text
    ok = {"fiscal_year": str(YEAR), "due_date": due(), "spot_check_pct": ""}
    assert client.post("/self-evaluations/rounds", data=ok).status_code == 302
    again = client.post("/self-evaluations/rounds", data=ok)
    assert again.status_code == 409 and "has already been opened" in again.text


def test_units_may_not_open_a_round(bureau, as_user, client):
    issued_sheet(bureau, "p1")
    as_user("filer1")
    assert "data-open-round" not in client.get("/self-evaluations").text
    resp = client.post("/self-evaluations/rounds",
                       data={"fiscal_year": str(YEAR), "due_date": due()})
    assert resp.status_code == 403


def test_the_list_keeps_to_the_users_scope(bureau, round_p1, as_user, client, make_user):
    _, e1 = round_p1
    e2 = db.scalars(select(SelfEvaluation).where(SelfEvaluation.id != e1.id)).one()
    make_user("firm1", "tp_evaluator")
    db.commit()
    for user, expected in [("filer1", [e1.id]), ("cadre2", [e2.id]),
                           ("leader", sorted([e1.id, e2.id]))]:
        as_user(user)
        assert sorted(row_ids(client.get("/self-evaluations").text)) == expected, user
    as_user("filer2")
    assert client.get(f"/self-evaluations/{e1.id}").status_code == 404
    as_user("firm1")
    assert "/self-evaluations" not in client.get("/inbox").text  # no nav link
    assert client.get("/self-evaluations").status_code == 404
    assert client.get(f"/self-evaluations/{e1.id}").status_code == 404


def test_filters_by_status_and_grade(bureau, round_p1, as_user, client):
    sheet, evaluation = round_p1
    complete_user_task(ready(evaluation, "fill_evaluation"), bureau.filer1, filled(sheet))
    db.commit()
    as_user("perf")
    assert row_ids(client.get("/self-evaluations?grade=excellent").text) == [evaluation.id]
    assert row_ids(client.get("/self-evaluations?status=submitted").text) == [evaluation.id]
    assert len(row_ids(client.get("/self-evaluations?status=draft").text)) == 1
    assert client.get("/self-evaluations?grade=superb").status_code == 422


# ------------------------------------------------------------------ the fill task page

def test_the_filer_fills_in_wan_and_the_scores_show(bureau, round_p1, as_user, client):
    sheet, evaluation = round_p1
    url = f"/tasks/{ready(evaluation, 'fill_evaluation').id}"
    as_user("filer1")
    page = client.get(url).text
    assert 'name="budget_wan" value="320"' in page  # the sheet's 3,200,000 yuan in 万元
    resp = client.post(url, data=fill_form(sheet, executed_wan="288"))
    assert resp.status_code == 302, resp.text[:3000]
    stored = fresh(evaluation)
    assert (stored.budget_full_year, stored.executed) == (Decimal("3200000.00"),
                                                          Decimal("2880000.00"))
    assert (stored.execution_score, stored.total_score, stored.grade, stored.status) == (
        Decimal("9.00"), Decimal("99.00"), "excellent", "submitted")
    page = client.get(resp.headers["Location"]).text
    assert "data-total>99.00<" in page and 'data-subtotal="output">50.00<' in page
    assert 'data-grade="excellent"' in page and "288.00" in page and "90.00%" in page


def test_errors_show_next_to_their_fields(bureau, round_p1, as_user, client):
    sheet, evaluation = round_p1
    url = f"/tasks/{ready(evaluation, 'fill_evaluation').id}"
    as_user("filer1")
    resp = client.post(url, data=fill_form(sheet, executed_wan="1.1234567"))
    assert resp.status_code == 422
    assert 'id="f-evaluation.execution.executed-error"' in resp.text
    assert "use at most 6 decimals (10,000 yuan)" in resp.text
    resp = client.post(url, data=fill_form(sheet, budget_wan="abc", report="",
                                           **{"ind-3-achieved_pct": "50"}))
    assert resp.status_code == 422
    page = resp.text
    assert 'id="f-evaluation.execution.full_year_budget-error"' in page and 'value="abc"' in page
    assert 'id="f-evaluation.report-error"' in page
    row3 = page[page.index('data-row="3"'):page.index('data-row="4"')]
    assert "an achieved indicator scores 80 to 100 percent of its weight" in row3
    assert fresh(evaluation).status == "draft"


def test_a_shortfall_reason_is_asked_for_on_its_row(bureau, round_p1, as_user, client):
    sheet, evaluation = round_p1
    url = f"/tasks/{ready(evaluation, 'fill_evaluation').id}"
    as_user("filer1")
    resp = client.post(url, data=fill_form(sheet, **{"ind-0-actual_value": "9"}))
    assert resp.status_code == 422
    row0 = resp.text[resp.text.index('data-row="0"'):resp.text.index('data-row="1"')]
    assert "explain why the target was not fully met" in row0 and 'aria-invalid="true"' in row0
    resp = client.post(url, data=fill_form(sheet, **{"ind-0-actual_value": "9",
                                                     "ind-0-deviation_reason": "工期顺延"}))
    assert resp.status_code == 302
    assert fresh(evaluation).results[0]["score"] == "18.75"


def test_the_leader_who_filled_it_is_refused_on_the_page(bureau, round_p1, as_user, client):
    sheet, evaluation = round_p1
    complete_user_task(ready(evaluation, "fill_evaluation"), bureau.both1, filled(sheet))
    db.commit()
    as_user("both1")
    page = client.get(f"/tasks/{ready(evaluation, 'leader_review').id}").text
    assert "R9" in page and 'data-form="jixiao:self_eval_leader_review"' not in page
    as_user("leader1")
    url = f"/tasks/{ready(evaluation, 'leader_review').id}"
    resp = client.post(url, data={"decision": "return", "comment": ""})
    assert resp.status_code == 422 and 'id="f-comment-error"' in resp.text
    assert client.post(url, data={"decision": "return", "comment": "补充"}).status_code == 302
    assert fresh(evaluation).status == "draft"


# ------------------------------------------------------------------ spot check (finance only)

def test_units_never_see_the_spot_check(bureau, as_user, client):
    _, evaluation = drawn(bureau)
    task_id = ready(evaluation, "spot_check").id
    as_user("filer1")
    page = client.get(f"/self-evaluations/{evaluation.id}").text
    assert "data-spot-check" not in page and 'data-status="accepted"' in page
    assert "Spot-check" not in page and f"/tasks/{task_id}" not in page
    assert client.get(f"/tasks/{task_id}").status_code == 404
    listing = client.get("/self-evaluations").text
    assert "data-drawn" not in listing and "Drawn for the spot check" not in listing
    as_user("perf")
    page = client.get(f"/self-evaluations/{evaluation.id}").text
    assert "data-spot-check" in page and 'data-status="reviewed"' in page


def test_the_spot_check_page_records_gap_and_problems(bureau, as_user, client, make_user):
    _, evaluation = drawn(bureau)
    make_user("chief2", "perf_chief", section="S-PERF")
    db.commit()
    url = f"/tasks/{ready(evaluation, 'spot_check').id}"
    as_user("perf")
    form = {"check_score": "85.76", "comments": "",
            "p-1-description": "自评报告未反映资金结余", "p-1-category": "funds",
            "p-1-severity": "normal", "p-1-amount_wan": "12.0000001",
            "p-3-description": "满意度调查样本不足", "p-3-severity": "serious"}
    resp = client.post(url, data=form)
    assert resp.status_code == 422
    row1 = resp.text[resp.text.index('data-problem-row="1"'):resp.text.index(
        'data-problem-row="2"')]
    assert "use at most 6 decimals (10,000 yuan)" in row1
    form["p-1-amount_wan"] = "12.5"
    resp = client.post(url, data=form)
    assert resp.status_code == 422
    page = resp.text
    assert 'id="f-spot_check.comments-error"' in page  # a flagged gap must be explained
    row3 = page[page.index('data-problem-row="3"'):page.index('data-problem-row="4"')]
    assert "choose one of" in row3  # the category missing on form row 3, not payload row 1
    form.update({"comments": "自评偏高", "p-3-category": "benefit"})
    assert client.post(url, data=form).status_code == 302
    stored = fresh(evaluation)
    assert (stored.gap, stored.gap_flagged) == (Decimal("10.01"), True)
    assert stored.check_problems[0]["amount_involved"] == "125000.00"
    as_user("chief2")
    accept = f"/tasks/{ready(evaluation, 'accept_check').id}"
    page = client.get(accept).text
    assert "data-flagged" in page and "自评报告未反映资金结余" in page
    assert client.post(accept, data={"decision": "approve"}).status_code == 302
    items = db.scalars(select(RectificationItem)).all()
    assert len(items) == 2 and {i.source for i in items} == {"self_evaluation"}
    assert fresh(evaluation).status == "accepted"
