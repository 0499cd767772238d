"""The ledger as a spreadsheet: the 整改台账 export and the problem-import template."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from copy import copy
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from itertools import islice

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from models import User

from .ledger import LedgerFilters, LedgerRow, iter_items
from .ledger_rules import ZONE
from .rectification import today

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "预算绩效问题整改台账"
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a 5 MB file that inflates past this is a zip bomb
MAX_IMPORT_ROWS = 5000
HEADER_SCAN_ROWS = 20
EXAMPLE_MARK = "示例"  # the template's example row starts its 问题清单编号 with this; it is skipped

SOURCE_LABELS = {"key_evaluation": "财政重点评价", "self_evaluation": "绩效自评",
                 "monitoring": "绩效运行监控", "audit": "审计", "special_check": "专项检查",
                 "congress": "人大审查", "manual": "手工录入"}
CATEGORY_LABELS = {"decision": "决策", "management": "管理", "funds": "资金", "output": "产出",
                   "benefit": "效益", "system": "制度"}
SEVERITY_LABELS = {"normal": "一般", "serious": "严重"}
STATUS_LABELS = {"assigned": "待制定计划", "plan_submitted": "计划待审核",
                 "in_progress": "整改中", "evidence_submitted": "待核验", "returned": "已退回",
                 "verified": "已核验", "signed_off": "已销号"}
ESCALATION_LABELS = {"none": "无", "reminder": "催办", "notice": "通报", "interview": "约谈"}

# ------------------------------------------------------------------------------ export

# (header, width, style) of each export column; the style names a prototype cell below.
EXPORT_COLUMNS = (
    ("序号", 6, None), ("问题清单编号", 14, None), ("问题来源", 12, None),
    ("责任单位", 18, None), ("问题描述", 40, "wrap"), ("问题类别", 8, None),
    ("严重程度", 8, None), ("涉及金额（万元）", 14, "wan"), ("整改建议", 30, "wrap"),
    ("整改措施", 30, "wrap"), ("责任人", 10, None), ("整改期限", 12, "date"),
    ("整改状态", 10, None), ("逾期天数", 8, None), ("预警级别", 8, None), ("退回次数", 8, None),
    ("销号日期", 12, "date"),
)
CHUNK = 1000


class _Prototypes:
    """Styled cells copied per value: assigning styles one by one is slow at 50,000 rows."""

    def __init__(self, ws):
        self.ws = ws
        self.styles = {
            "wrap": self._make(alignment=Alignment(wrap_text=True, vertical="top")),
            "wan": self._make(number_format="#,##0.00"),
            "date": self._make(number_format="yyyy-mm-dd"),
        }

    def _make(self, **style):
        cell = WriteOnlyCell(self.ws)
        for name, value in style.items():
            setattr(cell, name, value)
        return cell

    def cell(self, value, style: str | None):
        """`value`, in a styled cell when it needs one; text never becomes a formula."""
        guard = False
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
            guard = value.startswith("=") or value in ERROR_CODES
        if (style is None or value is None) and not guard:
            return value
        cell = WriteOnlyCell(self.ws, value)
        if guard:
            cell.data_type = "s"  # someone's text, not a formula or an error code
        if style:
            cell._style = copy(self.styles[style]._style)
        return cell


def _local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(ZONE).date() if moment else None


def _wan(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount / Decimal(10000)


def _values(number: int, row: LedgerRow) -> tuple:
    return (
        number, row.problem_list_no, SOURCE_LABELS.get(row.source, row.source), row.unit_name,
        row.description, CATEGORY_LABELS.get(row.category, row.category),
        SEVERITY_LABELS.get(row.severity, row.severity), _wan(row.amount_involved),
        row.suggested_measure, row.measures, row.responsible_person,
        row.deadline, STATUS_LABELS.get(row.status, row.status), row.overdue_days,
        ESCALATION_LABELS.get(row.escalation_level, row.escalation_level), row.return_count,
        _local_date(row.signed_off_at))


def _chunks(rows: Iterator[LedgerRow], size: int) -> Iterator[list[LedgerRow]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def export_ledger(user: User, filters: LedgerFilters) -> bytes:
    """The 整改台账 workbook of the rows in the user's scope matching the filters, in order.

    Written in write-only mode, streaming the rows in chunks, so memory stays flat."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("整改台账")
    last = get_column_letter(len(EXPORT_COLUMNS))
    for index, (_, width, _) in enumerate(EXPORT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A3"
    ws.merged_cells.add(f"A1:{last}1")
    proto = _Prototypes(ws)
    title = WriteOnlyCell(ws, f"{TITLE}（导出日期：{today().isoformat()}）")
    title.font, title.alignment = Font(bold=True, size=14), Alignment(horizontal="center",
                                                                      vertical="center")
    ws.append([title])
    ws.append([_header_cell(ws, label) for label, _, _ in EXPORT_COLUMNS])
    styles = [style for _, _, style in EXPORT_COLUMNS]
    count = 0
    for chunk in _chunks(iter_items(user, filters, chunk=CHUNK), CHUNK):
        for row in chunk:
            count += 1
            ws.append([proto.cell(value, style) for value, style
                       in zip(_values(count, row), styles, strict=True)])
    ws.auto_filter.ref = f"A2:{last}{count + 2}"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")


def _header_cell(ws, label: str):
    cell = WriteOnlyCell(ws, label)
    cell.font = Font(bold=True)
    cell.fill = _HEADER_FILL
    cell.border = Border(bottom=_THIN)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


# ------------------------------------------------------------------------------ template

# (header, field, width, required) of the import columns, in the template's order.
IMPORT_COLUMNS = (
    ("问题清单编号", "problem_list_no", 16, False), ("问题来源", "source", 14, True),
    ("来源说明", "source_ref", 20, False), ("责任单位编码", "unit_code", 14, False),
    ("责任单位名称", "unit_name", 20, False), ("问题描述", "description", 40, True),
    ("问题类别", "category", 10, True), ("严重程度", "severity", 10, False),
    ("涉及金额（元）", "amount_involved", 16, False), ("整改建议", "suggested_measure", 30, False),
    ("责任人", "responsible_person", 10, False), ("整改期限", "deadline", 12, False),
    ("所属年度", "fiscal_year", 10, False),
)
UNIT_HEADERS = ("责任单位编码", "责任单位名称")  # one of the two is required
EXAMPLE = ("示例（导入时忽略本行）", "财政重点评价", "2025年义务教育项目重点评价", "101001",
           "区教育局", "专项资金未按规定用途使用，结余资金闲置", "资金", "一般", 125000.5,
           "收回违规资金，完善资金管理制度", "张三", date(2026, 12, 31), 2025)
TEMPLATE_ROWS = 1000  # how far down the dropdowns and formats reach


def template_workbook() -> bytes:
    """The import template: the header row, an example row, and dropdowns in Chinese."""
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    for index, (label, field, width, required) in enumerate(IMPORT_COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=label)
        cell.font = Font(bold=True, color="C00000" if required else None)
        cell.fill, cell.border = _HEADER_FILL, Border(bottom=_THIN)
        column = ws.column_dimensions[get_column_letter(index)]
        column.width = width
        if field in ("unit_code", "problem_list_no"):
            column.number_format = "@"  # codes keep their leading zeros
        elif field == "deadline":
            column.number_format = "yyyy-mm-dd"
        elif field == "amount_involved":
            column.number_format = "#,##0.00"
        ws.cell(row=2, column=index, value=EXAMPLE[index - 1]).font = Font(italic=True,
                                                                           color="808080")
    ws.freeze_panes = "A2"
    for field, labels in (("source", SOURCE_LABELS), ("category", CATEGORY_LABELS),
                          ("severity", SEVERITY_LABELS)):
        _dropdown(ws, field, labels.values())
    _validate(ws, "deadline", DataValidation(type="date", operator="greaterThan",
                                             formula1="36526", allow_blank=True,
                                             error="请填写日期，格式 YYYY-MM-DD"))
    _validate(ws, "fiscal_year", DataValidation(type="whole", operator="between", formula1="2000",
                                                formula2="2100", allow_blank=True,
                                                error="请填写四位年度，如 2025"))
    _validate(ws, "amount_involved", DataValidation(type="decimal", operator="greaterThanOrEqual",
                                                    formula1="0", allow_blank=True,
                                                    error="请填写以元为单位的金额"))
    _instructions(wb.create_sheet("填写说明"))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _column_range(field: str) -> str:
    index = next(i for i, column in enumerate(IMPORT_COLUMNS, start=1) if column[1] == field)
    letter = get_column_letter(index)
    return f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"


def _validate(ws, field: str, rule: DataValidation) -> None:
    rule.showErrorMessage = True
    rule.add(_column_range(field))
    ws.add_data_validation(rule)


def _dropdown(ws, field: str, labels: Iterable[str]) -> None:
    _validate(ws, field, DataValidation(type="list", formula1='"' + ",".join(labels) + '"',
                                        allow_blank=True, error="请从下拉列表中选择"))


def _instructions(ws) -> None:
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 80
    lines = [
        ("填写说明", ""),
        ("必填列", "问题来源、问题描述、问题类别，以及责任单位编码或责任单位名称之一"),
        ("责任单位", "优先按责任单位编码匹配；未填编码时按名称完全匹配"),
        ("涉及金额（元）", "以元为单位，可保留两位小数"),
        ("整改期限", "日期，格式 YYYY-MM-DD，须晚于导入当日；不填则按默认期限"),
        ("示例行", "第 2 行为示例，问题清单编号以“示例”开头的行导入时忽略"),
        ("导入规则", f"每次最多 {MAX_IMPORT_ROWS} 行；任一行有误则全部不导入"),
        ("问题来源", "、".join(SOURCE_LABELS.values())),
        ("问题类别", "、".join(CATEGORY_LABELS.values())),
        ("严重程度", "、".join(SEVERITY_LABELS.values())),
    ]
    for label, text in lines:
        ws.append([label, text])
    ws["A1"].font = Font(bold=True, size=12)
