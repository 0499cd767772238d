"""The dashboard's chart model: what the page draws, the table beside it and the .xlsx hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..messages import Msg

CENT = Decimal("0.01")


def pct(part, whole) -> Decimal | None:
    """part ÷ whole in percent, two decimals; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole) * 100).quantize(CENT, ROUND_HALF_UP)


def wan(yuan) -> Decimal:
    """Yuan as 万元 with two decimals."""
    return (Decimal(yuan or 0) / 10000).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Series:
    """One series of a chart: its name and a value per category."""

    name: Msg
    data: list
    kind: str = "bar"  # bar | line (in bar_line charts)
    axis: int = 0


@dataclass
class Figure:
    """A headline number shown above the charts of a panel."""

    label: Msg
    value: object
    unit: str = ""


@dataclass
class Chart:
    """A chart with its categories, series and drill keys (the next level's ids)."""

    id: str
    title: Msg
    kind: str  # bar | hbar | stacked | pie | line | bar_line
    categories: list  # labels: text, or a Msg the page translates
    series: list[Series]
    unit: str = ""
    unit2: str | Msg = ""
    keys: list = field(default_factory=list)
    mark: tuple | None = None  # (value, label) of a reference line
    maximum: int | None = None
    note: Msg | None = None

    @property
    def empty(self) -> bool:
        """No figure to draw."""
        return not self.categories or all(
            all(v in (None, 0) for v in s.data) for s in self.series)

    def rows(self) -> list[list]:
        """One row per category: its label and each series' value."""
        return [[label, *(s.data[i] for s in self.series)]
                for i, label in enumerate(self.categories)]


@dataclass
class Panel:
    """A titled group of headline figures and charts (DOMAIN §7)."""

    id: str
    title: Msg
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
