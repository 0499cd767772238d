"""The demo's key evaluations: one at each step, driven through the real process."""

from collections import Counter

from sqlalchemy import select

from models import KeyEvaluation, RectificationItem, Task, ThirdPartyFirm, db
from workflows import demo, evidence
from workflows.deploy import deploy_directory


def test_demo_evaluations_stand_at_every_step(connection, tmp_path):
    evidence.configure(tmp_path, 1024 * 1024)
    deploy_directory()
    demo.load_demo()
    evaluations = db.scalars(select(KeyEvaluation).order_by(KeyEvaluation.id)).all()
    assert Counter(e.status for e in evaluations) == Counter(
        {"results_issued": 1, "leader_approval": 1, "unit_feedback": 1, "plan_review": 1,
         "audit_pre": 1})
    issued = next(e for e in evaluations if e.status == "results_issued")
    assert issued.grade == "good" and len(issued.problems) == 3
    items = db.scalars(select(RectificationItem).where(
        RectificationItem.id.in_([p["item_id"] for p in issued.problems]))).all()
    assert {i.unit_id for i in items} == {issued.unit_id}
    waiting = next(e for e in evaluations if e.status == "leader_approval")
    assert waiting.draft["grade"] == "poor"
    assert db.scalar(select(Task.task_key).where(
        Task.instance_id == waiting.instance_id, Task.status == "ready")) == "leader_approval"
    assert db.scalar(select(Task.task_key).where(
        Task.instance_id == issued.instance_id, Task.status == "ready")) == "score_firm"
    assert len(db.scalars(select(ThirdPartyFirm)).all()) == 2
