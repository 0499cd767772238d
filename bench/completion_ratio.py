"""One gate-1 approval over HTTP against gunicorn vs bare SpiffWorkflow doing the same step.

Run: /tmp/v/bin/python bench/completion_ratio.py [--profile]   (needs the local PostgreSQL;
creates and drops its own database, starts and stops its own gunicorn on 127.0.0.1).

Prints p50/p95 of, for the same step of bpmn/goal_declaration.bpmn (gate 1 approve → gate 2):
  - bare SpiffWorkflow: deserialize_json → decision=approve → run → do_engine_steps →
    serialize_json (CamundaParser, BpmnWorkflowSerializer with the spec embedded);
  - the engine facade: workflows.engine.store load_state → same step → dump_state (pinned spec,
    restricted script engine), in memory;
  - HTTP: the same POST to `gunicorn -w 1` with a requests.Session, client-side latency;
bare and facade first in a tight loop, then bare, facade and HTTP one of each in turn per round
(so that drift in the machine's speed hits all alike), and the HTTP p50 / bare p50 ratio
(target ≤ 5×) against both bare figures; also the server's floor, a GET /api/v1/tasks without a
token (401: Flask, routing and HTTP, no database).
With --profile it then times the same POST through app.test_client() in this process (the app
without HTTP and gunicorn), groups its SQL statements by the function that issued them, and
cProfiles a few more completions to show where the server-side time goes
(JIXIAO_BENCH_VERBOSE=1: the top functions too).
Env: JIXIAO_BENCH_N (default 300) completions per measurement.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # noqa: E402
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from bench.common import machine, percentiles, scratch_database  # noqa: E402
from bench.http_common import (  # noqa: E402
    GOOD_SHEET,
    PASSWORD,
    gunicorn_server,
    load_note,
    seed_bureau,
    token,
)
from models import Project, Task, User, db, transaction  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.session import bind, make_engine  # noqa: E402
from workflows.deploy import BPMN_DIR  # noqa: E402
from workflows.engine.parser import build_specs  # noqa: E402
from workflows.engine.store import (  # noqa: E402
    SERIALIZER_VERSION,
    dump_state,
    load_state,
    new_workflow,
)
from workflows.goal_review import start_goal_declaration  # noqa: E402
from workflows.tasks import complete_user_task  # noqa: E402

N = int(os.environ.get("JIXIAO_BENCH_N", "300"))
WARMUP = 20
PROFILED = 100
OUR_CODE = ("workflows", "webapp", "models")
BPMN = BPMN_DIR / "goal_declaration.bpmn"
START_DATA = {"project_id": 1, "sheet_id": 1, "unit_id": 1, "liaison_user": "cadre"}
APPROVE = {"decision": "approve", "comment": "ok"}
# Functions whose cumulative time --profile reports per request: (label, file part, function).
HOT = [
    ("whole request (Flask wsgi_app)", "flask/app.py", "wsgi_app"),
    ("  the view (api/tasks.py complete)", "api/tasks.py", "complete"),
    ("  bearer token → user (itsdangerous + SELECT user)", "auth/tokens.py", "user_from_token"),
    ("  complete_user_task", "workflows/tasks.py", "complete_user_task"),
    ("    lock instance + refresh task (_lock_ready)", "workflows/tasks.py", "_lock_ready"),
    ("    goal review form handler (R7–R11)", "workflows/goal_review.py", "review_sheet"),
    ("    runtime.complete_task", "engine/runtime.py", "complete_task"),
    ("      load_state (JSON → workflow)", "engine/store.py", "load_state"),
    ("      task.run + do_engine_steps", "engine/runtime.py", "advance"),
    ("      dump_state (workflow → JSON)", "engine/store.py", "dump_state"),
    ("      _project (task table sync)", "engine/runtime.py", "_project"),
    ("      audit record", "workflows/audit.py", "record"),
    ("  instance_view (response: ready tasks + history)", "workflows/instances.py",
     "instance_view"),
    ("  task_cards (response labels)", "api/presenters.py", "task_cards"),
    ("  marshmallow dump of the response", "marshmallow/schema.py", "dump"),
    ("  commit (after_request)", "models/session.py", "finish"),
    ("SQLAlchemy: every Session.execute (queries, lazy loads)", "orm/session.py",
     "_execute_internal"),
    ("SQLAlchemy: every flush (INSERT/UPDATE/DELETE)", "orm/session.py", "flush"),
    ("psycopg: execute (driver + round trip)", "psycopg/cursor.py", "execute"),
]


def gate1_tasks(project_ids: list[int]) -> list[int]:
    """Start one declaration per project and fill it: returns the ready gate-1 task ids."""
    ids = []
    for chunk in range(0, len(project_ids), 50):
        with transaction():
            filer = db.scalar(select(User).where(User.username == "filer"))
            for project_id in project_ids[chunk:chunk + 50]:
                instance = start_goal_declaration(db.get(Project, project_id), filer)
                fill = db.scalar(select(Task).where(Task.instance_id == instance.id,
                                                    Task.status == "ready"))
                complete_user_task(fill, filer, {"sheet": GOOD_SHEET})
                db.flush()
                ids.append(db.scalar(select(Task.id).where(
                    Task.instance_id == instance.id, Task.status == "ready",
                    Task.task_key == "gate1_unit_review")))
    return ids


def _ready_user_task(workflow):
    return workflow.get_tasks(state=TaskState.READY, manual=True)[0]


def _to_gate1(workflow) -> None:
    workflow.task_tree.data.update(START_DATA)
    for start in workflow.get_tasks(state=TaskState.READY):
        start.data.update(START_DATA)
    workflow.do_engine_steps()
    fill = _ready_user_task(workflow)
    fill.data["decision"] = "submit"
    fill.run()
    workflow.do_engine_steps()
    assert _ready_user_task(workflow).task_spec.bpmn_id == "gate1_unit_review"


def _timed(step) -> float:
    start = time.perf_counter()
    step()
    return (time.perf_counter() - start) * 1000


def bare_spiff():
    """Bare SpiffWorkflow: CamundaParser, default serializer (spec embedded), default engine.
    Returns a function doing one gate-1 approval from the stored JSON."""
    parser = CamundaParser()
    parser.add_bpmn_file(str(BPMN))
    workflow = BpmnWorkflow(parser.get_spec("goal_declaration"),
                            parser.get_subprocess_specs("goal_declaration"))
    _to_gate1(workflow)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
    state = serializer.serialize_json(workflow)

    def step():
        wf = serializer.deserialize_json(state)
        task = _ready_user_task(wf)
        task.data["decision"] = "approve"
        task.run()
        wf.do_engine_steps()
        serializer.serialize_json(wf)
        return wf

    assert _ready_user_task(step()).task_spec.bpmn_id == "gate2_section_review"
    return step


def engine_facade():
    """The same step through workflows.engine.store (pinned spec, restricted engine)."""
    specs = build_specs(BPMN.read_bytes(), "goal_declaration")
    workflow = new_workflow(specs)
    _to_gate1(workflow)
    state = dump_state(workflow)

    def step():
        wf = load_state(state, SERIALIZER_VERSION, specs)
        task = _ready_user_task(wf)
        task.data.update({"decision": "approve"})
        task.run()
        wf.do_engine_steps()
        dump_state(wf)
        return wf

    assert _ready_user_task(step()).task_spec.bpmn_id == "gate2_section_review"
    return step


def over_http(base: str):
    """One gate-1 approval over HTTP on a requests.Session (keep-alive if the server allows)."""
    session = requests.Session()
    token(session, base, "leader")

    def step(task_id: int):
        resp = session.post(f"{base}/api/v1/tasks/{task_id}/complete", json=APPROVE, timeout=30)
        if resp.status_code != 200:
            raise RuntimeError(f"task {task_id}: HTTP {resp.status_code} {resp.text[:300]}")
        return resp

    return step


def measure(base: str, task_ids: list[int]) -> dict[str, list[float]]:
    """Bare and facade steps first in a tight loop (warm caches: the engine's best case), then
    bare, facade and HTTP in turn, one of each per round, so that drift in the machine's speed
    hits all three alike and the engine runs between requests as it would in a server."""
    bare, facade, http = bare_spiff(), engine_facade(), over_http(base)
    samples: dict[str, list[float]] = {
        "bare_loop": [_timed(bare) for _ in range(WARMUP + N)][WARMUP:],
        "facade_loop": [_timed(facade) for _ in range(WARMUP + N)][WARMUP:],
        "bare": [], "facade": [], "http": []}
    answers = []
    for i, task_id in enumerate(task_ids):
        round_ = {"bare": _timed(bare), "facade": _timed(facade),
                  "http": _timed(lambda t=task_id: answers.append(http(t)))}
        if i >= WARMUP:
            for key, ms in round_.items():
                samples[key].append(ms)
    next_task = answers[-1].json()["instance"]["tasks"][0]["task_key"]
    assert next_task == "gate2_section_review", next_task
    floor = requests.Session()  # the same server's fixed cost: a 401 touches no database
    samples["floor"] = [_timed(lambda: floor.get(f"{base}/api/v1/tasks", timeout=30))
                        for _ in range(WARMUP + N)][WARMUP:]
    return samples


def _client(url: str):
    from webapp import create_app
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret"})
    client = app.test_client()
    resp = client.post("/api/v1/auth/token", json={"username": "leader", "password": PASSWORD})
    return app, client, {"Authorization": f"Bearer {resp.get_json()['token']}"}


def in_process(client, headers: dict, task_ids: list[int]) -> list[float]:
    """The same POST through the Flask test client: the app without HTTP and gunicorn."""
    samples = []
    for task_id in task_ids:
        start = time.perf_counter()
        resp = client.post(f"/api/v1/tasks/{task_id}/complete", json=APPROVE, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        if resp.status_code != 200:
            raise RuntimeError(f"task {task_id}: HTTP {resp.status_code} {resp.get_data()[:300]}")
    return samples


def _our_caller() -> str:
    """The innermost frame of workflows/ or webapp/ on the stack: who issued a statement."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if any(f"/{part}/" in name for part in OUR_CODE) and "/site-packages/" not in name:
            return f"{Path(name).parent.name}/{Path(name).name}:{frame.f_code.co_name}"
        frame = frame.f_back
    return "?"


def sql_breakdown(app, client, headers: dict, task_ids: list[int]) -> None:
    """Time each statement's execute (driver round trip) and group them by issuing function."""
    engine = app.extensions["jixiao_engine"]
    rows: list[list] = []

    def before(conn, cursor, statement, *args):
        rows.append([_our_caller(), statement.split(None, 1)[0].upper(), time.perf_counter()])

    def after(conn, cursor, statement, *args):
        rows[-1][2] = (time.perf_counter() - rows[-1][2]) * 1000

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    wall = sum(in_process(client, headers, task_ids))
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    n = len(task_ids)
    print(f"\n# SQL per completion ({n} in-process completions, statement timing on): "
          f"{len(rows) / n:.1f} statements, {sum(r[2] for r in rows) / n:.2f} ms in execute "
          f"of {wall / n:.2f} ms per request")
    groups: dict[str, list] = {}
    for caller, kind, ms in rows:
        group = groups.setdefault(caller, [0, 0.0, set()])
        group[0] += 1
        group[1] += ms
        group[2].add(kind)
    for caller, (count, ms, kinds) in sorted(groups.items(), key=lambda g: -g[1][1]):
        print(f"  {caller:<48} {count / n:5.1f} stmts {ms / n:6.2f} ms  "
              f"{'/'.join(sorted(kinds))}")


def profile(client, headers: dict, task_ids: list[int]) -> None:
    """cProfile in-process completions; print the cumulative time of the hot spots."""
    profiler = cProfile.Profile()
    profiler.enable()
    in_process(client, headers, task_ids)
    profiler.disable()
    n = len(task_ids)
    stats = pstats.Stats(profiler)
    print(f"\n# cProfile: {n} in-process completions (the profiler inflates Python time; "
          "read the shares)")
    whole = None
    for label, file_part, func in HOT:
        total = sum(row[3] for (fname, _line, name), row in stats.stats.items()
                    if name == func and file_part in fname)
        whole = whole or total
        print(f"  {label:<58} {total / n * 1000:6.2f} ms {100 * total / whole:5.1f} %")
    if os.environ.get("JIXIAO_BENCH_VERBOSE"):
        stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    """Set up N gate-1 tasks, then time HTTP, bare and facade completions in turn."""
    want_profile = "--profile" in sys.argv[1:]
    print(f"# completion ratio — {machine()} — {load_note()}")
    with scratch_database() as url:
        upgrade(url)
        bind(make_engine(url))
        extra = 3 * PROFILED if want_profile else 0
        with transaction():
            project_ids = seed_bureau(WARMUP + N + extra)
        tasks = gate1_tasks(project_ids)
        db.remove()
        http_ids, rest = tasks[:WARMUP + N], tasks[WARMUP + N:]
        with gunicorn_server(url, workers=1) as base:
            samples = measure(base, http_ids)
        p = {key: percentiles(values) for key, values in samples.items()}
        for key, label in (("bare_loop", "bare SpiffWorkflow, tight loop"),
                           ("facade_loop", "engine facade, tight loop"),
                           ("bare", "bare SpiffWorkflow, in turn"),
                           ("facade", "engine facade, in turn"),
                           ("http", "HTTP (gunicorn -w 1), in turn"),
                           ("floor", "HTTP floor: GET /tasks → 401")):
            print(f"{label:<31} n={N} p50={p[key]['p50']:6.2f} ms p95={p[key]['p95']:6.2f} ms "
                  f"max={p[key]['max']:6.2f} ms")
        http = p["http"]["p50"]
        print(f"ratio HTTP p50 / bare p50 = {http / p['bare_loop']['p50']:.1f}x against the tight "
              f"loop, {http / p['bare']['p50']:.1f}x against bare in turn (target <= 5x)")
        if want_profile:
            app, client, headers = _client(url)
            plain = percentiles(in_process(client, headers, rest[:PROFILED]))
            print(f"in process (test_client) n={PROFILED} p50={plain['p50']:.2f} ms "
                  f"p95={plain['p95']:.2f} ms")
            sql_breakdown(app, client, headers, rest[PROFILED:2 * PROFILED])
            profile(client, headers, rest[2 * PROFILED:])
            app.extensions["jixiao_engine"].dispose()
        db.remove()


if __name__ == "__main__":
    main()
    print(f"# done — {load_note()}")
