"""Result application at the operations layer (DOMAIN process f): the rules R15, R23–R26 and
R28 each proposing from their inputs with the figures they used, boundary cases, re-runs, the
review → comment → approval → application flow, discretionary additions and scope."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import AuditLog, FundAction, SpecialFund, db
from tests.cycle_data import generate, graded, proposals
from workflows import rectification, results
from workflows.errors import Conflict, Forbidden, InvalidInput, NotFound
from workflows.rule_settings import save_rule_settings
from workflows.tasks import complete_user_task


def task_of(application, key):
    from models import Task
    return db.scalars(select(Task).where(Task.instance_id == application.instance_id,
                                         Task.status == "ready", Task.task_key == key)).one()


def act(application, key, user, payload):
    complete_user_task(task_of(application, key), user, payload)
    db.flush()


def test_r23_a_poor_department_project_is_cancelled(bureau):
    ev = graded(bureau, "p1", "poor")
    generate(bureau.perf)
    [p] = proposals()
    assert (p.rule_id, p.action, p.source_type, p.source_id) == ("R23", "cancel",
                                                                  "key_evaluation", ev.id)
    assert p.base_amount == Decimal(3_200_000) and p.budget_effect == Decimal(-3_200_000)
    assert p.basis["grade"] == "poor" and p.basis["final_score"] == "52.00"
    assert "cancel" in p.basis_text and p.status == "proposed"


def test_r23_a_poor_special_fund_is_cut_by_the_setting(bureau):
    project = bureau.projects["p2"]
    fund = SpecialFund(bureau_id=project.bureau_id, name="高标准农田建设专项",
                       manager_unit_id=project.unit_id, annual_amount=Decimal(10_000_000),
                       goal_required=True)
    db.add(fund)
    db.flush()
    project.special_fund_id = fund.id
    graded(bureau, "p2", "poor")
    generate(bureau.perf)
    [p] = proposals()
    assert (p.rule_id, p.action, p.pct, p.special_fund_id) == ("R23", "reduce_pct",
                                                                Decimal(20), fund.id)
    assert p.base_amount == Decimal(10_000_000) and p.budget_effect == Decimal(-2_000_000)


@pytest.mark.parametrize(("fair_cut", "action", "effect"), [
    (0, "require_improvement", Decimal(0)), (5, "reduce_pct", Decimal(-160_000))])
def test_r24_fair_requires_improvement_with_the_optional_cut(bureau, fair_cut, action, effect):
    save_rule_settings(bureau.admin, {"fair_cut_pct": fair_cut})
    graded(bureau, "p1", "fair", score="72.50")
    generate(bureau.perf)
    [p] = proposals()
    assert (p.rule_id, p.action, p.budget_effect) == ("R24", action, effect)


def test_good_grades_propose_nothing(bureau):
    graded(bureau, "p1", "good", score="85.00")
    assert generate(bureau.perf).added == 0


def _accounts(bureau, unit1_balance: str):
    """U1 at 18.01 % or 18.00 %, U2 making the weighted county ratio exactly 8 %."""
    other = Decimal("6199000") if unit1_balance == "801000" else Decimal("6200000")
    return results.record_accounts(bureau.budget, 2026, accounts=[
        {"unit_code": "U1", "expenditure": "10000000", "carryover": "1000000",
         "balance": unit1_balance, "operating_funds": "2000000"},
        {"unit_code": "U2", "expenditure": "90000000", "carryover": "0",
         "balance": str(other), "operating_funds": "5000000"}])


def test_r25_balance_rule_average_8_percent_unit_18_01_is_cut(bureau):
    _accounts(bureau, "801000")
    generated = generate(bureau.perf)
    assert generated.round.county_ratio == Decimal("8.0000")
    [p] = proposals()
    assert (p.rule_id, p.action, p.pct, p.unit_id) == ("R25", "reduce_pct", Decimal(10),
                                                        bureau.filer1.unit_id)
    assert p.base_amount == Decimal(2_000_000) and p.budget_effect == Decimal(-200_000)
    assert p.basis["ratio"] == "18.0100" and p.basis["county_average"] == "8.0000"


def test_r25_balance_rule_unit_at_18_00_is_not_cut(bureau):
    _accounts(bureau, "800000")
    assert generate(bureau.perf).added == 0


def test_final_accounts_are_checked_all_or_nothing(bureau):
    with pytest.raises(InvalidInput) as exc:
        results.record_accounts(bureau.budget, 2026, accounts=[
            {"unit_code": "U1", "expenditure": "1", "carryover": "0", "balance": "0",
             "operating_funds": "0"},
            {"unit_code": "NOPE", "expenditure": "-1", "carryover": "x", "balance": "0",
             "operating_funds": "0"}])
    assert {"accounts.1.unit_code", "accounts.1.expenditure",
            "accounts.1.carryover"} <= set(exc.value.errors)
    assert results.accounts_of(bureau.budget, 2026) == []
    with pytest.raises(Forbidden):
        results.record_accounts(bureau.filer1, 2026, accounts=[{}])


@pytest.mark.parametrize(("last_spent", "idle"), [("2026-08-31", True), ("2026-09-01", False)])
def test_r26_unspent_funds_older_than_the_usage_period_are_recovered(bureau, last_spent, idle):
    code = bureau.projects["p1"].code
    results.record_accounts(bureau.budget, 2026, balances=[
        {"project_code": code, "unspent": "350000", "last_spent_on": last_spent}])
    generate(bureau.perf)  # compiled on 2027-09-01: one year is the usage period
    found = proposals()
    assert len(found) == (1 if idle else 0)
    if idle:
        assert (found[0].rule_id, found[0].action, found[0].budget_effect) == (
            "R26", "recover_idle_funds", Decimal(-350_000))


def test_r28_items_not_rectified_by_the_compilation_date_suspend_the_object(bureau):
    soon = (rectification.today() + timedelta(days=10)).isoformat()
    for _ in range(2):
        rectification.record_problem(bureau.perf, {
            "source": "key_evaluation", "unit_id": bureau.filer1.unit_id,
            "project_id": bureau.projects["p1"].id, "description": "资金闲置",
            "category": "funds", "severity": "normal", "deadline": soon, "fiscal_year": 2026})
    later = (rectification.today() + timedelta(days=30)).isoformat()
    generate(bureau.perf, compilation=later)
    [p] = proposals()
    assert (p.rule_id, p.action, p.project_id) == ("R28", "suspend_until_rectified",
                                                    bureau.projects["p1"].id)
    assert len(p.basis["items"]) == 2


def test_r15_a_stopped_project_is_not_arranged_again(bureau):
    project = bureau.projects["p1"]
    db.add(FundAction(bureau_id=project.bureau_id, fiscal_year=2026, kind="stop",
                      unit_id=project.unit_id, project_id=project.id, amount=Decimal(1000),
                      basis_type="monitoring_report", basis_id=1,
                      executed_by_id=bureau.budget.id))
    db.flush()
    generate(bureau.perf)
    [p] = proposals()
    assert (p.rule_id, p.action, p.source_type) == ("R15", "cancel", "monitoring")


def test_a_re_run_adds_only_new_proposals(bureau):
    graded(bureau, "p1", "poor")
    assert generate(bureau.perf).added == 1
    graded(bureau, "p2", "poor")
    again = generate(bureau.perf)
    assert (again.added, again.existing) == (1, 1) and len(proposals()) == 2
    with pytest.raises(Conflict):
        generate(bureau.perf, source=2027)
    with pytest.raises(InvalidInput):
        generate(bureau.perf, target=2030, source=2026)
    with pytest.raises(Forbidden):
        generate(bureau.filer1)


def test_review_comment_approve_apply_records_the_effect(bureau):
    graded(bureau, "p1", "poor")
    generate(bureau.perf)
    [p] = proposals()
    act(p, "result_review", bureau.perf, {"decision": "confirm", "comment": "同意取消"})
    assert p.status == "confirmed"
    with pytest.raises(Forbidden):  # the chief of another section
        act(p, "result_section_comment", bureau.cadre2, {"comment": "x"})
    with pytest.raises(InvalidInput):
        act(p, "result_section_comment", bureau.chief1, {"comment": ""})
    act(p, "result_section_comment", bureau.chief1, {"comment": "同意，单位已知悉"})
    with pytest.raises(Forbidden):
        act(p, "result_leader_approve", bureau.perf, {"decision": "approve"})
    act(p, "result_leader_approve", bureau.leader, {"decision": "approve"})
    for wrong in ("-3200000.01", "100"):  # more than approved, or the other way round
        with pytest.raises(InvalidInput) as exc:
            act(p, "result_apply", bureau.budget, {"applied_effect": wrong, "note": "x"})
        assert "-3200000" in exc.value.errors["applied_effect"][0]
    act(p, "result_apply", bureau.budget, {"note": "控制数中已取消"})
    assert p.status == "applied" and p.applied_effect == Decimal(-3_200_000)
    action = db.scalars(select(FundAction)).one()
    assert (action.kind, action.amount, action.basis_type) == (
        "cancel_next_year", Decimal(3_200_000), "result_application")
    assert db.scalar(select(AuditLog.action).where(
        AuditLog.entity == "fund_action", AuditLog.entity_id == str(action.id))) == "execute"


def test_withdraw_reject_and_return(bureau, make_user):
    chief2 = make_user("chief2", "section_chief", section="S-AGR")
    graded(bureau, "p1", "poor")
    graded(bureau, "p2", "fair")
    generate(bureau.perf)
    first, second = proposals()
    with pytest.raises(InvalidInput):
        act(first, "result_review", bureau.perf, {"decision": "withdraw"})
    act(first, "result_review", bureau.perf, {"decision": "withdraw", "comment": "已整改"})
    assert first.status == "withdrawn" and first.instance_id
    act(second, "result_review", bureau.perf, {"decision": "confirm"})
    act(second, "result_section_comment", chief2, {"comment": "同意"})
    act(second, "result_leader_approve", bureau.leader,
        {"decision": "return", "comment": "压减比例再议"})
    assert second.status == "proposed"
    act(second, "result_review", bureau.perf, {"decision": "confirm"})
    act(second, "result_section_comment", chief2, {"comment": "同意"})
    act(second, "result_leader_approve", bureau.leader, {"decision": "reject",
                                                         "comment": "不予采纳"})
    assert second.status == "rejected"


def test_discretionary_proposals(bureau):
    found = generate(bureau.perf).round
    with pytest.raises(InvalidInput) as exc:
        results.add_proposal(bureau.perf, found, {"action": "reduce_pct"})
    assert {"basis_text", "unit_id", "pct", "base_amount"} <= set(exc.value.errors)
    p = results.add_proposal(bureau.perf, found, {
        "action": "investment_review_before_disbursement",
        "project_id": bureau.projects["p1"].id, "basis_text": "工程类项目，拨付前须经投资评审"})
    assert (p.rule_id, p.action, p.unit_id) == ("discretionary",
                                                "investment_review_before_disbursement",
                                                bureau.filer1.unit_id)
    assert task_of(p, "result_review")


def test_units_and_congress_read_the_proposals_concerning_them(bureau, make_user):
    graded(bureau, "p1", "poor")
    generate(bureau.perf)
    [p] = proposals()
    assert results.get_application_or_404(p.id, bureau.leader1) is p
    with pytest.raises(NotFound):
        results.get_application_or_404(p.id, bureau.filer2)
    congress = make_user("npc", "congress")
    assert results.get_application_or_404(p.id, congress) is p
    page = results.list_applications(bureau.filer2, results.ApplicationFilters())
    assert page.total == 0


def test_summary_counts_cancellations_and_effects(bureau):
    graded(bureau, "p1", "poor")
    _accounts(bureau, "801000")
    found = generate(bureau.perf).round
    s = results.list_applications(bureau.perf, results.ApplicationFilters(
        round_id=found.id)).summary
    assert (s.total, s.cancelled, s.balance_units) == (2, 1, 1)
    assert s.balance_cut == Decimal(200_000)
    assert s.proposed_effect == Decimal(-3_400_000)


def test_the_compilation_date_defaults_to_today(bureau):
    graded(bureau, "p1", "poor")
    found = results.generate_proposals(bureau.perf, {"target_year": 2028,
                                                     "source_year": 2026}).round
    assert found.compilation_date == rectification.today()
    assert isinstance(found.compilation_date, date)


def _self_graded(bureau, grades: dict[str, str]):
    """Accepted self-evaluations of last year's sheets of the projects, with their grades."""
    from datetime import UTC, datetime

    from models import SelfEvaluation, SelfEvaluationRound
    from tests.self_evaluation_data import issued_sheet
    opened = SelfEvaluationRound(bureau_id=bureau.projects["p1"].bureau_id, fiscal_year=2026,
                                 due_date=date(2027, 3, 31), spot_check_pct=Decimal(0),
                                 opened_by_id=bureau.perf.id,
                                 opened_at=datetime(2027, 1, 5, tzinfo=UTC))
    db.add(opened)
    db.flush()
    for name, grade in grades.items():
        sheet = issued_sheet(bureau, name, year=2026, status="issued")
        db.add(SelfEvaluation(
            bureau_id=sheet.bureau_id, round_id=opened.id, fiscal_year=2026, sheet_id=sheet.id,
            unit_id=sheet.unit_id, project_id=sheet.project_id, kind="project", results=[],
            subtotals={}, status="accepted", grade=grade, total_score=Decimal("70.00"),
            check_problems=[]))
    db.flush()


