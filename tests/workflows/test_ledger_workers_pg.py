"""Two workers against PostgreSQL with 1,000 ledger items whose pre-warning falls due at once."""

import multiprocessing
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import Notification, RectificationItem, Reminder, User, db, transaction
from models.session import bind, make_engine
from workflows import rectification
from workflows.deploy import deploy_directory
from workflows.engine import clock
from workflows.org import add_section, add_unit, add_user, default_bureau
from workflows.timers import run_once

pytestmark = pytest.mark.postgresql_only
ITEMS = 1000
LATER = timedelta(days=14)  # deadlines are 20 days out: the D-7 pre-warning is due


def _work(url: str) -> int:
    """A worker process: fire everything due two weeks on; how many instances it fired."""
    engine = make_engine(url, pool_size=1)
    bind(engine)
    clock.travel(LATER)
    fired = run_once()
    engine.dispose()
    return fired


def test_each_item_is_warned_exactly_once(committed_db):
    with transaction():
        default_bureau()
        deploy_directory()
        add_section("S-EDU", "教科文股", "expenditure")
        add_section("S-PERF", "绩效股", "performance")
        add_user("cadre", "pw-cadre-1", ["section_cadre"], section_code="S-EDU")
        add_user("perf", "pw-perf-01", ["perf_staff"], section_code="S-PERF")
        unit = add_unit("U1", "区教育局", "S-EDU", "cadre")
        add_user("filer", "pw-filer-1", ["unit_filer"], unit_code="U1")
        perf = db.scalar(select(User).where(User.username == "perf"))
        deadline = (rectification.today() + timedelta(days=20)).isoformat()
        rectification.record_problems(perf, [
            {"source": "audit", "unit_id": unit.id, "description": f"问题 {n}",
             "category": "funds", "deadline": deadline} for n in range(ITEMS)])
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        counts = pool.map(_work, [committed_db, committed_db])
    assert sum(counts) == ITEMS and all(counts)  # both workers took a share
    with transaction():
        per_item = Counter(db.scalars(select(Reminder.item_id).where(
            Reminder.level == "prewarning")))
        items = db.scalar(select(func.count()).select_from(RectificationItem))
        notices = db.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "prewarning"))
    assert items == ITEMS and len(per_item) == ITEMS and set(per_item.values()) == {1}
    assert notices == ITEMS  # one unit user (the filer) per item
