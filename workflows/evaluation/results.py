"""One key evaluation as its results page, report and API show it: scores by indicator and
level-1 group, the engaged firm, consultations (for those who see audit opinions), feedback,
problems with their ledger items, documents, history and open tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from models import (
    AuditConsultation,
    AuditLog,
    Document,
    Engagement,
    KeyEvaluation,
    RectificationItem,
    Task,
    User,
    db,
)

from ..evaluation_rules import EVAL_LEVEL2
from ..firms.registry import FIRM_ROLE
from ..permissions import can_see_unit
from ..projects import TaskNames, names_for_tasks, user_names
from ..rectification import today
from .access import KIND, sees_audit_opinions, sees_draft, sees_firm_quality
from .documents import FINANCE_KINDS, FIRM_KINDS, KINDS, documents_of, may_upload

LEVEL1_ORDER = tuple(EVAL_LEVEL2)  # decision, process, output, benefit
FEE_READERS = ("perf_staff", "perf_chief", "bureau_leader", "budget_section")
# Trail actions of the fieldwork and the draft (hidden from readers of final results only).
DRAFT_ACTIONS = ("plan.", "fieldwork.", "draft.", "feedback.", "review.", "unit_data.",
                 "document.", "final.chief_", "final.back_to_review", "consultation.")
# What of an audit row's `after` the history shows; the rest (quality components, ids of other
# records) stays in the trail.
HISTORY_KEYS = ("status", "kind", "filename", "total", "score", "grade", "problems")
QUALITY_ACTIONS = ("firm_score.propose", "firm_score.return")


@dataclass(frozen=True)
class IndicatorLine:
    """A level-3 indicator of the plan with the draft's (or final) score."""

    number: int
    level1: str
    level2: str
    name: str
    weight: Decimal
    score: Decimal | None


@dataclass(frozen=True)
class GroupLine:
    """A level-1 group (decision, process, output, benefit): its weight, subtotal, rows."""

    level1: str
    weight: Decimal
    subtotal: Decimal | None
    indicators: tuple[IndicatorLine, ...]


@dataclass(frozen=True)
class LedgerRef:
    """The ledger item a problem became once the results were issued."""

    id: int
    status: str
    deadline: date
    overdue_days: int


@dataclass(frozen=True)
class ProblemLine:
    """One problem of the evaluation's list."""

    number: int
    description: str
    category: str | None
    severity: str
    amount_involved: Decimal | None
    suggested_measure: str
    item: LedgerRef | None


@dataclass(frozen=True)
class EngagementRef:
    """The engaged firm and who leads the work."""

    id: int
    status: str
    firm_id: int
    firm_name: str
    lead_id: int | None
    lead_name: str | None
    team: tuple[str, ...]


@dataclass(frozen=True)
class ConsultationLine:
    """An audit consultation and its outcome."""

    id: int
    stage: str
    sent_at: datetime
    due_at: datetime
    opinion: str
    no_opinion: bool
    responded_by: str | None
    responded_at: datetime | None


@dataclass(frozen=True)
class FeedbackView:
    """The evaluated unit's feedback on the draft, and the firm's answer."""

    status: str
    decision: str | None
    text: str
    by: str | None
    at: str | None
    firm_response: str


@dataclass(frozen=True)
class DocumentLine:
    """A document of the evaluation."""

    id: int
    kind: str
    filename: str
    size: int
    content_type: str
    sha256: str
    uploaded_by: str | None
    uploaded_at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    """One step of the evaluation from its audit trail (access checks left out)."""

    at: datetime
    actor: str | None
    action: str
    reason: str | None
    after: dict


