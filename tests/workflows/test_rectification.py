"""Ledger items end to end: plan, evidence, verification, sign-off and the deadline ladder."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select

from models import (
    FinanceBureau,
    InterviewRecord,
    Notification,
    RectificationItem,
    Reminder,
    Task,
    db,
)
from tests.conftest import ready_task
from workflows import evidence, rectification
from workflows.engine import clock
from workflows.errors import Conflict, Forbidden, InvalidInput
from workflows.ledger_rules import ZONE
from workflows.tasks import claim_task, complete_user_task, unclaim_task
from workflows.timers import fire_next_due

PDF = b"%PDF-1.4 evidence of the rectification\n"


@pytest.fixture(autouse=True)
def file_store(tmp_path):
    evidence.configure(tmp_path / "files", 1024 * 1024)
    yield
    clock.reset()


def problem(bureau, **over):
    raw = {"source": "key_evaluation", "unit_id": bureau.users["filer1"].unit_id,
           "description": "专项资金未按规定用途使用", "category": "funds", "severity": "normal",
           "amount_involved": "125000.50", "suggested_measure": "收回违规资金",
           "deadline": (rectification.today() + timedelta(days=60)).isoformat()}
    raw.update(over)
    return rectification.record_problem(bureau.perf, raw)


def keys(item):
    return sorted(db.scalars(select(Task.task_key).where(Task.instance_id == item.instance_id,
                                                         Task.status == "ready")))


def act(item, key, user, **payload):
    task = ready_task(item.instance_id, key)
    complete_user_task(task, user, payload)
    db.flush()
    return task


def upload(item, user, name="整改佐证.pdf", data=PDF):
    return evidence.upload_evidence(item, user, name, BytesIO(data))


def to_verification(bureau, item):
    act(item, "enter_plan", bureau.filer1, measures="收回资金并完善制度", responsible_person="张三")
    act(item, "approve_plan", bureau.leader1, decision="approve")
    upload(item, bureau.filer1)
    act(item, "submit_evidence", bureau.filer1, comment="已整改")


def test_item_runs_from_plan_to_sign_off(bureau):
    item = problem(bureau)
    assert item.status == "assigned" and keys(item) == ["enter_plan"]
    assert item.problem.amount_involved == pytest.approx(125000.50)
    to_verification(bureau, item)
    assert item.status == "evidence_submitted" and keys(item) == ["verify"]
    assert ready_task(item.instance_id, "verify").assignee_id == bureau.cadre1.id  # the liaison
    act(item, "verify", bureau.cadre1, decision="pass")
    assert item.status == "verified" and item.verify_result == "pass"
    act(item, "sign_off", bureau.perfchief, decision="sign_off")
    assert item.status == "signed_off" and item.signed_off_by_id == bureau.perfchief.id
    assert keys(item) == []
    assert item.instance.status == "completed" and item.closed_on_time is True


def test_return_counts_and_second_return_proposes_interview(bureau):
    item = problem(bureau)
    to_verification(bureau, item)
    act(item, "verify", bureau.cadre1, decision="return", comment="佐证不足")
    assert item.status == "returned" and item.return_count == 1
    assert keys(item) == ["submit_evidence"]
    assert ready_task(item.instance_id, "submit_evidence").assignee_id == bureau.filer1.id
    act(item, "submit_evidence", bureau.filer1)
    act(item, "verify", bureau.cadre1, decision="return", comment="仍不足")
    assert item.return_count == 2 and item.escalation_level == "interview"
    assert keys(item) == ["interview_returns", "submit_evidence"]


def test_a_return_needs_a_reason(bureau):
    item = problem(bureau)
    to_verification(bureau, item)
    with pytest.raises(InvalidInput) as err:
        act(item, "verify", bureau.cadre1, decision="return", comment=" ")
    assert "comment" in err.value.errors


def test_serious_item_proposes_interview_at_once(bureau):
    item = problem(bureau, severity="serious")
    assert keys(item) == ["enter_plan", "interview_serious"]
    assert item.escalation_level == "interview"
    assert db.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == bureau.leader.id)) == 1


def test_evidence_is_required_to_submit(bureau):
    item = problem(bureau)
    act(item, "enter_plan", bureau.filer1, measures="措施", responsible_person="张三")
    act(item, "approve_plan", bureau.leader1, decision="approve")
    with pytest.raises(InvalidInput) as err:
        act(item, "submit_evidence", bureau.filer1)
    assert "evidence" in err.value.errors
    assert item.status == "in_progress"


def run_once():
    """What the worker does, inside the test's transaction: fire every due timer."""
    fired = 0
    while fire_next_due() is not None:
        fired += 1
    db.flush()
    return fired


