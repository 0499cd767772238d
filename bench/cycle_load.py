"""The load-test tenant (DOMAIN §6: 南康 × 文峰) generated through the real processes, then the
cycle's pages and the dashboard measured on it, on PostgreSQL.

Run: .venv/bin/python bench/cycle_load.py   (needs the local PostgreSQL; creates and drops its
own database; JIXIAO_BENCH_PROFILE=district measures the demo district instead,
JIXIAO_BENCH_KEEP=1 keeps the database for a look in the browser.) Prints:
  - how long each phase of the generation took and the sizes reached (units, users, projects,
    indicator rows, monitoring reports per round, self-evaluations, key evaluations, ledger
    items, fund actions, result applications);
  - server time (in-process test client, HTML rendered) of GET /dashboard for the bureau and
    drilled to a section and a unit, of the .xlsx of all figures, and of the monitoring,
    ex-ante, result-application and issuance pages, as p50 / p95 over JIXIAO_BENCH_REPEAT runs.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from bench.common import machine, percentiles, scratch_database  # noqa: E402
from models import (  # noqa: E402
    BudgetUnit,
    FundAction,
    GoalSheet,
    Indicator,
    KeyEvaluation,
    MonitoringReport,
    MonitoringRound,
    Project,
    RectificationItem,
    ResultApplication,
    Section,
    SelfEvaluation,
    User,
    db,
    transaction,
)
from models.migrate import upgrade  # noqa: E402
from models.session import bind, make_engine  # noqa: E402
from workflows import evidence  # noqa: E402
from workflows.cycle_steps import today  # noqa: E402
from workflows.demo import cycle, people  # noqa: E402
from workflows.demo.profile import PROFILES  # noqa: E402
from workflows.deploy import deploy_directory  # noqa: E402

PROFILE = PROFILES[os.environ.get("JIXIAO_BENCH_PROFILE", "load")]
REPEAT = int(os.environ.get("JIXIAO_BENCH_REPEAT", "30"))


def phase(name: str, fn, *args) -> None:
    start = time.perf_counter()
    with transaction():
        fn(*args)
    print(f"generate {name:<34} {time.perf_counter() - start:7.1f} s")


def generate(year: int) -> None:
    """The profile's bureau and its story, a transaction per phase (as the demo's)."""
    state = {}

    def organisation():
        deploy_directory()
        state["bureau"] = people.build_organisation(PROFILE)
        people.add_funds(state["bureau"])

    phase("organisation", organisation)
    b = state["bureau"]

    def reattach():
        # the phases run in their own transactions: reload what the next one reads
        for name in list(b.users):
            b.users[name] = db.get(User, b.users[name].id)
        b.units = [db.get(BudgetUnit, u.id) for u in b.units]
        b.unit_people = {k: (db.get(User, f.id), db.get(User, h.id))
                         for k, (f, h) in b.unit_people.items()}
        b.funds = {k: db.merge(v) for k, v in b.funds.items()}
        b.projects = {y: [db.get(Project, p.id) for p in ps] for y, ps in b.projects.items()}

    for name, fn, args in (
            ("last year: goals and issuance", cycle.last_year, (b, year - 1)),
            ("this year: ex ante, goals, monitoring", cycle.this_year, (b, year)),
            ("evaluations and ledger", cycle.evaluations, (b, year - 1)),
            ("final accounts", lambda: cycle.record_accounts(b, year - 1, PROFILE.balance_cuts),
             ()),
            ("result application", lambda: cycle.apply_results(
                b, year - 1, year + 1, cycle.date(year, 10, 15)), ()),
            ("next year's declarations", cycle.next_year, (b, year + 1))):
        phase(name, lambda fn=fn, args=args: (reattach(), fn(*args)))


def sizes(year: int) -> None:
    def count(model, *where):
        return db.scalar(select(func.count()).select_from(model).where(*where))
    rows = db.scalar(select(func.count(Indicator.id)).join(
        GoalSheet, GoalSheet.id == Indicator.sheet_id).where(GoalSheet.fiscal_year == year))
    reports = db.execute(select(MonitoringReport.round_id, func.count())
                         .group_by(MonitoringReport.round_id)).all()
    print(f"sizes units={count(BudgetUnit)} users={count(User)} "
          f"projects={count(Project, Project.fiscal_year == year)} "
          f"sheets={count(GoalSheet, GoalSheet.fiscal_year == year)} indicator_rows={rows} "
          f"monitoring_reports={[n for _r, n in reports]} "
          f"self_evaluations={count(SelfEvaluation)} key_evaluations={count(KeyEvaluation)} "
          f"ledger_items={count(RectificationItem)} fund_actions={count(FundAction)} "
          f"result_applications={count(ResultApplication)}")


def measure(app, username: str, path: str) -> None:
    client = app.test_client()
    resp = client.post("/login", data={"username": username, "password": people.DEMO_PASSWORD})
    assert resp.status_code in (302, 303), resp.status_code
    samples, status = [], set()
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        status.add(response.status_code)
    assert status == {200}, (path, status)
    p = percentiles(samples)
    print(f"GET {path:<48} as {username:<9} p50={p['p50']:7.1f} p95={p['p95']:7.1f} ms")


def main() -> None:
    year = today().year
    print(f"# cycle on the {PROFILE.name} tenant — {machine()}")
    with scratch_database("jixiao_cycle") as url:
        upgrade(url)
        engine = make_engine(url)
        bind(engine)
        evidence.configure(Path("/tmp") / "jixiao-bench-files", 20 * 1024 * 1024)
        import webapp  # noqa: F401 - registers the task forms
        generate(year)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        with transaction():
            sizes(year)
            section = db.scalar(select(Section.id).where(Section.code == "S-EDU"))
            unit = db.scalar(select(BudgetUnit.id).order_by(BudgetUnit.code).limit(1))
            round_id = db.scalar(select(MonitoringRound.id).order_by(MonitoringRound.id.desc()))
            report = db.scalar(select(MonitoringReport.id).where(
                MonitoringReport.round_id == round_id).order_by(MonitoringReport.id))
        from webapp import create_app
        app = create_app({"DATABASE_URL": url, "ENGINE": engine, "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False})
        for username, path in (
                ("leader", f"/dashboard?year={year}"),
                ("leader", f"/dashboard?year={year}&section={section}"),
                ("leader", f"/dashboard?year={year}&unit={unit}"),
                ("leader", f"/dashboard.xlsx?year={year}"),
                ("perf01", "/monitoring"), ("perf01", "/ex-ante"), ("perf01", "/results"),
                ("perf01", f"/monitoring/rounds/{round_id}/summary.xlsx"),
                ("perf01", f"/monitoring/reports/{report}"),
                ("budget01", f"/issuance?year={year}"),
                ("budget01", f"/issuance?year={year + 1}"), ("filer01", "/monitoring"),
                ("perf01", "/inbox")):
            measure(app, username, path)


if __name__ == "__main__":
    main()
