"""Task completions per second over HTTP from 1, 2 and 4 client processes, plus a race.

Run: /tmp/v/bin/python bench/throughput.py   (needs the local PostgreSQL; creates and drops its
own database, starts and stops its own `gunicorn -w 4` on 127.0.0.1).

Deploys the one-task approval diagram of tests/data/approval.bpmn (candidateGroups perf_staff),
starts instances in bulk and lets client processes — each with its own perf_staff user, bearer
token and keep-alive requests.Session — POST /api/v1/tasks/<id>/complete
{"data": {"decision": "approve"}}:
  - disjoint: JIXIAO_BENCH_TASKS (default 2000) tasks split between 1, 2 and 4 clients;
    every answer must be 200;
  - race: 4 clients each try every one of JIXIAO_BENCH_RACE (default 1000) shared tasks in
    their own order; every task must be won exactly once (one 200, the others 409), checked
    in the answers and afterwards in the task, instance and audit tables.
Prints completions/s (200s over the wall time from the common start to the last client's end),
client-side p50/p95 and every status count; any status other than 200/409 is an error.
Env: JIXIAO_BENCH_WORKERS (gunicorn workers, default 4).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench.common import machine, percentiles, scratch_database  # noqa: E402
from bench.http_common import PASSWORD, gunicorn_server, load_note, token  # noqa: E402
from models import AuditLog, ProcessInstance, Task, db, transaction  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.session import bind, make_engine  # noqa: E402
from workflows import org  # noqa: E402
from workflows.deploy import deploy_definition  # noqa: E402
from workflows.engine import runtime  # noqa: E402

APPROVAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "approval.bpmn"
TASKS = int(os.environ.get("JIXIAO_BENCH_TASKS", "2000"))
RACE = int(os.environ.get("JIXIAO_BENCH_RACE", "1000"))
WORKERS = int(os.environ.get("JIXIAO_BENCH_WORKERS", "4"))
CLIENTS = (1, 2, 4)
RACERS = 4
WARMUP = 40
BODY = {"data": {"decision": "approve"}}


def seed(instances: int) -> list[int]:
    """perf_staff users perf0..perf3, the approval diagram, and that many one-task instances."""
    pw = generate_password_hash(PASSWORD)
    with transaction():
        for i in range(max(CLIENTS + (RACERS,))):
            org.add_user(f"perf{i}", "x", ["perf_staff"], password_hash=pw)
        definition, _ = deploy_definition(APPROVAL.read_bytes(), source_name=APPROVAL.name)
        definition_id = definition.id
    task_ids: list[int] = []
    for first in range(0, instances, 500):
        with transaction():
            definition = db.get(type(definition), definition_id)
            started = [runtime.start_instance(definition, data={}, actor_id=None,
                                              business_key=f"bench:{n}", subject=f"审批{n}",
                                              unit_id=None)
                       for n in range(first, min(first + 500, instances))]
            db.flush()
            task_ids += db.scalars(select(Task.id).where(
                Task.instance_id.in_([i.id for i in started])).order_by(Task.id))
    return task_ids


def client(base: str, username: str, task_ids: list[int], seed_: int | None,
           barrier, results) -> None:
    """One client process: token first, then complete its tasks as fast as it can."""
    session = requests.Session()
    token(session, base, username)
    if seed_ is not None:
        random.Random(seed_).shuffle(task_ids)
    statuses: Counter = Counter()
    won, latencies = [], []
    barrier.wait(timeout=120)
    start = time.monotonic()
    for task_id in task_ids:
        t0 = time.perf_counter()
        resp = session.post(f"{base}/api/v1/tasks/{task_id}/complete", json=BODY, timeout=60)
        latencies.append((time.perf_counter() - t0) * 1000)
        statuses[resp.status_code] += 1
        if resp.status_code == 200:
            won.append(task_id)
        elif resp.status_code != 409 and statuses[resp.status_code] == 1:
            print(f"# {username}: task {task_id} HTTP {resp.status_code} {resp.text[:200]}",
                  flush=True)
    results.put((username, start, time.monotonic(), dict(statuses), won, latencies))


def run(base: str, assignments: list[tuple[str, list[int], int | None]]) -> dict:
    """Start one process per assignment, release them together, gather their results."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(assignments)), ctx.Queue()
    procs = [ctx.Process(target=client, args=(base, user, ids, seed_, barrier, results))
             for user, ids, seed_ in assignments]
    for proc in procs:
        proc.start()
    try:
        out = _gather(procs, results)
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    statuses: Counter = Counter()
    for _user, _start, _end, counts, _won, _lat in out:
        statuses.update(counts)
    wall = max(o[2] for o in out) - min(o[1] for o in out)
    return {"wall": wall, "statuses": statuses, "won": [t for o in out for t in o[4]],
            "latency": percentiles([ms for o in out for ms in o[5]])}


