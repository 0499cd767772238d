"""Bearer-token authentication of the API (never the session cookie) and `/auth/token`."""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, request

from models import User
from workflows.errors import Forbidden
from workflows.org import authenticate

from ..auth.tokens import issue_token, user_from_token
from .core import ApiBlueprint
from .schemas import TokenRequestSchema, TokenSchema

REALM = 'Bearer realm="jixiao"'

blp = ApiBlueprint("api_auth", __name__, url_prefix="/api/v1/auth",
                   description="Exchange a username and password for a bearer token.")


def current_api_user() -> User:
    """The user the request's bearer token names (set by `require_token`)."""
    return g.api_user


def require_token() -> None:
    """Authenticate the request by its `Authorization: Bearer` header, or answer 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        abort(401, description="send Authorization: Bearer <token> (POST /api/v1/auth/token)")
    user = user_from_token(token)
    if user is None:
        g.api_auth_error = "invalid_token"
        abort(401, description="the token is invalid, expired or revoked; get a new one")
    g.api_user = user


def add_challenge(response):
    """Every 401 of the API says how to authenticate."""
    if response.status_code == 401:
        error = g.get("api_auth_error")
        response.headers["WWW-Authenticate"] = (
            f'{REALM}, error="{error}"' if error else REALM)
    return response


def protect(blueprint: ApiBlueprint) -> None:
    """Require a bearer token for every view of a blueprint."""
    blueprint.before_request(require_token)
    blueprint.after_request(add_challenge)


def role_required(*roles: str):
    """Allow a view only to holders of one of the roles (403 otherwise)."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_api_user().has_role(*roles):
                raise Forbidden(f"this needs the role {' or '.join(roles)}")
            return view(*args, **kwargs)
        return guarded
    return decorate


blp.after_request(add_challenge)


@blp.route("/token", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenSchema)
@blp.errors(401, 422)
def create_token(credentials: dict):
    """Issue a bearer token for an active user's username and password."""
    user = authenticate(credentials["username"].strip(), credentials["password"])
    if user is None:
        abort(401, description="wrong username or password")
    return {"token": issue_token(user), "token_type": "Bearer",
            "expires_in": current_app.config["API_TOKEN_MAX_AGE"]}
