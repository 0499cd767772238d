"""Demo result application: last year's final accounts and project balances, and the rules'
proposals for next year's budget at every step (DOMAIN f)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from models import ResultApplication, db

from .. import results
from .drive import do, on
from .people import Bureau


def record_accounts(bureau: Bureau, year: int, high: int) -> None:
    """Every unit's final account (ratios around the county's 8 %, `high` of them far above)
    and a few project balances, one idle beyond the usage period (R25, R26)."""
    rng = bureau.rng
    rows = []
    for n, unit in enumerate(bureau.units):
        spent = Decimal(rng.randrange(3_000_000, 60_000_000, 10_000))
        share = Decimal("0.24") if n in range(3, 3 + high) else Decimal(rng.uniform(0.04, 0.11))
        carry = (spent * share * Decimal("0.6")).quantize(Decimal("0.01"))
        rows.append({"unit_code": unit.code, "expenditure": str(spent),
                     "carryover": str(carry), "balance": str(
                         (spent * share - carry).quantize(Decimal("0.01"))),
                     "operating_funds": str((spent * Decimal("0.08")).quantize(Decimal("1")))})
    projects = bureau.projects.get(year, [])[:3]
    balances = [{"project_code": p.code, "unspent": str((p.year_amount / 10).quantize(1)),
                 "last_spent_on": (date(year - 1, 6, 30) if i == 0 else date(year, 11, 20))
                 .isoformat()} for i, p in enumerate(projects)]
    with on(date(year + 1, 4, 20)):
        results.record_accounts(bureau.user("budget01"), year, rows, balances)


def apply_results(bureau: Bureau, source: int, target: int, compiled: date) -> None:
    """Run the rules and move the proposals along: some applied, some with the leader or the
    sections, one still with the performance section."""
    with on(compiled):
        found = results.generate_proposals(bureau.user("perf01"), {
            "target_year": target, "source_year": source,
            "compilation_date": compiled.isoformat()}).round
    proposals = list(db.scalars(select(ResultApplication).where(
        ResultApplication.round_id == found.id).order_by(ResultApplication.id)))
    day = compiled + timedelta(days=3)
    for n, a in enumerate(proposals):
        stop = ("applied", "applied", "applied", "approved", "approved", "section_reviewed",
                "section_reviewed", "proposed")[n % 8]
        if stop == "proposed":
            continue
        with on(day):
            do(a.instance_id, "result_review", bureau.user("perf02"), {"decision": "confirm"})
        chief = _chief(bureau, a)
        with on(day + timedelta(days=4)):
            do(a.instance_id, "result_section_comment", chief, {
                "comment": "已与单位沟通，同意按规则处理。"})
        if stop == "section_reviewed":
            continue
        with on(day + timedelta(days=9)):
            do(a.instance_id, "result_leader_approve", bureau.user("leader2"),
               {"decision": "approve"})
        if stop == "approved":
            continue
        with on(day + timedelta(days=14)):
            do(a.instance_id, "result_apply", bureau.user("budget01"),
               {"note": f"已在 {target} 年控制数中落实"})


def _chief(bureau: Bureau, a: ResultApplication):
    slug = next(u for u in bureau.users if u.startswith("chief_")
                and bureau.users[u].section_id == a.unit.expenditure_section_id)
    return bureau.users[slug]
