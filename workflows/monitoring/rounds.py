"""Opening a monitoring round (one report and instance per issued goal sheet) and closing it
with its published totals (DOMAIN c steps 1 and 9)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from models import (
    BudgetUnit,
    GoalSheet,
    MonitoringReport,
    MonitoringRound,
    ProcessDefinition,
    Project,
    User,
    db,
)
from models.base import utcnow

from ..audit import record
from ..cycle_steps import today
from ..deploy import latest_definition
from ..engine import runtime
from ..errors import Conflict, Forbidden, InvalidInput
from ..ledger_rules import deadline_at
from ..ledger_settings import bureau_of
from ..locks import locked
from ..messages import Msg
from ..self_evaluation.inputs import decimal, iso_date, note, text
from .access import KIND, PROCESS_KEY, can_manage_rounds
from .summary import round_summary

MAX_DUE_DAYS = 366
FINAL = ("normal", "decided", "executed")  # a report needing nothing more of anyone
CENT = Decimal("0.01")


def time_progress(cutoff: date) -> Decimal:
    """Elapsed share of the year at the cut-off, in percent: by months at a month's end, as
    the bureaus count it (30 June 50 %, 30 September 75 %), by days otherwise."""
    if (cutoff + timedelta(days=1)).day == 1:
        return (Decimal(cutoff.month) / 12 * 100).quantize(CENT, ROUND_HALF_UP)
    days = 366 if calendar.isleap(cutoff.year) else 365
    return (Decimal(cutoff.timetuple().tm_yday) / days * 100).quantize(CENT, ROUND_HALF_UP)


def validate_round(raw) -> dict:
    """Year, period label, cut-off within the year, due date after today, time progress."""
    if not isinstance(raw, dict):
        raise InvalidInput(Msg("the round must be an object"), {"": [Msg("must be an object")]})
    errors: dict[str, list] = {}
    year = decimal(raw.get("fiscal_year"), "fiscal_year", errors, places=0,
                   low=Decimal(2000), high=Decimal(2100))
    label = text(raw, "period_label", "period_label", errors, limit=40, required=True)
    cutoff = iso_date(raw.get("cutoff_date"), "cutoff_date", errors)
    due = iso_date(raw.get("due_date"), "due_date", errors)
    if year is not None and cutoff is not None and cutoff.year != int(year):
        note(errors, "cutoff_date", Msg("the cut-off lies within the year monitored"))
    on = today()
    if due is not None and not on < due <= on + timedelta(days=MAX_DUE_DAYS):
        note(errors, "due_date", Msg("the due date must lie after today and within a year"))
    progress_raw = raw.get("time_progress")
    progress = None
    if progress_raw not in (None, ""):
        progress = decimal(progress_raw, "time_progress", errors, places=2, low=Decimal(0),
                           high=Decimal(100))
    if errors:
        raise InvalidInput(Msg("the monitoring round has errors"), errors)
    return {"fiscal_year": int(year), "period_label": label, "cutoff_date": cutoff,
            "due_date": due, "time_progress": progress if progress is not None
            else time_progress(cutoff)}


def _executions(raw, errors: dict) -> dict[str, Decimal]:
    """Executed amounts prefilled from the integrated system: project code → yuan."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        note(errors, "executions", Msg("must map project codes to executed amounts in yuan"))
        return {}
    out = {}
    for code, value in raw.items():
        amount = decimal(value, f"executions.{code}", errors, places=2, low=Decimal(0))
        if amount is not None:
            out[str(code)] = amount
    return out


def issued_sheets(bureau_id: int, year: int) -> list[GoalSheet]:
    """The issued sheets of the year (latest version of each), of active units."""
    latest: dict[tuple, GoalSheet] = {}
    for sheet in db.scalars(
            select(GoalSheet).join(BudgetUnit, BudgetUnit.id == GoalSheet.unit_id)
            .where(GoalSheet.bureau_id == bureau_id, GoalSheet.fiscal_year == year,
                   GoalSheet.status == "issued", BudgetUnit.active.is_(True))
            .order_by(BudgetUnit.code, GoalSheet.project_id, GoalSheet.version, GoalSheet.id)):
        latest[(sheet.unit_id, sheet.kind, sheet.project_id)] = sheet
    return list(latest.values())


@dataclass(frozen=True)
class RoundOpened:
    """A new round and how many reports it started."""

    round: MonitoringRound
    reports: int


