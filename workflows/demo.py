"""Demo data: a small county bureau with goal sheets at every stage of the review, and a
rectification ledger."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import Project, Task, User, db

from .demo_evaluation import demo_accounts as evaluation_accounts
from .demo_evaluation import load_demo_evaluations
from .demo_ledger import load_demo_ledger
from .goal_review import start_goal_declaration
from .org import add_project, add_section, add_unit, add_user, default_bureau
from .tasks import complete_user_task

DEMO_PASSWORD = "jixiao-demo"
EXPENDITURE_SECTIONS = [
    ("S-EDU", "教科文股", "edu"), ("S-AGR", "农业农村股", "agr"), ("S-SOC", "社会保障股", "soc"),
    ("S-ECO", "经济建设股", "eco"), ("S-ADM", "行政政法股", "adm"),
]
OTHER_SECTIONS = [("S-BUD", "预算股", "budget"), ("S-PERF", "绩效管理股", "performance"),
                  ("S-TRE", "国库股", "treasury"), ("S-SUP", "财会监督股", "fiscal_supervision"),
                  ("S-INV", "投资评审中心", "investment_review")]
UNITS = [
    ("101001", "区教育局", "S-EDU"), ("101002", "区第一中学", "S-EDU"),
    ("102001", "区农业农村局", "S-AGR"), ("102002", "区水利局", "S-AGR"),
    ("103001", "区人力资源和社会保障局", "S-SOC"), ("103002", "区民政局", "S-SOC"),
    ("104001", "区住房和城乡建设局", "S-ECO"), ("104002", "区交通运输局", "S-ECO"),
    ("105001", "区司法局", "S-ADM"), ("105002", "区市场监督管理局", "S-ADM"),
]
PROJECTS = [
    ("义务教育薄弱环节改善", 3_200_000), ("教师培训专项", 680_000), ("高标准农田建设", 5_600_000),
    ("农村饮水安全巩固提升", 1_250_000), ("就业创业补贴", 2_100_000), ("城乡低保提标", 8_900_000),
    ("老旧小区改造", 4_300_000), ("农村公路养护", 1_900_000), ("公共法律服务体系建设", 520_000),
    ("食品安全抽检", 750_000), ("智慧校园建设", 1_400_000), ("防汛抗旱物资储备", 600_000),
    # Not yet declared: the filers can start these from the projects page.
    ("校园食堂提质改造", 880_000), ("畜禽粪污资源化利用", 1_050_000),
    ("社区养老服务站建设", 960_000),
]
INDICATORS = [
    {"level1": "output", "level2": "quantity", "name": "完成项目数量", "operator": "ge",
     "target_value": "12", "unit_of_measure": "个"},
    {"level1": "output", "level2": "quality", "name": "验收合格率", "operator": "ge",
     "target_value": "98", "unit_of_measure": "%"},
    {"level1": "output", "level2": "timeliness", "name": "按期完成率", "operator": "ge",
     "target_value": "95", "unit_of_measure": "%"},
    {"level1": "benefit", "level2": "social", "name": "受益群众人数", "operator": "ge",
     "target_value": "5000", "unit_of_measure": "人次"},
    {"level1": "satisfaction", "level2": "recipient_satisfaction", "name": "服务对象满意度",
     "operator": "ge", "target_value": "90", "unit_of_measure": "%"},
]


SAMPLE_SHEET = {"overall_goal": "按期保质完成年度建设任务，提升公共服务水平。",
                "indicators": INDICATORS}


def demo_exists() -> bool:
    """True once the demo has been loaded."""
    return db.scalar(select(User.id).where(User.username == "admin")) is not None


def demo_accounts() -> list[tuple[str, list[str], str, dict]]:
    """(username, roles, display name, placement) of every demo login."""
    accounts = []
    for code, name, slug in EXPENDITURE_SECTIONS:
        accounts.append((f"cadre_{slug}", ["section_cadre"], f"{name}对接干部",
                         {"section_code": code}))
        accounts.append((f"chief_{slug}", ["section_chief", "section_cadre"], f"{name}股长",
                         {"section_code": code}))
    accounts += [
        ("perf01", ["perf_staff"], "绩效股 王敏", {"section_code": "S-PERF"}),
        ("perfchief", ["perf_chief", "perf_staff"], "绩效股股长 李强", {"section_code": "S-PERF"}),
        ("budget01", ["budget_section"], "预算股 赵丽", {"section_code": "S-BUD"}),
        ("leader", ["bureau_leader"], "分管副局长 陈刚", {}),
        ("admin", ["admin"], "系统管理员", {}),
        *evaluation_accounts(),
    ]
    for i, (code, name, _section) in enumerate(UNITS, start=1):
        accounts.append((f"filer{i:02d}", ["unit_filer"], f"{name}填报员", {"unit_code": code}))
        accounts.append((f"head{i:02d}", ["unit_leader"], f"{name}负责人", {"unit_code": code}))
    return accounts


def load_demo(year: int | None = None) -> None:
    """Create the demo bureau and drive sheets to different gates through the real operations."""
    year = year or date.today().year + 1
    default_bureau()
    pw = generate_password_hash(DEMO_PASSWORD)
    for code, name, kind in OTHER_SECTIONS:
        add_section(code, name, kind)
    for code, name, _slug in EXPENDITURE_SECTIONS:
        add_section(code, name, "expenditure")
    accounts = demo_accounts()
    for username, roles, name, placement in accounts:
        if "unit_code" not in placement:
            add_user(username, DEMO_PASSWORD, roles, name=name, password_hash=pw, **placement)
    slugs = {code: slug for code, _, slug in EXPENDITURE_SECTIONS}
    for code, name, section in UNITS:
        add_unit(code, name, section, f"cadre_{slugs[section]}")
    for username, roles, name, placement in accounts:
        if "unit_code" in placement:
            add_user(username, DEMO_PASSWORD, roles, name=name, password_hash=pw, **placement)
    for i, (name, amount) in enumerate(PROJECTS):
        unit_code = UNITS[i % len(UNITS)][0]
        add_project(unit_code, name, amount, fiscal_year=year)
    _drive_demo_sheets()
    load_demo_ledger()
    load_demo_evaluations()


def _user(username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def _ready(instance_id: int) -> Task:
    return db.scalar(select(Task).where(Task.instance_id == instance_id, Task.status == "ready"))


def _drive_demo_sheets() -> None:
    """Start declarations and move some of them through the gates, as real users would."""
    projects = db.scalars(select(Project).order_by(Project.id)).all()
    sheet = SAMPLE_SHEET
    # stage reached per project: 0 = waiting for the filer ... 4 = approved, -1 = returned
    stages = [0, 1, 2, 3, 4, -1, 0, 1, 2, 4, 0, 3]
    for project, stage in zip(projects, stages, strict=False):
        unit_no = int(project.unit.code[-1]) + 2 * (int(project.unit.code[2]) - 1)
        filer, head = _user(f"filer{unit_no:02d}"), _user(f"head{unit_no:02d}")
        instance = start_goal_declaration(project, filer)
        if stage == 0:
            continue
        complete_user_task(_ready(instance.id), filer, {"sheet": sheet})
        if stage == -1:
            complete_user_task(_ready(instance.id), head, {
                "decision": "return", "comment": "产出指标偏少，请补充数量和质量指标。"})
            continue
        reviewers = [(head, {"decision": "approve", "comment": "同意上报。"}),
                     (project.unit.liaison, {"decision": "approve", "rating": "good",
                                             "comment": "与预算匹配。"}),
                     (_user("perf01"), {"decision": "approve", "rating": "excellent",
                                        "comment": "指标细化量化，同意。"})]
        for reviewer, payload in reviewers[:stage - 1]:
            complete_user_task(_ready(instance.id), reviewer, payload)
