"""URL converters: an `<int:…>` in a route is a row id, so it stops where the database's ids
stop — a longer number is a plain 404 instead of an integer the database cannot bind."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's integer columns


class RowIdConverter(IntegerConverter):
    """`<int:…>` bounded to the ids the database can hold."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID,  # noqa: A002
                 signed=False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
