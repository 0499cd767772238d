"""Dashboard pages: the year's panels for the bureau, a section or a unit, and each chart's
figures (or all of them) as .xlsx. Charts are drawn by the bundled dashboard.js from a JSON
spec beside a table of the same figures."""

from __future__ import annotations

import json
from decimal import Decimal
from io import BytesIO

from flask import Blueprint, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from workflows import dashboard as board
from workflows.errors import NotFound
from workflows.messages import Msg

from ..i18n import translate
from ..inbox.views import current_language

bp = Blueprint("dashboard", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _drill(scope, key) -> str | None:
    if key is None or scope.level == "project":
        return None
    arg = "section" if scope.level == "section" else "unit"
    return url_for("dashboard.index", year=scope.year, **{arg: key})


def chart_spec(chart, scope) -> str:
    """The JSON the page's chart script draws (labels translated, numbers as numbers)."""
    spec = {"type": chart.kind, "lang": "en" if current_language() == "en" else "zh",
            "categories": [str(translate(c)) for c in chart.categories],
            "series": [{"name": str(translate(s.name)), "kind": s.kind, "axis": s.axis,
                        "data": [_number(v) for v in s.data]} for s in chart.series],
            "unit": chart.unit, "unit2": str(translate(chart.unit2)) if chart.unit2 else "",
            "legend": len(chart.series) > 1 or chart.kind == "pie"}
    if chart.maximum is not None:
        spec["max"] = chart.maximum
    if chart.mark is not None:
        spec["markLine"] = {"value": _number(chart.mark[0]), "label": str(translate(chart.mark[1]))}
    if chart.keys:
        spec["drill"] = [_drill(scope, k) for k in chart.keys]
    # safe inside <script>: no "</" can close the element early
    return json.dumps(spec, ensure_ascii=False).replace("</", "<\\/")


def _args(scope) -> dict:
    args = {"year": scope.year}
    if scope.unit is not None:
        args["unit"] = scope.unit.id
    elif scope.section is not None:
        args["section"] = scope.section.id
    return args


@bp.route("/dashboard")
@login_required
def index():
    """The year's panels: coverage, reviews, ex ante, monitoring, evaluation, ledger, results,
    workload; bars drill down to the section, then the unit."""
    scope, panels = board.dashboard(current_user, request.args, current_language())
    return render_template("dashboard/index.html", scope=scope, panels=panels,
                           chart_spec=chart_spec, args=_args(scope))


def _xlsx(data: bytes, name: str):
    response = send_file(BytesIO(data), as_attachment=True, mimetype=XLSX, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _title(scope, text) -> str:
    where = scope.unit.name if scope.unit else scope.section.name if scope.section \
        else str(translate(Msg("the whole bureau")))
    return f"{scope.year} · {where} · {translate(text)}"


@bp.route("/dashboard/<chart_id>.xlsx")
@login_required
def chart_xlsx(chart_id: str):
    """One chart's figures as .xlsx, for the same view."""
    scope, panels = board.dashboard(current_user, request.args, current_language())
    chart = board.find_chart(panels, chart_id)
    if chart is None:
        raise NotFound(Msg("page not found"))
    table = board.chart_table(chart, _title(scope, chart.title), translate)
    return _xlsx(board.workbook([table]), f"{chart_id}-{scope.year}.xlsx")


@bp.route("/dashboard.xlsx")
@login_required
def all_xlsx():
    """Every chart's figures of the view, a worksheet each."""
    scope, panels = board.dashboard(current_user, request.args, current_language())
    tables = [board.chart_table(c, _title(scope, c.title), translate)
              for p in panels for c in p.charts]
    return _xlsx(board.workbook(tables), f"dashboard-{scope.year}.xlsx")
