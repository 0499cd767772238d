"""Key evaluation (DOMAIN d): the whole process on its diagram — audit consultations (R16),
the firm's work under R18, unit feedback (R17), parallel steps, final grade by the deployed table,
results into the ledger, the firm's quality score (R22)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import (
    AuditConsultation,
    AuditLog,
    Engagement,
    FirmQualityScore,
    ProcessInstance,
    RectificationItem,
    Task,
    db,
)
from tests.conftest import ready_task
from tests.evaluation_support import (
    GOOD,
    PLAN,
    PROBLEMS,
    SCORES,
    act,
    engage,
    open_keys,
    propose,
    run_timers,
    to_draft,
    to_final_step,
    to_plan,
    upload,
)
from workflows import evaluation, firms
from workflows.engine import clock
from workflows.errors import Conflict, Forbidden, InvalidInput, NotFound
from workflows.tasks import complete_user_task, list_inbox

# ------------------------------------------------------------------ the whole process


def test_key_evaluation_from_proposal_to_closed_ledger_items_in_the_units_inbox(ke):
    ev = propose(ke)
    assert ev.status == "audit_pre" and open_keys(ev) == ["consult_pre"]
    # the audit bureau's liaison finds the consultation in the inbox (a role of no data scope)
    assert [t.task_key for t in list_inbox(ke.auditor).items] == ["consult_pre"]
    act(ke.auditor, ev, "consult_pre", {"opinion": "无重复审计安排"})
    act(ke.o.leader, ev, "approve_list", {"decision": "approve"})
    engage(ke, ev)
    engagement = db.get(Engagement, ev.engagement_id)
    assert engagement.status == "active" and engagement.coi_signed_at is not None
    assert engagement.covers("key_evaluation", ev.id)
    assert [t.task_key for t in list_inbox(ke.lead_a).items] == ["submit_plan"]

    act(ke.lead_a, ev, "submit_plan", PLAN)
    act(ke.o.perf, ev, "review_plan", {"decision": "approve"})
    # fieldwork and the unit's data supply run side by side (parallel gateway)
    assert open_keys(ev) == ["record_fieldwork", "supply_data"] and ev.status == "fieldwork"
    upload(ke.lead_a, ev, "working_paper")
    act(ke.lead_a, ev, "record_fieldwork", {"methods": ["site_inspection"], "notes": "现场核查"})
    assert open_keys(ev) == ["supply_data"]
    act(ke.o.filer1, ev, "supply_data", {"note": "资料已上传"})
    act(ke.lead_a, ev, "submit_draft", {"scores": SCORES, "problems": PROBLEMS,
                                        "summary": "总体良好"})
    assert ev.draft["total"] == "88.00" and ev.status == "unit_feedback"
    act(ke.o.leader1, ev, "unit_feedback", {"decision": "agree"})
    act(ke.o.perf, ev, "quality_review", {"decision": "pass"})
    # consultation #2 and the chief's review run side by side
    assert open_keys(ev) == ["chief_approval", "consult_final"]
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    assert open_keys(ev) == ["consult_final"] and ev.status == "audit_prefinal"
    act(ke.auditor, ev, "consult_final", {"opinion": "同意定稿"})
    assert open_keys(ev) == ["leader_approval"] and ev.status == "leader_approval"
    act(ke.o.leader, ev, "leader_approval", {"decision": "approve"})

    db.refresh(ev)
    assert (ev.final_score, ev.grade, ev.status) == (Decimal("88.00"), "good", "results_issued")
    assert ev.subtotals == {"decision": "17.00", "process": "18.00", "output": "27.00",
                            "benefit": "26.00"}
    items = db.scalars(select(RectificationItem).where(
        RectificationItem.source == "key_evaluation").order_by(RectificationItem.id)).all()
    assert [i.problem.description for i in items] == [p["description"] for p in PROBLEMS]
    assert {i.unit_id for i in items} == {ke.o.projects["p1"].unit_id}
    assert [p["item_id"] for p in ev.problems] == [i.id for i in items]
    assert items[1].problem.severity == "serious"
    # every item is in the responsible unit's inbox, not in the other unit's
    filer_tasks = {t.business_key for t in list_inbox(ke.o.filer1, per_page=50).items}
    assert {f"rectification_item:{i.id}" for i in items} <= filer_tasks
    assert not any(t.business_key.startswith("rectification_item")
                   for t in list_inbox(ke.o.filer2, per_page=50).items)
    assert db.get(Engagement, ev.engagement_id).status == "delivered"

    act(ke.o.perf, ev, "score_firm", {"components": GOOD, "remarks": "工作规范"})
    act(ke.o.perfchief, ev, "confirm_firm_score", {"decision": "confirm"})
    assert ev.status == "closed" and db.get(ProcessInstance, ev.instance_id).status == "completed"
    score = db.scalar(select(FirmQualityScore).where(
        FirmQualityScore.engagement_id == ev.engagement_id))
    assert (score.total, score.grade) == (Decimal("85.00"), "good")
    assert db.get(Engagement, ev.engagement_id).status == "closed"


def test_the_grade_comes_from_the_deployed_grade_table(ke):
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    act(ke.auditor, ev, "consult_final", {"no_opinion": True})
    act(ke.o.leader, ev, "leader_approval", {"decision": "approve"})
    assert ev.grade == "good"
    consultation = evaluation.consultations.current(ev, "pre_finalisation")
    assert consultation.no_opinion and consultation.responded_by_id == ke.auditor.id


# ------------------------------------------------------------------ R16 audit consultation


def test_no_reply_by_the_due_date_records_no_opinion_and_the_process_moves_on(ke):
    ev = propose(ke)
    consultation = evaluation.consultations.current(ev, "pre_evaluation")
    assert consultation.due_at > clock.now() + timedelta(days=10)  # 10 working days
    assert run_timers() == 0 and open_keys(ev) == ["consult_pre"]
    clock.travel(consultation.due_at - clock.now() + timedelta(minutes=1))
    assert run_timers() == 1
    db.refresh(consultation)
    assert consultation.no_opinion and consultation.responded_at is None
    assert open_keys(ev) == ["approve_list"]
    assert db.scalar(select(Task.status).where(Task.instance_id == ev.instance_id,
                                               Task.task_key == "consult_pre")) == "cancelled"
    assert db.scalar(select(AuditLog.id).where(
        AuditLog.entity == "key_evaluation", AuditLog.entity_id == str(ev.id),
        AuditLog.action == "consultation.pre_evaluation.lapsed")) is not None


def test_fieldwork_cannot_start_without_consultation_one(ke):
    ev = to_plan(ke)
    act(ke.lead_a, ev, "submit_plan", PLAN)
    row = evaluation.consultations.current(ev, "pre_evaluation")
    row.responded_at, row.no_opinion = None, False  # as if the record were missing
    with pytest.raises(Conflict, match="R16"):
        act(ke.o.perf, ev, "review_plan", {"decision": "approve"})
    assert ev.status == "plan_review"


def test_the_evaluation_cannot_become_final_without_consultation_two(ke):
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    assert open_keys(ev) == ["consult_final"]  # the leader has nothing to approve yet
    act(ke.auditor, ev, "consult_final", {"opinion": "无意见"})
    evaluation.consultations.current(ev, "pre_finalisation").responded_at = None
    with pytest.raises(Conflict, match="R16"):
        act(ke.o.leader, ev, "leader_approval", {"decision": "approve"})


def test_consultation_two_lapses_too(ke):
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    clock.travel(timedelta(days=30))
    assert run_timers() == 1
    assert open_keys(ev) == ["leader_approval"] and ev.status == "leader_approval"
    assert evaluation.consultations.current(ev, "pre_finalisation").no_opinion


def test_an_answered_consultation_cannot_be_answered_again(ke):
    ev = propose(ke)
    task = ready_task(ev.instance_id, "consult_pre")
    complete_user_task(task, ke.auditor, {"opinion": "同意"})
    with pytest.raises(Conflict):
        complete_user_task(task, ke.auditor, {"opinion": "再次回复"})


def test_an_opinion_is_required_unless_no_opinion_is_given(ke):
    ev = propose(ke)
    with pytest.raises(InvalidInput) as err:
        act(ke.auditor, ev, "consult_pre", {"opinion": "  "})
    assert "opinion" in err.value.errors


# ------------------------------------------------------------------ R17 unit feedback


def test_feedback_not_given_by_the_deadline_is_deemed_agreed(ke):
    ev = to_draft(ke)
    assert open_keys(ev) == ["unit_feedback"]
    clock.travel(timedelta(days=10))
    assert run_timers() == 1
    assert ev.feedback_status == "deemed_agreed" and open_keys(ev) == ["quality_review"]


def test_the_evaluation_cannot_become_final_before_the_feedback(ke):
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    act(ke.auditor, ev, "consult_final", {"opinion": "无意见"})
    ev.feedback_status = "pending"  # as if the feedback had not been recorded
    with pytest.raises(Conflict, match="R17"):
        act(ke.o.leader, ev, "leader_approval", {"decision": "approve"})


def test_a_dispute_goes_to_the_firm_which_may_rescore(ke):
    ev = to_draft(ke)
    with pytest.raises(InvalidInput) as err:
        act(ke.o.leader1, ev, "unit_feedback", {"decision": "dispute"})
    assert "comment" in err.value.errors
    act(ke.o.leader1, ev, "unit_feedback", {"decision": "dispute",
                                            "comment": "满意度调查样本偏少"})
    assert open_keys(ev) == ["firm_response"]
    act(ke.lead_a, ev, "firm_response", {"decision": "rescore", "comment": "补充样本后重新评分"})
    assert open_keys(ev) == ["submit_draft"] and ev.feedback_status == "pending"
    act(ke.lead_a, ev, "submit_draft", {"scores": SCORES, "problems": [], "summary": "重评"})
    act(ke.o.leader1, ev, "unit_feedback", {"decision": "dispute", "comment": "仍有异议"})
    act(ke.lead_a, ev, "firm_response", {"decision": "keep", "comment": "证据充分，维持评分"})
    assert open_keys(ev) == ["quality_review"] and ev.firm_response == "证据充分，维持评分"


# ------------------------------------------------------------------ returns and parallel paths


def test_the_chief_returning_the_score_sends_it_back_to_quality_review_after_the_audit_reply(ke):
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "return", "comment": "扣分依据不足"})
    assert open_keys(ev) == ["consult_final"]
    act(ke.auditor, ev, "consult_final", {"opinion": "无意见"})
    assert open_keys(ev) == ["quality_review"]


def test_the_audit_reply_first_then_the_chief_approves(ke):
    ev = to_final_step(ke)
    act(ke.auditor, ev, "consult_final", {"opinion": "无意见"})
    assert open_keys(ev) == ["chief_approval"] and ev.status == "audit_prefinal"
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    assert open_keys(ev) == ["leader_approval"] and ev.status == "leader_approval"


def test_plan_and_draft_returns_go_back_to_the_firm(ke):
    ev = to_plan(ke)
    act(ke.lead_a, ev, "submit_plan", PLAN)
    act(ke.o.perf, ev, "review_plan", {"decision": "return", "comment": "样本量不足"})
    assert open_keys(ev) == ["submit_plan"] and ev.plan_returns == 1
    act(ke.lead_a, ev, "submit_plan", PLAN)
    act(ke.o.perf, ev, "review_plan", {"decision": "approve"})
    act(ke.o.filer1, ev, "supply_data", {"note": "资料"})
    upload(ke.lead_a, ev, "working_paper")
    act(ke.lead_a, ev, "record_fieldwork", {"methods": ["survey"], "notes": "问卷"})
    act(ke.lead_a, ev, "submit_draft", {"scores": SCORES, "problems": [], "summary": "初稿"})
    act(ke.o.leader1, ev, "unit_feedback", {"decision": "agree"})
    act(ke.o.perf, ev, "quality_review", {"decision": "return", "comment": "问题清单不完整"})
    assert open_keys(ev) == ["submit_draft"] and ev.draft_returns == 1


def test_the_leader_may_return_or_withdraw_the_proposal(ke):
    ev = propose(ke)
    act(ke.auditor, ev, "consult_pre", {"opinion": "同意"})
    act(ke.o.leader, ev, "approve_list", {"decision": "return", "comment": "补充遴选理由"})
    act(ke.o.perf, ev, "revise_proposal", {"selection_note": "近三年评价结果均为中"})
    assert ev.selection_note == "近三年评价结果均为中" and open_keys(ev) == ["approve_list"]
    act(ke.o.leader, ev, "approve_list", {"decision": "withdraw", "comment": "今年不评"})
    assert ev.status == "withdrawn"
    assert db.get(ProcessInstance, ev.instance_id).status == "completed"


# ------------------------------------------------------------------ the firm (R18-R20)


def test_only_the_engaged_teams_lead_works_the_firms_steps(ke):
    ev = to_plan(ke)
    task = ready_task(ev.instance_id, "submit_plan")
    for user in (ke.member_a, ke.other_a, ke.eva_b, ke.o.perf):
        with pytest.raises((Forbidden, Conflict, NotFound)):
            complete_user_task(task, user, PLAN)
    assert task.status == "ready"


def test_a_closed_engagement_stops_the_firm(ke):
    ev = to_plan(ke)
    firms.close_engagement(ke.o.perf, db.get(Engagement, ev.engagement_id))
    with pytest.raises(Forbidden, match="R18"):
        act(ke.lead_a, ev, "submit_plan", PLAN)


def test_an_ineligible_or_dependent_firm_cannot_be_engaged(ke):
    ev = propose(ke)
    act(ke.auditor, ev, "consult_pre", {"opinion": "同意"})
    act(ke.o.leader, ev, "approve_list", {"decision": "approve"})
    ke.a.major_violation_last_3y = True
    with pytest.raises(InvalidInput) as err:
        engage(ke, ev)
    assert "firm_id" in err.value.errors
    ke.a.major_violation_last_3y = False
    with pytest.raises(InvalidInput) as err:
        engage(ke, ev, coi_signed=False)
    assert "coi_signed" in err.value.errors
    # R20: firm B advised the unit the same year
    advice = firms.create_engagement(ke.o.perf, ke.b, {
        "procurement_method": "inquiry", "contract_amount": "20000", "contract_date": "2028-01-05",
        "lead_evaluator_user_id": ke.eva_b.id,
        "scope": [{"kind": "ex_ante", "id": 3, "unit_id": ev.unit_id}]})
    firms.record_coi(ke.o.perf, advice)
    firms.activate_engagement(ke.o.perf, advice)
    with pytest.raises(InvalidInput, match="engagement") as err:
        engage(ke, ev, firm_id=ke.b.id, lead_evaluator_user_id=ke.eva_b.id, team_user_ids=[])
    assert "R20" in str(err.value.errors["firm_id"][0])
    assert ev.engagement_id is None and open_keys(ev) == ["engage_firm"]


def test_the_plan_is_checked_by_r2_and_r3(ke):
    ev = to_plan(ke)
    bad = {**PLAN, "indicators": [
        {"level1": "decision", "level2": "project_initiation", "name": "立项", "weight": "50"},
        {"level1": "output", "level2": "output_quantity", "name": "产出", "weight": "30"},
        {"level1": "benefit", "level2": "satisfaction", "name": "满意度", "weight": "20"}],
        "methods": ["telepathy"]}
    with pytest.raises(InvalidInput) as err:
        act(ke.lead_a, ev, "submit_plan", bad)
    assert "at least 60" in str(err.value.errors["indicators"])
    assert "methods" in err.value.errors and ev.plan == {}


def test_draft_scores_above_the_weight_or_the_wrong_count_are_refused(ke):
    ev = to_draft(ke)
    act(ke.o.leader1, ev, "unit_feedback", {"decision": "agree"})
    act(ke.o.perf, ev, "quality_review", {"decision": "return", "comment": "重做"})
    with pytest.raises(InvalidInput) as err:
        act(ke.lead_a, ev, "submit_draft", {"scores": ["11", *SCORES[1:]], "summary": "x"})
    assert "scores.0" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        act(ke.lead_a, ev, "submit_draft", {"scores": SCORES[:2], "summary": "x"})
    assert "scores" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        act(ke.lead_a, ev, "submit_draft", {"scores": SCORES, "summary": "x",
                                            "problems": [{"description": "", "category": "x"}]})
    assert {"problems.0.description", "problems.0.category"} <= set(err.value.errors)


def test_fieldwork_needs_a_working_paper(ke):
    ev = to_plan(ke)
    act(ke.lead_a, ev, "submit_plan", PLAN)
    act(ke.o.perf, ev, "review_plan", {"decision": "approve"})
    with pytest.raises(InvalidInput) as err:
        act(ke.lead_a, ev, "record_fieldwork", {"methods": ["survey"], "notes": "x"})
    assert "working_papers" in err.value.errors


def test_documents_are_kept_to_their_authors(ke):
    ev = to_plan(ke)
    with pytest.raises(Forbidden):  # the unit supplies its data once fieldwork starts
        upload(ke.o.filer1, ev, "unit_data")
    act(ke.lead_a, ev, "submit_plan", PLAN)
    act(ke.o.perf, ev, "review_plan", {"decision": "approve"})
    with pytest.raises(Forbidden):
        upload(ke.o.filer1, ev, "working_paper")
    with pytest.raises(Forbidden):
        upload(ke.eva_b, ev, "plan")
    with pytest.raises(Forbidden):
        upload(ke.o.filer2, ev, "unit_data")
    doc = upload(ke.o.filer1, ev, "unit_data", "data.pdf")
    assert evaluation.open_document(doc.id, ke.lead_a)[0].id == doc.id
    with pytest.raises(NotFound):
        evaluation.open_document(doc.id, ke.eva_b)
    with pytest.raises(NotFound):
        evaluation.open_document(doc.id, ke.o.filer2)


# ------------------------------------------------------------------ proposals


def test_proposals_are_validated_and_not_listed_twice(ke):
    with pytest.raises(InvalidInput) as err:
        evaluation.propose_evaluation(ke.o.perf, {"object_type": "project", "title": "",
                                                  "selection_reason": "whim"})
    assert {"title", "project_id", "selection_reason", "fiscal_year_evaluated"} <= set(
        err.value.errors)
    propose(ke)
    with pytest.raises(Conflict):
        propose(ke, title="再次提出")
    for user in (ke.o.filer1, ke.o.admin, ke.o.leader, ke.lead_a):
        with pytest.raises(Forbidden):
            evaluation.propose_evaluation(user, {})


def test_an_administrator_never_acts(ke):
    ev = propose(ke)
    with pytest.raises((Forbidden, NotFound)):
        act(ke.o.admin, ev, "consult_pre", {"opinion": "x"})


def test_consultations_have_their_stage_and_due_time(ke):
    ev = to_final_step(ke)
    stages = db.scalars(select(AuditConsultation.stage).where(
        AuditConsultation.key_evaluation_id == ev.id).order_by(AuditConsultation.id)).all()
    assert stages == ["pre_evaluation", "pre_finalisation"]
