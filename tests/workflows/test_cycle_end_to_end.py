"""One project through the whole cycle, on the real processes (DOMAIN a → b → c → d → e → f):
an ex-ante assessment supports it, its goals pass the three gates and are issued, the H1
monitoring flags it and the bureau leader approves a reduction that the budget section
executes, the key evaluation grades it 差 and its problems enter the ledger, and the result
application proposes its cancellation from next year's budget, which is applied."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from models import FundAction, GoalSheet, MonitoringReport, RectificationItem, ResultApplication, db
from tests.conftest import GOOD_SHEET, ready_task
from tests.cycle_data import APPLICATION, APPROVE, scores
from tests.evaluation_support import PLAN, PROBLEMS, act, propose, upload
from workflows import ex_ante, issuance, monitoring, results
from workflows.cycle_steps import today
from workflows.goal_review import start_goal_declaration
from workflows.org import add_project
from workflows.tasks import complete_user_task

POOR = ["5", "4", "10", "15", "10", "5"]  # 49.00 → 差


def step(instance_id: int, key: str, user, payload: dict) -> None:
    complete_user_task(ready_task(instance_id, key), user, payload)
    db.flush()


def test_a_project_from_ex_ante_to_cancellation(ke):
    o = ke.o
    project = add_project("U1", "智慧校园新建工程", 2_000_000, is_new=True, fiscal_year=2027)

    # (a) ex ante: supported, arrangeable
    assessment = ex_ante.start_assessment(project, o.filer1)
    step(assessment.instance_id, "ex_ante_fill", o.filer1, APPLICATION)
    step(assessment.instance_id, "ex_ante_leader_review", o.leader1, APPROVE)
    step(assessment.instance_id, "ex_ante_completeness", o.cadre1, APPROVE)
    step(assessment.instance_id, "ex_ante_choose_mode", o.perf, {"mode": "finance"})
    step(assessment.instance_id, "ex_ante_score", o.perf, {
        "dimension_scores": scores(17, 17, 17, 17, 17), "opinion": "予以支持"})
    step(assessment.instance_id, "ex_ante_chief_approve", o.perfchief, APPROVE)
    assert project.status == "arrangeable"

    # (b) goals through the three gates, issued with the budget
    declaration = start_goal_declaration(project, o.filer1)
    step(declaration.id, "fill_sheet", o.filer1, {"sheet": GOOD_SHEET})
    step(declaration.id, "gate1_unit_review", o.leader1, {"decision": "approve"})
    step(declaration.id, "gate2_section_review", o.cadre1,
         {"decision": "approve", "rating": "good"})
    step(declaration.id, "gate3_performance_review", o.perf,
         {"decision": "approve", "rating": "excellent"})
    sheet = db.scalars(select(GoalSheet).where(GoalSheet.project_id == project.id)).one()
    issuance.record_approval(o.budget, 2027, today().isoformat())
    assert issuance.issue_sheets(o.budget, 2027, [sheet.id]).issued == [sheet]
    assert project.status == "issued"

    # (c) H1 monitoring: lagging far behind time progress, reduced with the leader's approval
    monitoring.open_round(o.perf, {"fiscal_year": 2027, "period_label": "H1",
                                   "cutoff_date": "2027-06-30", "time_progress": "50",
                                   "due_date": (today() + timedelta(days=20)).isoformat()})
    report = db.scalars(select(MonitoringReport).where(
        MonitoringReport.sheet_id == sheet.id)).one()
    rows = [{"indicator_id": i.id, "progress_value": "20%", "expected_year_end": "难以完成",
             "achievable": False, "cause": "progress_delay", "measure": "调整工期"}
            for i in sheet.indicators]
    step(report.instance_id, "monitor_fill", o.filer1, {"report": {
        "executed_amount": "300000", "indicators": rows, "corrective_measures": "加快实施"}})
    step(report.instance_id, "monitor_leader_review", o.leader1, APPROVE)
    step(report.instance_id, "monitor_liaison_review", o.cadre1, APPROVE)
    assert report.flagged and report.propose_reduce  # 15 % executed at 50 % time progress
    step(report.instance_id, "monitor_decide", o.perf,
         {"finance_decision": "reduce", "amount": "500000", "note": "调减未执行预算"})
    step(report.instance_id, "monitor_leader_approve", o.leader, APPROVE)
    step(report.instance_id, "monitor_execute", o.budget, {"note": "已调减"})
    reduction = db.scalars(select(FundAction).where(FundAction.project_id == project.id)).one()
    assert (reduction.kind, reduction.amount) == ("reduce", Decimal(500_000))

    # (d) the key evaluation grades it 差; (e) its problems become ledger items
    ev = propose(ke, project_id=project.id, title="智慧校园新建工程重点评价")
    act(ke.auditor, ev, "consult_pre", {"opinion": "同意评价。"})
    act(o.leader, ev, "approve_list", {"decision": "approve"})
    act(o.perf, ev, "engage_firm", {
        "firm_id": ke.a.id, "procurement_method": "competitive_consultation",
        "contract_amount": "150000", "contract_date": "2028-04-10",
        "lead_evaluator_user_id": ke.lead_a.id, "team_user_ids": [ke.member_a.id],
        "coi_signed": True})
    act(ke.lead_a, ev, "submit_plan", PLAN)
    act(o.perf, ev, "review_plan", {"decision": "approve"})
    act(o.filer1, ev, "supply_data", {"note": "已提供资料"})
    upload(ke.member_a, ev, "working_paper")
    act(ke.lead_a, ev, "record_fieldwork", {"methods": ["site_inspection"],
                                            "survey_sample_size": 100, "notes": "实地核查"})
    act(ke.lead_a, ev, "submit_draft", {"scores": POOR, "problems": PROBLEMS,
                                        "summary": "项目实施严重滞后，资金使用不规范。"})
    act(o.leader1, ev, "unit_feedback", {"decision": "agree"})
    act(o.perf, ev, "quality_review", {"decision": "pass"})
    act(o.perfchief, ev, "chief_approval", {"decision": "approve"})
    act(ke.auditor, ev, "consult_final", {"opinion": "同意定稿。"})
    act(o.leader, ev, "leader_approval", {"decision": "approve"})
    db.flush()
    assert ev.grade == "poor" and ev.status == "results_issued"
    items = db.scalars(select(RectificationItem).where(
        RectificationItem.unit_id == project.unit_id)).all()
    assert len(items) == len(PROBLEMS)

    # (f) result application: cancellation proposed (R23) with its figures, and applied
    done = results.generate_proposals(o.perf, {"target_year": 2028, "source_year": 2027})
    proposal = db.scalars(select(ResultApplication).where(
        ResultApplication.round_id == done.round.id, ResultApplication.rule_id == "R23")).one()
    assert (proposal.action, proposal.project_id, proposal.source_id) == (
        "cancel", project.id, ev.id)
    assert proposal.basis["grade"] == "poor" and proposal.budget_effect == -project.year_amount
    step(proposal.instance_id, "result_review", o.perf, {"decision": "confirm"})
    step(proposal.instance_id, "result_section_comment", o.chief1, {"comment": "同意取消"})
    step(proposal.instance_id, "result_leader_approve", o.leader, APPROVE)
    step(proposal.instance_id, "result_apply", o.budget, {"note": "下年不再安排"})
    assert proposal.status == "applied"
    cancelled = db.scalars(select(FundAction).where(
        FundAction.kind == "cancel_next_year", FundAction.project_id == project.id)).one()
    assert cancelled.amount == project.year_amount
