"""The ledger page and its closure summary with 50,000 items on PostgreSQL.

Run: .venv/bin/python bench/ledger_page.py   (needs the local PostgreSQL; creates and drops its
own database). Inserts JIXIAO_BENCH_LEDGER_ITEMS (default 50000) problems and ledger items in
bulk over 236 units (a mix of statuses, deadlines from 120 days ago to 120 days ahead), then
measures, for a perf_staff user (every item), a section cadre (one section's units) and a unit
filer (one unit):
  - server time of GET /ledger (one page of 50 rows + the summary, rendered HTML) through the
    app in-process, so the figure is the server's time without the network;
  - the same with the overdue filter, a text search and sorting by unit;
  - the read operations alone (list_items + summary).
Target: p95 ≤ 50 ms server time.
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
from workflows.ledger import LedgerFilters, list_items, summary  # noqa: E402

ITEMS = int(os.environ.get("JIXIAO_BENCH_LEDGER_ITEMS", "50000"))
UNITS, SECTIONS = 236, 10
REPEAT = int(os.environ.get("JIXIAO_BENCH_REPEAT", "200"))
PASSWORD = "bench-password"

FILL_SQL = """
INSERT INTO problem (bureau_id, fiscal_year, source, source_ref, problem_list_no, unit_id,
    description, category, severity, amount_involved, suggested_measure, created_at, updated_at)
SELECT 1, 2024 + (g % 3),
    (ARRAY['key_evaluation','self_evaluation','monitoring','audit','special_check'])[1 + g % 5],
    '', 'QD-' || (g / 7), 1 + (g % :units),
    '第' || g || '号问题：' || (ARRAY['项目资金闲置未及时使用','政府采购程序不规范',
        '绩效目标设置不明确','资产管理台账不健全','专项资金挤占挪用'])[1 + g % 5],
    (ARRAY['decision','management','funds','output','benefit','system'])[1 + g % 6],
    CASE WHEN g % 20 = 0 THEN 'serious' ELSE 'normal' END, (g % 1000) * 1000.50, '限期整改',
    now(), now()
FROM generate_series(1, :items) g;
INSERT INTO rectification_item (bureau_id, fiscal_year, problem_id, source, unit_id,
    responsible_person, co_sections, measures, plan_due, deadline, original_deadline, status,
    return_count, escalation_level, verify_comment, extension_history, closed_on_time,
    signed_off_at, search_text, created_at, updated_at)
SELECT p.bureau_id, p.fiscal_year, p.id, p.source, p.unit_id, '责任人' || p.id, '[]', '',
    NULL, current_date + ((p.id % 241) - 120), current_date + ((p.id % 241) - 120),
    (ARRAY['assigned','plan_submitted','in_progress','evidence_submitted','returned',
           'verified','signed_off','signed_off','signed_off','signed_off'])[1 + p.id % 10],
    p.id % 3, (ARRAY['none','reminder','notice','interview'])[1 + p.id % 4], '', '[]',
    CASE WHEN p.id % 10 >= 6 THEN p.id % 3 > 0 END,
    CASE WHEN p.id % 10 >= 6 THEN now() END,
    p.problem_list_no || ' ' || p.description || ' ' || p.source_ref, now(), now()
FROM problem p;
"""


def seed() -> None:
    """236 units over 10 sections with a filer each, a perf user, and the ledger rows."""
    pw = generate_password_hash(PASSWORD)
    with transaction():
        org.default_bureau()
        for s in range(SECTIONS):
            org.add_section(f"S{s}", f"支出股{s}", "expenditure")
            org.add_user(f"cadre{s}", "x", ["section_cadre"], section_code=f"S{s}",
                         password_hash=pw)
        org.add_section("SP", "绩效股", "performance")
        org.add_user("perf", "x", ["perf_staff"], section_code="SP", password_hash=pw)
        for u in range(UNITS):
            org.add_unit(f"U{u:03d}", f"单位{u}", f"S{u % SECTIONS}", f"cadre{u % SECTIONS}")
            org.add_user(f"filer{u}", "x", ["unit_filer"], unit_code=f"U{u:03d}",
                         password_hash=pw)
    with transaction():
        for stmt in FILL_SQL.split(";\n"):
            if stmt.strip():
                db.execute(text(stmt), {"units": UNITS, "items": ITEMS})


def timed(fn) -> list[float]:
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def page_samples(app, username: str, query: str) -> tuple[dict, int]:
    client = app.test_client()
    resp = client.post("/login", data={"username": username, "password": PASSWORD})
    assert resp.status_code in (302, 303), resp.status_code
    status = []

    def get():
        response = client.get(f"/ledger{query}")
        status.append(response.status_code)
    samples = timed(get)
    assert set(status) == {200}, set(status)
    return percentiles(samples), len(samples)


def operation_samples(username: str, filters: LedgerFilters) -> tuple[dict, int]:
    def run():
        with transaction():
            user = db.scalar(select(User).where(User.username == username))
            page = list_items(user, filters)
            summary(user, filters)
            run.total = page.total
    run.total = 0
    return percentiles(timed(run)), run.total


def main() -> None:
    """Seed once, then measure each user and query."""
    print(f"# ledger page — {machine()} — {ITEMS} items, {UNITS} units")
    with scratch_database() as url:
        upgrade(url)
        engine = make_engine(url)
        bind(engine)
        seed()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE problem, rectification_item, budget_unit"))
        from webapp import create_app
        app = create_app({"DATABASE_URL": url, "ENGINE": engine, "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False})
        queries = [("", LedgerFilters()), ("?overdue=1", LedgerFilters(overdue=True)),
                   ("?q=采购", LedgerFilters(q="采购")), ("?sort=unit", LedgerFilters(sort="unit")),
                   ("?status=open&sort=-escalation", LedgerFilters(status="open",
                                                                  sort="escalation",
                                                                  descending=True))]
        for username in ("perf", "cadre3", "filer7"):
            for query, filters in queries:
                ops, total = operation_samples(username, filters)
                page, _ = page_samples(app, username, query)
                print(f"user={username:<6} query={query or '(none)':<32} rows={total:>6} "
                      f"GET /ledger p50={page['p50']:.1f} p95={page['p95']:.1f} ms · "
                      f"list+summary p50={ops['p50']:.1f} p95={ops['p95']:.1f} ms")


if __name__ == "__main__":
    main()
