"""Demo goal sheets: declared by the units, through the three gates (with some returns), sent
to the congress, inquired, and issued with the budget — on the days a bureau would."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from models import BudgetUnit, GoalSheet, ProcessInstance, Project, db

from .. import issuance
from ..goal_review import sheet_for_instance, start_goal_declaration, start_overall_declaration
from .drive import do, on
from .names import INDICATORS, OVERALL_GOAL, PROJECT_GOAL
from .people import Bureau

# where a driven sheet ends: not filled, waiting at a gate, or approved
STAGES = ("draft", "gate1", "gate2", "gate3", "approved")
GATE_KEYS = ("gate1_unit_review", "gate2_section_review", "gate3_performance_review")


def sheet_payload(bureau: Bureau, amount: Decimal | None, overall: bool) -> dict:
    """A sheet of 8–12 indicator rows drawn from the library, output and benefit included."""
    low, high = bureau.profile.indicators
    count = bureau.rng.randint(low, high)
    rows = [INDICATORS[0], INDICATORS[7], INDICATORS[-1]]
    pool = [r for r in INDICATORS if r not in rows]
    bureau.rng.shuffle(pool)
    while len(rows) < count:
        rows.append(pool[(len(rows) - 3) % len(pool)])
    indicators = []
    for level1, level2, name, operator, target, uom in rows[:count]:
        row = {"level1": level1, "level2": level2, "name": name, "operator": operator,
               "unit_of_measure": uom}
        if operator == "qualitative":
            row["target_text"] = target
        else:
            row["target_value"] = target
        indicators.append(row)
    sheet = {"overall_goal": OVERALL_GOAL if overall else PROJECT_GOAL, "indicators": indicators}
    if amount is not None:
        sheet["amount"] = str(amount)
    return {"sheet": sheet}


def _reviewers(bureau: Bureau, unit: BudgetUnit, n: int):
    perf = bureau.user(("perf01", "perf02", "perf03")[n % 3])
    return [("gate1_unit_review", bureau.people(unit.id)[1]),
            ("gate2_section_review", unit.liaison), ("gate3_performance_review", perf)]


def drive(bureau: Bureau, instance: ProcessInstance, unit: BudgetUnit, stage: str, start: date,
          n: int, returned_at: int | None = None, amount: Decimal | None = None) -> None:
    """Fill the sheet and pass it on until it waits at `stage`; `returned_at` (0–2) returns it
    once at that gate with a fair rating, and the unit resubmits."""
    if stage == "draft":
        return
    filer = bureau.people(unit.id)[0]
    day = start
    payload = sheet_payload(bureau, amount, amount is not None)
    with on(day):
        do(instance.id, "fill_sheet", filer, payload)
    passed = STAGES.index(stage) - 1  # gates to pass
    gates = _reviewers(bureau, unit, n)
    gate = 0
    while gate < passed:
        key, reviewer = gates[gate]
        day += timedelta(days=bureau.rng.randint(1, 4))
        if returned_at == gate:
            returned_at = None
            with on(day):
                do(instance.id, key, reviewer, {
                    "decision": "return", "rating": "fair" if gate else None,
                    "comment": RETURN_REASONS[gate]})
            day += timedelta(days=bureau.rng.randint(1, 3))
            with on(day):
                do(instance.id, "fill_sheet", filer, payload)
            gate = 0  # the diagram sends a resubmission through every gate again
            continue
        rating = None if gate == 0 else ("excellent", "good")[bureau.rng.random() < 0.45]
        with on(day):
            do(instance.id, key, reviewer, {"decision": "approve", "rating": rating,
                                            "comment": APPROVALS[gate]})
        gate += 1


RETURN_REASONS = ("产出指标偏少，请补充数量和质量指标。", "指标值与预算规模不匹配，请核实。",
                  "效益指标未量化，满意度指标缺失，请修改。")
APPROVALS = ("同意上报。", "与预算匹配，同意。", "指标细化量化，同意。")


def declare_project(bureau: Bureau, project: Project) -> ProcessInstance:
    """The unit's filer opens the project's declaration."""
    return start_goal_declaration(project, bureau.people(project.unit_id)[0])


def declare_overall(bureau: Bureau, unit: BudgetUnit, year: int) -> ProcessInstance:
    """The unit's filer opens its overall sheet."""
    return start_overall_declaration(unit, year, bureau.people(unit.id)[0])


def overall_amount(bureau: Bureau, unit: BudgetUnit, year: int) -> Decimal:
    """A unit's budget for the year: its projects and a basic-expenditure part."""
    projects = sum((p.year_amount for p in bureau.projects.get(year, []) if p.unit_id == unit.id),
                   Decimal(0))
    return projects + Decimal(bureau.rng.randrange(800_000, 6_000_000, 10_000))


def issue(bureau: Bureau, year: int, approved_on: date, issued_on: date) -> list[GoalSheet]:
    """Send about one sheet in ten to the congress (two of them inquired, answered and
    accepted), record the approval and issue every approved sheet of the year."""
    sheets = list(db.scalars(select(GoalSheet).where(GoalSheet.fiscal_year == year,
                                                     GoalSheet.status == "approved")
                             .order_by(GoalSheet.id)))
    budget = bureau.user("budget01")
    flagged = [s.id for s in sheets if s.kind == "project"][::10]
    with on(approved_on - timedelta(days=20)):
        if flagged:
            issuance.flag_for_congress(budget, year, flagged, True)
    congress = bureau.user("congress01")
    for sheet_id in flagged[:2]:
        sheet = db.get(GoalSheet, sheet_id)
        with on(approved_on - timedelta(days=5)):
            inquiry = issuance.open_inquiry(congress, sheet, {
                "delegate_name": "王代表",
                "session": f"区第十八届人民代表大会第{year - 2022}次会议",
                "question": "该项目绩效目标中受益人数的测算依据是什么？"})
            issuance.answer_inquiry(bureau.people(sheet.unit_id)[1], inquiry, {
                "answer": "依据近三年服务对象统计数据测算，并考虑新增覆盖范围。"})
        with on(approved_on - timedelta(days=3)):
            issuance.close_inquiry(congress, inquiry, "accepted")
    with on(approved_on + timedelta(days=1)):
        issuance.record_approval(budget, year, approved_on.isoformat())
    with on(issued_on):
        return issuance.issue_sheets(budget, year, [s.id for s in sheets]).issued


def sheet_of(instance: ProcessInstance) -> GoalSheet:
    """The sheet an instance declares."""
    return sheet_for_instance(instance)