def fresh(item):
    return db.get(RectificationItem, item.id)


def rungs(item):
    return [r.level for r in db.scalars(select(Reminder).where(Reminder.item_id == item.id)
                                        .order_by(Reminder.id))]


def test_the_whole_ladder_fires_on_the_clock(bureau):
    item = problem(bureau, deadline=(rectification.today() + timedelta(days=20)).isoformat())
    deadline = item.deadline
    assert run_once() == 0 and rungs(item) == []
    clock.travel(timedelta(days=14))  # D-6: past the D-7 pre-warning
    run_once()
    item = fresh(item)
    assert rungs(item) == ["prewarning"] and item.escalation_level == "none"
    assert db.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == bureau.filer1.id, Notification.kind == "prewarning")) == 1
    clock.travel(timedelta(days=7))  # the day after the deadline
    run_once()
    item = fresh(item)
    assert rungs(item) == ["prewarning", "overdue"] and item.escalation_level == "reminder"
    assert item.overdue_days(rectification.today()) == (rectification.today() - deadline).days
    clock.travel(timedelta(days=14))  # D+15
    run_once()
    item = fresh(item)
    assert rungs(item)[-1] == "notice" and item.escalation_level == "notice"
    assert keys(item) == ["enter_plan"]
    clock.travel(timedelta(days=15))  # D+30: overdue by 30 days, not yet by more (R28)
    assert run_once() == 0 and rungs(item)[-1] == "notice"
    clock.travel(timedelta(days=1))
    run_once()
    assert rungs(item)[-1] == "interview" and keys(item) == ["enter_plan", "interview_overdue"]
    assert fresh(item).overdue_days(rectification.today()) == 31
    assert run_once() == 0  # each rung fires once


def test_extension_moves_the_ladder(bureau):
    item = problem(bureau, deadline=(rectification.today() + timedelta(days=10)).isoformat())
    clock.travel(timedelta(days=41))
    run_once()
    item = fresh(item)
    assert rungs(item) == ["prewarning", "overdue", "notice", "interview"]
    new = rectification.today() + timedelta(days=30)
    with pytest.raises(InvalidInput):
        act(item, "interview_overdue", bureau.leader, decision="extend", comment="客观原因",
            new_deadline=(item.deadline - timedelta(days=1)).isoformat())
    act(item, "interview_overdue", bureau.leader, decision="extend", comment="项目跨年实施",
        new_deadline=new.isoformat())
    assert item.deadline == new and item.escalation_level == "none"
    assert item.extension_history[-1]["reason"] == "项目跨年实施"
    assert item.original_deadline != item.deadline
    assert run_once() == 0
    item = fresh(item)
    clock.travel(timedelta(days=24))  # D-6 of the new deadline
    run_once()
    assert rungs(item)[-1] == "prewarning" and len(rungs(item)) == 5


def test_extension_from_a_serious_interview_rearms_the_waiting_ladder(bureau):
    item = problem(bureau, severity="serious",
                   deadline=(rectification.today() + timedelta(days=30)).isoformat())
    new = item.deadline + timedelta(days=60)
    act(item, "interview_serious", bureau.leader, decision="extend", comment="调整",
        new_deadline=new.isoformat())
    clock.travel(timedelta(days=30))  # old D-0: nothing is due any more
    assert run_once() == 0 and rungs(item) == ["interview"]
    clock.travel(timedelta(days=55))  # new D-5
    run_once()
    assert rungs(item)[-1] == "prewarning"


