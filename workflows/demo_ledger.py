"""Demo rectification ledger: 9 problem lists, items at every stage, driven by the real operations.

Problems are recorded "in the past" on the engine clock, so the deadline ladder has real work
for the worker when `make run` starts: pre-warnings, overdue reminders, notices and interview
proposals.
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from sqlalchemy import select

from models import BudgetUnit, RectificationItem, Task, User, db

from . import evidence, rectification
from .engine import clock
from .tasks import complete_user_task

PROBLEMS = [
    ("key_evaluation", "funds", "项目资金闲置超过一年，未及时安排使用",
     "清理闲置资金，按规定收回统筹"),
    ("key_evaluation", "decision", "绩效目标设置不明确，部分指标无法量化", "细化量化绩效指标"),
    ("self_evaluation", "management", "自评结果与实际偏差较大，自评流于形式",
     "完善自评复核机制"),
    ("monitoring", "output", "项目进度滞后，年中执行率低于时序进度 30 个百分点",
     "制定赶工计划，加快支出进度"),
    ("audit", "funds", "专项资金被挤占用于日常公用经费", "归垫专项资金，追究相关责任"),
    ("special_check", "system", "资产管理台账不健全，账实不符", "全面清查资产，建立动态台账"),
    ("key_evaluation", "benefit", "服务对象满意度调查样本不足，效益未体现",
     "扩大调查样本，跟踪效益"),
    ("audit", "management", "政府采购程序不规范，未按规定公开招标", "规范采购流程，健全内控制度"),
    ("monitoring", "benefit", "受益群众覆盖面未达目标值", "加大宣传推广，扩大覆盖面"),
]
EVIDENCE = b"%PDF-1.4\n% jixiao demo: rectification report\n"
# (days ago the problem was recorded, deadline days after that, stage reached)
PLAN = (
    [(150, 90, "signed_off")] * 12 + [(120, 90, "signed_off_late")] * 4
    + [(40, 90, "assigned"), (40, 90, "plan_submitted"), (35, 90, "in_progress"),
       (30, 90, "evidence_submitted"), (60, 70, "verified"), (20, 90, "in_progress")]
    + [(110, 90, "in_progress"), (135, 90, "assigned"), (160, 90, "in_progress")]  # overdue
    + [(50, 90, "returned"), (45, 90, "returned_twice")]
    + [(10, 60, "serious")]
)


def _user(username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def _unit_people(unit: BudgetUnit) -> tuple[User, User]:
    filer = db.scalar(select(User).where(User.unit_id == unit.id, User.username.like("filer%")))
    head = db.scalar(select(User).where(User.unit_id == unit.id, User.username.like("head%")))
    return filer, head


def _do(item: RectificationItem, key: str, user: User, **payload) -> None:
    task = db.scalar(select(Task).where(Task.instance_id == item.instance_id,
                                        Task.task_key == key, Task.status == "ready"))
    complete_user_task(task, user, payload)


def _drive(item: RectificationItem, stage: str, filer: User, head: User, chief: User) -> None:
    if stage in ("assigned", "serious"):
        return
    _do(item, "enter_plan", filer, measures="成立整改专班，逐项对照问题制定措施，明确时限。",
        responsible_person=head.name)
    if stage == "plan_submitted":
        return
    _do(item, "approve_plan", head, decision="approve", comment="同意整改计划。")
    if stage == "in_progress":
        return
    evidence.upload_evidence(item, filer, "整改情况报告.pdf", BytesIO(EVIDENCE))
    _do(item, "submit_evidence", filer, comment="已按计划完成整改，附整改报告。")
    if stage == "evidence_submitted":
        return
    liaison = item.unit.liaison
    if stage.startswith("returned"):
        for _ in range(2 if stage == "returned_twice" else 1):
            _do(item, "verify", liaison, decision="return",
                comment="佐证材料不完整，请补充资金归垫凭证。")
            if stage == "returned_twice" and item.return_count == 1:
                _do(item, "submit_evidence", filer, comment="已补充凭证。")
        return
    _do(item, "verify", liaison, decision="pass", comment="佐证充分，整改到位。")
    if stage == "verified":
        return
    _do(item, "sign_off", chief, decision="sign_off", comment="同意销号。")


def load_demo_ledger() -> None:
    """Record the demo problems on a clock moved back in time and drive each item."""
    perf, chief = _user("perf01"), _user("perfchief")
    units = db.scalars(select(BudgetUnit).order_by(BudgetUnit.code)).all()
    for n, (days_ago, deadline_days, stage) in enumerate(PLAN):
        source, category, description, measure = PROBLEMS[n % len(PROBLEMS)]
        unit = units[n % len(units)]
        filer, head = _unit_people(unit)
        clock.travel(-timedelta(days=days_ago))
        try:
            start = rectification.today()
            item = rectification.record_problem(perf, {
                "source": source, "category": category, "description": description,
                "suggested_measure": measure, "unit_id": unit.id,
                "problem_list_no": f"QD-2025-{n % 9 + 1:02d}",
                "source_ref": "2025 年度财政重点绩效评价" if source == "key_evaluation" else "",
                "severity": "serious" if stage == "serious" else "normal",
                "amount_involved": str(50_000 * (n % 7 + 1)),
                "deadline": (start + timedelta(days=deadline_days)).isoformat()})
            # late sign-offs happen after the deadline; the others well before it
            spent = deadline_days + 10 if stage == "signed_off_late" else deadline_days // 2
            if stage.startswith("signed_off"):
                clock.travel(timedelta(days=spent))
            _drive(item, stage.removesuffix("_late"), filer, head, chief)
        finally:
            clock.reset()

