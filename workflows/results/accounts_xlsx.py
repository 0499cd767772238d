"""Final accounts and project balances as .xlsx: the template to fill in, and the upload read
into rows for record_accounts (every bad cell named by sheet, row and column)."""

from __future__ import annotations

from datetime import date, datetime

from ..errors import InvalidInput
from ..ledger_import import reading_workbook
from ..messages import Msg
from ..tables_xlsx import Table, workbook

ACCOUNT_SHEET, BALANCE_SHEET = "单位决算", "项目结余"
ACCOUNT_HEADERS = (("单位编码", "unit_code"), ("决算支出（元）", "expenditure"),
                   ("结转资金（元）", "carryover"), ("结余资金（元）", "balance"),
                   ("下年业务经费（元）", "operating_funds"))
BALANCE_HEADERS = (("项目编码", "project_code"), ("结余金额（元）", "unspent"),
                   ("最后一笔支出日期", "last_spent_on"))
MAX_ROWS = 5000


def template(year: int) -> bytes:
    """An empty workbook with both sheets and their headers."""
    return workbook([
        Table(ACCOUNT_SHEET, f"{year}年度部门决算数据（用于结转结余挂钩，R25）",
              [(h, 18) for h, _ in ACCOUNT_HEADERS], []),
        Table(BALANCE_SHEET, f"{year}年末项目结余资金（用于存量资金清理，R26）",
              [(h, 20) for h, _ in BALANCE_HEADERS], [])])


def _cell(value):
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return value if value is None else str(value).strip()


def _rows(ws, headers) -> list[dict]:
    # bounded: a stray cell at XFD1048576 must not make the reader walk its empty neighbours
    rows = list(ws.iter_rows(values_only=True, max_row=MAX_ROWS + 3,
                             max_col=len(headers) + 20))
    if len(rows) > MAX_ROWS + 2:
        raise InvalidInput(Msg("the workbook has errors"), {"file": [
            Msg("at most %(n)s rows per sheet", n=MAX_ROWS)]})
    header_at = next((i for i, r in enumerate(rows[:5]) if r and _cell(r[0]) == headers[0][0]),
                     None)
    if header_at is None:
        raise InvalidInput(Msg("the workbook has errors"), {"file": [
            Msg("the sheet %(sheet)s has no header row starting with %(header)s",
                sheet=ws.title, header=headers[0][0])]})
    names = [_cell(c) for c in rows[header_at]]
    index = {}
    for label, key in headers:
        if label not in names:
            raise InvalidInput(Msg("the workbook has errors"), {"file": [
                Msg("the sheet %(sheet)s lacks the column %(header)s", sheet=ws.title,
                    header=label)]})
        index[key] = names.index(label)
    out = []
    for row in rows[header_at + 1:]:
        if not row or all(v in (None, "") for v in row):
            continue
        out.append({key: _cell(row[i]) if i < len(row) else None for key, i in index.items()})
    return out


def read_accounts(data: bytes) -> tuple[list[dict], list[dict]]:
    """The two sheets' rows (either may be absent, not both)."""
    with reading_workbook(data) as wb:
        names = wb.sheetnames
        accounts = _rows(wb[ACCOUNT_SHEET], ACCOUNT_HEADERS) if ACCOUNT_SHEET in names else []
        balances = _rows(wb[BALANCE_SHEET], BALANCE_HEADERS) if BALANCE_SHEET in names else []
    if ACCOUNT_SHEET not in names and BALANCE_SHEET not in names:
        raise InvalidInput(Msg("the workbook has errors"), {"file": [
            Msg("the workbook needs a sheet named %(a)s or %(b)s", a=ACCOUNT_SHEET,
                b=BALANCE_SHEET)]})
    return accounts, balances
