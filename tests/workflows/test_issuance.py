"""Issuance of approved goals with the budget (DOMAIN b steps 7–9): R13's dates and D-5
warning, R12 (an open congress inquiry holds the sheet), the congress's inquiry answered by the
unit head and closed, revision through a new version, R5 at issuance."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Notification, db
from tests.cycle_data import new_project
from tests.self_evaluation_data import issued_sheet
from workflows import issuance
from workflows.cycle_steps import today
from workflows.errors import Conflict, Forbidden, InvalidInput
from workflows.goal_review import start_goal_declaration

# the budget year whose approval can lie anywhere in the last 30 days
YEAR = (today() - timedelta(days=30)).year + 1


@pytest.fixture
def congress(make_user):
    return make_user("npc1", "congress")


def approved(bureau, name="p1"):
    return issued_sheet(bureau, name, status="approved", year=YEAR)


def approve_budget(bureau, day=None):
    return issuance.record_approval(bureau.budget, YEAR, (day or today()).isoformat())


def test_r13_dates_follow_the_congress_approval(bureau):
    approved(bureau)
    approve_budget(bureau, today() - timedelta(days=16))
    board = issuance.issuance_board(bureau.budget, YEAR)
    assert board.dates.due == today() + timedelta(days=4)
    assert board.dates.warn == today() - timedelta(days=1) and board.warn
    assert board.days_left == 4
    assert board.dates.sub_units_due == board.dates.due + timedelta(days=15)


def test_issuing_needs_the_approval_day_and_locks_the_sheet(bureau):
    sheet = approved(bureau)
    with pytest.raises(Conflict, match="record the day"):
        issuance.issue_sheets(bureau.budget, YEAR, [sheet.id])
    approve_budget(bureau)
    result = issuance.issue_sheets(bureau.budget, YEAR, [sheet.id])
    assert result.issued == [sheet] and sheet.status == "issued" and sheet.locked
    assert sheet.project.status == "issued"
    again = issuance.issue_sheets(bureau.budget, YEAR, [sheet.id])
    assert again.issued == [] and "only an approved" in again.refused[0][1]


def test_only_the_budget_section_issues(bureau):
    sheet = approved(bureau)
    for user in (bureau.perf, bureau.leader, bureau.admin, bureau.filer1):
        with pytest.raises(Forbidden):
            issuance.issue_sheets(user, YEAR, [sheet.id])
    with pytest.raises(InvalidInput):
        issuance.issue_sheets(bureau.budget, YEAR, [])


def test_r12_an_open_inquiry_holds_the_sheet_until_the_congress_closes_it(bureau, congress):
    sheet, other = approved(bureau), approved(bureau, "p2")
    approve_budget(bureau)
    with pytest.raises(Conflict):  # not sent to the congress
        issuance.open_inquiry(congress, sheet, {"delegate_name": "王代表", "question": "?",
                                                "session": "区十八届人大三次会议"})
    issuance.flag_for_congress(bureau.budget, YEAR, [sheet.id], True)
    with pytest.raises(InvalidInput) as exc:
        issuance.open_inquiry(congress, sheet, {"question": " "})
    assert {"delegate_name", "question", "session"} <= set(exc.value.errors)
    inquiry = issuance.open_inquiry(congress, sheet, {
        "delegate_name": "王代表", "question": "受益学生人数目标偏低，依据是什么？",
        "session": "区十八届人大三次会议"})
    assert db.scalar(select(Notification.user_id).where(
        Notification.entity == "congress_inquiry")) == bureau.leader1.id
    result = issuance.issue_sheets(bureau.budget, YEAR, [sheet.id, other.id])
    assert result.issued == [other]
    assert result.refused[0][0] is sheet and "R12" in result.refused[0][1]
    with pytest.raises(Conflict, match="not answered"):
        issuance.close_inquiry(congress, inquiry, "accepted")
    with pytest.raises(Forbidden):
        issuance.answer_inquiry(bureau.leader2, inquiry, {"answer": "x"})
    issuance.answer_inquiry(bureau.leader1, inquiry, {"answer": "依据近三年在校生数测算。"})
    assert issuance.issue_sheets(bureau.budget, YEAR, [sheet.id]).issued == []  # answered
    issuance.close_inquiry(congress, inquiry, "accepted")
    assert issuance.issue_sheets(bureau.budget, YEAR, [sheet.id]).issued == [sheet]


def test_revision_required_lets_the_unit_declare_a_new_version(bureau, congress):
    sheet = approved(bureau)
    sheet.locked = True
    issuance.flag_for_congress(bureau.budget, YEAR, [sheet.id], True)
    inquiry = issuance.open_inquiry(congress, sheet, {
        "delegate_name": "李代表", "question": "指标不够量化", "session": "三次会议"})
    issuance.answer_inquiry(bureau.leader1, inquiry, {"answer": "将补充量化指标"})
    with pytest.raises(InvalidInput):
        issuance.close_inquiry(congress, inquiry, "maybe")
    issuance.close_inquiry(congress, inquiry, "revise_required")
    assert sheet.status == "revision_required"
    start_goal_declaration(sheet.project, bureau.filer1)  # version 2 through the gates


def test_r5_still_holds_at_issuance(bureau):
    project = new_project(amount=900_000, year=YEAR)
    from models import GoalSheet
    sheet = GoalSheet(bureau_id=project.bureau_id, fiscal_year=YEAR, kind="project",
                      unit_id=project.unit_id, project_id=project.id, amount=900_000,
                      status="approved", locked=True)
    db.add(sheet)
    db.flush()
    approve_budget(bureau)
    result = issuance.issue_sheets(bureau.budget, YEAR, [sheet.id])
    assert result.issued == [] and "R5" in result.refused[0][1]


def test_the_d5_warning_goes_once_to_the_budget_section(bureau):
    approved(bureau)
    approve_budget(bureau, today() - timedelta(days=14))  # due in 6 days: not yet
    assert issuance.issuance_warnings() == 0
    assert issuance.issuance_warnings(today() + timedelta(days=1)) == 1
    assert issuance.issuance_warnings(today() + timedelta(days=2)) == 0  # once a year
    note = db.scalar(select(Notification).where(Notification.entity == "issuance.warn"))
    assert note.user_id == bureau.budget.id


def test_the_approval_day_is_checked(bureau):
    for bad in ("2027-13-01", (today() + timedelta(days=1)).isoformat(), "2020-01-01"):
        with pytest.raises(InvalidInput):
            issuance.record_approval(bureau.budget, YEAR, bad)
    assert issuance.record_approval(bureau.budget, YEAR, today().isoformat())


def test_the_congress_sees_only_the_sheets_sent_to_it(bureau, congress):
    sheet = approved(bureau)
    approved(bureau, "p2")
    assert issuance.issuance_board(congress, YEAR).lines == []
    issuance.flag_for_congress(bureau.budget, YEAR, [sheet.id], True)
    assert [line.sheet for line in issuance.issuance_board(congress, YEAR).lines] == [sheet]
    assert len(issuance.issuance_board(bureau.perf, YEAR).lines) == 2
