"""Fixtures of the web tests: the compiled Chinese catalog every page test reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "webapp" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def read_catalog():
    """The zh_CN catalog as Babel reads it."""
    with PO.open("rb") as f:
        return read_po(f, locale="zh_CN")


@pytest.fixture(scope="session", autouse=True)
def compiled_catalog():
    """The .mo file is a build product (`make setup` compiles it); compile it here when stale."""
    mo = PO.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < PO.stat().st_mtime:
        with mo.open("wb") as f:
            write_mo(f, read_catalog())


@pytest.fixture
def english(app, client):
    """Read English pages (modules that assert English text use it with `usefixtures`)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def as_user(client, login):
    """Log out whoever is logged in, then log in as this user."""
    def switch(username: str) -> None:
        client.post("/logout")
        resp = login(username)
        assert resp.status_code == 302, resp.text
    return switch


@pytest.fixture
def get(client):
    """GET a page, check its status and return its text."""
    def do(path: str, status: int = 200) -> str:
        resp = client.get(path)
        assert resp.status_code == status, resp.text[:3000]
        return resp.text
    return do


@pytest.fixture
def post(client):
    """POST a form, check the status and return the response."""
    def do(path: str, data: dict, status: int = 302):
        resp = client.post(path, data=data)
        assert resp.status_code == status, resp.text[:3000]
        return resp
    return do

