"""Worker throughput: 10,000 ledger items whose deadline ladder falls due at once.

Run: .venv/bin/python bench/worker_timers.py   (needs the local PostgreSQL; creates and drops
its own database). Records JIXIAO_BENCH_ITEMS (default 10000) problems through the real
operation (each starts a `rectification` instance), moves the clock two weeks on so every item's
D-7 pre-warning is due, then lets 1 worker (first half of the items) and 2 worker processes
(second half) fire them. Prints items recorded per second, timers fired per second, and checks
that every item got exactly one pre-warning reminder.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, update  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench.common import machine, scratch_database  # noqa: E402
from models import BudgetUnit, ProcessInstance, Reminder, User, db, transaction  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.session import bind, make_engine  # noqa: E402
from workflows import org, rectification  # noqa: E402
from workflows.deploy import deploy_directory  # noqa: E402
from workflows.engine import clock  # noqa: E402
from workflows.timers import run_once  # noqa: E402

ITEMS = int(os.environ.get("JIXIAO_BENCH_ITEMS", "10000"))
UNITS = 50
LATER = timedelta(days=14)
BATCH = 500


def seed() -> None:
    """Sections, 50 units with a filer and a leader each, the diagrams, and ITEMS problems."""
    pw = generate_password_hash("bench-password")
    with transaction():
        org.default_bureau()
        deploy_directory()
        org.add_section("S1", "教科文股", "expenditure")
        org.add_section("SP", "绩效股", "performance")
        org.add_user("cadre", "x", ["section_cadre"], section_code="S1", password_hash=pw)
        org.add_user("perf", "x", ["perf_staff"], section_code="SP", password_hash=pw)
        for u in range(UNITS):
            org.add_unit(f"U{u:03d}", f"单位{u}", "S1", "cadre")
            org.add_user(f"filer{u}", "x", ["unit_filer"], unit_code=f"U{u:03d}", password_hash=pw)
            org.add_user(f"head{u}", "x", ["unit_leader"], unit_code=f"U{u:03d}", password_hash=pw)
    deadline = (rectification.today() + timedelta(days=20)).isoformat()
    start = time.perf_counter()
    for first in range(0, ITEMS, BATCH):
        with transaction():
            perf = db.scalar(select(User).where(User.username == "perf"))
            units = dict(enumerate(db.scalars(select(BudgetUnit.id).order_by(BudgetUnit.code))))
            rectification.record_problems(perf, [
                {"source": "audit", "unit_id": units[n % UNITS], "description": f"问题 {n}",
                 "category": "funds", "deadline": deadline}
                for n in range(first, min(ITEMS, first + BATCH))])
    took = time.perf_counter() - start
    print(f"recorded {ITEMS} problems (one instance each) in {took:.1f} s "
          f"= {ITEMS / took:.0f} items/s")


def _work(url: str) -> tuple[int, float, float]:
    """One worker process: fire what is due; (count, start, end) so start-up is not timed."""
    engine = make_engine(url, pool_size=1)
    bind(engine)
    clock.travel(LATER)
    start = time.time()
    fired = run_once(limit=ITEMS)
    end = time.time()
    engine.dispose()
    return fired, start, end


def hold_back(half: str) -> None:
    """Park one half of the instances (no due timer) so each run fires the other half."""
    with transaction():
        ids = db.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id)).all()
        middle = len(ids) // 2
        parked = ids[middle:] if half == "second" else ids[:middle]
        db.execute(update(ProcessInstance).where(ProcessInstance.id.in_(parked))
                   .values(next_timer_at=None))


def main() -> None:
    """Seed, then time one worker on half the items and two workers on the other half."""
    print(f"# worker timer throughput — {machine()}")
    with scratch_database() as url:
        upgrade(url)
        engine = make_engine(url)
        bind(engine)
        seed()
        with transaction():
            due = {i: t for i, t in db.execute(select(ProcessInstance.id,
                                                      ProcessInstance.next_timer_at))}
        hold_back("second")
        ctx = multiprocessing.get_context("spawn")
        for workers in (1, 2):
            with ctx.Pool(workers) as pool:
                results = pool.map(_work, [url] * workers)
            counts = [r[0] for r in results]
            took = max(r[2] for r in results) - min(r[1] for r in results)
            print(f"workers={workers} fired={sum(counts)} per worker={counts} "
                  f"in {took:.1f} s = {sum(counts) / took:.0f} timers/s")
            if workers == 1:  # bring back the parked half with its real due times
                with transaction():
                    for ident, when in due.items():
                        db.execute(update(ProcessInstance).where(
                            ProcessInstance.id == ident, ProcessInstance.next_timer_at.is_(None),
                            ProcessInstance.status == "running")
                            .values(next_timer_at=when))
        with transaction():
            per_item = Counter(db.scalars(select(Reminder.item_id).where(
                Reminder.level == "prewarning")))
        ok = len(per_item) == ITEMS and set(per_item.values()) == {1}
        print(f"items with exactly one pre-warning: {len(per_item)} of {ITEMS} "
              f"({'ok' if ok else 'MISMATCH'})")


if __name__ == "__main__":
    main()
