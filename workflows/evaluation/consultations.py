"""Audit consultations (财审联动) before evaluation and before finalisation (R16)."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditConsultation, FinanceBureau, KeyEvaluation, User, db
from models.base import utcnow

from ..audit import record
from ..engine import clock
from ..errors import Conflict
from ..messages import Msg
from ..rectification.items import today
from .settings import days_for, due_after

STAGE_OF_TASK = {"consult_pre": "pre_evaluation", "consult_final": "pre_finalisation"}


def open_consultation(evaluation: KeyEvaluation, stage: str) -> AuditConsultation:
    """Send the evaluation to the audit bureau with a reply due in the bureau's working days."""
    bureau = db.get(FinanceBureau, evaluation.bureau_id)
    row = AuditConsultation(key_evaluation_id=evaluation.id, stage=stage, sent_at=clock.now(),
                            due_at=due_after(bureau, today(), days_for(bureau).consultation))
    db.add(row)
    db.flush()
    record(None, "key_evaluation", evaluation.id, f"consultation.{stage}.open",
           after={"consultation_id": row.id, "due_at": row.due_at.isoformat()})
    return row


def current(evaluation: KeyEvaluation, stage: str) -> AuditConsultation | None:
    """The latest consultation of a stage (a return to quality review consults again)."""
    return db.scalars(select(AuditConsultation).where(
        AuditConsultation.key_evaluation_id == evaluation.id, AuditConsultation.stage == stage)
        .order_by(AuditConsultation.id.desc()).limit(1)).first()


def recorded(evaluation: KeyEvaluation, stage: str) -> bool:
    """R16: the latest consultation of the stage carries an opinion or a lapsed no-opinion."""
    row = current(evaluation, stage)
    return row is not None and row.recorded


def record_opinion(evaluation: KeyEvaluation, stage: str, user: User, opinion: str,
                   no_opinion: bool) -> AuditConsultation:
    """The audit bureau's reply: an opinion, or an explicit "no opinion"."""
    row = current(evaluation, stage)
    if row is None or row.recorded:
        raise Conflict(Msg("this consultation has already been answered"))
    row.opinion, row.no_opinion = opinion, no_opinion
    row.responded_by_id, row.responded_at = user.id, utcnow()
    record(user.id, "key_evaluation", evaluation.id, f"consultation.{stage}.reply",
           after={"consultation_id": row.id, "no_opinion": no_opinion})
    return row


def lapse(evaluation: KeyEvaluation, stage: str) -> None:
    """No reply by the due time: "no opinion" is recorded (R16)."""
    row = current(evaluation, stage)
    if row is None or row.recorded:
        return
    row.no_opinion = True
    record(None, "key_evaluation", evaluation.id, f"consultation.{stage}.lapsed",
           after={"consultation_id": row.id, "no_opinion": True,
                  "due_at": row.due_at.isoformat()})