def test_interview_is_recorded(bureau):
    item = problem(bureau, severity="serious")
    with pytest.raises(InvalidInput) as err:
        act(item, "interview_serious", bureau.leader, decision="interview")
    assert {"interviewee_person", "commitments"} <= set(err.value.errors)
    act(item, "interview_serious", bureau.leader, decision="interview",
        interviewee_person="李局长", commitments="一个月内整改到位",
        follow_up_deadline=(rectification.today() + timedelta(days=30)).isoformat())
    record = db.scalar(select(InterviewRecord))
    assert record.trigger == "serious" and record.item_ids == [item.id]
    assert keys(item) == ["enter_plan"]


def test_working_day_setting_counts_official_holidays(bureau):
    b = db.scalar(select(FinanceBureau))
    b.settings = {"rectification": {"day_kind": "working"}}
    settings = rectification.settings_for(b)
    # 2026-09-30 (Wed) + 1 working day skips the National Day holiday (1–7 October)
    assert settings.add_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # Saturday 10 October is a make-up workday; Sunday is not
    assert settings.add_days(date(2026, 10, 9), 2) == date(2026, 10, 12)
    assert settings.add_days(date(2026, 10, 8), -1) == date(2026, 9, 30)
    # the bureau's own entries win: a local holiday, and a year the package does not know
    b.settings = {"rectification": {"day_kind": "working", "holidays": ["2026-10-08"],
                                    "make_up_workdays": ["2100-01-02"]}}
    settings = rectification.settings_for(b)
    assert settings.add_days(date(2026, 9, 30), 1) == date(2026, 10, 9)
    assert settings.add_days(date(2100, 1, 1), 1) == date(2100, 1, 2)  # a Saturday, made a workday


def test_settings_are_validated_field_by_field():
    from workflows.ledger_rules import validate_settings
    with pytest.raises(InvalidInput) as err:
        validate_settings({"deadline_days": "0", "day_kind": "lunar", "holidays": "2026-13-01",
                           "notice_days": "x"})
    assert set(err.value.errors) == {"deadline_days", "day_kind", "holidays", "notice_days"}
    ok = validate_settings({"deadline_days": "120", "holidays": "2026-10-08, 2026-10-09"})
    assert ok.deadline_days == 120 and ok.holidays == ["2026-10-08", "2026-10-09"]


# ---- separation of duties (R9)

@pytest.mark.parametrize("step,who,why", [
    ("approve_plan", "both1", "plan filer approves own plan"),
    ("verify", "cadre1", "submitter verifies own evidence"),
    ("sign_off", "perfchief", "verifier signs off"),
])
def test_separation_of_duties(bureau, make_user, step, who, why):
    item = problem(bureau)
    actor = bureau.users[who]
    if step == "approve_plan":
        act(item, "enter_plan", actor, measures="措施", responsible_person="张三")
    else:
        act(item, "enter_plan", bureau.filer1, measures="措施", responsible_person="张三")
        act(item, "approve_plan", bureau.leader1, decision="approve")
        upload(item, bureau.filer1)
        act(item, "submit_evidence", bureau.filer1)
        if step == "verify":
            item.submitted_by_id = actor.id  # as if the liaison had submitted it
            db.flush()
        else:  # the liaison releases the verification to the performance section
            unclaim_task(ready_task(item.instance_id, "verify"), bureau.cadre1)
            act(item, "verify", actor, decision="pass")
    task = ready_task(item.instance_id, step)
    with pytest.raises(Forbidden):
        claim_task(task, actor)
    with pytest.raises(Forbidden):
        complete_user_task(task, actor, {"decision": "approve" if step == "approve_plan"
                                         else "pass" if step == "verify" else "sign_off"})


def test_sign_off_sod_can_be_turned_off(bureau):
    b = db.scalar(select(FinanceBureau))
    b.settings = {"rectification": {"strict_signoff_sod": False}}
    item = problem(bureau)
    to_verification(bureau, item)
    unclaim_task(ready_task(item.instance_id, "verify"), bureau.cadre1)
    act(item, "verify", bureau.perfchief, decision="pass")
    act(item, "sign_off", bureau.perfchief, decision="sign_off")
    assert item.status == "signed_off"


