"""Demo rectification ledger: problem lists from audits, special checks, monitoring and the
self-evaluation spot checks, besides the key evaluations' own, with items in every state
(about 70 % signed off, 15 % in progress, 10 % overdue, 5 % returned) and interviews."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from sqlalchemy import select

from models import RectificationItem, Task, db

from .. import evidence, rectification
from ..engine import clock
from .drive import do, on
from .people import Bureau

PROBLEMS = [
    ("audit", "funds", "项目资金闲置超过一年，未及时安排使用", "清理闲置资金，按规定收回统筹"),
    ("self_evaluation", "decision", "绩效目标设置不明确，部分指标无法量化", "细化量化绩效指标"),
    ("self_evaluation", "management", "自评结果与实际偏差较大，自评流于形式", "完善自评复核机制"),
    ("monitoring", "output", "项目进度滞后，年中执行率低于时序进度 30 个百分点",
     "制定赶工计划，加快支出进度"),
    ("audit", "funds", "专项资金被挤占用于日常公用经费", "归垫专项资金，追究相关责任"),
    ("special_check", "system", "资产管理台账不健全，账实不符", "全面清查资产，建立动态台账"),
    ("special_check", "benefit", "满意度调查样本不足，效益未体现", "扩大调查样本，跟踪效益"),
    ("audit", "management", "政府采购程序不规范，未按规定公开招标", "规范采购流程，健全内控制度"),
    ("monitoring", "benefit", "受益群众覆盖面未达目标值", "加大宣传推广，扩大覆盖面"),
]
EVIDENCE = b"%PDF-1.4\n% jixiao demo: rectification report\n"


def plan(count: int) -> list[tuple[int, int, str]]:
    """(days ago recorded, deadline days, stage) of `count` items in the DOMAIN mix."""
    signed = round(count * 0.70)
    overdue = max(2, round(count * 0.10))
    returned = max(1, round(count * 0.05))
    progress = max(0, count - signed - overdue - returned - 2)
    rows = [(150, 90, "signed_off")] * (signed - signed // 4) + \
        [(120, 90, "signed_off_late")] * (signed // 4)
    rows += [(200, 90, "in_progress"), (210, 90, "assigned")] + \
        [(130 + 7 * i, 90, "in_progress") for i in range(overdue - 2)]
    rows += [(50, 90, "returned")] * (returned - 1) + [(45, 90, "returned_twice")]
    stages = ("assigned", "plan_submitted", "in_progress", "evidence_submitted", "verified")
    rows += [(20 + 3 * i, 90, stages[i % len(stages)]) for i in range(progress)]
    return rows + [(12, 60, "serious"), (8, 60, "serious")]


def _drive(bureau: Bureau, item: RectificationItem, stage: str) -> None:
    filer, head = bureau.people(item.unit_id)
    if stage in ("assigned", "serious"):
        return
    do(item.instance_id, "enter_plan", filer, {
        "measures": "成立整改专班，逐项对照问题制定措施，明确时限。",
        "responsible_person": head.name})
    if stage == "plan_submitted":
        return
    do(item.instance_id, "approve_plan", head, {"decision": "approve", "comment": "同意整改计划。"})
    if stage == "in_progress":
        return
    evidence.upload_evidence(item, filer, "整改情况报告.pdf", BytesIO(EVIDENCE))
    do(item.instance_id, "submit_evidence", filer, {"comment": "已按计划完成整改，附整改报告。"})
    if stage == "evidence_submitted":
        return
    liaison = item.unit.liaison
    if stage.startswith("returned"):
        for n in range(2 if stage == "returned_twice" else 1):
            do(item.instance_id, "verify", liaison, {
                "decision": "return", "comment": "佐证材料不完整，请补充资金归垫凭证。"})
            if n == 0 and stage == "returned_twice":
                do(item.instance_id, "submit_evidence", filer, {"comment": "已补充凭证。"})
        return
    do(item.instance_id, "verify", liaison, {"decision": "pass", "comment": "佐证充分，整改到位。"})
    if stage == "verified":
        return
    do(item.instance_id, "sign_off", bureau.user("perfchief"),
       {"decision": "sign_off", "comment": "同意销号。"})


def rectify_findings(bureau: Bureau, evaluations: list) -> None:
    """The units rectify the key evaluations' findings: signed off, but for the last list's
    last item, still in progress."""
    issued = [e for e in evaluations if e.status == "results_issued"]
    for n, ev in enumerate(issued):
        for m, entry in enumerate(ev.problems or []):
            item = db.get(RectificationItem, entry.get("item_id"))
            if item is None or item.status != "assigned":
                continue
            last = n == len(issued) - 1 and m == len(ev.problems) - 1
            # the plan falls due 30 days after the item was recorded: work a week before that
            with on(item.plan_due - timedelta(days=7 - m)):
                _drive(bureau, item, "in_progress" if last else "signed_off")


def load_ledger(bureau: Bureau, year: int) -> list[RectificationItem]:
    """Record the problems on a clock moved back in time and drive each item; the first two
    overdue items' units also have the leader's interviews of their serious problems."""
    units = bureau.units
    items = []
    for n, (days_ago, deadline_days, stage) in enumerate(plan(bureau.profile.ledger_items)):
        source, category, description, measure = PROBLEMS[n % len(PROBLEMS)]
        # the long-overdue ones concern two units (R28 suspends them next year)
        unit = units[n % 2] if days_ago >= 200 else units[(n * 7) % len(units)]
        clock.travel(-timedelta(days=days_ago))
        try:
            start = rectification.today()
            item = rectification.record_problem(bureau.user("perf01"), {
                "source": source, "category": category, "description": description,
                "suggested_measure": measure, "unit_id": unit.id, "fiscal_year": year,
                "problem_list_no": f"QD-{year}-{n % 9 + 1:02d}",
                "severity": "serious" if stage == "serious" else "normal",
                "amount_involved": str(50_000 * (n % 7 + 1)),
                "deadline": (start + timedelta(days=deadline_days)).isoformat()})
            spent = deadline_days + 10 if stage == "signed_off_late" else deadline_days // 2
            if stage.startswith("signed_off"):
                clock.travel(timedelta(days=spent))
            _drive(bureau, item, stage.removesuffix("_late"))
            if stage == "serious":
                _interview(bureau, item)
        finally:
            clock.reset()
        items.append(item)
    return items


def _interview(bureau: Bureau, item: RectificationItem) -> None:
    """The leader holds the interview a serious problem proposes at once (R28)."""
    task = db.scalar(select(Task).where(Task.instance_id == item.instance_id,
                                        Task.status == "ready", Task.task_key.like("interview%")))
    if task is None:
        return
    clock.travel(timedelta(days=3))
    day = rectification.today()
    do(item.instance_id, task.task_key, bureau.user("leader"), {
        "decision": "interview", "held_at": day.isoformat(),
        "interviewee_person": bureau.people(item.unit_id)[1].name, "interviewer": "分管副局长",
        "commitments": "一个月内完成整改并报送整改报告。",
        "follow_up_deadline": (day + timedelta(days=30)).isoformat()})
