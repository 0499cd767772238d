"""Shared data of the self-evaluation tests: issued goal sheets, a filled table, a round."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from models import GoalSheet, Indicator, SelfEvaluation, Task, db
from workflows import rectification, self_evaluation

YEAR = 2027
# Five indicators, no sheet weights: output 25 + 25, benefit 15 + 15, satisfaction 10.
INDICATORS = [
    {"level1": "output", "level2": "quantity", "name": "改造学校数量", "operator": "ge",
     "target_value": Decimal(12), "unit_of_measure": "所"},
    {"level1": "output", "level2": "quality", "name": "安全事故数", "operator": "le",
     "target_value": Decimal(2), "unit_of_measure": "起"},
    {"level1": "benefit", "level2": "social", "name": "受益学生人数", "operator": "ge",
     "target_value": Decimal(8000), "unit_of_measure": "人"},
    {"level1": "benefit", "level2": "social", "name": "办学条件改善", "operator": "qualitative",
     "value_type": "qualitative", "target_text": "明显改善"},
    {"level1": "satisfaction", "level2": "recipient_satisfaction", "name": "师生满意度",
     "operator": "ge", "target_value": Decimal(90), "unit_of_measure": "%"},
]


def issued_sheet(bureau, project: str = "p1", *, year: int = YEAR, status: str = "approved",
                 version: int = 1) -> GoalSheet:
    """A goal sheet of the project, issued (approved and locked) unless told otherwise."""
    p = bureau.projects[project]
    sheet = GoalSheet(bureau_id=p.bureau_id, fiscal_year=year, kind="project", unit_id=p.unit_id,
                      project_id=p.id, amount=Decimal(3_200_000), version=version,
                      status=status, locked=status == "approved",
                      indicators=[Indicator(seq=i + 1, **row) for i, row in enumerate(INDICATORS)])
    db.add(sheet)
    db.flush()
    return sheet


def due() -> str:
    """A due date a month ahead."""
    return (rectification.today() + timedelta(days=30)).isoformat()


def open_year(user, *, pct="0", year: int = YEAR):
    """Open the year's round (no spot check unless `pct` says so)."""
    return self_evaluation.open_round(user, {"fiscal_year": year, "due_date": due(),
                                             "spot_check_pct": pct})


def evaluation_of(sheet: GoalSheet) -> SelfEvaluation:
    """The self-evaluation of a sheet."""
    return db.scalars(select(SelfEvaluation).where(SelfEvaluation.sheet_id == sheet.id)).one()


def filled(sheet: GoalSheet, *, executed="3200000", actuals=("12", "0", "8000", None, "95"),
           achievement="achieved", pct="100", reasons=None) -> dict:
    """The fill payload: execution, one row per indicator (in the sheet's order), the report."""
    rows = []
    for i, ind in enumerate(sheet.indicators):
        row = {"indicator_id": ind.id}
        if ind.operator == "qualitative":
            row.update(achievement=achievement, achieved_pct=pct)
        else:
            row["actual_value"] = actuals[i]
        if reasons and reasons.get(i):
            row["deviation_reason"] = reasons[i]
        rows.append(row)
    return {"evaluation": {"execution": {"full_year_budget": "3200000", "executed": executed},
                           "indicators": rows, "report": "年度目标基本完成。"}}


# Execution 9.00, 18.75 + 12.50 (actual 4 against ≤ 2), 15 + 10.50 (partly, 70 %), 10: 75.75.
SHORT = {"executed": "2880000", "actuals": ("9", "4", "8000", None, "90"),
         "achievement": "partly", "pct": "70",
         "reasons": {0: "两所学校工期顺延", 1: "施工期间发生轻微事故", 3: "部分学校设备未到位"}}


def ready(evaluation: SelfEvaluation, key: str | None = None) -> Task:
    """The ready task of the evaluation's instance (of one BPMN task when given)."""
    query = select(Task).where(Task.instance_id == evaluation.instance_id, Task.status == "ready")
    if key:
        query = query.where(Task.task_key == key)
    return db.scalars(query).one()


def ready_keys(evaluation: SelfEvaluation) -> list[str]:
    """BPMN ids of the ready tasks."""
    return sorted(db.scalars(select(Task.task_key).where(
        Task.instance_id == evaluation.instance_id, Task.status == "ready")))
