"""Plain tables as .xlsx workbooks (monitoring summaries, result-application lists, the
dashboard's figures): a title row, bold headers, amounts with two decimals, no formulas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
MAX_SHEET_NAME = 31  # Excel's limit


@dataclass(frozen=True)
class Table:
    """One worksheet: its name, a title, (header, width) columns and the rows."""

    name: str
    title: str
    columns: Sequence[tuple[str, int]]
    rows: Iterable[Sequence]


def _cell(ws, value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("=") or value in ERROR_CODES:
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"  # someone's text, never a formula
            return cell
        return value
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def _header(ws, label: str):
    cell = WriteOnlyCell(ws, label)
    cell.font, cell.fill, cell.border = Font(bold=True), _FILL, Border(bottom=_THIN)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def workbook(tables: Sequence[Table]) -> bytes:
    """The tables as one workbook, a worksheet each."""
    wb = Workbook(write_only=True)
    for table in tables:
        ws = wb.create_sheet(table.name[:MAX_SHEET_NAME])
        for i, (_label, width) in enumerate(table.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        title = WriteOnlyCell(ws, table.title)
        title.font = Font(bold=True, size=13)
        ws.append([title])
        ws.append([_header(ws, label) for label, _ in table.columns])
        for row in table.rows:
            ws.append([_cell(ws, value) for value in row])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