def test_signed_off_item_is_immutable(bureau):
    item = problem(bureau)
    to_verification(bureau, item)
    act(item, "verify", bureau.cadre1, decision="pass")
    act(item, "sign_off", bureau.perfchief, decision="sign_off")
    with pytest.raises(Conflict):
        upload(item, bureau.filer1)
    task = db.scalar(select(Task).where(Task.instance_id == item.instance_id,
                                        Task.task_key == "sign_off"))
    with pytest.raises(Conflict):
        complete_user_task(task, bureau.perfchief, {"decision": "sign_off"})


def test_other_units_cannot_upload(bureau):
    item = problem(bureau)
    with pytest.raises(Exception) as err:
        upload(item, bureau.filer2)
    assert getattr(err.value, "status", None) == 404
    with pytest.raises(Forbidden):
        upload(item, bureau.cadre1)


@pytest.mark.parametrize("name,data,field", [
    ("a.exe", b"MZ...", "file"),
    ("fake.pdf", b"#!/bin/sh\nrm -rf /", "file"),
    ("empty.pdf", b"", "file"),
    ("big.pdf", b"%PDF-" + b"0" * (1024 * 1024), "file"),
])
def test_bad_evidence_files_are_refused(bureau, name, data, field):
    item = problem(bureau)
    with pytest.raises(InvalidInput) as err:
        upload(item, bureau.filer1, name, data)
    assert field in err.value.errors
    assert evidence.evidence_count(item.id) == 0


def test_evidence_is_content_addressed(bureau, tmp_path):
    item = problem(bureau)
    doc = upload(item, bureau.filer1)
    path = evidence.path_of(doc.sha256)
    assert path.read_bytes() == PDF and doc.size == len(PDF)
    got, got_path = evidence.open_evidence(doc.id, bureau.cadre1)
    assert got.id == doc.id and got_path == path
    with pytest.raises(Exception) as err:
        evidence.open_evidence(doc.id, bureau.filer2)
    assert getattr(err.value, "status", None) == 404


def test_bad_problem_rows_name_the_fields(bureau):
    with pytest.raises(InvalidInput) as err:
        rectification.record_problems(bureau.perf, [
            {"source": "audit", "unit_id": bureau.filer1.unit_id, "description": "ok",
             "category": "funds"},
            {"source": "nope", "unit_id": 99999, "description": "", "category": "funds",
             "deadline": "2020-01-01"},
        ])
    assert set(err.value.errors) == {"2.source", "2.unit_id", "2.description", "2.deadline"}
    from models import Problem
    assert db.scalar(select(func.count()).select_from(Problem)) == 0


def test_only_the_performance_section_records_problems(bureau):
    for who in ("filer1", "cadre1", "admin", "leader"):
        with pytest.raises(Forbidden):
            problem_by(bureau, who)


def problem_by(bureau, who):
    return rectification.record_problem(bureau.users[who], {
        "source": "audit", "unit_id": bureau.filer1.unit_id, "description": "x",
        "category": "funds"})


def test_requests_never_fire_timers_the_worker_does(bureau):
    item = problem(bureau, deadline=(rectification.today() + timedelta(days=3)).isoformat())
    # the D-7 pre-warning is already past, but recording the problem and acting on the item
    # (what requests do) leave it to the worker
    act(item, "enter_plan", bureau.filer1, measures="措施", responsible_person="张三")
    assert rungs(item) == [] and item.instance.next_timer_at <= clock.now()
    assert run_once() == 1 and rungs(item) == ["prewarning"]


def test_a_held_interview_sets_the_follow_up_deadline_and_the_ladder_goes_on(bureau):
    item = problem(bureau, deadline=(rectification.today() + timedelta(days=5)).isoformat())
    clock.travel(timedelta(days=37))  # overdue by more than 30 days
    run_once()
    item = fresh(item)
    assert keys(item) == ["enter_plan", "interview_overdue"]
    follow_up = rectification.today() + timedelta(days=20)
    act(item, "interview_overdue", bureau.leader, decision="interview",
        interviewee_person="单位负责人", commitments="二十日内整改到位",
        follow_up_deadline=follow_up.isoformat())
    assert item.deadline == follow_up and item.escalation_level == "interview"
    assert item.extension_history[-1]["kind"] == "interview"
    assert keys(item) == ["enter_plan"] and run_once() == 0
    clock.travel(timedelta(days=21))  # the day after the follow-up deadline
    run_once()
    assert rungs(fresh(item))[-2:] == ["prewarning", "overdue"]


