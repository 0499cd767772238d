"""Sending stored files back: always as attachments, never rendered or sniffed by the browser."""

from __future__ import annotations

from pathlib import Path

from flask import Response, send_file

from models import Document


def send_document(doc: Document, path: Path) -> Response:
    """A stored document as a download with no-sniff, a sandboxing CSP and no caching."""
    response = send_file(path, as_attachment=True, download_name=doc.filename,
                         mimetype=doc.content_type, conditional=False, etag=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
