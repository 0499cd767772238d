"""Inbox latency on PostgreSQL with 1k / 10k / 100k open and 1M completed tasks.

Run: .venv/bin/python bench/inbox_latency.py   (needs the local PostgreSQL; creates and drops
its own database). Prints p50/p95 of `list_inbox` (one page + counts) per role.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench.common import machine, percentiles, scratch_database  # noqa: E402
from models import User, db, transaction  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.session import bind, make_engine  # noqa: E402
from workflows import org  # noqa: E402
from workflows.deploy import deploy_directory  # noqa: E402
from workflows.tasks import list_inbox  # noqa: E402

UNITS, SECTIONS, COMPLETED = 236, 10, 1_000_000
SIZES = tuple(int(s) for s in os.environ.get("JIXIAO_BENCH_SIZES", "1000,10000,100000").split(","))
REPEAT = 300
# candidate group, whether tasks go to the unit's liaison, share of the open tasks
TASK_MIX = [("fill_sheet", "unit_filer", False), ("gate1_unit_review", "unit_leader", False),
            ("gate2_section_review", "section_cadre", True),
            ("gate3_performance_review", "perf_staff", False)]


def seed_org() -> None:
    """236 units over 10 expenditure sections, one filer/leader per unit, cadres, perf staff."""
    pw = generate_password_hash("bench-password")
    for s in range(SECTIONS):
        org.add_section(f"S{s}", f"支出股{s}", "expenditure")
        org.add_user(f"cadre{s}", "x", ["section_cadre"], section_code=f"S{s}", password_hash=pw)
    org.add_section("SP", "绩效股", "performance")
    org.add_user("perf", "x", ["perf_staff"], section_code="SP", password_hash=pw)
    for u in range(UNITS):
        org.add_unit(f"U{u:03d}", f"单位{u}", f"S{u % SECTIONS}", f"cadre{u % SECTIONS}")
        org.add_user(f"filer{u}", "x", ["unit_filer"], unit_code=f"U{u:03d}", password_hash=pw)
        org.add_user(f"head{u}", "x", ["unit_leader"], unit_code=f"U{u:03d}", password_hash=pw)
    deploy_directory()


FILL_SQL = """
INSERT INTO process_instance (definition_id, process_key, business_key, subject, unit_id, status,
    state, serializer_version, lock_version, started_at, updated_at)
SELECT 1, 'goal_declaration', 'bench:' || g, '项目' || g, 1 + (g % :units),
    CAST(:status AS varchar), '{}', 'x', 1,
    now(), now()
FROM generate_series(:first, :last) g;
INSERT INTO task (instance_id, task_guid, task_key, name, process_key, business_key, subject,
    form_key, unit_id, section_id, candidate_groups, assignee_id, priority, due_at, status,
    created_at, completed_at)
SELECT pi.id, md5(pi.id::text), m.key, m.key, 'goal_declaration', pi.business_key, pi.subject,
    '', pi.unit_id, u.expenditure_section_id, m.role,
    CASE WHEN m.liaison THEN u.liaison_user_id END, 50,
    now() + ((pi.id % 20) - 5) * interval '1 day', CAST(:task_status AS varchar), now(),
    CASE WHEN CAST(:task_status AS varchar) = 'completed' THEN now() END
FROM process_instance pi
JOIN budget_unit u ON u.id = pi.unit_id
JOIN (VALUES (0, 'fill_sheet', 'unit_filer', false), (1, 'gate1_unit_review', 'unit_leader', false),
             (2, 'gate2_section_review', 'section_cadre', true),
             (3, 'gate3_performance_review', 'perf_staff', false)) AS m(n, key, role, liaison)
  ON m.n = (pi.id / :units) % 4
WHERE pi.id BETWEEN :first AND :last;
INSERT INTO task_candidate (task_id, role_code, unit_id, section_id, due_at)
SELECT t.id, t.candidate_groups, t.unit_id, t.section_id, t.due_at FROM task t
WHERE t.instance_id BETWEEN :first AND :last AND t.status = 'ready'
  AND t.assignee_id IS NULL;
"""


def add_tasks(first: int, last: int, status: str) -> None:
    """Insert instances first..last with one task each, in bulk."""
    for stmt in FILL_SQL.split(";\n"):
        if stmt.strip():
            db.execute(text(stmt), {"units": UNITS, "first": first, "last": last,
                                    "status": "running" if status == "ready" else "completed",
                                    "task_status": status})


def measure(usernames: list[str]) -> dict[str, dict[str, float]]:
    """p50/p95 of one inbox page with counts, per user."""
    results = {}
    for username in usernames:
        samples = []
        for _ in range(REPEAT):
            with transaction():
                user = db.scalar(select(User).where(User.username == username))
                start = time.perf_counter()
                page = list_inbox(user, scope="mine")
                samples.append((time.perf_counter() - start) * 1000)
        results[username] = {**percentiles(samples), "total": page.total}
    return results


def main() -> None:
    """Grow the task table step by step and measure at each size."""
    print(f"# inbox latency — {machine()}")
    with scratch_database() as url:
        upgrade(url)
        engine = make_engine(url)
        bind(engine)
        with transaction():
            seed_org()
        with transaction():
            add_tasks(1, COMPLETED, "completed")
        next_id, open_count = COMPLETED + 1, 0
        for size in SIZES:
            with transaction():
                add_tasks(next_id, next_id + size - open_count - 1, "ready")
            next_id += size - open_count
            open_count = size
            # What autovacuum does on a live database: statistics and the visibility map
            # (index-only scans need the latter).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE task, task_candidate"))
            for user, r in measure(["filer7", "head7", "cadre3", "perf"]).items():
                print(f"open={size:>7} completed={COMPLETED} user={user:<7} "
                      f"visible={r['total']:>6} p50={r['p50']:.2f} ms p95={r['p95']:.2f} ms")


if __name__ == "__main__":
    main()
