"""The demo ledger: items at every stage, and work waiting for the worker."""

from collections import Counter

from sqlalchemy import func, select

from models import RectificationItem, Reminder, Task, db
from workflows import demo, evidence
from workflows.demo_ledger import PLAN
from workflows.deploy import deploy_directory
from workflows.timers import fire_next_due


def test_demo_ledger_has_every_stage_and_due_ladders(connection, tmp_path):
    evidence.configure(tmp_path, 1024 * 1024)
    deploy_directory()
    demo.load_demo()
    everything = db.scalars(select(RectificationItem)).all()
    # the demo's issued key evaluation adds its own problem list (numbered KE...)
    items = [i for i in everything if not i.problem.problem_list_no.startswith("KE")]
    assert len(items) == len(PLAN) and len(everything) == len(PLAN) + 3
    statuses = Counter(i.status for i in items)
    assert statuses["signed_off"] == 16 and statuses["returned"] == 2
    assert {"assigned", "plan_submitted", "in_progress", "evidence_submitted",
            "verified"} <= set(statuses)
    late = [i for i in items if i.status == "signed_off" and not i.closed_on_time]
    assert len(late) == 4
    twice = [i for i in items if i.return_count == 2]
    assert len(twice) == 1 and twice[0].escalation_level == "interview"
    while fire_next_due() is not None:  # what the worker does when `make run` starts
        pass
    db.flush()
    levels = Counter(r.level for r in db.scalars(select(Reminder)))
    assert levels["overdue"] == 3 and levels["interview"] >= 3  # 2 ladders + serious + returns
    interviews = db.scalar(select(func.count()).select_from(Task).where(
        Task.task_key.like("interview_%"), Task.status == "ready"))
    assert interviews == 5  # and the evaluation's serious problem
