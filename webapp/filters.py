"""Jinja filters: money in 万元, local times, labels, domain messages."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask
from flask_babel import format_datetime

from models.base import utcnow

from .i18n import translate

SHANGHAI = ZoneInfo("Asia/Shanghai")


def wan(value) -> str:
    """Yuan shown as 万元 with two decimals."""
    if value is None:
        return ""
    return f"{(Decimal(value) / Decimal(10000)).quantize(Decimal('0.01')):,}"


def local_dt(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC time shown in the bureau's time zone."""
    return format_datetime(value, fmt) if value else ""


def is_overdue(value: datetime | None) -> bool:
    """True when a due time has passed."""
    return value is not None and value < utcnow()


def register(app: Flask) -> None:
    """Install the filters and tests."""
    app.add_template_filter(wan, "wan")
    app.add_template_filter(local_dt, "local_dt")
    app.add_template_filter(translate, "translate")
    app.add_template_test(is_overdue, "overdue")