@dataclass(frozen=True)
class EvaluationView:
    """Everything the results page, the report and the API show of one evaluation."""

    evaluation: KeyEvaluation
    unit_name: str
    project_name: str | None
    score_stage: str | None  # "final", "draft", or None before any score
    groups: tuple[GroupLine, ...]
    total: Decimal | None
    grade: str | None
    fee_budget: Decimal | None
    engagement: EngagementRef | None
    consultations: tuple[ConsultationLine, ...] | None  # None: not for this user
    feedback: FeedbackView
    problems: tuple[ProblemLine, ...]
    documents: tuple[DocumentLine, ...]
    history: tuple[HistoryEntry, ...]
    open_tasks: tuple[Task, ...]
    task_names: dict[int, TaskNames]
    upload_kinds: tuple[str, ...]
    ledger_visible: bool

    @property
    def indicators(self) -> list[IndicatorLine]:
        """Every indicator, in the plan's order."""
        return sorted((i for g in self.groups for i in g.indicators), key=lambda i: i.number)


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _scores(evaluation: KeyEvaluation) -> tuple[str | None, list, dict, Decimal | None, str | None]:
    """(stage, indicator scores, subtotals, total, grade): the final ones once approved."""
    draft = evaluation.draft or {}
    if evaluation.final_score is not None:
        return ("final", draft.get("scores") or [], evaluation.subtotals or {},
                evaluation.final_score, evaluation.grade)
    if draft.get("scores"):
        return ("draft", draft["scores"], draft.get("subtotals") or {},
                _decimal(draft.get("total")), draft.get("grade"))
    return None, [], {}, None, None


def score_groups(evaluation: KeyEvaluation, with_scores: bool = True
                 ) -> tuple[str | None, tuple[GroupLine, ...], Decimal | None, str | None]:
    """The plan's indicators by level-1 group with weights, scores and subtotals (weights only
    for a reader who may not see the draft's scores)."""
    stage, scores, subtotals, total, grade = _scores(evaluation) if with_scores \
        else (None, [], {}, None, None)
    plan = evaluation.plan or {}
    rows = plan.get("indicators") or []
    lines = [IndicatorLine(n, r.get("level1", ""), r.get("level2", ""), r.get("name", ""),
                           _decimal(r.get("weight")) or Decimal(0),
                           _decimal(scores[n - 1]) if n <= len(scores) else None)
             for n, r in enumerate(rows, start=1)]
    weights = plan.get("level1_weights") or {}
    groups = []
    for level1 in (*LEVEL1_ORDER, *sorted({i.level1 for i in lines} - set(LEVEL1_ORDER))):
        members = tuple(i for i in lines if i.level1 == level1)
        if not members and level1 not in weights:
            continue
        weight = _decimal(weights.get(level1))
        if weight is None:
            weight = sum((i.weight for i in members), Decimal(0))
        groups.append(GroupLine(level1, weight, _decimal(subtotals.get(level1)), members))
    return stage, tuple(groups), total, grade


def _problems(evaluation: KeyEvaluation) -> tuple[ProblemLine, ...]:
    raw = [p for p in evaluation.problems or [] if isinstance(p, dict)]
    ids = [p["item_id"] for p in raw if isinstance(p.get("item_id"), int)]
    items = {i.id: i for i in db.scalars(select(RectificationItem).where(
        RectificationItem.id.in_(ids)))} if ids else {}
    on = today()
    lines = []
    for n, p in enumerate(raw, start=1):
        item = items.get(p.get("item_id"))
        ref = LedgerRef(item.id, item.status, item.deadline, item.overdue_days(on)) \
            if item is not None else None
        lines.append(ProblemLine(n, p.get("description", ""), p.get("category"),
                                 p.get("severity") or "normal",
                                 _decimal(p.get("amount_involved")),
                                 p.get("suggested_measure") or "", ref))
    return tuple(lines)


def _engagement(evaluation: KeyEvaluation) -> EngagementRef | None:
    engagement = db.get(Engagement, evaluation.engagement_id) \
        if evaluation.engagement_id else None
    if engagement is None:
        return None
    team = [i for i in engagement.team_user_ids or [] if isinstance(i, int)]
    names = user_names({engagement.lead_evaluator_user_id, *team})
    return EngagementRef(engagement.id, engagement.status, engagement.firm_id,
                         engagement.firm.name, engagement.lead_evaluator_user_id,
                         names.get(engagement.lead_evaluator_user_id),
                         tuple(names[i] for i in team if i in names))


def _consultations(evaluation: KeyEvaluation) -> tuple[ConsultationLine, ...]:
    rows = db.scalars(select(AuditConsultation).where(
        AuditConsultation.key_evaluation_id == evaluation.id).order_by(AuditConsultation.id)).all()
    names = user_names({r.responded_by_id for r in rows})
    return tuple(ConsultationLine(r.id, r.stage, r.sent_at, r.due_at, r.opinion, r.no_opinion,
                                  names.get(r.responded_by_id), r.responded_at) for r in rows)


