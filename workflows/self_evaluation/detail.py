"""One self-evaluation as its reader may see it: the sheet's indicators with targets, actuals
and scores, subtotals, history and open tasks; the spot check for finance only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from models import AuditLog, Indicator, Project, SelfEvaluation, SelfEvaluationRound, Task, User, db

from .access import PROCESS_KEY, get_evaluation_or_404, sees_spot_checks, shown_status

FINANCE_STEPS = ("spot_check", "accept_check")  # tasks and history units never see
FINANCE_ACTIONS = ("spot_check.", "accept.")
GROUP_ORDER = ("output", "benefit", "satisfaction")


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator of the sheet with what the unit reported and the score it earned."""

    id: int
    seq: int
    level1: str
    level2: str
    name: str
    operator: str
    target_value: Decimal | None
    target_max: Decimal | None
    target_text: str | None
    unit_of_measure: str
    sheet_weight: Decimal | None
    weight: Decimal | None  # the weight it was scored against (R4 scaling)
    actual_value: str | None
    achievement: str | None
    achieved_pct: str | None
    score: Decimal | None
    deviation_reason: str


@dataclass(frozen=True)
class SpotCheckView:
    """What the performance section found (finance only)."""

    checked_by: str | None
    checked_at: datetime | None
    check_score: Decimal | None
    gap: Decimal | None
    gap_flagged: bool
    comments: str
    problems: list[dict]


@dataclass(frozen=True)
class HistoryLine:
    """One change of the evaluation, oldest first."""

    at: datetime
    actor: str | None
    action: str
    reason: str | None


@dataclass(frozen=True)
class EvaluationDetail:
    """Everything the evaluation page shows to this reader."""

    evaluation: SelfEvaluation
    unit_name: str
    project_name: str | None
    status: str
    due_date: date
    lines: list[IndicatorLine]
    subtotals: list[tuple[str, Decimal]]
    execution_rate: Decimal | None
    spot: SpotCheckView | None  # only for those who see the spot check, once drawn
    history: list[HistoryLine]
    open_tasks: list[Task]

    @property
    def filled(self) -> bool:
        """Whether the unit has submitted its table at least once."""
        return self.evaluation.total_score is not None


def _lines(evaluation: SelfEvaluation) -> list[IndicatorLine]:
    results = {r.get("indicator_id"): r for r in evaluation.results or []}
    indicators = db.scalars(select(Indicator).where(Indicator.sheet_id == evaluation.sheet_id)
                            .order_by(Indicator.seq))
    lines = []
    for ind in indicators:
        r = results.get(ind.id, {})
        lines.append(IndicatorLine(
            ind.id, ind.seq, ind.level1, ind.level2, ind.name, ind.operator, ind.target_value,
            ind.target_max, ind.target_text, ind.unit_of_measure, ind.weight,
            _dec(r.get("weight")), r.get("actual_value"), r.get("achievement"),
            r.get("achieved_pct"), _dec(r.get("score")), r.get("deviation_reason") or ""))
    return lines


def _dec(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def evaluation_view(evaluation_id: int, user: User) -> EvaluationDetail:
    """One evaluation in the user's scope; the spot check only for finance readers."""
    evaluation = get_evaluation_or_404(evaluation_id, user)
    finance = sees_spot_checks(user)
    project = db.get(Project, evaluation.project_id) if evaluation.project_id else None
    audit = db.execute(
        select(AuditLog, User.name).outerjoin(User, User.id == AuditLog.actor_id)
        .where(AuditLog.entity == PROCESS_KEY, AuditLog.entity_id == str(evaluation.id))
        .order_by(AuditLog.id)).all()
    history = [HistoryLine(a.at, name, a.action, a.reason) for a, name in audit
               if finance or not a.action.startswith(FINANCE_ACTIONS)]
    tasks = [t for t in db.scalars(select(Task).where(
        Task.instance_id == evaluation.instance_id, Task.status == "ready").order_by(Task.id))
        if finance or t.task_key not in FINANCE_STEPS] if evaluation.instance_id else []
    round_ = db.get(SelfEvaluationRound, evaluation.round_id)
    rate = (evaluation.executed / evaluation.budget_full_year * 100).quantize(Decimal("0.01")) \
        if evaluation.executed is not None and evaluation.budget_full_year else None
    subtotals = [(g, _dec(evaluation.subtotals[g])) for g in GROUP_ORDER
                 if g in (evaluation.subtotals or {})]
    return EvaluationDetail(
        evaluation, evaluation.unit.name, project.name if project else None,
        shown_status(evaluation.status, user), round_.due_date, _lines(evaluation), subtotals,
        rate, _spot(evaluation) if finance and evaluation.spot_check else None, history, tasks)


def _spot(evaluation: SelfEvaluation) -> SpotCheckView:
    checker = db.get(User, evaluation.checked_by_id) if evaluation.checked_by_id else None
    return SpotCheckView(checker.name if checker else None, evaluation.checked_at,
                         evaluation.check_score, evaluation.gap, evaluation.gap_flagged,
                         evaluation.check_comments, list(evaluation.check_problems or []))

