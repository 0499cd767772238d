"""Several processes complete the same tasks at once on PostgreSQL: each completes exactly once."""

import multiprocessing
import random
from collections import Counter

import pytest
from sqlalchemy import func, select

from models import AuditLog, ProcessInstance, Task, User, db, transaction
from models.session import bind, make_engine
from tests.conftest import DATA, PASSWORD_HASH
from workflows import org
from workflows.deploy import deploy_definition
from workflows.engine import runtime
from workflows.errors import Conflict
from workflows.tasks import complete_user_task

pytestmark = pytest.mark.postgresql_only
WORKERS = 4
INSTANCES = 60


def _complete_all(url: str, username: str, task_ids: list[int], seed: int) -> list[int]:
    """Worker process: try to complete every task; return the ids this process completed."""
    engine = make_engine(url, pool_size=1)
    bind(engine)
    random.Random(seed).shuffle(task_ids)
    won = []
    for task_id in task_ids:
        try:
            with transaction():
                user = db.scalar(select(User).where(User.username == username))
                task = db.get(Task, task_id)
                complete_user_task(task, user, {"data": {"decision": "approve"}})
            won.append(task_id)
        except Conflict:
            pass
    engine.dispose()
    return won


def test_each_task_is_completed_exactly_once(committed_db):
    with transaction():
        for i in range(WORKERS):
            org.add_user(f"perf{i}", "x", ["perf_staff"], password_hash=PASSWORD_HASH)
        definition, _ = deploy_definition((DATA / "approval.bpmn").read_bytes())
        instances = [runtime.start_instance(definition, data={}, actor_id=None,
                                            business_key=f"test:{n}", subject=f"s{n}",
                                            unit_id=None) for n in range(INSTANCES)]
        db.flush()
        task_ids = list(db.scalars(select(Task.id).where(
            Task.instance_id.in_([i.id for i in instances]))))
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(WORKERS) as pool:
        results = pool.starmap(_complete_all, [(committed_db, f"perf{i}", list(task_ids), i)
                                               for i in range(WORKERS)])
    wins = Counter(task_id for won in results for task_id in won)
    assert sorted(wins) == sorted(task_ids)
    assert set(wins.values()) == {1}
    assert sum(1 for won in results if won) >= 2  # the processes really did race
    with transaction():
        statuses = Counter(db.scalars(select(ProcessInstance.status)))
        completions = db.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.entity == "task", AuditLog.action == "complete"))
        done = db.scalar(select(func.count()).select_from(Task).where(
            Task.status == "completed", Task.completed_by_id.is_not(None)))
    assert statuses == {"completed": INSTANCES}
    assert completions == done == INSTANCES


def _save_variant(url: str, n: int) -> str:
    """Worker process: save the n-th variant of one diagram; 'v<N>' or 'conflict'."""
    from workflows.process_editor import save_definition

    engine = make_engine(url, pool_size=1)
    bind(engine)
    xml = (DATA / "approval.bpmn").read_text().replace("Tiny approval", f"Tiny approval {n}")
    try:
        with transaction():
            admin = db.scalar(select(User).where(User.username == "admin"))
            outcome = f"v{save_definition(admin, xml).version}"
    except Conflict:
        outcome = "conflict"
    engine.dispose()
    return outcome


def test_concurrent_saves_of_one_process_number_versions_without_gaps(committed_db):
    with transaction():
        org.add_user("admin", "x", ["admin"], password_hash=PASSWORD_HASH)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(WORKERS) as pool:
        outcomes = pool.starmap(_save_variant, [(committed_db, n) for n in range(WORKERS * 3)])
    saved = sorted(int(o[1:]) for o in outcomes if o != "conflict")
    assert saved == list(range(1, len(saved) + 1))  # each number once, none skipped
    assert set(outcomes) <= {"conflict", *(f"v{n}" for n in saved)}
    with transaction():
        versions = db.scalars(select(func.count()).select_from(AuditLog)
                              .where(AuditLog.action == "deploy")).one()
    assert versions == len(saved)
