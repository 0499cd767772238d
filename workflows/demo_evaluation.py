"""Demo key evaluations: two registered firms, the audit bureau's liaison, and evaluations at
several steps of the process (consultation, plan review, unit feedback, leader approval, issued
with problems in the ledger), driven by the real operations."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import select

from models import KeyEvaluation, Project, Task, User, db

from . import evaluation, firms
from .tasks import complete_user_task

FIRMS = [("湘江会计师事务所（特殊普通合伙）", "91350100M000100Y43", "cpa", "firm_a_lead",
          "firm_a_staff"),
         ("明德绩效咨询有限公司", "91440300708461136T", "consulting", "firm_b_lead", None)]
FIRM_ACCOUNTS = [("firm_a_lead", "湘江所 主评人 周洁"), ("firm_a_staff", "湘江所 评价员 吴磊"),
                 ("firm_b_lead", "明德咨询 主评人 郑涛")]
PLAN = {"indicators": [
    {"level1": "decision", "level2": "project_initiation", "name": "立项依据充分性", "weight": "8"},
    {"level1": "decision", "level2": "funds_input", "name": "预算编制科学性", "weight": "12"},
    {"level1": "process", "level2": "funds_management", "name": "资金使用合规性", "weight": "20"},
    {"level1": "output", "level2": "output_quantity", "name": "实际完成率", "weight": "15"},
    {"level1": "output", "level2": "output_quality", "name": "质量达标率", "weight": "15"},
    {"level1": "benefit", "level2": "implementation_benefit", "name": "社会效益", "weight": "20"},
    {"level1": "benefit", "level2": "satisfaction", "name": "服务对象满意度", "weight": "10"}],
    "methods": ["document_review", "site_inspection", "survey", "interview"],
    "survey_sample_size": 300, "data_list": "预算批复文件、资金拨付凭证、合同及验收资料、台账"}
SCORES = {"good": ["7", "10", "17", "13", "13", "16", "8.5"],
          "poor": ["5", "6", "10", "8", "7", "12", "6"]}
PROBLEMS = [
    {"description": "项目资金拨付滞后，年末结转资金占比 35%", "category": "funds",
     "severity": "normal", "suggested_measure": "加快资金拨付，建立支出进度通报机制"},
    {"description": "部分子项目未按期竣工验收", "category": "output", "severity": "normal",
     "suggested_measure": "督促限期验收，验收前不得拨付尾款"},
    {"description": "专项资金 18 万元用于日常办公支出", "category": "funds",
     "severity": "serious", "amount_involved": "180000.00", "suggested_measure": "收回违规资金"},
]
# (project index, firm index, step reached, score profile)
PLAN_OF_DEMO = [(0, 0, "issued", "good"), (2, 0, "leader_approval", "poor"),
                (4, 1, "unit_feedback", "good"), (6, 1, "plan_review", "good"),
                (8, 0, "consultation", "good")]
STEPS = ("consultation", "plan_review", "unit_feedback", "leader_approval", "issued")


def demo_accounts() -> list[tuple[str, list[str], str, dict]]:
    """The firm staff, the audit bureau's liaison and a congress staff member."""
    return [(name, ["tp_evaluator"], label, {}) for name, label in FIRM_ACCOUNTS] + [
        ("audit01", ["audit_bureau"], "审计局联络员 孙红", {}),
        ("congress01", ["congress"], "人大财经委 刘洋", {})]


def _user(username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def _do(ev: KeyEvaluation, key: str, username: str | User, **payload) -> None:
    user = _user(username) if isinstance(username, str) else username
    task = db.scalar(select(Task).where(Task.instance_id == ev.instance_id,
                                        Task.task_key == key, Task.status == "ready"))
    complete_user_task(task, user, payload)


def _unit_people(ev: KeyEvaluation) -> tuple[User, User]:
    people = db.scalars(select(User).where(User.unit_id == ev.unit_id).order_by(User.id)).all()
    filer = next(u for u in people if u.has_role("unit_filer"))
    head = next(u for u in people if u.has_role("unit_leader"))
    return filer, head


def _drive(ev: KeyEvaluation, firm_lead: str, staff: str | None, firm_id: int, until: str,
           scores: list[str]) -> None:
    reached = STEPS.index(until)
    if reached < 1:
        return
    lead = _user(firm_lead)
    _do(ev, "consult_pre", "audit01", opinion="近两年未对该项目安排专项审计，同意开展重点评价。")
    _do(ev, "approve_list", "leader", decision="approve")
    _do(ev, "engage_firm", "perf01", firm_id=firm_id, procurement_method="competitive_consultation",
        contract_amount="160000", contract_date="2026-04-15", lead_evaluator_user_id=lead.id,
        team_user_ids=[_user(staff).id] if staff else [], coi_signed=True)
    _do(ev, "submit_plan", lead, **PLAN)
    if reached < 2:
        return
    filer, head = _unit_people(ev)
    _do(ev, "review_plan", "perf01", decision="approve")
    _do(ev, "supply_data", filer, note="已按资料清单提供预算批复、拨付凭证和验收资料。")
    evaluation.upload_document(ev, lead, "working_paper", "现场核查工作底稿.pdf",
                               BytesIO(b"%PDF-1.4\n% jixiao demo: working paper\n"))
    _do(ev, "record_fieldwork", lead, methods=PLAN["methods"], survey_sample_size=286,
        notes="实地查看 9 个项目点，回收有效问卷 286 份，访谈受益对象 20 人。")
    _do(ev, "submit_draft", lead, scores=scores, problems=PROBLEMS,
        summary="项目总体按计划实施，资金拨付滞后、部分子项目验收延迟。")
    if reached < 3:
        return
    _do(ev, "unit_feedback", head, decision="agree")
    _do(ev, "quality_review", "perf01", decision="pass")
    _do(ev, "chief_approval", "perfchief", decision="approve")
    _do(ev, "consult_final", "audit01", opinion="同意定稿。")
    if reached < 4:
        return
    _do(ev, "leader_approval", "leader", decision="approve")


def load_demo_evaluations() -> None:
    """Register the firms and drive the demo evaluations through the process."""
    perf = _user("perf01")
    registered = []
    for name, code, kind, lead, staff in FIRMS:
        firm = firms.register_firm(perf, {"name": name, "credit_code": code, "firm_type": kind,
                                          "staff_count": 30})
        for username in (lead, staff):
            if username:
                firms.assign_firm_staff(username, firm)
        registered.append((firm, lead, staff))
    projects = db.scalars(select(Project).order_by(Project.id)).all()
    for index, firm_index, until, profile in PLAN_OF_DEMO:
        project = projects[index]
        ev = evaluation.propose_evaluation(perf, {
            "object_type": "project", "project_id": project.id,
            "title": f"{project.name}项目绩效评价", "fiscal_year_evaluated": 2025,
            "selection_reason": "large_amount", "fee_budget": "160000",
            "selection_note": "资金量大、社会关注度高"})
        firm, lead, staff = registered[firm_index]
        _drive(ev, lead, staff, firm.id, until, SCORES[profile])
