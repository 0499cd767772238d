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
