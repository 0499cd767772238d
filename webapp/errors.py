"""One place that renders every error as HTML or JSON; clients never see raw exception text."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from workflows.errors import InvalidInput, JixiaoError, WorkflowError

from .i18n import translate, translate_errors


def wants_json() -> bool:
    """API paths and JSON clients get JSON errors."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


def error_body(status: int, message: str, errors: dict | None = None,
               element: str | None = None) -> dict:
    """The JSON error document of the API."""
    body = {"code": status, "message": message}
    if errors:
        body["errors"] = errors
    if element:
        body["element"] = element
    return {"error": body}


def _render(status: int, message: str, errors: dict | None = None, element: str | None = None):
    if wants_json():  # the API speaks English to integrators
        return jsonify(error_body(status, message, errors, element)), status
    return render_template("error.html", status=status, message=translate(message),
                           errors=translate_errors(errors)), status


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(JixiaoError)
    def domain_error(exc: JixiaoError):
        if isinstance(exc, WorkflowError):
            current_app.logger.error("workflow error at %s: %s", exc.element_id, exc.message)
        errors = exc.errors if isinstance(exc, InvalidInput) else None
        element = exc.element_id if isinstance(exc, WorkflowError) else None
        return _render(exc.status, exc.message, errors, element)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        data = getattr(exc, "data", None) or {}
        messages = data.get("messages")  # webargs validation details
        errors = _flatten(messages) if messages else None
        return _render(exc.code or 500, exc.description or exc.name, errors)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        if app.testing:
            raise exc
        current_app.logger.exception("unhandled error")
        return _render(500, "internal error; it has been logged")


def _flatten(messages: dict) -> dict:
    """webargs nests messages by location ({'json': {...}}); clients want field → messages."""
    flat: dict = {}
    for location in messages.values():
        if isinstance(location, dict):
            flat.update(location)
    return flat
