"""Shared set-up of the key evaluation tests: a bureau with two firms, the audit bureau's
liaison, and helpers driving an evaluation to a given step through the real task forms."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from models import KeyEvaluation, Task, db
from tests.conftest import ready_task
from workflows import evaluation, evidence, firms
from workflows.engine import clock
from workflows.tasks import complete_user_task
from workflows.timers import fire_next_due

CODE_A = "91350100M000100Y43"
CODE_B = "91440300708461136T"
PLAN = {
    "indicators": [
        {"level1": "decision", "level2": "project_initiation", "name": "立项依据充分性",
         "weight": "10"},
        {"level1": "decision", "level2": "performance_goal", "name": "绩效目标合理性",
         "weight": "10"},
        {"level1": "process", "level2": "funds_management", "name": "资金使用合规性",
         "weight": "20"},
        {"level1": "output", "level2": "output_quantity", "name": "改造完成率", "weight": "30"},
        {"level1": "benefit", "level2": "implementation_benefit", "name": "社会效益",
         "weight": "20"},
        {"level1": "benefit", "level2": "satisfaction", "name": "师生满意度", "weight": "10"},
    ],
    "methods": ["document_review", "site_inspection", "survey"],
    "survey_sample_size": 400, "data_list": "预算批复、资金拨付凭证、验收资料",
}
SCORES = ["9", "8", "18", "27", "17", "9"]  # 88.00 → 良
PROBLEMS = [
    {"description": "部分学校改造工程未按期验收", "category": "output", "severity": "normal",
     "suggested_measure": "督促施工单位限期完成验收"},
    {"description": "专项资金 12.5 万元用于日常办公支出", "category": "funds",
     "severity": "serious", "amount_involved": "125000.00", "suggested_measure": "收回违规资金"},
]
GOOD = dict.fromkeys(firms.QUALITY_COMPONENTS, "85")


@pytest.fixture
def eval_file_store(tmp_path):
    """Evidence and documents go to a temporary store; the clock is real again afterwards."""
    evidence.configure(tmp_path / "files", 1024 * 1024)
    yield
    clock.reset()


@pytest.fixture
def ke(bureau, make_user, eval_file_store):
    """Firm A (lead and a team member, plus a colleague outside the team), firm B, the audit
    bureau's liaison, a congress member."""
    a = firms.register_firm(bureau.perf, {"name": "甲会计师事务所", "credit_code": CODE_A,
                                          "firm_type": "cpa"})
    b = firms.register_firm(bureau.perf, {"name": "乙咨询公司", "credit_code": CODE_B,
                                          "firm_type": "consulting"})
    users = {}
    for name, firm in (("lead_a", a), ("member_a", a), ("other_a", a), ("eva_b", b)):
        users[name] = make_user(name, "tp_evaluator")
        firms.assign_firm_staff(name, firm)
    users["auditor"] = make_user("auditor", "audit_bureau")
    users["delegate"] = make_user("delegate", "congress")
    return SimpleNamespace(a=a, b=b, o=bureau, **users)


def propose(ke, **over) -> KeyEvaluation:
    project = ke.o.projects["p1"]
    return evaluation.propose_evaluation(ke.o.perf, {
        "object_type": "project", "project_id": project.id,
        "title": "义务教育薄弱环节改善项目重点评价",
        "fiscal_year_evaluated": 2027, "selection_reason": "large_amount",
        "selection_note": "金额大、覆盖面广", "fee_budget": "180000", **over})


def act(user, ev: KeyEvaluation, task_key: str, payload: dict) -> None:
    complete_user_task(ready_task(ev.instance_id, task_key), user, payload)


def open_keys(ev: KeyEvaluation) -> list[str]:
    return sorted(db.scalars(select(Task.task_key).where(
        Task.instance_id == ev.instance_id, Task.status == "ready")))


def engage(ke, ev, **over):
    act(ke.o.perf, ev, "engage_firm", {
        "firm_id": ke.a.id, "procurement_method": "competitive_consultation",
        "contract_amount": "180000", "contract_date": "2028-04-10",
        "lead_evaluator_user_id": ke.lead_a.id, "team_user_ids": [ke.member_a.id],
        "coi_signed": True, **over})


def to_plan(ke) -> KeyEvaluation:
    ev = propose(ke)
    act(ke.auditor, ev, "consult_pre", {"opinion": "2027 年未对该项目开展专项审计，同意评价。"})
    act(ke.o.leader, ev, "approve_list", {"decision": "approve"})
    engage(ke, ev)
    return ev


def to_fieldwork(ke) -> KeyEvaluation:
    """Plan approved: fieldwork and the unit's data supply are open (the unit is notified)."""
    ev = to_plan(ke)
    act(ke.lead_a, ev, "submit_plan", PLAN)
    act(ke.o.perf, ev, "review_plan", {"decision": "approve"})
    return ev


def upload(user, ev, kind, name="paper.pdf"):
    return evaluation.upload_document(ev, user, kind, name, io.BytesIO(b"%PDF-1.4 paper\n"))


def to_draft(ke) -> KeyEvaluation:
    ev = to_plan(ke)
    act(ke.lead_a, ev, "submit_plan", PLAN)
    act(ke.o.perf, ev, "review_plan", {"decision": "approve"})
    act(ke.o.filer1, ev, "supply_data", {"note": "已提供预算批复、拨付凭证和验收资料"})
    upload(ke.member_a, ev, "working_paper")
    act(ke.lead_a, ev, "record_fieldwork", {"methods": ["site_inspection", "survey"],
                                            "survey_sample_size": 380,
                                            "notes": "实地查看 12 所学校，回收问卷 380 份"})
    act(ke.lead_a, ev, "submit_draft", {"scores": SCORES, "problems": PROBLEMS,
                                        "summary": "总体完成较好，存在验收滞后和资金挪用问题。"})
    return ev


def to_final_step(ke) -> KeyEvaluation:
    ev = to_draft(ke)
    act(ke.o.leader1, ev, "unit_feedback", {"decision": "agree"})
    act(ke.o.perf, ev, "quality_review", {"decision": "pass"})
    return ev


def run_timers() -> int:
    fired = 0
    while fire_next_due() is not None:
        fired += 1
    db.flush()
    return fired
