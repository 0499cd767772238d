"""Demo double monitoring: a round over every issued sheet, most reports on track, about one
in seven lagging and flagged, the performance section's decisions and the fund actions the
bureau leader approved and the budget section executed (DOMAIN c)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from models import Indicator, MonitoringReport, db

from .. import monitoring
from .drive import do, on
from .people import Bureau

FUND_DECISIONS = ("reduce", "recover", "suspend", "reduce", "stop", "recover")
ROUNDS = {"H1": (6, 30, 7, 31), "Q3": (9, 30, 10, 31)}


def _rows(report: MonitoringReport, lagging: bool) -> list[dict]:
    rows = []
    for i, ind in enumerate(db.scalars(select(Indicator).where(
            Indicator.sheet_id == report.sheet_id).order_by(Indicator.seq))):
        stuck = lagging and i == 0
        rows.append({"indicator_id": ind.id, "progress_value": "完成 30%" if stuck else "过半",
                     "expected_year_end": "难以完成" if stuck else "全年完成",
                     "achievable": not stuck, "cause": "progress_delay" if stuck else None,
                     "measure": "倒排工期，加快实施进度" if stuck else ""})
    return rows


def run_round(bureau: Bureau, year: int, label: str, leave_waiting: int = 3) -> None:
    """Open the round, let every unit report and review, decide on the flagged ones."""
    cut_m, cut_d, due_m, due_d = ROUNDS[label]
    opened_on = date(year, cut_m, cut_d) + timedelta(days=1)
    with on(opened_on):
        found = monitoring.open_round(bureau.user("perf01"), {
            "fiscal_year": year, "period_label": label,
            "cutoff_date": date(year, cut_m, cut_d).isoformat(),
            "due_date": date(year, due_m, due_d).isoformat()}).round
    reports = list(db.scalars(select(MonitoringReport).where(MonitoringReport.round_id == found.id)
                              .order_by(MonitoringReport.id)))
    rng, profile = bureau.rng, bureau.profile
    flagged = []
    for n, r in enumerate(reports):
        if n >= len(reports) - leave_waiting:
            continue  # laggards: their tasks wait, past due, in the units' inboxes
        lagging = rng.random() < profile.flagged_share
        share = Decimal(rng.uniform(0.08, 0.26) if lagging else rng.uniform(
            float(found.time_progress) / 100 - 0.12, float(found.time_progress) / 100 + 0.15))
        executed = (r.budget_amount * max(share, Decimal("0.01"))).quantize(Decimal("0.01"))
        filer, head = bureau.people(r.unit_id)
        day = opened_on + timedelta(days=5 + n % 20)
        with on(day):
            do(r.instance_id, "monitor_fill", filer, {"report": {
                "executed_amount": str(executed), "indicators": _rows(r, lagging),
                "corrective_measures": "加快项目实施和资金拨付进度" if lagging else ""}})
        with on(day + timedelta(days=2)):
            do(r.instance_id, "monitor_leader_review", head, {"decision": "approve"})
        with on(day + timedelta(days=6)):
            do(r.instance_id, "monitor_liaison_review", r.unit.liaison, {"decision": "approve"})
        if r.flagged:
            flagged.append(r)
    _decide(bureau, flagged, opened_on + timedelta(days=40))


def _decide(bureau: Bureau, flagged: list[MonitoringReport], day: date) -> None:
    perf, leader, budget = bureau.user("perf02"), bureau.user("leader"), bureau.user("budget01")
    funds = [r for r in flagged if r.project_id][:bureau.profile.fund_actions]
    rest = [r for r in flagged if r not in funds]
    for n, r in enumerate(funds):
        kind = FUND_DECISIONS[n % len(FUND_DECISIONS)]
        ceiling = r.budget_amount - (r.executed_amount or 0)
        amount = (ceiling * Decimal("0.3")).quantize(Decimal("0.01"))
        payload = {"finance_decision": kind, "note": NOTES[kind]}
        if kind in ("reduce", "recover"):
            payload["amount"] = str(amount)
        with on(day):
            do(r.instance_id, "monitor_decide", perf, payload)
        with on(day + timedelta(days=3)):
            do(r.instance_id, "monitor_leader_approve", leader, {"decision": "approve"})
        with on(day + timedelta(days=6)):
            do(r.instance_id, "monitor_execute", budget, {"note": "已在预算管理一体化系统中办理"})
    for n, r in enumerate(rest[:-2] if len(rest) > 2 else rest):
        decision = "goal_adjust" if n % 6 == 5 else "notice"
        payload = {"finance_decision": decision, "note": NOTES[decision]}
        if decision == "notice":
            payload["notice_due"] = (day + timedelta(days=45)).isoformat()
        with on(day):
            do(r.instance_id, "monitor_decide", perf, payload)


NOTES = {"reduce": "执行进度严重滞后，调减当年未执行预算", "recover": "项目已完工，收回结余资金",
         "suspend": "暂缓拨款，待整改到位后恢复", "stop": "项目实施条件发生变化，停止拨款",
         "notice": "通知单位限期纠偏", "goal_adjust": "绩效指标设置偏高，调整绩效目标"}
