"""Defects a review of the key-evaluation and self-evaluation code found, kept as regression
tests: leaks of audit opinions, fees and drafts, R9, R18 logging, stuck evaluations, bad input."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from models import AuditLog, BudgetUnit, Engagement, Task, db
from tests.conftest import ready_task
from tests.evaluation_support import (
    GOOD,
    PLAN,
    act,
    engage,
    open_keys,
    propose,
    to_draft,
    to_final_step,
    to_plan,
    upload,
)
from tests.self_evaluation_data import evaluation_of, filled, issued_sheet, open_year, ready
from workflows import firms
from workflows.engine import clock
from workflows.errors import Conflict, Forbidden, InvalidInput
from workflows.tasks import complete_user_task

OPINION = "审计局意见：2026年已安排专项审计，请勿重复"


@pytest.fixture
def as_user(client, login):
    def switch(username: str) -> None:
        client.post("/logout")
        assert login(username).status_code == 302
    return switch


def issued(ke):
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    act(ke.auditor, ev, "consult_final", {"opinion": "同意定稿"})
    act(ke.o.leader, ev, "leader_approval", {"decision": "approve"})
    return ev


def firm_reads(user_id: int, ev_id: int) -> int:
    return db.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.actor_id == user_id, AuditLog.action == "firm.read",
        AuditLog.entity == "key_evaluation", AuditLog.entity_id == str(ev_id)))


def opined(ke):
    ev = propose(ke)
    act(ke.auditor, ev, "consult_pre", {"opinion": OPINION})
    act(ke.o.leader, ev, "approve_list", {"decision": "approve"})
    engage(ke, ev)
    return ev


# ---------------------------------------------------------------- audit opinions leak

def test_firm_lead_task_page_shows_audit_opinion(ke, client, as_user):
    """Firm staff never see audit opinions (DOMAIN §2), yet the task page timeline prints them."""
    ev = opined(ke)
    as_user("lead_a")
    resp = client.get(f"/tasks/{ready_task(ev.instance_id, 'submit_plan').id}")
    assert resp.status_code == 200
    assert OPINION not in resp.text


def test_units_do_not_read_the_audit_opinion_through_the_instance_api(ke, client, api_token):
    """Units never see audit opinions: the generic instance view is closed to them, and the
    opinion is not a task comment that any history could show."""
    ev = opined(ke)
    resp = client.get(f"/api/v1/process-instances/{ev.instance_id}",
                      headers=api_token("filer1"))
    assert resp.status_code == 404
    resp = client.get(f"/api/v1/process-instances/{ev.instance_id}",
                      headers=api_token("cadre1"))
    assert resp.status_code == 200
    assert OPINION not in [h["comment"] for h in resp.get_json()["history"]]


# ---------------------------------------------------------------- matrix / R9

def test_unit_filer_alone_submits_feedback_on_draft(ke):
    """Matrix 'unit feedback on draft': filer C, unit_leader A,S — a filer submits it alone."""
    ev = to_draft(ke)
    with pytest.raises((Forbidden, Conflict)):
        act(ke.o.filer1, ev, "unit_feedback", {"decision": "agree"})


def test_chief_confirms_the_firm_score_he_proposed(ke):
    """R9: the firm quality score proposed by a user is confirmed by the same user."""
    ev = issued(ke)
    act(ke.o.perfchief, ev, "score_firm", {"components": GOOD})
    with pytest.raises(Forbidden):
        act(ke.o.perfchief, ev, "confirm_firm_score", {"decision": "confirm"})


def test_unit_sees_its_evaluation_while_only_proposed(ke, client, api_token):
    """Matrix 'list and plan': units have no access, yet read the mere proposal."""
    ev = propose(ke)
    resp = client.get(f"/api/v1/evaluations/{ev.id}", headers=api_token("filer1"))
    assert resp.status_code == 404


def test_budget_section_does_not_read_the_draft_scores(ke, client, api_token):
    """Matrix 'fieldwork, draft report': the budget section reads the list and plan, not the
    draft's scores or problems (until the score is final)."""
    ev = to_draft(ke)
    body = client.get(f"/api/v1/evaluations/{ev.id}", headers=api_token("budget")).get_json()
    assert body["total"] is None and body["problems"] == []
    assert all(i["score"] is None for g in body["groups"] for i in g["indicators"])
    body = client.get(f"/api/v1/evaluations/{ev.id}", headers=api_token("perf")).get_json()
    assert body["total"] == "88.00" and len(body["problems"]) == 2


def test_unit_sees_fee_budget_on_task_page(ke, client, as_user):
    """Fee budget is for finance roles (results.FEE_READERS); the task page shows it to units."""
    ev = to_plan(ke)
    act(ke.lead_a, ev, "submit_plan", PLAN)
    act(ke.o.perf, ev, "review_plan", {"decision": "approve"})
    as_user("filer1")
    resp = client.get(f"/tasks/{ready_task(ev.instance_id, 'supply_data').id}")
    assert resp.status_code == 200
    assert "18.00 万元" not in resp.text


# ---------------------------------------------------------------- listing / state

def test_revision_cannot_move_the_object_onto_another_listed_year(ke):
    """A revision changes the wording and fee only: the year stays, so no object is listed
    twice for one year."""
    first = propose(ke)
    second = propose(ke, fiscal_year_evaluated=2026)
    act(ke.auditor, second, "consult_pre", {"opinion": "同意"})
    act(ke.o.leader, second, "approve_list", {"decision": "return", "comment": "年度"})
    act(ke.o.perf, second, "revise_proposal", {"fiscal_year_evaluated": 2027,
                                               "object_type": "policy", "title": "新标题"})
    assert (second.fiscal_year_evaluated, second.object_type, second.title) == (
        2026, "project", "新标题")
    assert first.fiscal_year_evaluated == 2027


