"""The process editor's server side: checking and deploying a diagram, and migrating instances.

Run: .venv/bin/python bench/process_editing.py   (needs the local PostgreSQL; creates and drops
its own database). Saves each bundled diagram 20 times as an administrator would (each save a
real change, so each is parsed, checked and deployed as a new version), then starts
JIXIAO_BENCH_INSTANCES (default 1000) instances of a small approval process, deploys a version
with one more step, and times the dry run and the move of all of them in one request.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.common import machine, scratch_database  # noqa: E402
from models import ProcessInstance, User, db, transaction  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.session import bind, make_engine  # noqa: E402
from workflows import org  # noqa: E402
from workflows.deploy import BPMN_DIR, deploy_directory, latest_definition  # noqa: E402
from workflows.engine import runtime  # noqa: E402
from workflows.process_editor import save_definition  # noqa: E402
from workflows.process_migration import migrate_instances, migration_plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = int(os.environ.get("JIXIAO_BENCH_INSTANCES", "1000"))
SAVES = 20
APPROVAL = (ROOT / "tests" / "data" / "approval.bpmn").read_text()
CHECK_STEP = (
    '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="check" />'
    '<bpmn:userTask id="check" name="Check" camunda:candidateGroups="perf_chief" />'
    '<bpmn:sequenceFlow id="f_check" sourceRef="check" targetRef="decide" />')
CHECK_DI = (
    '<bpmndi:BPMNShape id="check_di" bpmnElement="check"><dc:Bounds x="230" y="300" '
    'width="100" height="80"/></bpmndi:BPMNShape><bpmndi:BPMNEdge id="f_check_di" '
    'bpmnElement="f_check"><di:waypoint x="330" y="340"/><di:waypoint x="440" y="165"/>'
    '</bpmndi:BPMNEdge></bpmndi:BPMNPlane>')


def admin() -> User:
    return db.scalar(select(User).where(User.username == "admin"))


def time_saves() -> None:
    """Each bundled diagram saved SAVES times, each time changed (a comment: a new version)."""
    print("| diagram | KB | save p50 ms | save max ms |")
    print("|---|---:|---:|---:|")
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        xml = path.read_text()
        key = path.stem
        samples = []
        for n in range(SAVES):
            changed = xml.replace("<bpmn:process ", f"<!-- save {n} -->\n  <bpmn:process ", 1)
            with transaction():
                base = (key, latest_definition(key).version)
                start = time.perf_counter()
                save_definition(admin(), changed, "bpmn", base=base)
                samples.append((time.perf_counter() - start) * 1000)
        print(f"| {path.name} | {len(xml.encode()) / 1024:.0f} | "
              f"{statistics.median(samples):.1f} | {max(samples):.1f} |")


def time_migration() -> None:
    with transaction():
        save_definition(admin(), APPROVAL, "bpmn")
        v1 = latest_definition("tiny_approval")
        for n in range(INSTANCES):
            runtime.start_instance(v1, data={}, actor_id=None, business_key=f"b:{n}",
                                   subject=f"bench {n}", unit_id=None)
    v2 = APPROVAL.replace('<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />',
                          CHECK_STEP).replace("</bpmndi:BPMNPlane>", CHECK_DI)
    with transaction():
        save_definition(admin(), v2, "bpmn", base=("tiny_approval", 1))
    with transaction():
        start = time.perf_counter()
        plan = migration_plan(admin(), "tiny_approval", 1, 2)
        dry = time.perf_counter() - start
    with transaction():
        start = time.perf_counter()
        outcome = migrate_instances(admin(), "tiny_approval", 1, 2)
        move = time.perf_counter() - start
    with transaction():
        on_v2 = db.scalar(select(ProcessInstance.id).where(
            ProcessInstance.definition_id != v1.id).limit(1)) is not None
    assert plan.movable == INSTANCES and len(outcome.moved) == INSTANCES and on_v2
    print(f"\nmigration of {INSTANCES} waiting instances: dry run {dry * 1000:.0f} ms "
          f"({dry * 1e6 / INSTANCES:.0f} µs each), move {move * 1000:.0f} ms "
          f"({move * 1e6 / INSTANCES:.0f} µs each, one transaction)")


def main() -> None:
    print(f"# process editing — {machine()}")
    with scratch_database() as url:
        upgrade(url)
        engine = make_engine(url)
        bind(engine)
        with transaction():
            org.default_bureau()
            deploy_directory()
            org.add_user("admin", "bench-password", ["admin"])
        time_saves()
        time_migration()
        engine.dispose()


if __name__ == "__main__":
    main()
