"""Signed, expiring API bearer tokens; a password change invalidates them."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from models import User, db

_SALT = "jixiao-api-token"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def issue_token(user: User) -> str:
    """A bearer token for this user."""
    return _serializer().dumps({"u": user.id, "v": user.credential_version})


def user_from_token(token: str) -> User | None:
    """The active user a token names, or None when it is bad, expired or revoked."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["API_TOKEN_MAX_AGE"])
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = db.get(User, data.get("u"), options=[joinedload(User.role_links)])
    if user is None or not user.active or user.credential_version != data.get("v"):
        return None
    return user
