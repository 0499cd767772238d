"""The leaders' dashboard (DOMAIN §7): the year's figures of every part of the cycle, per
section, unit or project, as charts, tables and .xlsx."""

from __future__ import annotations

from models import User
from models.base import utcnow

from ..cycle_steps import today
from ..messages import Msg
from ..tables_xlsx import Table, workbook
from .charts import Chart, Figure, Panel, Series, pct, wan
from .cycle import ex_ante_panel, monitoring_panel
from .goals import coverage_panel, review_panel
from .outcomes import evaluation_panel, ledger_panel, results_panel
from .scope import Scope, can_read_dashboard, parse_scope
from .workload import workload_panel


def dashboard(user: User, args, lang: str = "zh") -> tuple[Scope, list[Panel]]:
    """Every panel for the view the query arguments ask for."""
    scope = parse_scope(user, args)
    return scope, [coverage_panel(scope), review_panel(scope), ex_ante_panel(scope),
                   monitoring_panel(scope), evaluation_panel(scope),
                   ledger_panel(scope, today()), results_panel(scope),
                   workload_panel(scope, utcnow(), lang)]


def find_chart(panels: list[Panel], chart_id: str) -> Chart | None:
    """A chart of the panels by its id."""
    return next((c for p in panels for c in p.charts if c.id == chart_id), None)


def chart_table(chart: Chart, title: str, translate) -> Table:
    """A chart's figures as a worksheet (labels through `translate`)."""
    columns = [(str(translate(Msg("Group"))), 28)] + [
        (str(translate(s.name)) + (f" ({chart.unit})" if chart.unit and s.axis == 0 else ""), 16)
        for s in chart.series]
    rows = [[str(translate(label)), *values[1:]] for label, values in zip(
        chart.categories, chart.rows(), strict=True)]
    return Table(chart.id, title, columns, rows)


__all__ = ["Chart", "Figure", "Panel", "Scope", "Series", "can_read_dashboard", "chart_table",
           "dashboard", "find_chart", "pct", "wan", "workbook"]
