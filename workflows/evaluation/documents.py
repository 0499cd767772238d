"""Documents of a key evaluation: the firm's plan, working papers and reports, the unit's data
and feedback, the final report; stored like evidence (content-addressed, checked by bytes)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select

from models import Document, KeyEvaluation, User, db

from ..audit import record
from ..engine import runtime
from ..errors import Conflict, Forbidden, NotFound
from ..evidence import keep, path_of, spool
from ..firms.access import firm_access
from ..messages import Msg
from ..permissions import acts_in_workflows
from .access import KIND, can_see, sees_draft

FIRM_KINDS = ("plan", "working_paper", "draft_report")
UNIT_KINDS = ("unit_data", "feedback")
FINANCE_KINDS = ("final_report",)
KINDS = (*FIRM_KINDS, *UNIT_KINDS, *FINANCE_KINDS)
MAX_FILES = 200
_FIRM_AT = ("engaged", "plan_review", "fieldwork", "draft_submitted", "unit_feedback",
            "perf_review")
_UNIT_AT = ("fieldwork", "draft_submitted", "unit_feedback")
# When each kind may be added (evaluation statuses).
OPEN_FOR = {**dict.fromkeys(FIRM_KINDS, _FIRM_AT), **dict.fromkeys(UNIT_KINDS, _UNIT_AT),
            "final_report": ("final", "results_issued")}


def may_upload(evaluation: KeyEvaluation, user: User, kind: str) -> bool:
    """The firm's team adds its papers from the engagement until the quality review passes, the
    evaluated unit its data and feedback while the draft is open, the performance section the
    final report until the evaluation closes; the final record is read-only (R31)."""
    if not acts_in_workflows(user) or evaluation.status not in OPEN_FOR.get(kind, ()):
        return False
    if kind in FIRM_KINDS:
        return firm_access(user, KIND, evaluation.id) == "write"
    if kind in UNIT_KINDS:
        return user.unit_id == evaluation.unit_id and user.has_role("unit_filer", "unit_leader")
    return user.has_role("perf_staff", "perf_chief")


def upload_document(evaluation: KeyEvaluation, user: User, kind: str, filename: str | None,
                    stream: BinaryIO) -> Document:
    """Store one file of the evaluation under the evaluation's instance lock."""
    if kind not in KINDS:
        raise NotFound(Msg("no such document kind"))
    if not may_upload(evaluation, user, kind):
        raise Forbidden(Msg("you may not add this kind of document to this evaluation"))
    name, content_type, tmp, sha, size = spool(filename, stream)
    try:
        runtime.lock_instance(evaluation.instance_id)
        db.refresh(evaluation)
        if not may_upload(evaluation, user, kind):
            raise Conflict(Msg("this evaluation no longer takes documents"))
        if document_count(evaluation.id) >= MAX_FILES:
            raise Conflict(Msg("an evaluation keeps at most %(n)s documents", n=MAX_FILES))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    keep(tmp, sha)
    doc = Document(bureau_id=evaluation.bureau_id, owner_type=KIND, owner_id=evaluation.id,
                   kind=kind, filename=name, content_type=content_type, sha256=sha, size=size,
                   uploaded_by_id=user.id)
    db.add(doc)
    db.flush()
    record(user.id, KIND, evaluation.id, "document.upload",
           after={"document_id": doc.id, "kind": kind, "filename": name, "sha256": sha})
    return doc


def document_count(evaluation_id: int, kind: str | None = None) -> int:
    """How many documents the evaluation has (of one kind)."""
    query = select(func.count()).select_from(Document).where(
        Document.owner_type == KIND, Document.owner_id == evaluation_id)
    if kind:
        query = query.where(Document.kind == kind)
    return db.scalar(query) or 0


def documents_of(evaluation_id: int) -> list[Document]:
    """The evaluation's documents, oldest first."""
    return list(db.scalars(select(Document).where(
        Document.owner_type == KIND, Document.owner_id == evaluation_id).order_by(Document.id)))


def open_document(document_id: int, user: User) -> tuple[Document, Path]:
    """A document and its file for a user who may see its evaluation; 404 for anyone else."""
    doc = db.get(Document, document_id) if isinstance(document_id, int) else None
    evaluation = db.get(KeyEvaluation, doc.owner_id) if doc and doc.owner_type == KIND else None
    if evaluation is None or not can_see(user, evaluation) or (
            doc.kind not in FINANCE_KINDS and not sees_draft(user, evaluation)):
        raise NotFound(Msg("document not found"))
    path = path_of(doc.sha256)
    if not path.is_file() or path.stat().st_size != doc.size:
        raise NotFound(Msg("the stored file is missing; ask an administrator"))
    return doc, path