def _feedback(evaluation: KeyEvaluation) -> FeedbackView:
    raw = evaluation.unit_feedback or {}
    by = raw.get("by")
    name = user_names({by}).get(by) if isinstance(by, int) else None
    return FeedbackView(evaluation.feedback_status, raw.get("decision"), raw.get("text") or "",
                        name, raw.get("at"), evaluation.firm_response or "")


def _documents(evaluation: KeyEvaluation) -> tuple[DocumentLine, ...]:
    docs = documents_of(evaluation.id)
    names = user_names({d.uploaded_by_id for d in docs})
    return tuple(_document_line(d, names) for d in docs)


def _document_line(doc: Document, names: dict[int, str]) -> DocumentLine:
    return DocumentLine(doc.id, doc.kind, doc.filename, doc.size, doc.content_type, doc.sha256,
                        names.get(doc.uploaded_by_id), doc.uploaded_at)


def _history(evaluation: KeyEvaluation, user: User) -> tuple[HistoryEntry, ...]:
    rows = db.execute(
        select(AuditLog, User.name).outerjoin(User, User.id == AuditLog.actor_id)
        .where(AuditLog.entity == KIND, AuditLog.entity_id == str(evaluation.id),
               AuditLog.action != "firm.read")
        .order_by(AuditLog.id)).all()
    quality = sees_firm_quality(user)
    draft = sees_draft(user, evaluation)
    entries = []
    for row, name in rows:
        if not draft and row.action.startswith(DRAFT_ACTIONS):
            continue  # the firm's work and the unit's answers are not theirs to read yet
        hidden = row.action in QUALITY_ACTIONS and not quality  # firm staff never see scores
        after = {} if hidden else {k: v for k, v in (row.after or {}).items()
                                   if k in HISTORY_KEYS}
        if after.get("status") == (row.before or {}).get("status"):
            after.pop("status", None)  # a step that left the status as it was
        entries.append(HistoryEntry(row.at, name, row.action, None if hidden else row.reason,
                                    after))
    return tuple(entries)


def upload_kinds(evaluation: KeyEvaluation, user: User) -> tuple[str, ...]:
    """The document kinds the user may add now (`documents.may_upload`). The firm's kinds
    share one R18 check, so it is asked (and logged) once."""
    firm = may_upload(evaluation, user, FIRM_KINDS[0]) if user.has_role(FIRM_ROLE) else False
    return tuple(k for k in KINDS if (firm if k in FIRM_KINDS else may_upload(evaluation,
                                                                              user, k)))


def evaluation_view(evaluation: KeyEvaluation, user: User) -> EvaluationView:
    """One evaluation the user may see (loaded by `get_evaluation_or_404`), as the pages show it.

    Audit consultations only for those who see audit opinions; the fee budget for the finance
    roles; the firm's quality score never appears here.
    """
    draft = sees_draft(user, evaluation)
    stage, groups, total, grade = score_groups(evaluation, with_scores=draft)
    tasks = tuple(db.scalars(select(Task).where(
        Task.instance_id == evaluation.instance_id, Task.status == "ready")
        .order_by(Task.id))) if evaluation.instance_id else ()
    return EvaluationView(
        evaluation=evaluation, unit_name=evaluation.unit.name,
        project_name=evaluation.project.name if evaluation.project else None,
        score_stage=stage, groups=groups, total=total, grade=grade,
        fee_budget=evaluation.fee_budget if user.has_role(*FEE_READERS) else None,
        engagement=_engagement(evaluation),
        consultations=_consultations(evaluation) if sees_audit_opinions(user) else None,
        feedback=_feedback(evaluation) if draft else FeedbackView("pending", None, "", None,
                                                                   None, ""),
        problems=_problems(evaluation) if draft else (),
        documents=_documents(evaluation) if draft else tuple(
            d for d in _documents(evaluation) if d.kind in FINANCE_KINDS),
        history=_history(evaluation, user),
        open_tasks=tasks, task_names=names_for_tasks(list(tasks)),
        upload_kinds=upload_kinds(evaluation, user),
        ledger_visible=can_see_unit(user, evaluation.unit_id))
