"""Self-evaluation end to end at the operations layer: rounds, R4 scoring, reviews with R9, the
spot check and its gap, acceptance into the ledger, and who may see or act (R21)."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from models import (
    AuditLog,
    Notification,
    Problem,
    ProcessInstance,
    RectificationItem,
    SelfEvaluation,
    Task,
    db,
)
from tests.self_evaluation_data import (
    SHORT,
    evaluation_of,
    filled,
    issued_sheet,
    open_year,
    ready,
    ready_keys,
)
from workflows import self_evaluation
from workflows.errors import Conflict, Forbidden, InvalidInput, NotFound
from workflows.self_evaluation import EvaluationFilters, list_evaluations
from workflows.tasks import complete_user_task

APPROVE = {"decision": "approve"}


def act(evaluation, key, user, payload):
    complete_user_task(ready(evaluation, key), user, payload)
    db.flush()


def to_liaison(bureau, sheet, evaluation, **fill):
    act(evaluation, "fill_evaluation", bureau.filer1, filled(sheet, **fill))
    act(evaluation, "leader_review", bureau.leader1, APPROVE)


def to_spot_check(bureau, sheet, **fill):
    """A p1 evaluation drawn for the spot check, reviewed, waiting for the check."""
    open_year(bureau.perf, pct="100")
    evaluation = evaluation_of(sheet)
    to_liaison(bureau, sheet, evaluation, **fill)
    act(evaluation, "liaison_review", bureau.cadre1, APPROVE)
    assert ready_keys(evaluation) == ["spot_check"]
    return evaluation


def check(score, comments="", problems=None):
    return {"spot_check": {"check_score": score, "comments": comments,
                           "problems": problems or []}}


# ---------------------------------------------------------------- rounds

def test_a_round_starts_one_evaluation_per_issued_sheet(bureau):
    s1, s2 = issued_sheet(bureau, "p1"), issued_sheet(bureau, "p2")
    issued_sheet(bureau, "p1", status="submitted", version=2)  # under review: not issued
    issued_sheet(bureau, "p2", year=2026)  # another year
    opened = open_year(bureau.perf)
    assert opened.evaluations == 2 and opened.spot_checks == 0
    evaluations = db.scalars(select(SelfEvaluation).order_by(SelfEvaluation.id)).all()
    assert [e.sheet_id for e in evaluations] == [s1.id, s2.id]
    assert {e.status for e in evaluations} == {"draft"}
    task = ready(evaluations[0], "fill_evaluation")
    assert (task.unit_id, task.candidate_roles, task.assignee_id) == (
        bureau.filer1.unit_id, ["unit_filer"], None)
    assert task.due_at is not None
    assert "tp_evaluator" not in {r for t in db.scalars(select(Task)) for r in t.candidate_roles}


def test_a_second_round_for_the_same_year_is_refused(bureau):
    issued_sheet(bureau)
    open_year(bureau.perf)
    with pytest.raises(Conflict):
        open_year(bureau.perfchief)


def test_a_round_needs_issued_sheets_and_good_input(bureau):
    with pytest.raises(InvalidInput) as err:
        open_year(bureau.perf)
    assert "fiscal_year" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        self_evaluation.open_round(bureau.perf, {"fiscal_year": "20x7", "due_date": "2020-01-01",
                                                 "spot_check_pct": "100.5"})
    assert set(err.value.errors) == {"fiscal_year", "due_date", "spot_check_pct"}
    with pytest.raises(InvalidInput) as err:
        open_year(bureau.perf, pct="10.125")
    assert "spot_check_pct" in err.value.errors


@pytest.mark.parametrize(("count", "pct", "size"), [
    (20, "10", 2), (21, "10", 3), (1, "10", 1), (3, "0", 0), (3, "100", 3), (7, "33.33", 3),
    (1000, "0.01", 1)])
def test_the_sample_is_the_ceiling_of_the_share(count, pct, size):
    assert self_evaluation.sample_size(count, Decimal(pct)) == size


def test_the_sample_is_drawn_and_written_to_the_audit_trail(bureau):
    for name in ("p1", "p2"):
        issued_sheet(bureau, name)
    opened = open_year(bureau.perf, pct="50")
    assert opened.spot_checks == 1  # ceil(50 % × 2)
    drawn = [e.id for e in db.scalars(select(SelfEvaluation).where(SelfEvaluation.spot_check))]
    entry = db.scalars(select(AuditLog).where(AuditLog.action == "spot_check.sample")).one()
    assert entry.after["evaluation_ids"] == drawn and entry.entity_id == str(opened.round.id)


# ---------------------------------------------------------------- R4 scoring

def test_fill_scores_a_full_table_including_a_negative_indicator_at_zero(bureau):
    sheet = issued_sheet(bureau)
    open_year(bureau.perf)
    evaluation = evaluation_of(sheet)
    act(evaluation, "fill_evaluation", bureau.filer1, filled(sheet))
    assert evaluation.status == "submitted" and evaluation.filer_id == bureau.filer1.id
    assert evaluation.total_score == Decimal("100.00") and evaluation.grade == "excellent"
    assert evaluation.execution_score == Decimal("10.00")
    negative = evaluation.results[1]
    assert (negative["actual_value"], negative["score"]) == ("0", "25.00")  # ≤ 2 with 0: all
    assert evaluation.subtotals == {"output": "50.00", "benefit": "30.00",
                                    "satisfaction": "10.00"}
    assert ready_keys(evaluation) == ["leader_review"]


def test_fill_scores_shortfalls_and_grades_them(bureau):
    sheet = issued_sheet(bureau)
    open_year(bureau.perf)
    evaluation = evaluation_of(sheet)
    act(evaluation, "fill_evaluation", bureau.filer1, filled(sheet, **SHORT))
    assert [r["score"] for r in evaluation.results] == ["18.75", "12.50", "15.00", "10.50",
                                                        "10.00"]
    assert evaluation.execution_score == Decimal("9.00")
    assert (evaluation.total_score, evaluation.grade) == (Decimal("75.75"), "fair")
    assert evaluation.results[1]["deviation_reason"] == "施工期间发生轻微事故"


def test_bad_input_is_keyed_by_field_path(bureau):
    sheet = issued_sheet(bureau)
    open_year(bureau.perf)
    evaluation = evaluation_of(sheet)
    payload = filled(sheet, executed="-1", actuals=("", "x", "8000", None, "95"),
                     achievement="partly", pct="95")
    payload["evaluation"]["execution"]["full_year_budget"] = "0"
    payload["evaluation"]["report"] = " "
    with pytest.raises(InvalidInput) as err:
        act(evaluation, "fill_evaluation", bureau.filer1, payload)
    assert {"evaluation.execution.full_year_budget", "evaluation.execution.executed",
            "evaluation.indicators.0.actual_value", "evaluation.indicators.1.actual_value",
            "evaluation.indicators.3.achieved_pct", "evaluation.report"} <= set(err.value.errors)
    assert evaluation.status == "draft" and ready_keys(evaluation) == ["fill_evaluation"]


def test_a_shortfall_needs_a_reason_and_rows_must_be_the_sheets(bureau):
    sheet = issued_sheet(bureau)
    open_year(bureau.perf)
    evaluation = evaluation_of(sheet)
    payload = filled(sheet, **{**SHORT, "reasons": {0: "工期顺延"}})
    payload["evaluation"]["indicators"].append({"indicator_id": 999_999, "actual_value": "1"})
    with pytest.raises(InvalidInput) as err:
        act(evaluation, "fill_evaluation", bureau.filer1, payload)
    assert set(err.value.errors) == {"evaluation.indicators.1.deviation_reason",
                                     "evaluation.indicators.3.deviation_reason",
                                     "evaluation.indicators"}


# ---------------------------------------------------------------- reviews, R9, returns

def test_the_filer_can_never_approve_even_from_an_earlier_round(bureau):
    sheet = issued_sheet(bureau)
    open_year(bureau.perf)
    evaluation = evaluation_of(sheet)
    act(evaluation, "fill_evaluation", bureau.both1, filled(sheet))
    with pytest.raises(Forbidden, match="R9"):
        act(evaluation, "leader_review", bureau.both1, APPROVE)
    act(evaluation, "leader_review", bureau.leader1, {"decision": "return", "comment": "补充报告"})
    act(evaluation, "fill_evaluation", bureau.both1, filled(sheet))
    task = ready(evaluation, "leader_review")
    complete_user_task(task, bureau.leader1, {"decision": "return", "comment": "再补充"})
    task = ready(evaluation, "fill_evaluation")
    assert task.assignee_id == bureau.both1.id  # back to whoever filled it
    complete_user_task(task, bureau.both1, filled(sheet))
    evaluation.filer_id = bureau.filer1.id  # whoever filled last is not all R9 remembers
    with pytest.raises(Forbidden, match="R9"):
        act(evaluation, "leader_review", bureau.both1, APPROVE)


def test_returns_loop_back_to_the_filer_from_both_reviews(bureau):
    sheet = issued_sheet(bureau)
    open_year(bureau.perf)
    evaluation = evaluation_of(sheet)
    act(evaluation, "fill_evaluation", bureau.filer1, filled(sheet))
    with pytest.raises(InvalidInput) as err:
        act(evaluation, "leader_review", bureau.leader1, {"decision": "return"})
    assert "comment" in err.value.errors
    act(evaluation, "leader_review", bureau.leader1, {"decision": "return", "comment": "偏高"})
    assert (evaluation.status, evaluation.return_count) == ("draft", 1)
    assert ready(evaluation, "fill_evaluation").assignee_id == bureau.filer1.id
    told = db.scalars(select(Notification).where(Notification.user_id == bureau.filer1.id)).one()
    assert (told.entity, told.entity_id, told.params["reason"]) == (
        "self_evaluation", evaluation.id, "偏高")
    to_liaison(bureau, sheet, evaluation, **SHORT)
    assert ready(evaluation, "liaison_review").assignee_id == bureau.cadre1.id  # the liaison
    act(evaluation, "liaison_review", bureau.cadre1, {"decision": "return", "comment": "核实"})
    assert (evaluation.status, evaluation.return_count) == ("draft", 2)
    assert ready_keys(evaluation) == ["fill_evaluation"]


def test_not_drawn_is_accepted_at_the_liaisons_approval(bureau):
    sheet = issued_sheet(bureau)
    open_year(bureau.perf, pct="0")
    evaluation = evaluation_of(sheet)
    to_liaison(bureau, sheet, evaluation)
    with pytest.raises(Forbidden):  # another section's cadre
        act(evaluation, "liaison_review", bureau.cadre2, APPROVE)
    act(evaluation, "liaison_review", bureau.cadre1, APPROVE)
    assert evaluation.status == "accepted" and evaluation.accepted_by_id == bureau.cadre1.id
    assert ready_keys(evaluation) == []
    assert db.get(ProcessInstance, evaluation.instance_id).status == "completed"


# ---------------------------------------------------------------- spot check and acceptance

@pytest.mark.parametrize(("score", "gap", "flagged"), [
    ("85.75", "10.00", False), ("85.76", "10.01", True), ("65.75", "10.00", False),
    ("65.74", "10.01", True), ("75.75", "0.00", False)])
def test_the_gap_is_flagged_only_above_ten_points(bureau, score, gap, flagged):
    sheet = issued_sheet(bureau)
    evaluation = to_spot_check(bureau, sheet, **SHORT)
    act(evaluation, "spot_check", bureau.perf, check(score, comments="抽查核实"))
    assert (evaluation.gap, evaluation.gap_flagged) == (Decimal(gap), flagged)
    assert evaluation.status == "spot_checked" and ready_keys(evaluation) == ["accept_check"]


def test_a_flagged_gap_must_be_explained_and_scores_checked(bureau):
    sheet = issued_sheet(bureau)
    evaluation = to_spot_check(bureau, sheet, **SHORT)
    with pytest.raises(InvalidInput) as err:
        act(evaluation, "spot_check", bureau.perf, check("60"))
    assert "spot_check.comments" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        act(evaluation, "spot_check", bureau.perf, check("100.5", problems=[{"category": "x"}]))
    assert {"spot_check.check_score", "spot_check.problems.0.description",
            "spot_check.problems.0.category"} <= set(err.value.errors)


def test_acceptance_records_the_problems_found_in_the_ledger(bureau, make_user):
    sheet = issued_sheet(bureau)
    chief2 = make_user("chief2", "perf_chief", section="S-PERF")
    evaluation = to_spot_check(bureau, sheet, **SHORT)
    problems = [{"description": "自评报告未反映资金结余", "category": "funds",
                 "amount_involved": "120000.5"},
                {"description": "满意度调查样本不足", "category": "benefit", "severity": "serious"}]
    act(evaluation, "spot_check", bureau.perfchief, check("62", "自评偏高", problems))
    assert db.scalars(select(Problem)).all() == []  # not before the chief accepts
    with pytest.raises(Forbidden, match="R9"):  # the checker does not accept their own check
        act(evaluation, "accept_check", bureau.perfchief, APPROVE)
    act(evaluation, "accept_check", chief2, {"decision": "return", "comment": "复核"})
    assert evaluation.status == "reviewed" and ready_keys(evaluation) == ["spot_check"]
    act(evaluation, "spot_check", bureau.perf, check("62", "自评偏高", problems))
    with pytest.raises(Forbidden, match="R9"):  # nor after a later check by someone else
        act(evaluation, "accept_check", bureau.perfchief, APPROVE)
    act(evaluation, "accept_check", chief2, APPROVE)
    assert evaluation.status == "accepted" and evaluation.accepted_by_id == chief2.id
    items = db.scalars(select(RectificationItem).order_by(RectificationItem.id)).all()
    assert [(i.source, i.unit_id, i.fiscal_year) for i in items] == [
        ("self_evaluation", evaluation.unit_id, 2027)] * 2
    assert [i.problem.description for i in items] == [p["description"] for p in problems]
    assert items[0].problem.amount_involved == Decimal("120000.50")
    assert items[0].problem.project_id == sheet.project_id
    assert all(i.instance_id is not None for i in items)
    assert ready_keys(evaluation) == []


# ---------------------------------------------------------------- who may act and see

def test_an_administrator_never_acts(bureau):
    sheet = issued_sheet(bureau)
    with pytest.raises(Forbidden):
        open_year(bureau.admin)
    open_year(bureau.perf)
    with pytest.raises(Forbidden):
        act(evaluation_of(sheet), "fill_evaluation", bureau.admin, filled(sheet))


def test_a_firm_user_can_never_see_or_act(bureau, make_user):
    sheet = issued_sheet(bureau)
    firm = make_user("firm1", "tp_evaluator")
    open_year(bureau.perf)
    evaluation = evaluation_of(sheet)
    with pytest.raises(Forbidden):
        open_year(firm, year=2026)
    with pytest.raises(NotFound):
        self_evaluation.get_evaluation_or_404(evaluation.id, firm)
    assert list_evaluations(firm, EvaluationFilters()).rows == []
    assert self_evaluation.list_rounds(firm) == []
    # even holding a unit's filer role too, a firm's staff cannot fill it (R21)
    insider = make_user("firm2", "tp_evaluator", "unit_filer", unit="U1")
    with pytest.raises(Forbidden, match="R21"):
        act(evaluation, "fill_evaluation", insider, filled(sheet))
    with pytest.raises(NotFound):
        self_evaluation.get_evaluation_or_404(evaluation.id, insider)


def test_other_units_and_sections_get_not_found(bureau):
    s1, s2 = issued_sheet(bureau, "p1"), issued_sheet(bureau, "p2")
    open_year(bureau.perf)
    e1, e2 = evaluation_of(s1), evaluation_of(s2)
    for user in (bureau.filer2, bureau.leader2, bureau.cadre2):
        with pytest.raises(NotFound):
            self_evaluation.get_evaluation_or_404(e1.id, user)
    assert self_evaluation.get_evaluation_or_404(e1.id, bureau.cadre1) is e1

    def seen(user):
        return [row.id for row in list_evaluations(user, EvaluationFilters()).rows]
    assert seen(bureau.filer1) == [e1.id] and seen(bureau.cadre2) == [e2.id]
    assert sorted(seen(bureau.perf)) == sorted(seen(bureau.leader)) == sorted([e1.id, e2.id])


def test_units_never_learn_of_the_spot_check(bureau):
    sheet = issued_sheet(bureau)
    evaluation = to_spot_check(bureau, sheet, **SHORT)
    act(evaluation, "spot_check", bureau.perf, check("70", "核减"))
    unit_view = self_evaluation.evaluation_view(evaluation.id, bureau.filer1)
    assert unit_view.status == "accepted" and unit_view.spot is None
    assert unit_view.open_tasks == []
    assert not any(h.action.startswith("spot_check") for h in unit_view.history)
    page = list_evaluations(bureau.filer1, EvaluationFilters(status="spot_checked"))
    assert page.rows == []  # filtering by a spot-check step reveals nothing
    row = list_evaluations(bureau.filer1, EvaluationFilters()).rows[0]
    assert (row.status, row.spot_check, row.gap) == ("accepted", None, None)
    perf_view = self_evaluation.evaluation_view(evaluation.id, bureau.perf)
    assert perf_view.status == "spot_checked" and perf_view.spot.check_score == Decimal("70")
    summary = list_evaluations(bureau.perf, EvaluationFilters()).summary
    assert (summary.by_status, summary.by_grade, summary.spot_checks) == (
        {"spot_checked": 1}, {"fair": 1}, 1)


def test_the_generic_task_and_instance_views_keep_the_spot_check_from_units(bureau):
    from workflows.instances import get_instance_or_404
    from workflows.permissions import can_see_task
    from workflows.tasks import get_task_or_404

    sheet = issued_sheet(bureau)
    evaluation = to_spot_check(bureau, sheet, **SHORT)
    task = ready(evaluation, "spot_check")
    for user in (bureau.filer1, bureau.leader1, bureau.both1):
        assert not can_see_task(user, task)
        with pytest.raises(NotFound):
            get_task_or_404(task.id, user)
        with pytest.raises(NotFound):
            get_instance_or_404(evaluation.instance_id, user, whole=True)
        assert get_instance_or_404(evaluation.instance_id, user).id == evaluation.instance_id
    assert can_see_task(bureau.cadre1, task) and can_see_task(bureau.perf, task)
    assert get_instance_or_404(evaluation.instance_id, bureau.cadre1, whole=True)
