"""The evaluation report workbook: the summary with level-1 subtotals, the indicator scores,
the problem list with ledger item ids and status — in Chinese, text kept as text."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from models import RectificationItem, db
from tests.evaluation_support import PROBLEMS, act, propose, to_final_step
from workflows.evaluation.report_xlsx import INDICATOR_COLUMNS, PROBLEM_COLUMNS, export_report
from workflows.evaluation.views import evaluation_view
from workflows.rectification import today


def workbook(ev, user):
    return load_workbook(BytesIO(export_report(evaluation_view(ev, user))))


def issued(ke):
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    act(ke.auditor, ev, "consult_final", {"opinion": "同意"})
    act(ke.o.leader, ev, "leader_approval", {"decision": "approve"})
    return ev


def facts(ws) -> dict:
    return {row[0].value: row[1].value for row in ws.iter_rows(min_row=3, max_row=14)}


def test_the_summary_sheet(ke):
    ev = issued(ke)
    wb = workbook(ev, ke.o.perf)
    assert wb.sheetnames == ["评价概况", "指标得分", "问题清单"]
    ws = wb["评价概况"]
    assert ws["A1"].value == f"{ev.title} 绩效评价报告（导出日期：{today().isoformat()}）"
    assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges} and ws.freeze_panes == "A3"
    got = facts(ws)
    assert (got["评价对象"], got["对象类型"], got["被评价单位"], got["评价年度"]) == (
        ev.title, "项目支出", "区教育局", 2027)
    assert (got["第三方机构"], got["主评人"], got["评价状态"], got["得分性质"]) == (
        "甲会计师事务所", "lead_a", "结果已反馈", "定稿")
    assert (got["最终得分"], got["评价等级"]) == (88, "良")
    subtotals = {row[0].value: (row[1].value, row[2].value)
                 for row in ws.iter_rows(min_row=17) if row[0].value}
    assert subtotals == {"决策": (20, 17), "过程": (20, 18), "产出": (30, 27), "效益": (30, 26),
                         "合计": (100, 88)}
    assert ws["A14"].value == "最终得分" and ws["B14"].number_format == "#,##0.00"


def test_the_indicator_sheet(ke):
    ws = workbook(issued(ke), ke.o.filer1)["指标得分"]
    assert [c.value for c in ws[2]] == [label for label, *_ in INDICATOR_COLUMNS]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert rows[0] == [1, "决策", "项目立项", "立项依据充分性", 10, 9]
    assert rows[5] == [6, "效益", "满意度", "师生满意度", 10, 9]
    assert rows[-1] == ["合计", None, None, None, 100, 88]


def test_the_problem_sheet_names_the_ledger_items(ke):
    ev = issued(ke)
    ws = workbook(ev, ke.o.perf)["问题清单"]
    assert [c.value for c in ws[2]] == [label for label, *_ in PROBLEM_COLUMNS]
    items = db.scalars(select(RectificationItem).order_by(RectificationItem.id)).all()
    first, second = ([c.value for c in row] for row in ws.iter_rows(min_row=3))
    assert first[:4] == [1, PROBLEMS[0]["description"], "产出", "一般"]
    assert first[6:8] == [items[0].id, "待制定计划"]
    assert first[8].date() == items[0].deadline
    assert second[2:5] == ["资金", "严重", Decimal("12.5")]  # 125,000 yuan in 万元
    assert ws.auto_filter.ref == "A2:I4" and ws.freeze_panes == "A3"


def test_a_draft_says_so_and_text_stays_text(ke):
    ev = propose(ke, title="=HYPERLINK(\"http://x\")评价")
    wb = workbook(ev, ke.o.perf)
    got = facts(wb["评价概况"])
    assert got["评价对象"] == "=HYPERLINK(\"http://x\")评价"
    assert wb["评价概况"]["B3"].data_type == "s"
    assert got["得分性质"] is None and got["得分"] is None
    assert wb["指标得分"].max_row == 3  # the header and the (empty) total only
    assert wb["问题清单"].max_row == 2
