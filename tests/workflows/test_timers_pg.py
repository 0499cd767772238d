"""Two worker processes against PostgreSQL with 1,000 timers falling due at once."""

import multiprocessing
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
