"""Row locks for the records an operation decides on: `SELECT … FOR UPDATE` re-reading the row,
so that what is checked is what the database holds now, not what this session loaded earlier
(on SQLite, whose writers take turns, it is a plain re-read)."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import inspect, select

from models import db

Row = TypeVar("Row")


def locked(row: Row) -> Row:
    """The row, locked until the transaction ends and refreshed from the database."""
    mapper = inspect(type(row))
    [key] = mapper.primary_key
    return db.scalars(select(type(row)).where(key == getattr(row, key.key))
                      .with_for_update().execution_options(populate_existing=True)).one()
