"""Shared data of the performance-cycle tests: new projects, ex-ante payloads, a driven
assessment."""

from __future__ import annotations

from sqlalchemy import select

from models import ExAnteAssessment, Task, db
from workflows import ex_ante, org
from workflows.tasks import complete_user_task

APPLICATION = {"application": {
    "basis": "《区教育发展“十四五”规划》", "implementation_plan": "分两期建设，2027 年底完工",
    "budget_breakdown": "设备 400 万元，改造 200 万元", "draft_goals": "覆盖 12 所学校"},
    "self_scores": dict.fromkeys(("necessity", "economy", "goal_rationality", "feasibility",
                                  "funding_compliance"), "18")}
APPROVE = {"decision": "approve"}


def scores(*values) -> dict:
    """Five dimension scores, in DOMAIN order."""
    dims = ("necessity", "economy", "goal_rationality", "feasibility", "funding_compliance")
    return dict(zip(dims, (str(v) for v in values), strict=True))


def new_project(name: str = "智慧校园新建工程", amount=6_000_000, unit: str = "U1",
                year: int = 2027):
    """A new project of the unit (R5 applies from 500,000 yuan)."""
    return org.add_project(unit, name, amount, is_new=True, fiscal_year=year)


def ready(assessment: ExAnteAssessment, key: str | None = None) -> Task:
    """The assessment's ready task (of one BPMN task when given)."""
    query = select(Task).where(Task.instance_id == assessment.instance_id,
                               Task.status == "ready")
    if key:
        query = query.where(Task.task_key == key)
    return db.scalars(query).one()


def keys(assessment: ExAnteAssessment) -> list[str]:
    """The BPMN ids of the assessment's ready tasks."""
    return sorted(db.scalars(select(Task.task_key).where(
        Task.instance_id == assessment.instance_id, Task.status == "ready")))


def act(assessment, key, user, payload) -> None:
    """Complete the assessment's ready task `key` as the user."""
    complete_user_task(ready(assessment, key), user, payload)
    db.flush()


def to_mode(bureau, project) -> ExAnteAssessment:
    """An assessment applied, approved by the unit and found complete: the mode is next."""
    assessment = ex_ante.start_assessment(project, bureau.filer1)
    act(assessment, "ex_ante_fill", bureau.filer1, APPLICATION)
    act(assessment, "ex_ante_leader_review", bureau.leader1, APPROVE)
    act(assessment, "ex_ante_completeness", bureau.cadre1, APPROVE)
    return assessment


def assess(bureau, project, total_scores=(18, 17, 16, 16, 17), recommended=None,
           approver=None) -> ExAnteAssessment:
    """An assessment by the finance side, scored and approved."""
    assessment = to_mode(bureau, project)
    act(assessment, "ex_ante_choose_mode", bureau.perf, {"mode": "finance"})
    payload = {"dimension_scores": scores(*total_scores), "opinion": "依据充分，方案可行。"}
    if recommended is not None:
        payload["recommended_amount"] = str(recommended)
    act(assessment, "ex_ante_score", bureau.perf, payload)
    key = "ex_ante_leader_approve" if assessment.needs_leader else "ex_ante_chief_approve"
    act(assessment, key, approver or (bureau.leader if assessment.needs_leader
                                      else bureau.perfchief), APPROVE)
    return assessment


# ---------------------------------------------------------------- double monitoring

def issued(bureau, name: str = "p1", year: int = 2027):
    """A goal sheet of the project, issued with the budget."""
    from tests.self_evaluation_data import issued_sheet
    sheet = issued_sheet(bureau, name, year=year, status="issued")
    sheet.locked = True
    return sheet


def open_monitoring(user, *, year: int = 2027, label: str = "H1", progress: str = "50",
                    **extra):
    """Open a round with the cut-off at 30 June and the given time progress."""
    from datetime import timedelta

    from workflows import monitoring
    from workflows.cycle_steps import today
    return monitoring.open_round(user, {
        "fiscal_year": year, "period_label": label, "cutoff_date": f"{year}-06-30",
        "due_date": (today() + timedelta(days=20)).isoformat(), "time_progress": progress,
        **extra})


def report_of(sheet):
    """The monitoring report of a sheet (its only one)."""
    from models import MonitoringReport
    return db.scalars(select(MonitoringReport).where(MonitoringReport.sheet_id == sheet.id)).one()


def report_payload(sheet, executed="1600000", *, achievable=True, measures="") -> dict:
    """The fill payload: execution and one row per indicator of the sheet."""
    rows = [{"indicator_id": ind.id, "progress_value": "过半", "expected_year_end": "完成",
             "achievable": achievable if i == 0 else True,
             **({} if achievable or i else {"cause": "progress_delay", "measure": "加快进度"})}
            for i, ind in enumerate(sheet.indicators)]
    return {"report": {"executed_amount": executed, "indicators": rows,
                       "corrective_measures": measures}}


def monitor_act(report, key, user, payload) -> None:
    """Complete the report's ready task `key` as the user."""
    task = db.scalars(select(Task).where(Task.instance_id == report.instance_id,
                                         Task.status == "ready", Task.task_key == key)).one()
    complete_user_task(task, user, payload)
    db.flush()


def monitor_keys(report) -> list[str]:
    """The BPMN ids of the report's ready tasks."""
    return sorted(db.scalars(select(Task.task_key).where(
        Task.instance_id == report.instance_id, Task.status == "ready")))


def to_decision(bureau, sheet, executed="500000", measures="加快实施进度"):
    """A report filled behind time progress (flagged), approved by the unit and the liaison."""
    report = report_of(sheet)
    monitor_act(report, "monitor_fill", bureau.filer1,
                report_payload(sheet, executed, measures=measures))
    monitor_act(report, "monitor_leader_review", bureau.leader1, APPROVE)
    monitor_act(report, "monitor_liaison_review", bureau.cadre1, APPROVE)
    return report


# ---------------------------------------------------------------- result application

def graded(bureau, project_name: str = "p1", grade: str = "poor", year: int = 2026,
           object_type: str = "project", score: str = "52.00"):
    """A key evaluation of the project, final and graded (the process itself is tested in
    test_key_evaluation)."""
    from decimal import Decimal

    from models import KeyEvaluation
    project = bureau.projects[project_name] if isinstance(project_name, str) else project_name
    ev = KeyEvaluation(bureau_id=project.bureau_id, fiscal_year_evaluated=year,
                       object_type=object_type, project_id=project.id, unit_id=project.unit_id,
                       title=f"{project.name}绩效评价", selection_reason="large_amount",
                       status="final", grade=grade, final_score=Decimal(score))
    db.add(ev)
    db.flush()
    return ev


def generate(user, target: int = 2028, source: int = 2026, compilation: str = "2027-09-01"):
    """Run the rules for the target year."""
    from workflows import results
    return results.generate_proposals(user, {"target_year": target, "source_year": source,
                                             "compilation_date": compilation})


def proposals(round_id: int | None = None) -> list:
    """Stored proposals, in id order."""
    from models import ResultApplication
    query = select(ResultApplication).order_by(ResultApplication.id)
    if round_id:
        query = query.where(ResultApplication.round_id == round_id)
    return list(db.scalars(query))
