"""The goal declaration through its three gates, at the operations layer."""

import pytest

from models import GoalReview, GoalSheet, db
from tests.conftest import GOOD_SHEET, ready_task
from workflows.errors import Conflict, Forbidden, InvalidInput
from workflows.goal_review import sheet_for_instance, start_goal_declaration
from workflows.tasks import complete_user_task


def approve(instance, user, gate_key, rating=None):
    payload = {"decision": "approve", "comment": "ok"}
    if rating:
        payload["rating"] = rating
    complete_user_task(ready_task(instance.id, gate_key), user, payload)


def test_sheet_passes_three_gates_and_locks(bureau):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    complete_user_task(ready_task(instance.id, "fill_sheet"), bureau.filer1, {"sheet": GOOD_SHEET})
    approve(instance, bureau.leader1, "gate1_unit_review")
    gate2 = ready_task(instance.id, "gate2_section_review")
    assert gate2.assignee_id == bureau.cadre1.id  # the unit's liaison cadre
    approve(instance, bureau.cadre1, "gate2_section_review", "good")
    approve(instance, bureau.perf, "gate3_performance_review", "excellent")
    sheet = sheet_for_instance(instance)
    assert (sheet.status, sheet.locked, instance.status) == ("approved", True, "completed")
    assert [r.gate for r in db.query(GoalReview).order_by(GoalReview.id)] == [
        "unit_leader", "section", "performance"]


def test_return_goes_back_to_filer_and_through_gates_again(bureau):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    approve(instance, bureau.leader1, "gate1_unit_review")
    complete_user_task(ready_task(instance.id), bureau.cadre1,
                       {"decision": "return", "rating": "fair", "comment": "补充效益指标"})
    sheet = sheet_for_instance(instance)
    assert (sheet.status, sheet.return_count) == ("returned", 1)
    refill = ready_task(instance.id, "fill_sheet")
    complete_user_task(refill, bureau.filer1, {"sheet": GOOD_SHEET})
    assert ready_task(instance.id).task_key == "gate1_unit_review"


def test_fair_rating_cannot_approve(bureau):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    approve(instance, bureau.leader1, "gate1_unit_review")
    with pytest.raises(InvalidInput) as err:
        approve(instance, bureau.cadre1, "gate2_section_review", "fair")
    assert "decision" in err.value.errors
    assert ready_task(instance.id).task_key == "gate2_section_review"


def test_poor_rating_blocks_project_until_rerated(bureau):
    project = bureau.projects["p1"]
    instance = start_goal_declaration(project, bureau.filer1)
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    approve(instance, bureau.leader1, "gate1_unit_review")
    complete_user_task(ready_task(instance.id), bureau.cadre1,
                       {"decision": "return", "rating": "poor", "comment": "目标与职责无关"})
    assert project.status == "blocked"
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    approve(instance, bureau.leader1, "gate1_unit_review")
    approve(instance, bureau.cadre1, "gate2_section_review", "good")
    assert project.status != "blocked"


def test_filer_holding_leader_role_cannot_sign_own_sheet(bureau):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.both1)
    complete_user_task(ready_task(instance.id), bureau.both1, {"sheet": GOOD_SHEET})
    with pytest.raises(Forbidden, match="R9"):
        approve(instance, bureau.both1, "gate1_unit_review")


def test_completed_task_cannot_be_completed_twice(bureau):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    task = ready_task(instance.id)
    complete_user_task(task, bureau.filer1, {"sheet": GOOD_SHEET})
    with pytest.raises(Conflict):
        complete_user_task(task, bureau.filer1, {"sheet": GOOD_SHEET})


def test_second_declaration_while_one_runs_is_refused(bureau):
    start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    with pytest.raises(Conflict):
        start_goal_declaration(bureau.projects["p1"], bureau.filer1)


def test_filer_of_other_unit_cannot_start(bureau):
    with pytest.raises(Forbidden):
        start_goal_declaration(bureau.projects["p1"], bureau.filer2)


def test_invalid_sheet_keeps_task_ready(bureau):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    with pytest.raises(InvalidInput) as err:
        complete_user_task(ready_task(instance.id), bureau.filer1,
                           {"sheet": {"overall_goal": "", "indicators": []}})
    assert "sheet.overall_goal" in err.value.errors
    assert ready_task(instance.id).task_key == "fill_sheet"
    assert db.get(GoalSheet, sheet_for_instance(instance).id).status == "draft"


