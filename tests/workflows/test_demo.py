"""The demo bureau: every phase of the cycle driven through the real processes — the small
profile in detail, the district at the sizes DOMAIN §6 gives."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from models import (
    BudgetUnit,
    ExAnteAssessment,
    FundAction,
    GoalSheet,
    Indicator,
    InterviewRecord,
    KeyEvaluation,
    MonitoringReport,
    Project,
    RectificationItem,
    ResultApplication,
    SelfEvaluation,
    Task,
    ThirdPartyFirm,
    User,
    db,
)
from workflows import demo, evidence
from workflows.cycle_steps import today
from workflows.deploy import deploy_directory
from workflows.engine import clock
from workflows.timers import fire_next_due

YEAR = today().year


@pytest.fixture
def loaded(connection, tmp_path):
    def load(profile: str):
        evidence.configure(tmp_path, 1024 * 1024)
        deploy_directory()
        demo.load_demo(profile)
        db.flush()
    return load


def count(model, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_the_small_demo_lives_every_phase(loaded):
    loaded("small")
    assert clock.now().date() == today()  # the clock is back to real time
    issued = Counter((s.fiscal_year, s.kind) for s in db.scalars(
        select(GoalSheet).where(GoalSheet.status == "issued")))
    units = count(BudgetUnit)
    assert issued[(YEAR - 1, "overall")] == units == issued[(YEAR, "overall")]
    assert issued[(YEAR, "project")] == 8 - 1  # one new project was not supported (R5)
    assert Counter(a.status for a in db.scalars(select(ExAnteAssessment).where(
        ExAnteAssessment.fiscal_year == YEAR))) == {"arrangeable": 1, "blocked": 1}
    reports = db.scalars(select(MonitoringReport)).all()
    assert len(reports) == issued[(YEAR, "overall")] + issued[(YEAR, "project")]
    assert any(r.flagged for r in reports) and any(r.status == "draft" for r in reports)
    assert count(FundAction, FundAction.basis_type == "monitoring_report") >= 1
    assert count(SelfEvaluation, SelfEvaluation.fiscal_year == YEAR - 1) == \
        issued[(YEAR - 1, "overall")] + issued[(YEAR - 1, "project")]
    grades = Counter(e.grade for e in db.scalars(select(KeyEvaluation)))
    assert grades["poor"] == 2 and grades["fair"] == 1
    statuses = Counter(i.status for i in db.scalars(select(RectificationItem)))
    assert statuses["signed_off"] > statuses["returned"] > 0
    assert count(InterviewRecord) == 2
    rules = Counter(a.rule_id for a in db.scalars(select(ResultApplication)))
    assert rules["R23"] == 2 and rules["R24"] == 1 and rules["R25"] == 1
    assert {a.status for a in db.scalars(select(ResultApplication))} >= {"applied", "proposed"}
    next_year = Counter(s.status for s in db.scalars(select(GoalSheet).where(
        GoalSheet.fiscal_year == YEAR + 1)))
    assert {"draft", "submitted", "unit_approved", "returned"} <= set(next_year)
    assert count(Task, Task.status == "ready") > 0
    assert db.scalar(select(User.id).where(User.username == "filer01"))


def test_the_worker_has_work_when_the_demo_starts(loaded):
    loaded("small")
    fired = 0
    while fire_next_due() is not None and fired < 500:
        fired += 1
    assert fired > 0  # the ledger's deadline ladders recorded in the past


def test_the_district_demo_has_the_sizes_of_a_real_district(loaded):
    loaded("district")
    assert count(BudgetUnit) == 111 and count(BudgetUnit, BudgetUnit.level == 2) == 51
    assert 250 <= count(User) <= 280
    assert 300 <= count(Project, Project.fiscal_year == YEAR) <= 340
    sheets = Counter((s.kind, s.status) for s in db.scalars(select(GoalSheet).where(
        GoalSheet.fiscal_year == YEAR)))
    assert sheets[("overall", "issued")] == 111 and sheets[("project", "issued")] == 63
    rows = db.scalar(select(func.count(Indicator.id)).join(
        GoalSheet, GoalSheet.id == Indicator.sheet_id).where(GoalSheet.fiscal_year == YEAR))
    assert 1500 <= rows <= 2100
    reports = db.scalars(select(MonitoringReport)).all()
    flagged = sum(1 for r in reports if r.flagged)
    assert len(reports) == 174 and 0.08 <= flagged / len(reports) <= 0.22
    assert 4 <= count(FundAction, FundAction.basis_type == "monitoring_report") <= 6
    assert count(SelfEvaluation) == 161
    assert count(KeyEvaluation) == 6 and count(ThirdPartyFirm) == 3
    items = Counter(i.status for i in db.scalars(select(RectificationItem)))
    total = sum(items.values())
    assert 50 <= total <= 70 and 0.6 <= items["signed_off"] / total <= 0.8
    applications = Counter((a.rule_id, a.action) for a in db.scalars(select(ResultApplication)))
    assert applications[("R23", "cancel")] == 1 and applications[("R23", "reduce_pct")] == 1
    assert applications[("R25", "reduce_pct")] == 2
    assert 6 <= sum(applications.values()) <= 12
