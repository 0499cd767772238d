"""The dashboard's figures equal independent SQL counts over the same data (the small demo
bureau: every phase of the cycle), at the bureau level and drilled to a section."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, select, text

from models import Section, User, db
from models.base import UtcDateTime, utcnow
from workflows import dashboard, demo, evidence
from workflows.cycle_steps import today
from workflows.deploy import deploy_directory
from workflows.errors import NotFound

YEAR = today().year


@pytest.fixture
def board(connection, tmp_path):
    evidence.configure(tmp_path, 1024 * 1024)
    deploy_directory()
    demo.load_demo("small")
    db.flush()
    leader = db.scalar(select(User).where(User.username == "leader"))

    def view(**args):
        scope, panels = dashboard.dashboard(leader, {"year": str(YEAR), **args})
        return scope, {p.id: p for p in panels}
    return view


def sql(statement: str, **params):
    return db.execute(text(statement), params).all()


def one(statement: str, **params):
    return db.execute(text(statement), params).scalar()


def figures(panel) -> list:
    return [f.value for f in panel.figures]


def chart(panel, chart_id):
    return next(c for c in panel.charts if c.id == chart_id)


def check_goal_coverage(panels):
    units = one("SELECT count(*) FROM budget_unit WHERE active")
    overall = one("SELECT count(DISTINCT unit_id) FROM goal_sheet WHERE fiscal_year = :y "
                  "AND kind = 'overall' AND status = 'issued'", y=YEAR)
    required = sql("SELECT p.id, p.year_amount FROM project p LEFT JOIN special_fund f "
                   "ON f.id = p.special_fund_id WHERE p.fiscal_year = :y AND p.status NOT IN "
                   "('cancelled', 'blocked') AND (p.year_amount >= 500000 OR f.goal_required)",
                   y=YEAR)
    issued = {r[0] for r in sql("SELECT project_id FROM goal_sheet WHERE fiscal_year = :y "
                                "AND kind = 'project' AND status = 'issued'", y=YEAR)}
    total = one("SELECT sum(year_amount) FROM project WHERE fiscal_year = :y "
                "AND status != 'cancelled'", y=YEAR)
    covered = sum(Decimal(a) for p, a in required if p in issued)
    congress = one("SELECT count(*) FROM goal_sheet WHERE fiscal_year = :y "
                   "AND submit_to_congress", y=YEAR)
    got = figures(panels["goals"])
    assert got[:2] == [f"{overall} / {units}",
                       f"{len(issued & {p for p, _ in required})} / {len(required)}"]
    assert got[2] == (covered / Decimal(total) * 100).quantize(Decimal("0.01"))
    assert got[3] == congress and got[4] == 0


def check_review_quality(panels):
    rows = dict(((g, d), n) for g, d, n in sql(
        "SELECT r.gate, r.decision, count(*) FROM goal_review r JOIN goal_sheet s "
        "ON s.id = r.sheet_id WHERE s.fiscal_year = :y GROUP BY r.gate, r.decision", y=YEAR))
    reviews = sum(rows.values())
    returns = sum(n for (_g, d), n in rows.items() if d == "return")
    assert figures(panels["reviews"])[:2] == [reviews, returns]
    rates = chart(panels["reviews"], "review_gates").series[0].data
    for gate, rate in zip(("unit_leader", "section", "performance"), rates, strict=True):
        done = sum(n for (g, _d), n in rows.items() if g == gate)
        back = rows.get((gate, "return"), 0)
        assert rate == ((Decimal(back) / done * 100).quantize(Decimal("0.01")) if done
                        else None)


def check_monitoring(panels):
    round_id = one("SELECT id FROM monitoring_round WHERE fiscal_year = :y "
                   "ORDER BY cutoff_date DESC, id DESC LIMIT 1", y=YEAR)
    reports = one("SELECT count(*) FROM monitoring_report WHERE round_id = :r", r=round_id)
    submitted = one("SELECT count(*) FROM monitoring_report WHERE round_id = :r "
                    "AND status != 'draft'", r=round_id)
    flagged = one("SELECT count(*) FROM monitoring_report WHERE round_id = :r AND flagged "
                  "AND status NOT IN ('draft', 'submitted', 'unit_approved')", r=round_id)
    decided = one("SELECT count(*) FROM monitoring_report WHERE round_id = :r "
                  "AND finance_decision != 'none'", r=round_id)
    net = one("SELECT coalesce(sum(CASE WHEN reversal_of_id IS NULL THEN amount ELSE -amount "
              "END), 0) FROM fund_action WHERE fiscal_year = :y AND basis_type = "
              "'monitoring_report' AND kind IN ('reduce', 'recover')", y=YEAR)
    got = figures(panels["monitoring"])
    assert got[1:4] == [f"{submitted} / {reports}", flagged, decided]
    assert got[4] == (Decimal(net) / 10000).quantize(Decimal("0.01"))
    histogram = chart(panels["monitoring"], "monitoring_histogram").series[0].data
    assert sum(histogram) == submitted


def check_evaluations_of_last_years_spending(panels):
    grades = dict(sql("SELECT grade, count(*) FROM self_evaluation WHERE fiscal_year = :y "
                      "AND grade IS NOT NULL GROUP BY grade", y=YEAR - 1))
    keys = dict(sql("SELECT grade, count(*) FROM key_evaluation WHERE fiscal_year_evaluated = :y "
                    "AND status IN ('final', 'results_issued', 'closed') GROUP BY grade",
                    y=YEAR - 1))
    order = ("excellent", "good", "fair", "poor")
    assert chart(panels["evaluations"], "self_grades").series[0].data == [
        grades.get(g, 0) for g in order]
    assert chart(panels["evaluations"], "key_grades").series[0].data == [
        keys.get(g, 0) for g in order]
    assert figures(panels["evaluations"])[0] == one(
        "SELECT count(*) FROM self_evaluation WHERE fiscal_year = :y", y=YEAR - 1)


def check_ledger_closure_and_ageing(panels):
    on = today()
    items = sql("SELECT status, deadline FROM rectification_item WHERE fiscal_year <= :y",
                y=YEAR)
    signed = sum(1 for s, _d in items if s == "signed_off")
    overdue = [(on - (d if isinstance(d, date) else date.fromisoformat(d))).days
               for s, d in items if s != "signed_off"
               and (d if isinstance(d, date) else date.fromisoformat(d)) < on]
    got = figures(panels["ledger"])
    assert got[:4] == [len(items), signed,
                       (Decimal(signed) / len(items) * 100).quantize(Decimal("0.01")),
                       len(overdue)]
    bands = [sum(1 for d in overdue if lo <= d <= hi) for lo, hi in
             ((1, 15), (16, 30), (31, 60), (61, 10**6))]
    assert chart(panels["ledger"], "ledger_ageing").series[0].data == bands


def check_result_application(panels):
    rows = sql("SELECT a.action, a.status, a.budget_effect, a.applied_effect FROM "
               "result_application a JOIN result_application_round r ON r.id = a.round_id "
               "WHERE r.source_year = :y AND a.status NOT IN ('rejected', 'withdrawn')",
               y=YEAR - 1)
    effect = sum(Decimal((applied if status == "applied" else proposed) or 0)
                 for _a, status, proposed, applied in rows)
    assert figures(panels["results"]) == [
        len(rows), sum(1 for a, *_ in rows if a == "cancel"),
        (effect / 10000).quantize(Decimal("0.01"))]


def check_workload(panels):
    now = utcnow()
    due = bindparam("now", now, type_=UtcDateTime())
    ready = one("SELECT count(*) FROM task WHERE status = 'ready' AND unit_id IS NOT NULL")
    late = db.execute(text("SELECT count(*) FROM task WHERE status = 'ready' AND unit_id IS NOT "
                           "NULL AND due_at < :now").bindparams(due)).scalar()
    got = figures(panels["workload"])
    assert got[0] == ready and 0 < got[1] <= late  # tasks can fall due between the two reads


def test_the_bureau_view_equals_sql_counts(board):
    _scope, panels = board()
    for check in (check_goal_coverage, check_review_quality, check_monitoring,
                  check_evaluations_of_last_years_spending, check_ledger_closure_and_ageing,
                  check_result_application, check_workload):
        check(panels)


def test_drilled_to_a_section_the_bars_are_its_units(board):
    section = db.scalar(select(Section).where(Section.code == "S-EDU"))
    scope, panels = board(section=str(section.id))
    units = [r[0] for r in sql("SELECT name FROM budget_unit WHERE expenditure_section_id = :s "
                               "AND active ORDER BY code", s=section.id)]
    coverage = chart(panels["goals"], "goal_coverage")
    assert scope.level == "unit" and coverage.categories == units
    issued = one("SELECT count(DISTINCT s.unit_id) FROM goal_sheet s JOIN budget_unit u ON "
                 "u.id = s.unit_id WHERE s.fiscal_year = :y AND s.kind = 'overall' AND "
                 "s.status = 'issued' AND u.expenditure_section_id = :s", y=YEAR, s=section.id)
    assert figures(panels["goals"])[0] == f"{issued} / {len(units)}"


def test_only_leaders_and_the_performance_and_budget_sections_see_it(connection, bureau):
    filer = bureau.filer1
    with pytest.raises(NotFound):
        dashboard.dashboard(filer, {})
    with pytest.raises(NotFound):
        dashboard.dashboard(bureau.leader, {"section": "999999"})
    with pytest.raises(NotFound):  # not an expenditure section
        dashboard.dashboard(bureau.leader, {"section": str(bureau.perf.section_id)})
    for reader in (bureau.leader, bureau.perf, bureau.perfchief, bureau.budget):
        assert dashboard.dashboard(reader, {"year": "2027"})[1]
