"""Double monitoring at the operations layer (DOMAIN process c): rounds over issued sheets,
the report with R14's flag, reviews with R9, decisions and fund actions with the leader's
approval (R15), execution as append-only rows and their reversal, the round's totals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from models import FundAction, FundActionChangeError, MonitoringReport, Task, db
from tests.cycle_data import (
    APPROVE,
    issued,
    monitor_act,
    monitor_keys,
    open_monitoring,
    report_of,
    report_payload,
    to_decision,
)
from workflows import monitoring
from workflows.cycle_steps import today
from workflows.errors import Conflict, Forbidden, InvalidInput, NotFound
from workflows.tasks import complete_user_task


@pytest.fixture
def sheets(bureau):
    return issued(bureau, "p1"), issued(bureau, "p2")


def test_a_round_starts_one_report_per_issued_sheet(bureau, sheets):
    from tests.self_evaluation_data import issued_sheet
    issued_sheet(bureau, "p1", status="approved", version=2)  # not issued: not monitored
    opened = open_monitoring(bureau.perf, executions={sheets[0].project.code: "1200000"})
    assert opened.reports == 2
    first = report_of(sheets[0])
    assert first.executed_amount == Decimal(1_200_000) and first.budget_amount == 3_200_000
    assert monitor_keys(first) == ["monitor_fill"]
    with pytest.raises(Conflict):
        open_monitoring(bureau.perfchief)
    with pytest.raises(Forbidden):
        open_monitoring(bureau.filer1, label="Q3")


def test_round_input_is_checked(bureau, sheets):
    bad = {"fiscal_year": 2027, "period_label": "", "cutoff_date": "2026-06-30",
           "due_date": (today() - timedelta(days=1)).isoformat(), "time_progress": "101"}
    with pytest.raises(InvalidInput) as exc:
        monitoring.open_round(bureau.perf, bad)
    assert {"period_label", "cutoff_date", "due_date", "time_progress"} <= set(exc.value.errors)
    with pytest.raises(InvalidInput, match="nothing to monitor"):
        open_monitoring(bureau.perf, year=2030)


def test_time_progress_is_the_elapsed_share_of_the_year():
    from datetime import date
    assert monitoring.time_progress(date(2027, 6, 30)) == Decimal("50.00")  # DOMAIN's example
    assert monitoring.time_progress(date(2027, 9, 30)) == Decimal("75.00")
    assert monitoring.time_progress(date(2028, 2, 29)) == Decimal("16.67")
    assert monitoring.time_progress(date(2028, 12, 31)) == Decimal("100.00")
    assert monitoring.time_progress(date(2027, 6, 15)) == Decimal("45.48")  # 166 of 365 days


@pytest.mark.parametrize(("executed", "flagged", "reduce"), [
    ("960000", False, False),  # 30.00 %: gap 20 pp, not more than 20
    ("959680", True, True),  # 29.99 %: gap 20.01 pp, and below the severe 30 %
])
def test_r14_flag_at_the_boundary(bureau, sheets, executed, flagged, reduce):
    open_monitoring(bureau.perf)
    report = report_of(sheets[0])
    payload = report_payload(sheets[0], executed, measures="加快进度" if flagged else "")
    monitor_act(report, "monitor_fill", bureau.filer1, payload)
    assert (report.flagged, report.propose_reduce) == (flagged, reduce)
    assert report.execution_rate == (Decimal("30.00") if not flagged else Decimal("29.99"))


def test_r14_an_unachievable_indicator_flags_and_needs_cause_and_measures(bureau, sheets):
    open_monitoring(bureau.perf)
    report = report_of(sheets[0])
    payload = report_payload(sheets[0], "1600000", achievable=False)
    with pytest.raises(InvalidInput) as exc:
        monitor_act(report, "monitor_fill", bureau.filer1, payload)
    assert "report.corrective_measures" in exc.value.errors  # flagged: measures required
    payload["report"]["indicators"][0].pop("cause")
    payload["report"]["corrective_measures"] = "调整实施计划"
    with pytest.raises(InvalidInput) as exc:
        monitor_act(report, "monitor_fill", bureau.filer1, payload)
    assert "report.indicators.0.cause" in exc.value.errors
    monitor_act(report, "monitor_fill", bureau.filer1,
                report_payload(sheets[0], "1600000", achievable=False, measures="调整计划"))
    assert report.flagged and not report.propose_reduce and report.gap_pp == 0


def test_bad_reports_are_refused_with_every_field_named(bureau, sheets):
    open_monitoring(bureau.perf)
    report = report_of(sheets[0])
    with pytest.raises(InvalidInput) as exc:
        monitor_act(report, "monitor_fill", bureau.filer1, {"report": {
            "executed_amount": "99999999", "indicators": [{"indicator_id": 999_999}]}})
    assert {"report.executed_amount", "report.indicators"} <= set(exc.value.errors)
    assert report.status == "draft" and monitor_keys(report) == ["monitor_fill"]


def test_a_normal_report_ends_at_the_liaison(bureau, sheets):
    open_monitoring(bureau.perf)
    report = report_of(sheets[0])
    monitor_act(report, "monitor_fill", bureau.filer1, report_payload(sheets[0]))
    monitor_act(report, "monitor_leader_review", bureau.leader1, APPROVE)
    monitor_act(report, "monitor_liaison_review", bureau.cadre1, APPROVE)
    assert report.status == "normal" and monitor_keys(report) == []


def test_reviews_return_and_r9(bureau, sheets):
    open_monitoring(bureau.perf)
    report = report_of(sheets[0])
    monitor_act(report, "monitor_fill", bureau.both1, report_payload(sheets[0]))
    with pytest.raises(Forbidden, match="R9"):
        monitor_act(report, "monitor_leader_review", bureau.both1, APPROVE)
    monitor_act(report, "monitor_leader_review", bureau.leader1, APPROVE)
    with pytest.raises(Forbidden):
        monitor_act(report, "monitor_liaison_review", bureau.cadre2, APPROVE)
    monitor_act(report, "monitor_liaison_review", bureau.cadre1,
        {"decision": "return", "comment": "执行数与国库数据不符"})
    assert report.status == "draft" and monitor_keys(report) == ["monitor_fill"]
    assert report.return_count == 1


def test_a_reduction_approved_by_the_leader_and_executed_is_an_append_only_row(bureau, sheets):
    open_monitoring(bureau.perf)
    report = to_decision(bureau, sheets[0])  # 500,000 of 3,200,000: 15.63 %
    assert report.status == "flagged" and report.propose_reduce
    assert monitor_keys(report) == ["monitor_decide"]
    with pytest.raises(InvalidInput) as exc:  # R15: at most the unspent 2,700,000
        monitor_act(report, "monitor_decide", bureau.perf,
                    {"finance_decision": "reduce", "amount": "2700000.01", "note": "调减"})
    assert "R15" in exc.value.errors["amount"][0]
    monitor_act(report, "monitor_decide", bureau.perf,
                {"finance_decision": "reduce", "amount": "1000000", "note": "调减闲置资金"})
    assert monitor_keys(report) == ["monitor_leader_approve"]
    with pytest.raises(Forbidden):  # not the leader's role
        monitor_act(report, "monitor_leader_approve", bureau.perfchief, APPROVE)
    monitor_act(report, "monitor_leader_approve", bureau.leader, {"decision": "reject",
                                                          "comment": "先约谈单位"})
    assert monitor_keys(report) == ["monitor_decide"] and report.status == "flagged"
    monitor_act(report, "monitor_decide", bureau.perf,
        {"finance_decision": "reduce", "amount": "800000", "note": "调减"})
    monitor_act(report, "monitor_leader_approve", bureau.leader, APPROVE)
    with pytest.raises(InvalidInput):
        monitor_act(report, "monitor_execute", bureau.budget, {"amount": "800000.01"})
    monitor_act(report, "monitor_execute", bureau.budget, {"note": "已在一体化系统调减"})
    action = db.scalars(select(FundAction)).one()
    assert (action.kind, action.amount, action.approved_by_id, action.executed_by_id) == (
        "reduce", Decimal(800_000), bureau.leader.id, bureau.budget.id)
    assert report.status == "executed" and monitor_keys(report) == []
    action.amount = Decimal(1)
    with pytest.raises(FundActionChangeError):
        db.flush()
    db.expire(action)


def test_the_database_refuses_to_change_fund_actions(bureau, sheets):
    from sqlalchemy.exc import DatabaseError
    open_monitoring(bureau.perf)
    report = to_decision(bureau, sheets[0])
    monitor_act(report, "monitor_decide", bureau.perf,
                {"finance_decision": "recover", "amount": "100000", "note": "收回"})
    monitor_act(report, "monitor_leader_approve", bureau.leader, APPROVE)
    monitor_act(report, "monitor_execute", bureau.budget, {})
    for statement in ("UPDATE fund_action SET amount = 1", "DELETE FROM fund_action"):
        with pytest.raises(DatabaseError, match="append-only"), db.begin_nested():
            db.execute(text(statement))


def test_a_suspension_is_lifted_by_a_reversal_row(bureau, sheets):
    open_monitoring(bureau.perf)
    report = to_decision(bureau, sheets[0])
    monitor_act(report, "monitor_decide", bureau.perf,
                {"finance_decision": "suspend", "note": "暂缓拨款，待整改"})
    assert report.decision_amount == Decimal(2_700_000)  # what is left is held
    monitor_act(report, "monitor_leader_approve", bureau.leader, APPROVE)
    monitor_act(report, "monitor_execute", bureau.budget, {})
    project = sheets[0].project
    assert monitoring.suspended(project)
    action = db.scalars(select(FundAction)).one()
    with pytest.raises(Forbidden):
        monitoring.reverse_fund_action(bureau.budget, action, {"reason": "已整改"})
    with pytest.raises(InvalidInput):
        monitoring.reverse_fund_action(bureau.leader, action, {"reason": ""})
    reversal = monitoring.reverse_fund_action(bureau.leader, action, {"reason": "已整改到位"})
    assert reversal.reversal_of_id == action.id and not monitoring.suspended(project)
    with pytest.raises(Conflict):
        monitoring.reverse_fund_action(bureau.leader, action, {"reason": "again"})


def test_notice_and_goal_adjustment_need_no_leader(bureau, sheets):
    open_monitoring(bureau.perf)
    report = to_decision(bureau, sheets[0])
    with pytest.raises(InvalidInput) as exc:
        monitor_act(report, "monitor_decide", bureau.perf, {"finance_decision": "notice",
                                                            "note": "限期纠偏"})
    assert "notice_due" in exc.value.errors
    due = (today() + timedelta(days=30)).isoformat()
    monitor_act(report, "monitor_decide", bureau.perf,
                {"finance_decision": "notice", "note": "限期纠偏", "notice_due": due})
    assert report.status == "decided" and monitor_keys(report) == []
    assert report.decision_amount is None


def test_round_totals_and_closing(bureau, sheets):
    opened = open_monitoring(bureau.perf).round
    reduced = to_decision(bureau, sheets[0])
    monitor_act(reduced, "monitor_decide", bureau.perf,
                {"finance_decision": "reduce", "amount": "1159440", "note": "调减"})
    monitor_act(reduced, "monitor_leader_approve", bureau.leader, APPROVE)
    with pytest.raises(Conflict, match="not settled"):
        monitoring.close_round(bureau.perf, opened)
    monitor_act(reduced, "monitor_execute", bureau.budget, {})
    other = report_of(sheets[1])
    monitor_act(other, "monitor_fill", bureau.filer2, report_payload(sheets[1], "2800000"))
    monitor_act(other, "monitor_leader_review", bureau.leader2, APPROVE)
    monitor_act(other, "monitor_liaison_review", bureau.cadre2, APPROVE)
    summary = monitoring.round_summary(opened)
    assert (summary.reports, summary.submitted, summary.flagged) == (2, 2, 1)
    assert summary.reduced_and_recovered == Decimal("1159440")
    assert summary.by_decision == {"reduce": 1} and summary.histogram["10-20"] == 1
    assert summary.histogram["80-90"] == 1  # 2,800,000 of 3,200,000
    monitoring.close_round(bureau.perf, opened)
    assert opened.status == "closed" and opened.summary["reduced"] == "1159440.00"
    with pytest.raises(Conflict):
        monitoring.close_round(bureau.perf, opened)


def test_units_see_their_own_reports_only(bureau, sheets):
    open_monitoring(bureau.perf)
    report = report_of(sheets[0])
    assert monitoring.get_report_or_404(report.id, bureau.filer1) is report
    assert monitoring.get_report_or_404(report.id, bureau.cadre1) is report
    with pytest.raises(NotFound):
        monitoring.get_report_or_404(report.id, bureau.filer2)
    page = monitoring.list_reports(bureau.filer2, monitoring.ReportFilters())
    assert [r.report.sheet_id for r in page.rows] == [sheets[1].id]


def test_a_completed_step_cannot_be_completed_twice(bureau, sheets):
    open_monitoring(bureau.perf)
    report = report_of(sheets[0])
    task = db.scalars(select(Task).where(Task.instance_id == report.instance_id)).one()
    monitor_act(report, "monitor_fill", bureau.filer1, report_payload(sheets[0]))
    with pytest.raises(Conflict):
        complete_user_task(task, bureau.filer1, report_payload(sheets[0]))
    assert db.scalar(select(MonitoringReport.status).where(
        MonitoringReport.id == report.id)) == "submitted"


def test_goal_adjustment_starts_a_new_version_through_the_gates(bureau, sheets):
    from workflows.goal_review import start_goal_adjustment
    open_monitoring(bureau.perf)
    report = to_decision(bureau, sheets[0])
    monitor_act(report, "monitor_decide", bureau.perf,
                {"finance_decision": "goal_adjust", "note": "指标值偏高，调整目标"})
    with pytest.raises(InvalidInput):
        start_goal_adjustment(sheets[0], bureau.filer1, " ")
    with pytest.raises(Forbidden):
        start_goal_adjustment(sheets[0], bureau.filer2, "调整")
    instance = start_goal_adjustment(sheets[0], bureau.filer1, "政策调整，目标值下调")
    from models import GoalSheet
    adjusted = db.scalars(select(GoalSheet).where(GoalSheet.version == 2)).one()
    assert adjusted.is_adjustment and adjusted.status == "draft"
    assert len(adjusted.indicators) == len(sheets[0].indicators)
    assert instance.business_key == f"goal_sheet:{adjusted.id}"
    with pytest.raises(Conflict):
        start_goal_adjustment(sheets[0], bureau.filer1, "again")


def _round_report(sheet, round_id):
    return db.scalars(select(MonitoringReport).where(
        MonitoringReport.sheet_id == sheet.id, MonitoringReport.round_id == round_id)).one()


def _decided(bureau, report, sheet, executed, amount):
    monitor_act(report, "monitor_fill", bureau.filer1,
                {**report_payload(sheet, executed, measures="加快实施进度")})
    monitor_act(report, "monitor_leader_review", bureau.leader1, APPROVE)
    monitor_act(report, "monitor_liaison_review", bureau.cadre1, APPROVE)
    monitor_act(report, "monitor_decide", bureau.perf,
                {"finance_decision": "reduce", "amount": amount, "note": "调减"})
    monitor_act(report, "monitor_leader_approve", bureau.leader, APPROVE)


def test_r15_counts_the_years_earlier_reductions_at_decision_and_at_execution(bureau, sheets):
    h1 = open_monitoring(bureau.perf)
    q3 = open_monitoring(bureau.perf, label="Q3", progress="75")
    first, second = _round_report(sheets[0], h1.round.id), _round_report(sheets[0], q3.round.id)
    # H1: 500,000 of 3,200,000 spent, 2,700,000 reduction approved but not yet executed
    _decided(bureau, first, sheets[0], "500000", "2700000")
    # Q3: 600,000 spent; nothing moved yet, so up to 2,600,000; 2,000,000 executed
    _decided(bureau, second, sheets[0], "600000", "2000000")
    monitor_act(second, "monitor_execute", bureau.budget, {"note": "已调减"})
    assert monitoring.report_view(first.id, bureau.perf).ceiling == Decimal(700_000)
    with pytest.raises(InvalidInput) as exc:  # 3,200,000 − 500,000 − 2,000,000 is left
        monitor_act(first, "monitor_execute", bureau.budget, {"note": "已调减"})
    assert "700000" in exc.value.errors["amount"][0]
    monitor_act(first, "monitor_execute", bureau.budget, {"amount": "700000", "note": "调减余额"})
    assert monitoring.report_view(first.id, bureau.perf).ceiling == 0
    executed = db.scalars(select(FundAction).where(FundAction.basis_id == second.id)).one()
    monitoring.reverse_fund_action(bureau.leader, executed, {"reason": "误调减"})
    assert monitoring.report_view(first.id, bureau.perf).ceiling == Decimal(2_000_000)


def test_closing_reads_the_round_as_the_database_holds_it(bureau, sheets):
    opened = open_monitoring(bureau.perf).round
    for sheet, filer, leader, cadre in ((sheets[0], bureau.filer1, bureau.leader1, bureau.cadre1),
                                        (sheets[1], bureau.filer2, bureau.leader2, bureau.cadre2)):
        report = report_of(sheet)
        monitor_act(report, "monitor_fill", filer, report_payload(sheet, "2800000"))
        monitor_act(report, "monitor_leader_review", leader, APPROVE)
        monitor_act(report, "monitor_liaison_review", cadre, APPROVE)
    # another process closed it a moment ago: this session's copy still says open
    db.execute(text("UPDATE monitoring_round SET status = 'closed' WHERE id = :id"),
               {"id": opened.id})
    assert opened.status == "open"
    with pytest.raises(Conflict, match="already closed"):
        monitoring.close_round(bureau.perf, opened)