def _gather(procs, results) -> list:
    out = []
    while len(out) < len(procs):
        try:
            out.append(results.get(timeout=1))
        except queue.Empty:
            failed = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            if failed:
                raise RuntimeError(f"a client process failed (exit codes {failed})") from None
    return out


def check_race(task_ids: list[int], won: list[int]) -> str:
    """Each raced task completed exactly once: in the answers and in the tables."""
    problems = []
    wins = Counter(won)
    if set(wins) != set(task_ids) or max(wins.values()) != 1:
        problems.append(f"answers: {len(set(wins))} of {len(task_ids)} tasks won, "
                        f"{sum(1 for c in wins.values() if c > 1)} won more than once")
    with transaction():
        completed = db.scalar(select(func.count()).select_from(Task).where(
            Task.id.in_(task_ids), Task.status == "completed"))
        instance_ids = select(Task.instance_id).where(Task.id.in_(task_ids))
        finished = db.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.id.in_(instance_ids), ProcessInstance.status == "completed"))
        extra_tasks = db.scalar(select(func.count()).select_from(Task).where(
            Task.instance_id.in_(instance_ids)))
        audits = db.execute(select(AuditLog.entity_id, func.count()).where(
            AuditLog.entity == "task", AuditLog.action == "complete",
            AuditLog.entity_id.in_([str(t) for t in task_ids])).group_by(AuditLog.entity_id)
        ).all()
    if completed != len(task_ids):
        problems.append(f"{completed} of {len(task_ids)} task rows completed")
    if finished != len(task_ids):
        problems.append(f"{finished} of {len(task_ids)} instances completed")
    if extra_tasks != len(task_ids):
        problems.append(f"{extra_tasks} task rows for {len(task_ids)} one-task instances")
    if len(audits) != len(task_ids) or any(n != 1 for _, n in audits):
        problems.append(f"audit: {len(audits)} tasks with a complete entry, "
                        f"{sum(1 for _, n in audits if n != 1)} with more than one")
    return "; ".join(problems) or (
        f"ok: {completed} tasks completed once each, {finished} instances completed, "
        f"one audit entry each")


def _line(label: str, result: dict, expect: set[int]) -> str:
    statuses = result["statuses"]
    others = sum(n for code, n in statuses.items() if code not in expect)
    lat = result["latency"]
    return (f"{label:<22} completions={statuses.get(200, 0):>5} wall={result['wall']:6.2f} s "
            f"rate={statuses.get(200, 0) / result['wall']:6.1f}/s p50={lat['p50']:.1f} ms "
            f"p95={lat['p95']:.1f} ms statuses={dict(sorted(statuses.items()))} "
            f"errors={others}")


def main() -> None:
    """Disjoint runs with 1, 2 and 4 clients, then the race."""
    print(f"# throughput — {machine()} — gunicorn -w {WORKERS} — {load_note()}")
    with scratch_database() as url:
        upgrade(url)
        bind(make_engine(url))
        ids = seed(WARMUP + TASKS * len(CLIENTS) + RACE)
        db.remove()
        warm, ids = ids[:WARMUP], ids[WARMUP:]
        with gunicorn_server(url, workers=WORKERS) as base:
            run(base, [(f"perf{i}", warm[i::RACERS], None) for i in range(RACERS)])
            for n, clients in enumerate(CLIENTS):
                batch = ids[n * TASKS:(n + 1) * TASKS]
                result = run(base, [(f"perf{i}", batch[i::clients], None)
                                    for i in range(clients)])
                print(_line(f"disjoint clients={clients}", result, {200}), flush=True)
            raced = ids[len(CLIENTS) * TASKS:]
            result = run(base, [(f"perf{i}", list(raced), i) for i in range(RACERS)])
            print(_line(f"race clients={RACERS}", result, {200, 409}))
        print(f"race check: {check_race(raced, result['won'])}")
        db.remove()


if __name__ == "__main__":
    main()
    print(f"# done — {load_note()}")