def test_trail_records_the_path_taken(bureau):
    from workflows.instances import instance_view
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    complete_user_task(ready_task(instance.id), bureau.leader1,
                       {"decision": "return", "comment": "补充"})
    view = instance_view(instance)
    assert view.active_elements == ["fill_sheet"]
    assert {"start_declaration", "fill_sheet", "gate1_unit_review", "gate1_decision"} <= set(
        view.completed_elements)
    assert "flow_gate1_return" in view.taken_flows
    assert "flow_gate1_approve" not in view.taken_flows


def test_fill_task_goes_to_the_filer_who_opened_it_or_to_the_pool(bureau):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    assert ready_task(instance.id).assignee_id == bureau.filer1.id
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    bureau.filer1.active = False  # the filer left: the returned sheet goes to the unit's pool
    complete_user_task(ready_task(instance.id), bureau.leader1,
                       {"decision": "return", "comment": "补充"})
    refill = ready_task(instance.id)
    assert refill.assignee_id is None and refill.candidate_roles == ["unit_filer"]


@pytest.mark.parametrize(("amount", "expected"), [
    (None, "3200000.00"), ("2800000", "2800000.00"), ("2800000.5", "2800000.50")])
def test_filer_may_state_the_sheet_amount(bureau, amount, expected):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    sheet = {**GOOD_SHEET, **({"amount": amount} if amount is not None else {})}
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": sheet})
    assert str(sheet_for_instance(instance).amount) == expected


@pytest.mark.parametrize("amount", ["-1", "abc", "1.005", "1e13"])
def test_bad_amounts_are_refused(bureau, amount):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    with pytest.raises(InvalidInput) as err:
        complete_user_task(ready_task(instance.id), bureau.filer1,
                           {"sheet": {**GOOD_SHEET, "amount": amount}})
    assert "sheet.amount" in err.value.errors


def test_only_an_approval_at_gate_2_or_3_lifts_a_poor_block(bureau):
    project = bureau.projects["p1"]
    instance = start_goal_declaration(project, bureau.filer1)
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    approve(instance, bureau.leader1, "gate1_unit_review")
    complete_user_task(ready_task(instance.id), bureau.cadre1,
                       {"decision": "return", "rating": "poor", "comment": "与职责无关"})
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    approve(instance, bureau.leader1, "gate1_unit_review", "excellent")  # the unit's own view
    assert project.status == "blocked"
    complete_user_task(ready_task(instance.id), bureau.cadre1,
                       {"decision": "return", "rating": "good", "comment": "再补充"})
    assert project.status == "blocked"  # a return never lifts it
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    approve(instance, bureau.leader1, "gate1_unit_review")
    approve(instance, bureau.cadre1, "gate2_section_review", "good")
    assert project.status != "blocked"


def test_whoever_opened_the_declaration_cannot_review_it(bureau):
    from workflows.tasks import unclaim_task
    instance = start_goal_declaration(bureau.projects["p1"], bureau.both1)
    unclaim_task(ready_task(instance.id), bureau.both1)
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    with pytest.raises(Forbidden, match="R9"):
        approve(instance, bureau.both1, "gate1_unit_review")


def test_an_administrator_never_acts_even_with_a_workflow_role(bureau, make_user):
    boss = make_user("boss", "admin", "perf_staff", section="S-PERF")
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    complete_user_task(ready_task(instance.id), bureau.filer1, {"sheet": GOOD_SHEET})
    approve(instance, bureau.leader1, "gate1_unit_review")
    approve(instance, bureau.cadre1, "gate2_section_review", "good")
    from workflows.tasks import list_inbox
    assert list_inbox(boss).total == 0
    with pytest.raises(Forbidden):
        approve(instance, boss, "gate3_performance_review", "excellent")


@pytest.mark.parametrize(("field", "value"), [
    ("target_value", "1e30"), ("target_value", "0.00001"), ("weight", "33.333")])
def test_indicator_figures_the_database_cannot_keep_are_refused(bureau, field, value):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    rows = [dict(r) for r in GOOD_SHEET["indicators"]]
    rows[0][field] = value
    with pytest.raises(InvalidInput) as err:
        complete_user_task(ready_task(instance.id), bureau.filer1,
                           {"sheet": {**GOOD_SHEET, "indicators": rows}})
    assert f"sheet.indicators.0.{field}" in err.value.errors
