"""The ledger as a spreadsheet: the export, the import template and the all-or-nothing import."""

from datetime import datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from models import Problem, db
from workflows import rectification
from workflows.errors import Forbidden, InvalidInput
from workflows.ledger import LedgerFilters
from workflows.ledger_import import import_problems
from workflows.ledger_xlsx import EXPORT_COLUMNS, IMPORT_COLUMNS, export_ledger, template_workbook

HEADERS = [label for label, *_ in IMPORT_COLUMNS]


def later(days: int):
    return rectification.today() + timedelta(days=days)


def make(bureau, unit="filer1", **over):
    raw = {"source": "key_evaluation", "unit_id": bureau.users[unit].unit_id,
           "description": "专项资金未按规定用途使用", "category": "funds",
           "amount_involved": "125000.50", "suggested_measure": "收回违规资金",
           "problem_list_no": "ZD-2025-01", "deadline": later(60).isoformat()}
    raw.update(over)
    return rectification.record_problem(bureau.perf, raw)


def sheet_of(data: bytes):
    return load_workbook(BytesIO(data)).worksheets[0]


def problems() -> int:
    return db.scalar(select(func.count()).select_from(Problem))


# ------------------------------------------------------------------------------ export

def test_export_lays_out_the_ledger_in_chinese(bureau):
    first = make(bureau, deadline=later(30).isoformat())
    make(bureau, description="=HYPERLINK(\"http://x\")", amount_involved=None,
         category="system", source="audit", deadline=later(90).isoformat())
    make(bureau, "filer2")
    ws = sheet_of(export_ledger(bureau.perf, LedgerFilters()))
    assert ws["A1"].value == f"预算绩效问题整改台账（导出日期：{rectification.today()}）"
    assert "A1:Q1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == [label for label, *_ in EXPORT_COLUMNS]
    assert (ws.freeze_panes, ws.auto_filter.ref, ws.max_row) == ("A3", "A2:Q5", 5)
    row = {label: cell for (label, *_), cell in zip(EXPORT_COLUMNS, ws[3], strict=True)}
    assert row["序号"].value == 1 and row["问题清单编号"].value == "ZD-2025-01"
    assert (row["问题来源"].value, row["问题类别"].value, row["严重程度"].value) == (
        "财政重点评价", "资金", "一般")
    assert (row["整改状态"].value, row["预警级别"].value, row["退回次数"].value) == (
        "待制定计划", "无", 0)
    assert row["责任单位"].value == "区教育局" and row["整改建议"].value == "收回违规资金"
    assert row["涉及金额（万元）"].value == pytest.approx(12.500050)
    assert row["涉及金额（万元）"].number_format == "#,##0.00"
    assert row["整改期限"].value == datetime.combine(first.deadline, datetime.min.time())
    assert row["整改期限"].is_date and row["销号日期"].value is None
    assert row["问题描述"].alignment.wrap_text
    injected = ws.cell(row=5, column=5)  # deadlines 30, 60 (U2), 90 days away
    assert (injected.value, injected.data_type) == ("=HYPERLINK(\"http://x\")", "s")
    assert ws.cell(row=5, column=3).value == "审计" and ws.cell(row=5, column=8).value is None


def test_export_keeps_to_the_scope_and_the_filter_order(bureau):
    a = make(bureau, deadline=later(30).isoformat())
    b = make(bureau, deadline=later(40).isoformat())
    make(bureau, "filer2")
    ws = sheet_of(export_ledger(bureau.filer1, LedgerFilters(sort="deadline", descending=True)))
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[3] for r in rows] == ["区教育局", "区教育局"]
    assert [r[11].date() for r in rows] == [b.deadline, a.deadline]
    assert sheet_of(export_ledger(bureau.filer2, LedgerFilters(source="audit"))).max_row == 2


# ------------------------------------------------------------------------------ import

def filled(rows: list[list], *, header_row: int = 1, headers=HEADERS) -> bytes:
    """The template with `rows` written below its example row (or a sheet of our own)."""
    if headers is HEADERS and header_row == 1:
        wb = load_workbook(BytesIO(template_workbook()))
        ws = wb.worksheets[0]
    else:
        wb = Workbook()
        ws = wb.active
        ws.cell(row=1, column=1, value="某县财政局问题清单")
        for index, label in enumerate(headers, start=1):
            ws.cell(row=header_row, column=index, value=label)
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def row(**over) -> list:
    values = dict(zip(HEADERS, [
        "QD-01", "审计", "2025年审计报告", "U1", "", "政府采购程序不规范", "管理", "一般",
        5000, "完善采购制度", "李四", datetime.combine(later(45), datetime.min.time()), 2025],
        strict=True))
    values.update(over)
    return [values[h] for h in HEADERS]


def test_template_has_the_headers_an_example_and_dropdowns():
    wb = load_workbook(BytesIO(template_workbook()))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws["A2"].value.startswith("示例")
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation
             if dv.type == "list"}
    assert lists["B2:B1001"] == (
        '"财政重点评价,绩效自评,绩效运行监控,审计,专项检查,人大审查,手工录入"')
    assert lists["G2:G1001"] == '"决策,管理,资金,产出,效益,制度"'
    assert lists["H2:H1001"] == '"一般,严重"'
    assert "填写说明" in wb.sheetnames


