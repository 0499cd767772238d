"""The error hierarchy operations raise; the web layer renders each as HTML or JSON."""

from __future__ import annotations


class JixiaoError(Exception):
    """Base of every expected, user-facing error."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(JixiaoError):
    """The object does not exist, or lies outside the caller's scope."""

    status = 404


class Forbidden(JixiaoError):
    """The caller may see the object but not do this to it."""

    status = 403


class Conflict(JixiaoError):
    """The object changed under the caller (already completed, claimed by someone else...)."""

    status = 409


class InvalidInput(JixiaoError):
    """Submitted data failed validation; `errors` maps field paths to messages."""

    status = 422

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


class WorkflowError(JixiaoError):
    """The engine failed at a BPMN element; nothing was saved."""

    status = 500

    def __init__(self, message: str, element_id: str = ""):
        super().__init__(message)
        self.element_id = element_id
