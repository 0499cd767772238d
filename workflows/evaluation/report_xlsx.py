"""A key evaluation's report as a workbook: summary, indicator scores and the problem list.

Written write-only like the ledger export (ledger_xlsx): a title row, Chinese labels, frozen
headers, amounts in 万元, and anybody's text kept as text even when it looks like a formula.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..ledger_xlsx import CATEGORY_LABELS, SEVERITY_LABELS, _header_cell, _Prototypes
from ..ledger_xlsx import STATUS_LABELS as ITEM_STATUS_LABELS
from ..rectification import today
from .results import EvaluationView

OBJECT_TYPE_LABELS = {"project": "项目支出", "overall": "部门整体支出", "special_fund": "专项资金",
                      "policy": "政策", "transfer": "转移支付", "ppp": "PPP项目",
                      "enterprise_subsidy": "企业补助"}
REASON_LABELS = {"large_amount": "资金量大", "broad_coverage": "覆盖面广",
                 "public_concern": "社会关注度高", "poor_history": "以往评价结果较差",
                 "priority_area": "重点领域", "leader_assigned": "领导交办"}
STATUS_LABELS = {"proposed": "已提出", "audit_pre": "评价前征求审计意见",
                 "approved_list": "评价对象已审定", "engaged": "已委托第三方",
                 "plan_review": "评价方案审核中", "fieldwork": "现场评价",
                 "draft_submitted": "报告初稿编制中", "unit_feedback": "征求单位意见",
                 "perf_review": "质量审核", "audit_prefinal": "定稿前征求审计意见",
                 "leader_approval": "局领导审定", "final": "已定稿",
                 "results_issued": "结果已反馈", "closed": "已办结", "withdrawn": "已撤回"}
LEVEL1_LABELS = {"decision": "决策", "process": "过程", "output": "产出", "benefit": "效益"}
LEVEL2_LABELS = {"project_initiation": "项目立项", "performance_goal": "绩效目标",
                 "funds_input": "资金投入", "funds_management": "资金管理",
                 "organisation_implementation": "组织实施", "output_quantity": "产出数量",
                 "output_quality": "产出质量", "output_timeliness": "产出时效",
                 "output_cost": "产出成本", "implementation_benefit": "项目效益",
                 "satisfaction": "满意度"}
GRADE_LABELS = {"excellent": "优", "good": "良", "fair": "中", "poor": "差"}
STAGE_LABELS = {"final": "定稿", "draft": "初稿（未定稿）"}

SCORE = "wan"  # the ledger's two-decimal number format serves scores too
INDICATOR_COLUMNS = (("序号", 6, None), ("一级指标", 10, None), ("二级指标", 14, None),
                     ("三级指标", 36, "wrap"), ("权重（分）", 10, SCORE), ("得分", 10, SCORE))
SUMMARY_COLUMNS = (("项目", 16, None), ("内容", 50, "wrap"), ("", 12, SCORE))
PROBLEM_COLUMNS = (("序号", 6, None), ("问题描述", 44, "wrap"), ("问题类别", 10, None),
                   ("严重程度", 10, None), ("涉及金额（万元）", 14, "wan"),
                   ("整改建议", 32, "wrap"), ("台账编号", 10, None), ("整改状态", 12, None),
                   ("整改期限", 12, "date"))


def _label(table: dict, code) -> str:
    return "" if code is None else table.get(code, code)


def _wan(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount / Decimal(10000)


def _sheet(wb: Workbook, name: str, title: str, columns) -> tuple:
    """A sheet with its column widths, a merged title row and a frozen header row."""
    ws = wb.create_sheet(name)
    for index, (_, width, _) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    ws.merged_cells.add(f"A1:{get_column_letter(len(columns))}1")
    ws.row_dimensions[1].height = 30
    cell = WriteOnlyCell(ws, ILLEGAL_CHARACTERS_RE.sub("", title))
    cell.data_type = "s"  # the title holds the object's name: text, never a formula
    cell.font, cell.alignment = Font(bold=True, size=14), Alignment(horizontal="center",
                                                                     vertical="center")
    ws.append([cell])
    ws.append([_header_cell(ws, label) for label, _, _ in columns])
    return ws, _Prototypes(ws)


def _row(proto: _Prototypes, values, styles) -> list:
    return [proto.cell(v, style) for v, style in zip(values, styles, strict=True)]


def _styles(columns) -> tuple:
    return tuple(style for _, _, style in columns)


def _summary(wb: Workbook, view: EvaluationView, title: str) -> None:
    ev = view.evaluation
    ws, proto = _sheet(wb, "评价概况", title, SUMMARY_COLUMNS)
    engagement = view.engagement
    facts = (
        ("评价对象", ev.title), ("对象类型", _label(OBJECT_TYPE_LABELS, ev.object_type)),
        ("被评价单位", view.unit_name), ("评价项目", view.project_name or ""),
        ("评价年度", ev.fiscal_year_evaluated),
        ("遴选理由", _label(REASON_LABELS, ev.selection_reason)),
        ("第三方机构", engagement.firm_name if engagement else ""),
        ("主评人", (engagement.lead_name or "") if engagement else ""),
        ("评价状态", _label(STATUS_LABELS, ev.status)),
        ("得分性质", _label(STAGE_LABELS, view.score_stage)),
        ("评价等级", _label(GRADE_LABELS, view.grade)),
    )
    for label, value in facts:
        ws.append(_row(proto, (label, value), (None, "wrap")))
    ws.append(_row(proto, ("最终得分" if view.score_stage == "final" else "得分", view.total),
                   (None, SCORE)))
    ws.append([])
    ws.append([_header_cell(ws, text) for text in ("一级指标", "权重（分）", "得分")])
    for group in view.groups:
        ws.append(_row(proto, (_label(LEVEL1_LABELS, group.level1), group.weight,
                               group.subtotal), (None, SCORE, SCORE)))
    ws.append(_row(proto, ("合计", sum((g.weight for g in view.groups), Decimal(0)),
                           view.total), (None, SCORE, SCORE)))


def _indicators(wb: Workbook, view: EvaluationView, title: str) -> None:
    ws, proto = _sheet(wb, "指标得分", title, INDICATOR_COLUMNS)
    for line in view.indicators:
        ws.append(_row(proto, (line.number, _label(LEVEL1_LABELS, line.level1),
                               _label(LEVEL2_LABELS, line.level2), line.name, line.weight,
                               line.score), _styles(INDICATOR_COLUMNS)))
    ws.append(_row(proto, ("合计", "", "", "", sum((i.weight for i in view.indicators),
                                                   Decimal(0)), view.total),
                   _styles(INDICATOR_COLUMNS)))


def _problems(wb: Workbook, view: EvaluationView, title: str) -> None:
    ws, proto = _sheet(wb, "问题清单", title, PROBLEM_COLUMNS)
    for p in view.problems:
        item = p.item
        ws.append(_row(proto, (
            p.number, p.description, _label(CATEGORY_LABELS, p.category),
            _label(SEVERITY_LABELS, p.severity), _wan(p.amount_involved), p.suggested_measure,
            item.id if item else None, _label(ITEM_STATUS_LABELS, item.status) if item else "",
            item.deadline if item else None), _styles(PROBLEM_COLUMNS)))
    if view.problems:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(PROBLEM_COLUMNS))}" \
                             f"{len(view.problems) + 2}"


def export_report(view: EvaluationView) -> bytes:
    """The evaluation report workbook of an evaluation the user may see (its view)."""
    title = f"{view.evaluation.title} 绩效评价报告（导出日期：{today().isoformat()}）"
    wb = Workbook(write_only=True)
    _summary(wb, view, title)
    _indicators(wb, view, title)
    _problems(wb, view, title)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