def test_an_extension_reaches_the_units_later_tasks(bureau):
    item = problem(bureau, severity="serious")
    new = item.deadline + timedelta(days=45)
    act(item, "interview_serious", bureau.leader, decision="extend", comment="跨年项目",
        new_deadline=new.isoformat())
    act(item, "enter_plan", bureau.filer1, measures="措施", responsible_person="张三")
    act(item, "approve_plan", bureau.leader1, decision="approve")
    due = ready_task(item.instance_id, "submit_evidence").due_at
    local = due.astimezone(ZONE)  # the last minute of the new deadline day, Beijing time
    assert (local.date(), local.hour, local.minute) == (new, 23, 59)


def test_verification_goes_to_the_units_liaison_of_the_day(bureau):
    item = problem(bureau)
    item.unit.liaison_user_id = bureau.cadre1b.id  # the unit was handed to another cadre (R30)
    db.flush()
    to_verification(bureau, item)
    assert ready_task(item.instance_id, "verify").assignee_id == bureau.cadre1b.id


def test_an_earlier_plan_author_cannot_approve_the_plan(bureau):
    item = problem(bureau)
    act(item, "enter_plan", bureau.both1, measures="措施", responsible_person="张三")
    act(item, "approve_plan", bureau.leader1, decision="return", comment="不具体")
    unclaim_task(ready_task(item.instance_id, "enter_plan"), bureau.both1)
    act(item, "enter_plan", bureau.filer1, measures="具体措施", responsible_person="张三")
    with pytest.raises(Forbidden):
        act(item, "approve_plan", bureau.both1, decision="approve")


def test_an_uploader_of_the_evidence_cannot_verify_it(bureau, make_user):
    both = make_user("filer_and_perf", "unit_filer", "perf_staff", unit="U1")
    item = problem(bureau)
    act(item, "enter_plan", bureau.filer1, measures="措施", responsible_person="张三")
    act(item, "approve_plan", bureau.leader1, decision="approve")
    upload(item, both)
    act(item, "submit_evidence", bureau.filer1)
    unclaim_task(ready_task(item.instance_id, "verify"), bureau.cadre1)
    with pytest.raises(Forbidden):
        act(item, "verify", both, decision="pass")


def test_an_administrator_with_a_unit_role_cannot_upload(bureau, make_user):
    admin = make_user("admin_filer", "admin", "unit_filer", unit="U1")
    item = problem(bureau)
    with pytest.raises(Forbidden):
        upload(item, admin)
    assert not evidence.can_upload(item, admin)


@pytest.mark.parametrize("field,value", [
    ("deadline", "9999-12-31"), ("deadline", "1999-12-31"), ("unit_id", 10**30),
    ("unit_id", -1), ("project_id", 10**30), ("amount_involved", "1e20"),
])
def test_absurd_values_are_refused_not_crashed_on(bureau, field, value):
    with pytest.raises(InvalidInput) as err:
        problem(bureau, **{field: value})
    assert field in err.value.errors


def test_an_overlong_interviewer_is_refused(bureau):
    item = problem(bureau, severity="serious")
    with pytest.raises(InvalidInput) as err:
        act(item, "interview_serious", bureau.leader, decision="interview",
            interviewee_person="x", commitments="y", interviewer="长" * 101,
            follow_up_deadline=(rectification.today() + timedelta(days=9)).isoformat())
    assert "interviewer" in err.value.errors


def test_a_return_reaches_the_unit_in_its_notifications(bureau):
    item = problem(bureau)
    to_verification(bureau, item)
    act(item, "verify", bureau.cadre1, decision="return", comment="缺少资金归垫凭证")
    notes = db.scalars(select(Notification).where(Notification.user_id == bureau.filer1.id,
                                                  Notification.kind == "returned")).all()
    assert len(notes) == 1 and notes[0].params["reason"] == "缺少资金归垫凭证"
    assert notes[0].entity_id == item.id
