"""The inbox projection: per-role ranges, claim/release upkeep, capped counts, ordering."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import TaskCandidate, db
from models.base import utcnow
from tests.conftest import DATA, ready_task
from workflows import tasks as inbox
from workflows.deploy import deploy_definition
from workflows.engine import runtime
from workflows.errors import Conflict, Forbidden
from workflows.tasks import claim_task, complete_user_task, list_inbox, unclaim_task


@pytest.fixture
def approvals(bureau):
    """Start n tiny approvals (candidate group perf_staff) of unit U1."""
    definition = deploy_definition((DATA / "approval.bpmn").read_bytes())[0]

    def start(n, subject="项目"):
        return [runtime.start_instance(definition, data={}, actor_id=None,
                                       business_key=f"t:{i}", subject=f"{subject}{i}",
                                       unit_id=bureau.filer1.unit_id) for i in range(n)]
    return start


def candidate_roles(task_id):
    return sorted(db.scalars(select(TaskCandidate.role_code)
                             .where(TaskCandidate.task_id == task_id)))


def test_task_with_two_of_my_roles_is_listed_once(bureau, approvals):
    approvals(3)
    page = list_inbox(bureau.perfchief)  # holds perf_chief and perf_staff
    assert page.total == 3 and len({t.id for t in page.items}) == 3 == len(page.items)


def test_claim_release_and_completion_keep_claimable_rows_in_step(bureau, approvals):
    instance = approvals(1)[0]
    task = ready_task(instance.id)
    assert candidate_roles(task.id) == ["perf_staff"]
    claim_task(task, bureau.perf)
    assert candidate_roles(task.id) == []
    assert list_inbox(bureau.perfchief).total == 0
    assert [t.id for t in list_inbox(bureau.perf, scope="assigned").items] == [task.id]
    with pytest.raises(Conflict):
        claim_task(task, bureau.perfchief)
    unclaim_task(task, bureau.perf)
    assert candidate_roles(task.id) == ["perf_staff"]
    assert list_inbox(bureau.perfchief).total == 1
    complete_user_task(task, bureau.perfchief, {"data": {"decision": "approve"}})
    assert candidate_roles(task.id) == [] and list_inbox(bureau.perf).total == 0


def test_users_without_the_role_get_403_not_409(bureau, approvals):
    task = ready_task(approvals(1)[0].id)
    claim_task(task, bureau.perf)
    with pytest.raises(Forbidden):
        claim_task(task, bureau.filer1)


def test_counts_are_capped(bureau, approvals, monkeypatch):
    monkeypatch.setattr(inbox, "COUNT_CAP", 4)
    approvals(6)
    page = list_inbox(bureau.perf, per_page=2)
    assert (page.total, page.claimable, page.capped, len(page.items)) == (4, 4, True, 2)


def test_order_filters_and_pages(bureau, approvals):
    instances = approvals(5)
    tasks = [ready_task(i.id) for i in instances]
    tasks[3].due_at = utcnow() - timedelta(days=1)
    tasks[1].due_at = None
    db.flush()
    items = list_inbox(bureau.perf).items
    assert items[0].id == tasks[3].id and items[-1].id == tasks[1].id  # overdue first, undated last
    assert [t.id for t in list_inbox(bureau.perf, scope="overdue").items] == [tasks[3].id]
    assert [t.subject for t in list_inbox(bureau.perf, q="项目2").items] == ["项目2"]
    assert list_inbox(bureau.perf, process_key="goal_declaration").total == 0
    first = list_inbox(bureau.perf, per_page=2, page=1).items
    second = list_inbox(bureau.perf, per_page=2, page=2).items
    third = list_inbox(bureau.perf, per_page=2, page=3).items
    assert len({t.id for t in first + second + third}) == 5


def test_unit_scoped_roles_see_only_their_unit(bureau):
    from workflows.goal_review import start_goal_declaration
    start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    start_goal_declaration(bureau.projects["p2"], bureau.filer2)
    assert [t.subject for t in list_inbox(bureau.filer1).items] == ["义务教育薄弱环节改善"]
    assert [t.subject for t in list_inbox(bureau.filer2).items] == ["高标准农田建设"]
    assert list_inbox(bureau.leader1).total == 0 and list_inbox(bureau.admin).total == 0