def open_round(user: User, raw) -> RoundOpened:
    """The performance section opens a round: a monitoring report task for every issued goal
    sheet of the year, the executed amounts prefilled where the integrated system gave them."""
    if not can_manage_rounds(user):
        raise Forbidden(Msg("only the performance section opens a monitoring round"))
    cleaned = validate_round(raw)
    errors: dict[str, list] = {}
    executions = _executions(raw.get("executions"), errors)
    key_ids = {i for i in raw.get("key_monitoring_sheet_ids") or [] if isinstance(i, int)}
    if errors:
        raise InvalidInput(Msg("the monitoring round has errors"), errors)
    bureau = bureau_of(user)
    if db.scalar(select(MonitoringRound.id).where(
            MonitoringRound.bureau_id == bureau.id,
            MonitoringRound.fiscal_year == cleaned["fiscal_year"],
            MonitoringRound.period_label == cleaned["period_label"])) is not None:
        raise Conflict(Msg("a round “%(label)s” of %(year)s has already been opened",
                           label=cleaned["period_label"], year=cleaned["fiscal_year"]))
    sheets = issued_sheets(bureau.id, cleaned["fiscal_year"])
    if not sheets:
        raise InvalidInput(Msg("there is nothing to monitor"), {"fiscal_year": [
            Msg("no goal sheet of %(year)s has been issued", year=cleaned["fiscal_year"])]})
    definition = latest_definition(PROCESS_KEY)
    if definition is None:
        raise Conflict(Msg("the double monitoring process has not been deployed"))
    opened = MonitoringRound(bureau_id=bureau.id, opened_by_id=user.id, status="open",
                             summary={}, **cleaned)
    db.add(opened)
    db.flush()
    codes = dict(db.execute(select(Project.id, Project.code).where(
        Project.id.in_([s.project_id for s in sheets if s.project_id]))).all())
    for sheet in sheets:
        _start(definition, opened, sheet, user, executions.get(codes.get(sheet.project_id, "")),
               sheet.id in key_ids)
    record(user.id, "monitoring_round", opened.id, "open",
           after={"fiscal_year": opened.fiscal_year, "period_label": opened.period_label,
                  "cutoff_date": opened.cutoff_date.isoformat(),
                  "time_progress": str(opened.time_progress), "reports": len(sheets),
                  "prefilled": len(executions)})
    return RoundOpened(opened, len(sheets))


def _start(definition: ProcessDefinition, opened: MonitoringRound, sheet: GoalSheet, user: User,
           executed: Decimal | None, key_monitoring: bool) -> MonitoringReport:
    unit = sheet.unit
    report = MonitoringReport(
        bureau_id=opened.bureau_id, round_id=opened.id, fiscal_year=opened.fiscal_year,
        sheet_id=sheet.id, unit_id=sheet.unit_id, project_id=sheet.project_id, kind=sheet.kind,
        budget_amount=sheet.amount, executed_amount=executed, indicators=[],
        key_monitoring=key_monitoring, status="draft")
    db.add(report)
    db.flush()
    name = sheet.project.name if sheet.project is not None else unit.name
    instance = runtime.start_instance(
        definition, actor_id=user.id, business_key=f"{PROCESS_KEY}:{report.id}",
        subject=f"{name} · {opened.period_label}", unit_id=unit.id,
        data={"report_id": report.id, "filer": "",
              "liaison_user": unit.liaison.username if unit.liaison else None,
              "fill_due_at": deadline_at(opened.due_date), "flagged": False,
              "moves_funds": False})
    report.instance_id = instance.id
    record(user.id, KIND, report.id, "create",
           after={"status": "draft", "sheet_id": sheet.id, "round_id": opened.id})
    return report


def close_round(user: User, found: MonitoringRound) -> MonitoringRound:
    """Close the round once every report is settled; its totals are kept as published."""
    if not can_manage_rounds(user):
        raise Forbidden(Msg("only the performance section closes a monitoring round"))
    found = locked(found)
    if found.status == "closed":
        raise Conflict(Msg("this round is already closed"))
    waiting = db.scalar(select(func.count(MonitoringReport.id)).where(
        MonitoringReport.round_id == found.id, MonitoringReport.status.not_in(FINAL))) or 0
    if waiting:
        raise Conflict(Msg("%(n)s report(s) of the round are not settled yet", n=waiting))
    summary = round_summary(found)
    found.summary = summary.as_json()
    found.status, found.closed_by_id, found.closed_at = "closed", user.id, utcnow()
    record(user.id, "monitoring_round", found.id, "close", after=found.summary)
    return found
