"""Key evaluation task pages and the proposal page: each step's form in the browser, errors
shown next to the fields, nothing saved on bad input, and the firm's pages closed to others."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Engagement, KeyEvaluation, Task, db
from tests.conftest import ready_task
from tests.evaluation_support import PLAN, SCORES, act, open_keys, propose, to_draft, to_plan

pytestmark = pytest.mark.usefixtures("english")


def task_url(ev: KeyEvaluation, key: str) -> str:
    return f"/tasks/{ready_task(ev.instance_id, key).id}"


def fresh(ev: KeyEvaluation) -> KeyEvaluation:
    return db.get(KeyEvaluation, ev.id)


def test_the_audit_bureau_answers_the_consultation_on_its_page(ke, as_user, get, post):
    ev = propose(ke)
    as_user("auditor")
    url = task_url(ev, "consult_pre")
    page = get(url)
    assert "Audit bureau opinion" in page and ev.title in page
    page = post(url, {"opinion": ""}, 422).text
    assert "required" in page and open_keys(fresh(ev)) == ["consult_pre"]
    post(url, {"opinion": "无重复审计"})
    assert open_keys(fresh(ev)) == ["approve_list"]
    # answered, the audit bureau no longer reads the proposal (until the results are final)
    get(url, 404)


def test_the_leader_returns_and_the_section_revises_on_the_pages(ke, as_user, get, post):
    ev = propose(ke)
    act(ke.auditor, ev, "consult_pre", {"opinion": "同意"})
    as_user("leader")
    url = task_url(ev, "approve_list")
    assert "Withdraw from the list" in get(url)
    assert "give the reason" in post(url, {"decision": "return"}, 422).text
    post(url, {"decision": "return", "comment": "请补充遴选理由"})
    as_user("perf")
    url = task_url(ev, "revise_proposal")
    assert ev.title in get(url)  # the form starts from the proposal
    page = post(url, {"title": ev.title, "selection_reason": "public_concern",
                      "selection_note": "群众反映强烈", "fee_budget_wan": "abc"}, 422).text
    assert "at most 2 decimals" in page
    post(url, {"title": ev.title, "selection_reason": "public_concern",
               "selection_note": "群众反映强烈", "fee_budget_wan": "18.5"})
    ev = fresh(ev)
    assert (ev.selection_reason, str(ev.fee_budget)) == ("public_concern", "185000.00")


def test_engaging_a_firm_on_the_page(ke, as_user, get, post):
    ev = propose(ke)
    act(ke.auditor, ev, "consult_pre", {"opinion": "同意"})
    act(ke.o.leader, ev, "approve_list", {"decision": "approve"})
    as_user("perf")
    url = task_url(ev, "engage_firm")
    page = get(url)
    assert "甲会计师事务所" in page and "lead_a" in page
    form = {"firm_id": str(ke.a.id), "lead_evaluator_user_id": str(ke.lead_a.id),
            "team_user_ids": [str(ke.member_a.id)], "procurement_method": "inquiry",
            "contract_amount_wan": "18", "contract_date": "2028-04-01"}
    page = post(url, form, 422).text
    assert "conflict-of-interest declaration is required" in page
    assert fresh(ev).engagement_id is None
    post(url, {**form, "coi_signed": "on"})
    engagement = db.get(Engagement, fresh(ev).engagement_id)
    assert engagement.status == "active" and engagement.team_user_ids == [ke.member_a.id]
    assert str(engagement.contract_amount) == "180000.00"


def test_the_firm_submits_its_plan_from_the_default_framework(ke, as_user, get, post):
    ev = to_plan(ke)
    as_user("lead_a")
    url = task_url(ev, "submit_plan")
    page = get(url)
    assert "立项依据充分性" in page and 'name="indicators-10-weight"' in page
    form = {f"indicators-{i}-{k}": v for i, row in enumerate(PLAN["indicators"])
            for k, v in row.items()}
    bad = {**form, "indicators-0-weight": "30", "data_list": "资料清单"}
    page = post(url, bad, 422).text
    assert "weights must sum to 100" in page
    assert "choose at least one" in page  # no method ticked
    post(url, {**form, "methods": ["survey", "site_inspection"], "data_list": "资料清单",
               "survey_sample_size": "300"})
    ev = fresh(ev)
    assert [r["name"] for r in ev.plan["indicators"]] == [r["name"] for r in PLAN["indicators"]]
    assert ev.plan["methods"] == ["survey", "site_inspection"] and ev.status == "plan_review"


def test_the_draft_page_scores_each_indicator_and_lists_problems(ke, as_user, get, post):
    ev = to_draft(ke)
    act(ke.o.leader1, ev, "unit_feedback", {"decision": "agree"})
    act(ke.o.perf, ev, "quality_review", {"decision": "return", "comment": "补充问题"})
    as_user("lead_a")
    url = task_url(ev, "submit_draft")
    page = get(url)
    assert 'name="scores-0" inputmode="decimal" aria-label' in page
    assert 'value="9.00"' in page  # the earlier draft's scores are shown again
    form = {f"scores-{i}": s for i, s in enumerate(SCORES)}
    form.update({"summary": "修改稿", "problems-0-description": "资金闲置",
                 "problems-0-category": "funds", "problems-0-severity": "serious",
                 "problems-0-amount_wan": "3.5", "problems-1-description": "",
                 "scores-2": "25"})
    page = post(url, form, 422).text
    assert "must be between 0 and 20" in page
    post(url, {**form, "scores-2": "18"})
    ev = fresh(ev)
    assert ev.problems == [{"description": "资金闲置", "category": "funds",
                            "severity": "serious", "amount_involved": "35000.00",
                            "suggested_measure": ""}]
    assert ev.status == "unit_feedback"


def test_the_firms_task_is_not_found_for_other_firms_and_units(ke, as_user, client):
    ev = to_plan(ke)
    url = task_url(ev, "submit_plan")
    for user in ("eva_b", "member_a", "filer2"):
        as_user(user)
        assert client.get(url).status_code == 404
        assert client.post(url, data={"data_list": "x"}).status_code == 404
    assert open_keys(fresh(ev)) == ["submit_plan"]


def test_the_unit_leader_signs_the_feedback_others_read_it(ke, as_user, get):
    ev = to_draft(ke)
    as_user("leader1")
    page = get(task_url(ev, "unit_feedback"))
    assert "We dispute items of the draft" in page
    for user in ("filer1", "cadre1"):  # the unit's filer and section read, the leader signs
        as_user(user)
        page = get(task_url(ev, "unit_feedback"))
        assert "your roles do not let you act" in page


def test_the_proposal_page(ke, as_user, get, post, client):
    as_user("filer1")
    assert client.get("/evaluations/new").status_code == 403
    as_user("perf")
    assert "Propose a key evaluation" in get("/evaluations/new")
    page = post("/evaluations/new", {"object_type": "project", "title": "",
                                     "fiscal_year_evaluated": "2026",
                                     "selection_reason": "large_amount"}, 422).text
    assert "choose the project to evaluate" in page
    assert db.scalar(select(KeyEvaluation.id)) is None
    resp = post("/evaluations/new", {
        "object_type": "project", "project_id": str(ke.o.projects["p2"].id),
        "title": "高标准农田建设项目重点评价", "fiscal_year_evaluated": "2026",
        "selection_reason": "priority_area", "fee_budget_wan": "20"})
    ev = db.scalar(select(KeyEvaluation))
    assert resp.headers["Location"].endswith(f"/evaluations/{ev.id}")
    assert ev.unit_id == ke.o.projects["p2"].unit_id and str(ev.fee_budget) == "200000.00"
    assert db.scalar(select(Task.task_key).where(Task.instance_id == ev.instance_id)) \
        == "consult_pre"
