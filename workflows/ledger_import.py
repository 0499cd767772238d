"""Importing problems from an .xlsx problem list: every row valid, or nothing recorded."""

from __future__ import annotations

import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import or_, select

from models import BudgetUnit, RectificationItem, User, db

from .errors import Forbidden, InvalidInput
from .ledger_xlsx import (
    CATEGORY_LABELS,
    EXAMPLE_MARK,
    HEADER_SCAN_ROWS,
    IMPORT_COLUMNS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    MAX_UNPACKED_BYTES,
    SEVERITY_LABELS,
    SOURCE_LABELS,
    UNIT_HEADERS,
)
from .messages import Msg
from .rectification import can_record, record_problems, today, validate_problem


def _norm(text) -> str:
    """A header compared without spaces, required-markers or full-width brackets."""
    text = str(text).replace("（", "(").replace("）", ")").replace("*", "")
    return "".join(text.split())


HEADER_FIELDS = {_norm(label): field for label, field, _, _ in IMPORT_COLUMNS}
LABELS = {field: label for label, field, _, _ in IMPORT_COLUMNS}
REQUIRED = tuple(field for _, field, _, required in IMPORT_COLUMNS if required)
CHOICES = {"source": SOURCE_LABELS, "category": CATEGORY_LABELS, "severity": SEVERITY_LABELS}
TEXT_FIELDS = ("problem_list_no", "source_ref", "description", "suggested_measure",
               "responsible_person")


@dataclass
class _Sheet:
    """The first sheet's header (field → column index) and its non-empty data rows."""

    columns: dict[str, int]
    rows: list[tuple[int, tuple]]  # (spreadsheet row number, cell values)

    def value(self, values: tuple, field: str):
        index = self.columns.get(field)
        return values[index] if index is not None and index < len(values) else None

    def key(self, number: int, field: str | None) -> str:
        """How an error names its cell: "row 5, column D (责任单位编码)"."""
        if field not in self.columns:
            return f"row {number}"
        letter = get_column_letter(self.columns[field] + 1)
        return f"row {number}, column {letter} ({LABELS[field]})"


def _file_error(message: Msg, key: str = "file") -> InvalidInput:
    return InvalidInput(message, {key: [message]})


def import_problems(user: User, data: bytes) -> list[RectificationItem]:
    """Record the problems of an .xlsx problem list: every row valid, or nothing recorded.

    Errors are keyed by spreadsheet cell, e.g. "row 5, column D (责任单位编码)"."""
    if not can_record(user):
        raise Forbidden(Msg("only the performance section records problems"))
    sheet = _read(data)
    raws, unit_fields, errors = _convert(sheet)
    if errors:  # also name what the domain would refuse, so one round of fixes is enough
        for index, raw in enumerate(raws):
            try:
                validate_problem(raw, on=today())
            except InvalidInput as exc:
                for field, messages in exc.errors.items():
                    errors.setdefault(_cell_key(sheet, index, field, unit_fields), messages)
        raise InvalidInput(Msg("some rows have errors; nothing was imported"), errors)
    try:
        return record_problems(user, raws)
    except InvalidInput as exc:
        relocated = {}
        for key, messages in exc.errors.items():
            position, _, field = key.partition(".")
            relocated[_cell_key(sheet, int(position) - 1, field, unit_fields)
                      if position.isdigit() else key] = messages
        raise InvalidInput(exc.message, relocated) from None


def _cell_key(sheet: _Sheet, index: int, field: str, unit_fields: list[str]) -> str:
    """The cell of a domain error on the index-th imported row."""
    if field == "unit_id":
        field = unit_fields[index]
    return sheet.key(sheet.rows[index][0], field)