def test_a_units_own_fair_grade_yields_to_finances_grade(bureau):
    _self_graded(bureau, {"p1": "fair", "p2": "fair"})
    graded(bureau, "p1", "good", score="85.00")  # finance found p1 good: its 中 proposes nothing
    generate(bureau.perf)
    [p] = proposals()
    assert (p.rule_id, p.source_type, p.project_id) == (
        "R24", "self_evaluation", bureau.projects["p2"].id)


def test_r23_cuts_a_special_fund_once_however_many_of_its_projects_are_poor(bureau):
    fund = SpecialFund(bureau_id=bureau.projects["p1"].bureau_id, name="乡村振兴专项",
                       manager_unit_id=bureau.projects["p1"].unit_id,
                       annual_amount=Decimal(10_000_000), goal_required=True)
    db.add(fund)
    db.flush()
    for name in ("p1", "p2"):
        bureau.projects[name].special_fund_id = fund.id
    graded(bureau, "p1", "poor", score="55.00")
    graded(bureau, "p2", "poor", score="40.00")
    generate(bureau.perf)
    by_project = {p.project_id: p for p in proposals()}
    worst, other = by_project[bureau.projects["p2"].id], by_project[bureau.projects["p1"].id]
    assert (worst.action, worst.budget_effect) == ("reduce_pct", Decimal(-2_000_000))
    assert (other.action, other.budget_effect, other.special_fund_id) == (
        "require_improvement", Decimal(0), fund.id)
    assert "already cut" in other.basis_text
