"""Two worker processes against PostgreSQL with 1,000 timers falling due at once."""

import multiprocessing
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import AuditLog, ProcessInstance, Task, db, transaction
from models.session import bind, make_engine
from tests.conftest import DATA
from workflows.deploy import deploy_definition
from workflows.engine import clock, runtime
from workflows.timers import run_once

pytestmark = pytest.mark.postgresql_only
INSTANCES = 1000
LATER = timedelta(days=8)


def _work(url: str) -> int:
    """A worker process: fire everything due (eight days on), then report how many it fired."""
    engine = make_engine(url, pool_size=1)
    bind(engine)
    clock.travel(LATER)
    fired = run_once()
    engine.dispose()
    return fired


def test_each_due_timer_fires_exactly_once(committed_db):
    with transaction():
        definition, _ = deploy_definition((DATA / "timer_escalation.bpmn").read_bytes())
        for n in range(INSTANCES):
            runtime.start_instance(definition, data={}, actor_id=None, business_key=f"t:{n}",
                                   subject=f"s{n}", unit_id=None)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        counts = pool.map(_work, [committed_db, committed_db])
    assert sum(counts) == INSTANCES and all(counts)  # both workers took a share
    with transaction():
        fires = Counter(db.scalars(select(AuditLog.entity_id).where(
            AuditLog.action == "timer.fire")))
        reminders = db.scalar(select(func.count()).select_from(Task).where(
            Task.task_key == "remind", Task.status == "ready"))
        still_due = db.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.next_timer_at.is_not(None)))
    assert len(fires) == INSTANCES and set(fires.values()) == {1}
    assert reminders == INSTANCES and still_due == 0


def _lock_and_hang(url: str, instance_id: int, locked) -> None:
    """A worker that takes an instance's row lock and then hangs until it is killed."""
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT id FROM process_instance WHERE id = %s FOR UPDATE",
                             (instance_id,))
        locked.set()
        time.sleep(600)


def test_a_crashed_workers_timer_is_fired_by_another(committed_db):
    with transaction():
        definition, _ = deploy_definition((DATA / "timer_escalation.bpmn").read_bytes())
        ids = [runtime.start_instance(definition, data={}, actor_id=None, business_key=f"c:{n}",
                                      subject=f"c{n}", unit_id=None).id for n in range(3)]
    ctx = multiprocessing.get_context("spawn")
    locked = ctx.Event()
    crashed = ctx.Process(target=_lock_and_hang, args=(committed_db, ids[0], locked))
    crashed.start()
    try:
        assert locked.wait(60)
        clock.travel(LATER)
        assert run_once() == 2  # the locked one is skipped, not waited for
    finally:
        crashed.kill()  # the crash: PostgreSQL drops its connection and its lock
        crashed.join()
    try:
        fired, waited = 0, 0.0
        while not fired and waited < 30:  # PostgreSQL notices the dead client within moments
            fired = run_once()
            if not fired:
                time.sleep(0.2)
                waited += 0.2
        assert fired == 1
    finally:
        clock.reset()
    with transaction():
        fires = Counter(db.scalars(select(AuditLog.entity_id).where(
            AuditLog.action == "timer.fire")))
    assert fires == Counter({str(i): 1 for i in ids})
