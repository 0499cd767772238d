"""Demo ex-ante assessments: new projects applied for, checked, scored and concluded (most
supported, some with a lower amount, a few blocked), and next year's still under way."""

from __future__ import annotations

from datetime import date, timedelta

from models import ExAnteAssessment, Project

from .. import ex_ante
from .drive import do, on
from .people import Bureau

APPLICATION = {
    "basis": "《区国民经济和社会发展第十四个五年规划纲要》及行业主管部门专项规划",
    "implementation_plan": "分两期实施：上半年完成招标采购，下半年完成建设并验收",
    "budget_breakdown": "建设费用占 70%，设备购置 20%，其他费用 10%，均有测算依据",
    "draft_goals": "按期完成建设任务，服务对象覆盖率达到 95%，满意度不低于 90%"}
DIMENSIONS = ("necessity", "economy", "goal_rationality", "feasibility", "funding_compliance")
# (scores, conclusion reached) by outcome
OUTCOMES = {"support": (18, 17, 17, 16, 17), "revision": (15, 13, 14, 14, 14),
            "blocked": (11, 10, 12, 11, 12)}
STEPS = ("ex_ante_fill", "ex_ante_leader_review", "ex_ante_completeness",
         "ex_ante_choose_mode", "score", "approve", "revise")


def _scores(values) -> dict:
    return {d: str(v) for d, v in zip(DIMENSIONS, values, strict=True)}


def assess(bureau: Bureau, project: Project, outcome: str, start: date,
           until: str | None = None) -> ExAnteAssessment:
    """Drive one assessment to its outcome (support, revision, blocked), or stop before
    `until`."""
    filer, head = bureau.people(project.unit_id)
    day = start
    with on(day):
        assessment = ex_ante.start_assessment(project, filer)
    steps = STEPS[:STEPS.index(until)] if until else STEPS

    def step(key, user, payload, gap=3):
        nonlocal day
        day += timedelta(days=gap)
        with on(day):
            do(assessment.instance_id, key, user, payload)

    if "ex_ante_fill" not in steps:
        return assessment
    step("ex_ante_fill", filer, {"application": APPLICATION,
                                 "self_scores": _scores((18, 18, 17, 17, 18))}, 1)
    if "ex_ante_leader_review" in steps:
        step("ex_ante_leader_review", head, {"decision": "approve", "comment": "同意申报。"})
    if "ex_ante_completeness" in steps:
        step("ex_ante_completeness", project.unit.liaison, {"decision": "approve"})
    if "ex_ante_choose_mode" in steps:
        mode = ("finance", "expert_panel")[project.id % 2]
        step("ex_ante_choose_mode", bureau.user("perf01"), {"mode": mode})
    if "score" in steps:
        payload = {"dimension_scores": _scores(OUTCOMES[outcome]),
                   "opinion": OPINIONS[outcome]}
        if outcome == "revision":
            payload["recommended_amount"] = str((project.year_amount * 8 / 10).quantize(1))
        step("ex_ante_score", bureau.user("perf02"), payload, 10)
    if "approve" in steps:
        key = "ex_ante_leader_approve" if assessment.needs_leader else "ex_ante_chief_approve"
        approver = bureau.user("leader" if assessment.needs_leader else "perfchief")
        step(key, approver, {"decision": "approve", "comment": "同意评估结论。"})
    if outcome == "revision" and "revise" in steps:
        step("ex_ante_revise", filer,
             {"revision_note": "按建议金额压减设备购置规模，调整实施方案。"})
    return assessment


OPINIONS = {"support": "项目立项依据充分，实施方案可行，绩效目标合理，予以支持。",
            "revision": "项目必要，但投入测算偏高，建议压减 20% 后予以支持。",
            "blocked": "立项必要性不足，资金来源未落实，不予支持。"}