def test_status_after_chief_return_and_audit_reply(ke):
    """The chief's return then the audit reply leaves status audit_prefinal at quality review."""
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "return", "comment": "依据不足"})
    act(ke.auditor, ev, "consult_final", {"opinion": "无意见"})
    assert open_keys(ev) == ["quality_review"]
    assert ev.status == "perf_review"


def test_status_after_revision(ke):
    """After revising, the status says audit_pre though no consultation is open."""
    ev = propose(ke)
    act(ke.auditor, ev, "consult_pre", {"opinion": "同意"})
    act(ke.o.leader, ev, "approve_list", {"decision": "return", "comment": "补充"})
    act(ke.o.perf, ev, "revise_proposal", {"selection_note": "补充理由"})
    assert open_keys(ev) == ["approve_list"]
    assert ev.status != "audit_pre"


def test_closed_engagement_blocks_closing_the_evaluation(ke):
    """The engagement closed from its page after delivery: confirm_firm_score fails forever."""
    ev = issued(ke)
    firms.close_engagement(ke.o.perf, db.get(Engagement, ev.engagement_id))
    act(ke.o.perf, ev, "score_firm", {"components": GOOD})
    act(ke.o.perfchief, ev, "confirm_firm_score", {"decision": "confirm"})
    assert ev.status == "closed"


# ---------------------------------------------------------------- R18

def test_firm_read_on_a_422_page_is_not_logged(ke, client, as_user):
    """R18: a 422 task page shows the evaluation to the firm, but its firm.read rows roll back."""
    ev = to_plan(ke)
    as_user("lead_a")
    url = f"/tasks/{ready_task(ev.instance_id, 'submit_plan').id}"
    before = firm_reads(ke.lead_a.id, ev.id)
    resp = client.post(url, data={"data_list": ""})
    assert resp.status_code == 422 and ev.title in resp.text
    db.expire_all()
    assert firm_reads(ke.lead_a.id, ev.id) > before


def test_lead_reads_task_after_access_ended(ke, client, api_token):
    """R18: access ends 30 days after the engagement closes; the assigned task stays readable."""
    ev = issued(ke)
    act(ke.o.perf, ev, "score_firm", {"components": GOOD})
    act(ke.o.perfchief, ev, "confirm_firm_score", {"decision": "confirm"})
    task_id = db.scalar(select(Task.id).where(Task.instance_id == ev.instance_id,
                                              Task.task_key == "submit_plan"))
    headers = api_token("lead_a")
    clock.travel(timedelta(days=40))
    resp = client.get(f"/api/v1/tasks/{task_id}", headers=headers)
    assert resp.status_code == 404


# ---------------------------------------------------------------- xlsx

def test_title_starting_with_equals_becomes_a_formula(ke, client, api_token):
    """Report workbook: the title row writes user text as a formula (others are guarded)."""
    ev = propose(ke, title="=HYPERLINK(\"http://x\",\"y\")")
    resp = client.get(f"/api/v1/evaluations/{ev.id}/report.xlsx", headers=api_token("perf"))
    wb = load_workbook(BytesIO(resp.data))
    for ws in wb.worksheets:
        assert ws["A1"].data_type != "f"


# ---------------------------------------------------------------- bad input

def test_posted_row_index_renders_unbounded_rows(ke, client, as_user):
    """Bad input: a posted row index N re-renders N+3 plan rows (10**7 hangs the worker)."""
    ev = to_plan(ke)
    as_user("lead_a")
    url = f"/tasks/{ready_task(ev.instance_id, 'submit_plan').id}"
    resp = client.post(url, data={"indicators-3000-name": "x"})
    assert resp.status_code == 422
    assert resp.text.count('name="indicators-') <= 4 * 110


# ---------------------------------------------------------------- assignee bypass

def test_filer_moved_to_another_unit_still_fills_the_old_units_evaluation(bureau):
    """Scope: assigned tasks skip the unit check; a filer moved to U2 still fills U1's table."""
    sheet = issued_sheet(bureau)
    open_year(bureau.perf)
    evaluation = evaluation_of(sheet)
    complete_user_task(ready(evaluation, "fill_evaluation"), bureau.filer1, filled(sheet))
    complete_user_task(ready(evaluation, "leader_review"), bureau.leader1,
                       {"decision": "return", "comment": "重填"})
    task = ready(evaluation, "fill_evaluation")
    assert task.assignee_id == bureau.filer1.id
    u2 = db.scalar(select(BudgetUnit).where(BudgetUnit.code == "U2"))
    bureau.filer1.unit_id = u2.id
    db.flush()
    with pytest.raises((Forbidden, Conflict)):
        complete_user_task(task, bureau.filer1, filled(sheet))


def test_unit_adds_documents_to_a_finalised_evaluation(ke):
    """Results issued (final, R31 read-only): the unit may still add 'feedback' documents."""
    ev = issued(ke)
    assert ev.status == "results_issued"
    with pytest.raises((Forbidden, Conflict)):
        upload(ke.o.filer1, ev, "feedback")


def test_a_project_of_an_inactive_unit_can_be_proposed(ke):
    """An inactive unit's project is listed; its problems then block the final approval."""
    ke.o.projects["p1"].unit.active = False
    db.flush()
    with pytest.raises(InvalidInput):
        propose(ke)
