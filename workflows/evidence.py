"""Evidence files: bytes in a content-addressed store outside the database, rows in `document`."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select

from models import Document, RectificationItem, User, db

from .audit import record
from .engine import runtime
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .messages import Msg
from .permissions import acts_in_workflows, can_see_unit

OWNER = "rectification_item"
# extension -> (content type, leading bytes). The bytes are checked, not only the name, so a
# script renamed .pdf is refused.
TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "ofd": ("application/ofd", (b"PK\x03\x04",)),
    "zip": ("application/zip", (b"PK\x03\x04",)),
}
MAX_FILES_PER_ITEM = 50
UPLOAD_STATUSES = {"assigned", "plan_submitted", "in_progress", "returned"}
_CHUNK = 1 << 16


class _Store:
    root = Path("instance/files")
    max_bytes = 20 * 1024 * 1024


def configure(root: str | os.PathLike, max_bytes: int) -> None:
    """Where the files live and how large one may be (set by the app and the worker)."""
    _Store.root = Path(root)
    _Store.max_bytes = int(max_bytes)


def max_bytes() -> int:
    """The size limit of one evidence file."""
    return _Store.max_bytes


def path_of(sha256: str) -> Path:
    """Where the bytes with this digest are kept."""
    return _Store.root / sha256[:2] / sha256


def _clean_name(filename: str | None) -> tuple[str, str]:
    name = Path((filename or "").replace("\\", "/")).name.strip()
    if not name or name.startswith("."):
        raise InvalidInput(Msg("the file has no name"), {"file": [Msg("choose a file to upload")]})
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in TYPES:
        raise InvalidInput(Msg("this file type is not accepted"), {"file": [Msg(
            "accepted types: %(types)s", types=", ".join(sorted(TYPES)))]})
    if len(name) > 200:
        stem = name[: 190 - len(ext)]
        name = f"{stem}.{ext}"
    return name, ext


def _spool(stream: BinaryIO, ext: str) -> tuple[Path, str, int]:
    """Copy the upload to a temporary file beside the store, hashing and measuring it."""
    _Store.root.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=_Store.root, prefix=".upload-")
    head = b""
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > _Store.max_bytes:
                    raise InvalidInput(Msg("the file is too large"), {"file": [Msg(
                        "at most %(mb)s MB per file", mb=_Store.max_bytes // (1024 * 1024))]})
                if len(head) < 16:
                    head += chunk[:16]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise InvalidInput(Msg("the file is empty"), {"file": [Msg("the file is empty")]})
        if not any(head.startswith(magic) for magic in TYPES[ext][1]):
            raise InvalidInput(Msg("the file's content does not match its type"), {"file": [Msg(
                "the content is not a valid .%(ext)s file", ext=ext)]})
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp), digest.hexdigest(), size


def spool(filename: str | None, stream: BinaryIO) -> tuple[str, str, Path, str, int]:
    """Check a file's name, type and size while writing it to a temporary file: (clean name,
    content type, temporary path, sha256, size); `keep` moves it into the store."""
    name, ext = _clean_name(filename)
    tmp, sha, size = _spool(stream, ext)
    return name, TYPES[ext][0], tmp, sha, size


def keep(tmp: Path, sha: str) -> None:
    """Move a spooled file into the content-addressed store (the same bytes are kept once)."""
    target = path_of(sha)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        tmp.unlink()
    else:
        os.replace(tmp, target)


def can_upload(item: RectificationItem, user: User) -> bool:
    """The responsible unit's own filer or leader adds evidence until the item is submitted."""
    return (acts_in_workflows(user) and user.unit_id == item.unit_id
            and user.has_role("unit_filer", "unit_leader") and item.status in UPLOAD_STATUSES)


def upload_evidence(item: RectificationItem, user: User, filename: str | None,
                    stream: BinaryIO) -> Document:
    """Store one evidence file for an item of the user's own unit, before it is submitted."""
    if not can_see_unit(user, item.unit_id):
        raise NotFound(Msg("ledger item not found"))
    if not acts_in_workflows(user) or user.unit_id != item.unit_id \
            or not user.has_role("unit_filer", "unit_leader"):
        raise Forbidden(Msg("only the responsible unit uploads evidence for its items"))
    _check_open(item)
    name, ext = _clean_name(filename)
    tmp, sha, size = _spool(stream, ext)  # before the lock: a slow upload holds nothing
    try:
        # the item may have been submitted meanwhile: look again under the instance's lock
        runtime.lock_instance(item.instance_id)
        db.refresh(item)
        _check_open(item)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    keep(tmp, sha)
    doc = Document(bureau_id=item.bureau_id, owner_type=OWNER, owner_id=item.id, kind="evidence",
                   filename=name, content_type=TYPES[ext][0], sha256=sha, size=size,
                   uploaded_by_id=user.id)
    db.add(doc)
    db.flush()
    record(user.id, "rectification_item", item.id, "evidence.upload",
           after={"document_id": doc.id, "filename": name, "sha256": sha, "size": size})
    return doc


def _check_open(item: RectificationItem) -> None:
    if item.status not in UPLOAD_STATUSES:
        raise Conflict(Msg("evidence can no longer be added to this item (status: %(status)s)",
                           status=item.status))
    if evidence_count(item.id) >= MAX_FILES_PER_ITEM:
        raise Conflict(Msg("an item keeps at most %(n)s evidence files", n=MAX_FILES_PER_ITEM))


def evidence_count(item_id: int) -> int:
    """How many evidence files an item has."""
    return db.scalar(select(func.count()).select_from(Document).where(
        Document.owner_type == OWNER, Document.owner_id == item_id)) or 0


def open_evidence(document_id: int, user: User) -> tuple[Document, Path]:
    """A document and its file, for a user who may see its item; 404 for anyone else."""
    doc = db.get(Document, document_id)
    item = db.get(RectificationItem, doc.owner_id) if doc and doc.owner_type == OWNER else None
    if item is None or not can_see_unit(user, item.unit_id):
        raise NotFound(Msg("document not found"))
    path = path_of(doc.sha256)
    if not path.is_file() or path.stat().st_size != doc.size:
        raise NotFound(Msg("the stored file is missing; ask an administrator"))
    return doc, path
