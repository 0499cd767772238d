"""The API's blueprint class: strict JSON bodies, domain-style 422s and documented error codes."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

import flask_smorest
from flask_smorest import Api
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from workflows.errors import InvalidInput

from .schemas import ApiErrorSchema

# What each documented error status means on this API.
ERROR_DESCRIPTIONS = {
    400: "The request could not be read.",
    401: "Missing, malformed, expired or revoked bearer token (see WWW-Authenticate).",
    403: "Authenticated, but your roles (or a rule such as separation of duties) forbid this.",
    404: "No such object within your data scope.",
    409: "The object changed under you: already completed, held by someone else, or under way.",
    413: "The request body is too large.",
    415: "Unsupported content type.",
    422: "The input is invalid; `error.errors` maps field paths to messages.",
}


class JsonBodyParser(FlaskParser):
    """Bodies must be JSON objects; anything else is a 422 naming the problem, never ignored."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.get_data(cache=True):
                raise InvalidInput("the request body must be JSON",
                                   {"body": ["send Content-Type: application/json"]})
            return core.missing
        return super()._raw_load_json(req)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        raise InvalidInput("the request body is not valid JSON", {"body": ["invalid JSON"]})

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        raise InvalidInput("the request has invalid fields", _flatten(error.messages))


def _flatten(messages) -> dict:
    """webargs keys messages by location ({'json': {...}}); clients want field → messages."""
    flat: dict = {}
    for location, value in (messages or {}).items():
        if isinstance(value, dict):
            flat.update(value)
        else:
            flat[location] = value
    return flat


class ApiBlueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint parsing with JsonBodyParser."""

    ARGUMENTS_PARSER = JsonBodyParser()

    def errors(self, *codes: int) -> Callable:
        """Document the error responses an endpoint can give, all in the API's error shape."""
        def decorate(func):
            for code in codes:
                func = self.alt_response(code, response=HTTPStatus(code).name)(func)
            return func
        return decorate


def document_error_shape(api: Api) -> None:
    """Point the spec's error responses at the `{"error": {...}}` document the app renders."""
    for code, description in ERROR_DESCRIPTIONS.items():
        api.spec.components.response(HTTPStatus(code).name, _error_response(description),
                                     lazy=True)
    api.spec.components.response(api.DEFAULT_ERROR_RESPONSE_NAME,
                                 _error_response("Any other error."), lazy=True)


def _error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": ApiErrorSchema}}}
