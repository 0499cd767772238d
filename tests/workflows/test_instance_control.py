"""Suspend, resume and terminate an instance: administrators only, with a reason, audited;
a suspended instance's tasks leave the inboxes and its timers wait; terminated is final."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditLog, ProcessInstance, Task, TaskCandidate, db
from tests.evaluation_support import open_keys, propose, run_timers
from workflows.engine import clock
from workflows.errors import Conflict, Forbidden, InvalidInput
from workflows.instance_control import control_instance
from workflows.tasks import complete_user_task, list_inbox


def statuses(instance_id: int) -> list[str]:
    return sorted(db.scalars(select(Task.status).where(Task.instance_id == instance_id)))


def test_suspend_hides_the_tasks_and_holds_the_timers_then_resume_gives_them_back(ke):
    ev = propose(ke)
    control_instance(ke.o.admin, ev.instance_id, "suspend", "审计局要求暂缓")
    assert statuses(ev.instance_id) == ["suspended"]
    assert list_inbox(ke.auditor).items == []
    assert db.scalar(select(TaskCandidate.task_id)) is None
    task = db.scalar(select(Task).where(Task.instance_id == ev.instance_id))
    with pytest.raises(Conflict):  # its task cannot be worked meanwhile
        complete_user_task(task, ke.auditor, {"opinion": "同意"})
    clock.travel(timedelta(days=30))
    assert run_timers() == 0  # the consultation does not lapse while suspended
    control_instance(ke.o.admin, ev.instance_id, "resume", "恢复办理")
    assert [t.task_key for t in list_inbox(ke.auditor).items] == ["consult_pre"]
    assert run_timers() == 1 and open_keys(ev) == ["approve_list"]  # the lapse fires now
    trail = db.scalars(select(AuditLog.action).where(
        AuditLog.entity == "process_instance", AuditLog.entity_id == str(ev.instance_id),
        AuditLog.actor_id == ke.o.admin.id)).all()
    assert trail == ["suspend", "resume"]


def test_terminate_cancels_the_tasks_for_good(ke):
    ev = propose(ke)
    control_instance(ke.o.admin, ev.instance_id, "terminate", "对象已撤销")
    assert statuses(ev.instance_id) == ["cancelled"]
    instance = db.get(ProcessInstance, ev.instance_id)
    assert (instance.status, instance.next_timer_at) == ("terminated", None)
    for action in ("resume", "suspend", "terminate"):
        with pytest.raises(Conflict):
            control_instance(ke.o.admin, ev.instance_id, action, "再试")


def test_only_administrators_with_a_reason(ke):
    ev = propose(ke)
    for user in (ke.o.perfchief, ke.o.leader, ke.auditor):
        with pytest.raises(Forbidden):
            control_instance(user, ev.instance_id, "suspend", "理由")
    for reason in ("", "   ", None, "x" * 2001):
        with pytest.raises(InvalidInput) as err:
            control_instance(ke.o.admin, ev.instance_id, "suspend", reason)
        assert "reason" in err.value.errors
    with pytest.raises(InvalidInput):
        control_instance(ke.o.admin, ev.instance_id, "pause", "理由")
    assert statuses(ev.instance_id) == ["ready"]
