"""Demo evaluations: last year's self-evaluation of every issued sheet (with the spot check),
and key evaluations by registered firms at several steps, graded so that the results have
something to apply (DOMAIN d)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import GoalSheet, KeyEvaluation, SelfEvaluation, db

from .. import evaluation, firms, org, self_evaluation
from .drive import do, on
from .people import DEMO_PASSWORD, Bureau

FIRMS = [("湘江会计师事务所（特殊普通合伙）", "91350100M000100Y43", "cpa", "firm_a"),
         ("明德绩效咨询有限公司", "91440300708461136T", "consulting", "firm_b"),
         ("湖湘资产评估有限公司", "91110000600037341L", "asset_appraisal", "firm_c")]
FIRM_PEOPLE = {"firm_a": ("湘江所 主评人 周洁", "湘江所 评价员 吴磊"),
               "firm_b": ("明德咨询 主评人 郑涛", "明德咨询 评价员 钱芳"),
               "firm_c": ("湖湘评估 主评人 冯远", "湖湘评估 评价员 唐宁")}
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
          "fair": ["6", "9", "15", "11", "11", "14", "7"],
          "poor": ["5", "6", "10", "8", "7", "12", "6"]}
PROBLEMS = [
    {"description": "项目资金拨付滞后，年末结转资金占比 35%", "category": "funds",
     "severity": "normal", "suggested_measure": "加快资金拨付，建立支出进度通报机制"},
    {"description": "部分子项目未按期竣工验收", "category": "output", "severity": "normal",
     "suggested_measure": "督促限期验收，验收前不得拨付尾款"},
    {"description": "专项资金 18 万元用于日常办公支出", "category": "funds",
     "severity": "serious", "amount_involved": "180000.00", "suggested_measure": "收回违规资金"},
]
STEPS = ("consultation", "plan_review", "unit_feedback", "leader_approval", "issued")
# (what is evaluated, how far it gets, its score profile), the district's six objects
DISTRICT_PLAN = [("project", "issued", "poor"), ("special_fund", "issued", "poor"),
                 ("project", "issued", "fair"), ("project", "issued", "good"),
                 ("overall", "leader_approval", "good"), ("project", "plan_review", "good")]
SMALL_PLAN = DISTRICT_PLAN[:3]


def register_firms(bureau: Bureau) -> list:
    """The three firms of the registry, with a lead evaluator and a staff member each."""
    pw = generate_password_hash(DEMO_PASSWORD)
    registered = []
    for name, code, kind, slug in FIRMS:
        with on(date(2026, 3, 1)):
            firm = firms.register_firm(bureau.user("perf01"), {
                "name": name, "credit_code": code, "firm_type": kind, "staff_count": 30})
        for suffix, label in zip(("lead", "staff"), FIRM_PEOPLE[slug], strict=True):
            username = f"{slug}_{suffix}"
            bureau.users[username] = org.add_user(username, DEMO_PASSWORD, ["tp_evaluator"],
                                                  name=label, password_hash=pw)
            firms.assign_firm_staff(username, firm)
        registered.append((firm, f"{slug}_lead", f"{slug}_staff"))
    return registered


# ---------------------------------------------------------------- self-evaluation

def _fill(bureau: Bureau, sheet: GoalSheet) -> dict:
    rng = bureau.rng
    quality = Decimal(rng.choice(("1", "1", "1", "0.86", "0.84")))  # some 良, most 优
    rows = []
    for ind in sheet.indicators:
        row = {"indicator_id": ind.id, "deviation_reason": ""}
        if ind.operator == "qualitative":
            row.update(achievement="achieved" if quality == 1 else "partly",
                       achieved_pct=str(rng.choice((90, 95, 100)) if quality == 1 else 78))
        else:
            share = Decimal(rng.choice(("1.00", "1.00", "1.02", "0.97", "0.92"))) * quality
            actual = ind.target_value / share if ind.operator in ("le", "lt") \
                else ind.target_value * share
            row["actual_value"] = str(actual.quantize(Decimal("0.01")))
        if row.get("actual_value") or row.get("achieved_pct") != "100":
            row["deviation_reason"] = "受施工周期和天气影响，部分任务进度略有滞后"
        rows.append(row)
    executed = (sheet.amount * Decimal(rng.choice(("0.96", "0.98", "1.00", "0.93")))).quantize(
        Decimal("0.01"))
    return {"evaluation": {"execution": {"full_year_budget": str(sheet.amount),
                                         "executed": str(executed)},
                           "indicators": rows, "report": "年度绩效目标基本完成，资金使用规范。"}}


def self_evaluate(bureau: Bureau, year: int, opened_on: date) -> None:
    """Open the year's self-evaluation, fill and review every table; the drawn ones are
    spot-checked and accepted (a few still wait for the chief)."""
    perf = bureau.user("perf01")
    with on(opened_on):
        self_evaluation.open_round(perf, {"fiscal_year": year,
                                          "due_date": date(year + 1, 3, 31).isoformat(),
                                          "spot_check_pct": "10"})
    evaluations = list(db.scalars(select(SelfEvaluation).where(SelfEvaluation.fiscal_year == year)
                                  .order_by(SelfEvaluation.id)))
    for n, e in enumerate(evaluations):
        filer, head = bureau.people(e.unit_id)
        day = opened_on + timedelta(days=20 + n % 40)
        with on(day):
            do(e.instance_id, "fill_evaluation", filer, _fill(bureau, db.get(GoalSheet,
                                                                             e.sheet_id)))
        with on(day + timedelta(days=3)):
            do(e.instance_id, "leader_review", head, {"decision": "approve"})
        with on(day + timedelta(days=8)):
            do(e.instance_id, "liaison_review", e.unit.liaison, {"decision": "approve"})
        if not e.spot_check:
            continue
        gap = "12" if n % 3 == 0 else "3"
        with on(day + timedelta(days=25)):
            do(e.instance_id, "spot_check", bureau.user("perf02"), {"spot_check": {
                "check_score": str(max(Decimal(0), e.total_score - Decimal(gap))),
                "comments": "抽查发现部分指标实际完成值依据不足。" if gap == "12" else ""}})
        if n % 4:
            with on(day + timedelta(days=30)):
                do(e.instance_id, "accept_check", bureau.user("perfchief"),
                   {"decision": "approve"})


# ---------------------------------------------------------------- key evaluations

def _drive(bureau: Bureau, ev: KeyEvaluation, lead: str, staff: str, firm_id: int, until: str,
           scores: list[str], start: date) -> None:
    reached = STEPS.index(until)
    days = iter(range(0, 400, 9))

    def act(key, user, **payload):
        with on(start + timedelta(days=next(days))):
            do(ev.instance_id, key, bureau.user(user) if isinstance(user, str) else user,
               payload)

    if reached < 1:
        return
    act("consult_pre", "audit01", opinion="近两年未对该项目安排专项审计，同意开展重点评价。")
    act("approve_list", "leader", decision="approve")
    act("engage_firm", "perf01", firm_id=firm_id, procurement_method="competitive_consultation",
        contract_amount="160000", contract_date=(start + timedelta(days=20)).isoformat(),
        lead_evaluator_user_id=bureau.user(lead).id, team_user_ids=[bureau.user(staff).id],
        coi_signed=True)
    act("submit_plan", lead, **PLAN)
    if reached < 2:
        return
    filer, head = bureau.people(ev.unit_id)
    act("review_plan", "perf01", decision="approve")
    act("supply_data", filer, note="已按资料清单提供预算批复、拨付凭证和验收资料。")
    with on(start + timedelta(days=60)):
        evaluation.upload_document(ev, bureau.user(lead), "working_paper", "现场核查工作底稿.pdf",
                                   BytesIO(b"%PDF-1.4\n% jixiao demo: working paper\n"))
    act("record_fieldwork", lead, methods=PLAN["methods"], survey_sample_size=286,
        notes="实地查看 9 个项目点，回收有效问卷 286 份，访谈受益对象 20 人。")
    act("submit_draft", lead, scores=scores, problems=PROBLEMS,
        summary="项目总体按计划实施，资金拨付滞后、部分子项目验收延迟。")
    if reached < 3:
        return
    act("unit_feedback", head, decision="agree")
    act("quality_review", "perf01", decision="pass")
    act("chief_approval", "perfchief", decision="approve")
    act("consult_final", "audit01", opinion="同意定稿。")
    if reached < 4:
        return
    act("leader_approval", "leader", decision="approve")


def key_evaluations(bureau: Bureau, year: int, registered: list, start: date) -> list:
    """Propose the year's key evaluation objects and drive each to its step."""
    plan = DISTRICT_PLAN if bureau.profile.key_evaluations >= 6 else SMALL_PLAN
    plan = (plan * (bureau.profile.key_evaluations // len(plan) + 1))[
        :bureau.profile.key_evaluations]
    sheets = list(db.scalars(select(GoalSheet).where(
        GoalSheet.fiscal_year == year, GoalSheet.status == "issued", GoalSheet.kind == "project")
        .order_by(GoalSheet.amount.desc())))
    funded = [s for s in sheets if s.project.special_fund_id]
    plain = [s for s in sheets if not s.project.special_fund_id]
    done = []
    for n, (kind, until, profile) in enumerate(plan):
        source = funded if kind == "special_fund" and funded else plain
        sheet = source.pop(0) if source else sheets[n]
        project = sheet.project
        firm, lead, staff = registered[n % len(registered)]
        proposal = {"object_type": "project" if kind != "overall" else "overall",
                    "fiscal_year_evaluated": year, "selection_reason": "large_amount",
                    "fee_budget": "160000", "selection_note": "资金量大、社会关注度高"}
        if kind == "overall":
            proposal.update(unit_id=project.unit_id,
                            title=f"{project.unit.name}部门整体支出绩效评价")
        else:
            proposal.update(project_id=project.id, title=f"{project.name}绩效评价")
            if kind == "special_fund":
                proposal["object_type"] = "special_fund"
        day = start + timedelta(days=7 * n)
        with on(day):
            ev = evaluation.propose_evaluation(bureau.user("perf01"), proposal)
        _drive(bureau, ev, lead, staff, firm.id, until, SCORES[profile], day + timedelta(days=2))
        done.append(ev)
    return done
