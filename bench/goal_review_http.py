"""A whole goal review over HTTP: start, fill, gates 1/2/3, repeated sequentially.

Run: /tmp/v/bin/python bench/goal_review_http.py   (needs the local PostgreSQL; creates and drops
its own database, starts and stops its own `gunicorn -w 1` on 127.0.0.1).

Each review is five requests on keep-alive requests.Sessions, one bearer token per role:
POST /api/v1/process-instances as the filer, then POST /api/v1/tasks/<id>/complete with a valid
sheet (filer), approve (unit leader), approve rated good (the unit's liaison cadre), approve
rated excellent (perf staff); each step takes the next task id from the previous response.
Prints per-review total p50/p95 and each step's mean/p50/p95 (client-side).
Env: JIXIAO_BENCH_REVIEWS (default 50).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from bench.common import machine, percentiles, scratch_database  # noqa: E402
from bench.http_common import (  # noqa: E402
    GOOD_SHEET,
    gunicorn_server,
    load_note,
    seed_bureau,
    token,
)
from models import db, transaction  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.session import bind, make_engine  # noqa: E402

REVIEWS = int(os.environ.get("JIXIAO_BENCH_REVIEWS", "50"))
WARMUP = 3
# step name, role's username, body; the step's task must be the instance's only ready task.
STEPS = [
    ("fill_sheet", "filer", {"sheet": GOOD_SHEET}),
    ("gate1_unit_review", "leader", {"decision": "approve", "comment": "单位同意"}),
    ("gate2_section_review", "cadre", {"decision": "approve", "comment": "金额匹配",
                                       "rating": "good"}),
    ("gate3_performance_review", "perf", {"decision": "approve", "comment": "指标完整",
                                          "rating": "excellent"}),
]


def _post(session: requests.Session, url: str, body: dict, expect: int) -> tuple[dict, float]:
    start = time.perf_counter()
    resp = session.post(url, json=body, timeout=30)
    elapsed = (time.perf_counter() - start) * 1000
    if resp.status_code != expect:
        raise RuntimeError(f"POST {url}: HTTP {resp.status_code} {resp.text[:300]}")
    return resp.json(), elapsed


def one_review(base: str, sessions: dict[str, requests.Session], project_id: int
               ) -> dict[str, float]:
    """Drive one declaration from start to approval; return ms per step."""
    times = {}
    instance, times["start"] = _post(sessions["filer"], f"{base}/api/v1/process-instances",
                                     {"process_key": "goal_declaration",
                                      "data": {"project_id": project_id}}, 201)
    for step, username, body in STEPS:
        (task,) = instance["tasks"]
        if task["task_key"] != step:
            raise RuntimeError(f"expected {step}, the instance waits at {task['task_key']}")
        done, times[step] = _post(sessions[username],
                                  f"{base}/api/v1/tasks/{task['id']}/complete", body, 200)
        instance = done["instance"]
    if instance["status"] != "completed" or instance["tasks"]:
        raise RuntimeError(f"review did not complete: {instance['status']}")
    return times


def main() -> None:
    """Seed a unit with REVIEWS projects and run one full review per project."""
    print(f"# goal review over HTTP — {machine()} — {load_note()}")
    with scratch_database() as url:
        upgrade(url)
        bind(make_engine(url))
        with transaction():
            project_ids = seed_bureau(WARMUP + REVIEWS)
        db.remove()
        with gunicorn_server(url, workers=1) as base:
            sessions = {}
            for username in ("filer", "leader", "cadre", "perf"):
                sessions[username] = requests.Session()
                token(sessions[username], base, username)
            runs = [one_review(base, sessions, pid) for pid in project_ids]
        db.remove()
    runs = runs[WARMUP:]
    totals = percentiles([sum(r.values()) for r in runs])
    print(f"whole review (5 requests) n={len(runs)} p50={totals['p50']:.1f} ms "
          f"p95={totals['p95']:.1f} ms max={totals['max']:.1f} ms")
    for step in runs[0]:
        samples = [r[step] for r in runs]
        p = percentiles(samples)
        print(f"  {step:<26} mean={statistics.fmean(samples):6.1f} ms p50={p['p50']:6.1f} ms "
              f"p95={p['p95']:6.1f} ms")


if __name__ == "__main__":
    main()
    print(f"# done — {load_note()}")