def checked_workbook(data: bytes):
    """A read-only workbook of an .xlsx upload (the caller closes it), refused whole when the
    file is not one, too large, a zip bomb or damaged."""
    if not data:
        raise _file_error(Msg("the file is empty"))
    if len(data) > MAX_IMPORT_BYTES:
        raise _file_error(Msg("the file is larger than %(mb)s MB",
                              mb=MAX_IMPORT_BYTES // (1024 * 1024)))
    if not data.startswith(b"PK\x03\x04"):
        raise _file_error(Msg("this is not an .xlsx workbook; save it as Excel Workbook (.xlsx)"))
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise _file_error(Msg("the workbook is too large once unpacked"))
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except InvalidInput:
        raise
    except Exception:  # a damaged or foreign file can fail anywhere inside the reader
        raise _file_error(Msg("the workbook could not be read; it may be damaged")) from None


@contextmanager
def reading_workbook(data: bytes):
    """The checked workbook of an upload, closed afterwards; whatever the reader trips over
    inside a damaged file becomes the file's error, not a server error."""
    workbook = checked_workbook(data)
    try:
        yield workbook
    except InvalidInput:
        raise
    except Exception:  # a damaged or foreign file can fail anywhere inside the reader
        raise _file_error(Msg("the workbook could not be read; it may be damaged")) from None
    finally:
        workbook.close()


def _read(data: bytes) -> _Sheet:
    """The first sheet of an .xlsx upload, scanned for its header and rows."""
    with reading_workbook(data) as workbook:
        return _scan(workbook.worksheets[0])


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# How far the reader looks: a stray cell at XFD1048576 must not make it walk a million rows of
# sixteen thousand empty cells.
MAX_COLUMNS = len(IMPORT_COLUMNS) + 20
MAX_ROWS = HEADER_SCAN_ROWS + 2 * MAX_IMPORT_ROWS


def _scan(ws) -> _Sheet:
    columns: dict[str, int] | None = None
    rows: list[tuple[int, tuple]] = []
    for number, values in enumerate(ws.iter_rows(values_only=True, max_col=MAX_COLUMNS,
                                                 max_row=MAX_ROWS + 1), start=1):
        if number > MAX_ROWS and not all(_blank(v) for v in values):
            raise _file_error(Msg("the sheet has more than %(n)s problem rows; split it into "
                                  "several files", n=MAX_IMPORT_ROWS))
        if columns is None:
            found = _header(values)
            if len(found) >= 2:
                columns = _check_header(found)
            elif number >= HEADER_SCAN_ROWS:
                break
            continue
        if all(_blank(v) for v in values) or _is_example(columns, values):
            continue
        if len(rows) == MAX_IMPORT_ROWS:
            raise _file_error(Msg("the sheet has more than %(n)s problem rows; split it into "
                                  "several files", n=MAX_IMPORT_ROWS))
        rows.append((number, tuple(values)))
    if columns is None:
        _check_header({})
    if not rows:
        raise _file_error(Msg("the sheet has no problem rows below its header row"))
    return _Sheet(columns, rows)


def _header(values: tuple) -> dict[str, int]:
    """The import fields a row names, by column index (the first of duplicates wins)."""
    found: dict[str, int] = {}
    for index, value in enumerate(values):
        if isinstance(value, str) and _norm(value) in HEADER_FIELDS:
            found.setdefault(HEADER_FIELDS[_norm(value)], index)
    return found


def _is_example(columns: dict[str, int], values: tuple) -> bool:
    index = columns.get("problem_list_no")
    return index is not None and index < len(values) and isinstance(values[index], str) \
        and values[index].strip().startswith(EXAMPLE_MARK)


def _check_header(found: dict[str, int]) -> dict[str, int]:
    missing = [LABELS[field] for field in REQUIRED if field not in found]
    if "unit_code" not in found and "unit_name" not in found:
        missing.append("或".join(UNIT_HEADERS))
    if missing:
        raise _file_error(Msg("the header row lacks the required columns: %(columns)s",
                              columns="、".join(missing)), key="header")
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice(value, labels: dict[str, str]) -> str | None:
    text = _text(value)
    codes = {label: code for code, label in labels.items()} | {code: code for code in labels}
    return codes.get(text)


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not isinstance(value, str) or not text:
        raise ValueError(text)
    return datetime.strptime(text.split()[0].replace("/", "-"), "%Y-%m-%d").date()


def _amount(value) -> str | None:
    if _blank(value):
        return None
    return "".join(_text(value).replace(",", "").replace("，", "").split())


def _convert(sheet: _Sheet) -> tuple[list[dict], list[str], dict[str, list]]:
    """The rows as record_problems' raw dicts, the column each unit came from, and errors."""
    units = _units(sheet)
    raws, unit_fields, errors = [], [], {}
    for number, values in sheet.rows:
        cell = {field: sheet.value(values, field) for field in LABELS}
        raw: dict = {field: _text(cell[field]) for field in TEXT_FIELDS}
        for field, labels in CHOICES.items():
            raw[field] = _choice(cell[field], labels)
            if raw[field] is None and not _blank(cell[field]):
                errors[sheet.key(number, field)] = [Msg(
                    "choose one of: %(options)s", options="、".join(labels.values()))]
        try:
            raw["deadline"] = None if _blank(cell["deadline"]) else _date(cell["deadline"])
        except ValueError:
            raw["deadline"] = None
            errors[sheet.key(number, "deadline")] = [Msg("dates must be written YYYY-MM-DD")]
        raw["amount_involved"] = _amount(cell["amount_involved"])
        raw["fiscal_year"] = _text(cell["fiscal_year"]) or None
        code, name = _text(cell["unit_code"]), _text(cell["unit_name"])
        unit_field = "unit_name" if (name and not code) or "unit_code" not in sheet.columns \
            else "unit_code"
        raw["unit_id"], problem = units.get(("unit_code", code) if code else ("unit_name", name),
                                            (None, None))
        if problem is not None:
            errors[sheet.key(number, unit_field)] = [problem]
        raws.append(raw)
        unit_fields.append(unit_field)
    return raws, unit_fields, errors


def _units(sheet: _Sheet) -> dict[tuple[str, str], tuple[int | None, Msg | None]]:
    """Each unit code and name of the sheet → (unit id, or the message why none), one query."""
    codes, names = set(), set()
    for _, values in sheet.rows:
        code = _text(sheet.value(values, "unit_code"))
        if code:
            codes.add(code)
        else:
            names.add(_text(sheet.value(values, "unit_name")))
    names.discard("")
    found = db.execute(select(BudgetUnit.id, BudgetUnit.code, BudgetUnit.name).where(
        or_(BudgetUnit.code.in_(codes), BudgetUnit.name.in_(names)))).all() \
        if codes or names else []
    by_code = {r.code: r.id for r in found}
    by_name: dict[str, list[int]] = {}
    for r in found:
        by_name.setdefault(r.name, []).append(r.id)
    resolved: dict[tuple[str, str], tuple[int | None, Msg | None]] = {}
    for code in codes:
        resolved["unit_code", code] = (by_code[code], None) if code in by_code else (
            None, Msg("no unit with the code %(code)s", code=code))
    for name in names:
        ids = by_name.get(name, [])
        resolved["unit_name", name] = (ids[0], None) if len(ids) == 1 else (None, Msg(
            "several units are named %(name)s; give the unit code", name=name) if ids else
            Msg("no unit named %(name)s", name=name))
    return resolved
