"""The ledger read model: scope, filters, sorting and the closure summary."""

from datetime import timedelta

import pytest

from models import RectificationItem, db
from workflows import rectification
from workflows.errors import InvalidInput
from workflows.ledger import LedgerFilters, item_view, list_items, summary


def make(bureau, unit="filer1", days=30, **over):
    raw = {"source": "audit", "unit_id": bureau.users[unit].unit_id, "category": "funds",
           "description": over.pop("description", "资金闲置"),
           "deadline": (rectification.today() + timedelta(days=days)).isoformat()}
    raw.update(over)
    return rectification.record_problem(bureau.perf, raw)


def set_deadline(item, days_ago):
    item.deadline = rectification.today() - timedelta(days=days_ago)
    db.flush()


def test_scope_follows_the_roles(bureau):
    a, b = make(bureau, "filer1"), make(bureau, "filer2")
    ids = lambda user: {r.id for r in list_items(user, LedgerFilters()).rows}  # noqa: E731
    assert ids(bureau.filer1) == {a.id}
    assert ids(bureau.filer2) == {b.id}
    assert ids(bureau.cadre1) == {a.id}  # the section owning U1
    assert ids(bureau.perf) == ids(bureau.leader) == {a.id, b.id}
    assert ids(bureau.budget) == {a.id, b.id}


def test_filters_search_and_sort(bureau):
    a = make(bureau, "filer1", description="项目资金闲置两年", source="key_evaluation")
    b = make(bureau, "filer2", days=10, description="政府采购程序不规范")
    set_deadline(b, 20)
    perf = bureau.perf
    assert [r.id for r in list_items(perf, LedgerFilters(q="采购")).rows] == [b.id]
    assert [r.id for r in list_items(perf, LedgerFilters(source="key_evaluation")).rows] == [a.id]
    assert [r.id for r in list_items(perf, LedgerFilters(overdue=True)).rows] == [b.id]
    assert [r.id for r in list_items(perf, LedgerFilters(overdue=False)).rows] == [a.id]
    rows = list_items(perf, LedgerFilters(sort="deadline")).rows
    assert [r.id for r in rows] == [b.id, a.id] and rows[0].overdue_days == 20
    assert [r.id for r in list_items(perf, LedgerFilters(sort="deadline",
                                                         descending=True)).rows] == [a.id, b.id]
    assert list_items(perf, LedgerFilters(q="100%_")).rows == []  # LIKE wildcards are literal


def test_summary_counts_closure_and_ageing(bureau):
    items = [make(bureau) for _ in range(6)]
    for item, days in zip(items[:5], (1, 15, 16, 45, 61), strict=True):
        set_deadline(item, days)
    closed = items[5]
    closed.status, closed.closed_on_time = "signed_off", True
    db.flush()
    s = summary(bureau.perf, LedgerFilters())
    assert (s.items, s.signed_off, s.overdue, s.on_time, s.due) == (6, 1, 5, 1, 6)
    assert s.ageing == {"1-15": 2, "16-30": 1, "31-60": 1, ">60": 1}
    assert s.closure_rate == pytest.approx(1 / 6) and s.on_time_rate == pytest.approx(1 / 6)
    assert summary(bureau.filer2, LedgerFilters()).items == 0


def test_bad_filters_are_named():
    with pytest.raises(InvalidInput) as err:
        LedgerFilters.parse({"unit_id": "x", "status": "lost", "sort": "price", "year": "1"})
    assert set(err.value.errors) == {"unit_id", "status", "sort", "year"}
    f = LedgerFilters.parse({"sort": "-deadline", "overdue": "1", "page": "99999999"})
    assert f.descending and f.overdue and f.page == 10_000


def test_item_view_outside_scope_is_not_found(bureau):
    item = make(bureau, "filer1")
    view = item_view(item.id, bureau.filer1)
    assert view.problem.id == item.problem_id and [t.task_key for t in view.open_tasks] == \
        ["enter_plan"]
    assert [h.action for h in view.history] == ["create"]  # the item's own trail, once
    with pytest.raises(Exception) as err:
        item_view(item.id, bureau.filer2)
    assert getattr(err.value, "status", None) == 404
    assert db.get(RectificationItem, item.id) is not None
