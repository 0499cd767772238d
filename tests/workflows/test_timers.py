"""BPMN timers: due times on the instance row, fired by the worker once, on a movable clock."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import AuditLog, ProcessInstance, Task, db
from tests.conftest import DATA
from workflows.deploy import deploy_definition
from workflows.engine import clock, runtime
from workflows.engine.evaluator import UnsafeExpression, check_expression
from workflows.timers import fire_next_due


@pytest.fixture(autouse=True)
def real_time_afterwards():
    yield
    clock.reset()


@pytest.fixture
def instance(bureau):
    definition = deploy_definition((DATA / "timer_escalation.bpmn").read_bytes())[0]
    return runtime.start_instance(definition, data={}, actor_id=None, business_key="t:1",
                                  subject="deadline", unit_id=None)


def ready_keys(instance_id):
    return sorted(db.scalars(select(Task.task_key).where(Task.instance_id == instance_id,
                                                         Task.status == "ready")))


def fired(instance_id):
    return db.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity == "process_instance", AuditLog.entity_id == str(instance_id),
        AuditLog.action == "timer.fire"))


def test_bare_iso_durations_and_camunda_variables_are_accepted():
    for text in ("P7D", "PT12H", "R3/PT1H", "2026-12-01T00:00:00Z", "${deadline}"):
        check_expression(text)
    with pytest.raises(UnsafeExpression):
        check_expression("${__import__}")


def test_due_time_is_kept_on_the_instance(instance):
    due = clock.now() + timedelta(days=7)
    assert abs(instance.next_timer_at - due) < timedelta(minutes=1)


def test_timer_fires_once_when_due(instance):
    assert fire_next_due() is None  # nothing due yet
    assert ready_keys(instance.id) == ["rectify"]
    clock.travel(timedelta(days=7, minutes=1))
    assert fire_next_due() == instance.id
    assert ready_keys(instance.id) == ["rectify", "remind"]  # non-interrupting: both wait
    assert instance.next_timer_at is None
    assert fire_next_due() is None and fired(instance.id) == 1


def test_worker_back_after_downtime_fires_what_fell_due(instance):
    clock.travel(timedelta(days=40))
    assert fire_next_due() == instance.id
    assert ready_keys(instance.id) == ["rectify", "remind"]


def test_completing_before_the_deadline_cancels_the_timer(instance, bureau):
    from tests.conftest import ready_task
    from workflows.tasks import complete_user_task
    complete_user_task(ready_task(instance.id, "rectify"), bureau.perf, {"data": {}})
    assert instance.status == "completed" and instance.next_timer_at is None
    clock.travel(timedelta(days=8))
    assert fire_next_due() is None


def test_timers_on_a_date_fire_too(bureau):
    definition = deploy_definition((DATA / "timer_date.bpmn").read_bytes())[0]
    instance = runtime.start_instance(definition, data={}, actor_id=None, business_key="t:2",
                                      subject="date", unit_id=None)
    assert instance.next_timer_at.isoformat().startswith("2030-01-01T00:00:00")
    clock.travel(instance.next_timer_at - clock.now() + timedelta(minutes=1))
    assert fire_next_due() == instance.id
    assert ready_keys(instance.id) == ["rectify", "remind"]


def test_a_broken_instance_does_not_stop_the_worker(instance, bureau):
    from workflows.timers import run_once
    definition = deploy_definition((DATA / "timer_escalation.bpmn").read_bytes())[0]
    healthy = runtime.start_instance(definition, data={}, actor_id=None, business_key="t:3",
                                     subject="ok", unit_id=None)
    instance.serializer_version = "spiff-0.9"  # an old format this build cannot read
    broken_id, healthy_id = instance.id, healthy.id
    db.commit()  # the worker's failed transaction must not take the set-up with it
    clock.travel(timedelta(days=8))
    assert run_once() == 1
    assert ready_keys(healthy_id) == ["rectify", "remind"]
    postponed = db.get(ProcessInstance, broken_id).next_timer_at
    assert postponed > clock.now()  # postponed, not retried in a hot loop