def test_a_filled_template_imports_every_row(bureau):
    data = filled([
        row(),
        row(**{"问题清单编号": "QD-02", "问题来源": "monitoring", "责任单位编码": None,
               "责任单位名称": "区农业局", "问题类别": "资金", "严重程度": "严重",
               "涉及金额（元）": "1,234.50", "整改期限": later(20).isoformat(),
               "所属年度": "2026"}),
        [None] * len(HEADERS),
    ])
    items = import_problems(bureau.perf, data)
    assert len(items) == 2
    one, two = items
    assert (one.unit.code, one.source, one.problem.category, one.problem.severity) == (
        "U1", "audit", "management", "normal")
    assert one.deadline == later(45) and one.problem.amount_involved == Decimal("5000.00")
    assert (one.responsible_person, one.problem.source_ref, one.fiscal_year) == (
        "李四", "2025年审计报告", 2025)
    assert (two.unit.name, two.source, two.problem.category, two.problem.severity) == (
        "区农业局", "monitoring", "funds", "serious")
    assert two.deadline == later(20) and two.problem.amount_involved == Decimal("1234.50")
    assert (two.problem.problem_list_no, two.fiscal_year) == ("QD-02", 2026)


def test_the_header_is_found_by_its_labels_anywhere_near_the_top(bureau):
    headers = ["问题描述", "问题类别", "问题来源 *", "责任单位名称", "涉及金额(元)"]
    data = filled([["资金闲置", "资金", "自评", "区教育局", None],
                   ["资金闲置", "资金", "绩效自评", "区教育局", 1]], header_row=3,
                  headers=headers)
    with pytest.raises(InvalidInput) as err:
        import_problems(bureau.perf, data)
    assert err.value.errors == {"row 4, column C (问题来源)": [
        "choose one of: 财政重点评价、绩效自评、绩效运行监控、审计、专项检查、人大审查、手工录入"]}
    items = import_problems(bureau.perf, filled([["资金闲置", "资金", "绩效自评", "区教育局", 1]],
                                                header_row=3, headers=headers))
    assert items[0].source == "self_evaluation" and items[0].unit.code == "U1"


def test_one_bad_row_imports_nothing_and_names_its_cells(bureau):
    before = problems()
    data = filled([row(), row(**{"责任单位编码": "NOPE", "问题类别": "乱填"}),
                   row(**{"整改期限": "明年", "问题描述": ""}), row()])
    with pytest.raises(InvalidInput) as err:
        import_problems(bureau.perf, data)
    assert err.value.errors == {
        "row 4, column D (责任单位编码)": ["no unit with the code NOPE"],
        "row 4, column G (问题类别)": ["choose one of: 决策、管理、资金、产出、效益、制度"],
        "row 5, column L (整改期限)": ["dates must be written YYYY-MM-DD"],
        "row 5, column F (问题描述)": ["is required"],
    }
    assert problems() == before


def test_errors_found_by_the_domain_are_moved_to_their_cells(bureau):
    before = problems()
    past = datetime.combine(rectification.today(), datetime.min.time())
    data = filled([row(), row(**{"整改期限": past, "责任单位编码": ""})])
    with pytest.raises(InvalidInput) as err:
        import_problems(bureau.perf, data)
    assert err.value.errors == {
        "row 4, column L (整改期限)": ["the deadline must be after today"],
        "row 4, column D (责任单位编码)": ["choose the responsible unit"],
    }
    assert problems() == before


def test_missing_headers_are_named(bureau):
    data = filled([["资金闲置", "区教育局"]], headers=["问题描述", "责任单位名称"])
    with pytest.raises(InvalidInput) as err:
        import_problems(bureau.perf, data)
    assert err.value.errors == {"header": [
        "the header row lacks the required columns: 问题来源、问题类别"]}
    data = filled([["资金闲置", "资金", "审计"]], headers=["问题描述", "问题类别", "问题来源"])
    with pytest.raises(InvalidInput) as err:
        import_problems(bureau.perf, data)
    assert "责任单位编码或责任单位名称" in err.value.errors["header"][0]


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"name,amount\nx,1\n", "this is not an .xlsx workbook; save it as Excel Workbook (.xlsx)"),
    (b"PK\x03\x04 but not really a zip", "the workbook could not be read; it may be damaged"),
    (b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024), "the file is larger than 5 MB"),
])
def test_files_that_are_not_workbooks_are_refused(bureau, data, message):
    with pytest.raises(InvalidInput) as err:
        import_problems(bureau.perf, data)
    assert err.value.errors == {"file": [message]}


def test_an_empty_sheet_and_too_many_rows_are_refused(bureau):
    with pytest.raises(InvalidInput) as err:
        import_problems(bureau.perf, filled([]))
    assert err.value.errors == {"file": ["the sheet has no problem rows below its header row"]}
    before = problems()
    with pytest.raises(InvalidInput) as err:
        import_problems(bureau.perf, filled([row()] * 5001))
    assert err.value.errors == {"file": [
        "the sheet has more than 5000 problem rows; split it into several files"]}
    assert problems() == before


@pytest.mark.parametrize("username", ["filer1", "cadre1", "leader", "admin"])
def test_only_the_performance_section_imports(bureau, username):
    with pytest.raises(Forbidden):
        import_problems(bureau.users[username], filled([row()]))


def test_a_stray_cell_far_away_does_not_make_the_reader_walk_the_whole_sheet(bureau):
    # A header, one problem, and a cell at XFD1048576: the reader keeps to the import columns
    # and a bounded number of rows (before, this 5 KB file took minutes to read).
    wb = load_workbook(BytesIO(filled([row()])))
    wb.worksheets[0].cell(row=1_048_576, column=16_384, value="x")
    out = BytesIO()
    wb.save(out)
    assert len(out.getvalue()) < 20_000
    assert len(import_problems(bureau.perf, out.getvalue())) == 1
