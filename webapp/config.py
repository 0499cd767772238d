"""Configuration read from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("JIXIAO_INSTANCE_DIR", Path.cwd() / "instance"))


def _secret_key() -> str:
    """JIXIAO_SECRET_KEY, or a random key kept in instance/secret_key for development."""
    key = os.environ.get("JIXIAO_SECRET_KEY")
    if key:
        return key
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def database_url() -> str:
    """DATABASE_URL, defaulting to SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'jixiao.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    """Production-minded defaults; every value can come from the environment."""

    SQLALCHEMY_URL = None  # resolved lazily by create_app
    SECRET_KEY = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("JIXIAO_SECURE_COOKIES") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    API_TOKEN_MAX_AGE = int(os.environ.get("JIXIAO_TOKEN_MAX_AGE", 8 * 3600))
    # Evidence files live outside the database, named by their sha256.
    FILE_STORE = os.environ.get("JIXIAO_FILE_STORE") or str(INSTANCE_DIR / "files")
    MAX_EVIDENCE_BYTES = int(os.environ.get("JIXIAO_MAX_EVIDENCE_MB", 20)) * 1024 * 1024
    MAX_CONTENT_LENGTH = MAX_EVIDENCE_BYTES + 1024 * 1024  # one file plus the form around it
    # Reminder e-mails are off unless an SMTP server is named; links in them start with BASE_URL.
    SMTP_URL = os.environ.get("JIXIAO_SMTP_URL") or None
    MAIL_FROM = os.environ.get("JIXIAO_MAIL_FROM", "jixiao@localhost")
    BASE_URL = os.environ.get("JIXIAO_BASE_URL", "http://127.0.0.1:5000")
    API_TITLE = "jixiao API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    PROPAGATE_EXCEPTIONS = False
    JIXIAO_DEMO = os.environ.get("JIXIAO_DEMO") == "1"
