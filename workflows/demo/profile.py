"""How big a demo bureau is (DOMAIN §6): the district the demo shows, a small one for tests, and
the load-test tenant."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Sizes of one generated bureau."""

    name: str
    departments_per_section: int  # first-level units per expenditure section (≤ 12 named)
    sub_units: int  # second-level units, spread over the sections' first departments
    cadres_per_section: int
    projects_per_unit: float  # 2026 projects per unit (the rest below the threshold)
    big_projects: int  # 2026 projects at or above the goal-sheet threshold (R6)
    new_projects: int  # of which new: they pass an ex-ante assessment first (R5)
    not_supported: int  # of the new ones, not supported (no sheet)
    projects_2025: int  # last year's big projects (their self-evaluations)
    indicators: tuple[int, int]  # indicator rows per sheet, fewest and most
    flagged_share: float  # monitoring reports lagging time progress (R14)
    fund_actions: int  # executed in the H1 round
    rounds: tuple[str, ...]  # monitoring rounds of the budget year
    key_evaluations: int
    ledger_items: int  # besides the key evaluations' own problem lists
    declarations_2027: int  # next year's declarations under way
    ex_ante_2027: int  # next year's new projects being assessed
    balance_cuts: int  # units above the county balance ratio (R25)


DISTRICT = Profile("district", 12, 51, 2, 2.9, 65, 10, 2, 50, (8, 12), 0.15, 5, ("H1",), 6,
                   51, 40, 4, 2)
SMALL = Profile("small", 2, 3, 1, 2.0, 8, 2, 1, 5, (8, 9), 0.3, 3, ("H1",), 3, 8, 6, 2, 1)
LOAD = Profile("load", 12, 176, 3, 3.2, 740, 20, 0, 740, (11, 12), 0.15, 12, ("H1", "Q3"), 50,
               360, 60, 6, 4)
PROFILES = {p.name: p for p in (DISTRICT, SMALL, LOAD)}
