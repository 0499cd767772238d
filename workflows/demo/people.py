"""The demo bureau's organisation: sections, users (one password), units with their liaison
cadres, special funds and projects of three years."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import BudgetUnit, Project, SpecialFund, User, db

from .. import org
from .names import (
    DEPARTMENTS,
    EXPENDITURE_SECTIONS,
    OTHER_SECTIONS,
    PROJECT_THEMES,
    SPECIAL_FUNDS,
    SUB_UNITS,
)
from .profile import Profile

DEMO_PASSWORD = "jixiao-demo"
FINANCE = [
    ("perf01", ["perf_staff"], "绩效股 王敏", "S-PERF"),
    ("perf02", ["perf_staff"], "绩效股 张华", "S-PERF"),
    ("perf03", ["perf_staff"], "绩效股 刘洁", "S-PERF"),
    ("perfchief", ["perf_chief", "perf_staff"], "绩效股股长 李强", "S-PERF"),
    ("budget01", ["budget_section"], "预算股 赵丽", "S-BUD"),
    ("budget02", ["budget_section"], "预算股 孙伟", "S-BUD"),
    ("treasury01", ["budget_section"], "国库股 周平", "S-TRE"),
    ("leader", ["bureau_leader"], "分管副局长 陈刚", None),
    ("leader2", ["bureau_leader"], "局长 黄立新", None),
    ("admin", ["admin"], "系统管理员", None),
]
OUTSIDE = [("audit01", ["audit_bureau"], "审计局联络员 孙红"),
           ("audit02", ["audit_bureau"], "审计局 何勇"),
           ("congress01", ["congress"], "人大财经委 刘洋"),
           ("congress02", ["congress"], "人大预算工委 陈静"),
           ("congress03", ["congress"], "人大财经委 吴桐")]


@dataclass
class Bureau:
    """What the later phases need of the organisation."""

    profile: Profile
    rng: random.Random
    users: dict[str, User] = field(default_factory=dict)
    units: list[BudgetUnit] = field(default_factory=list)
    unit_people: dict[int, tuple[User, User]] = field(default_factory=dict)  # filer, head
    funds: dict[str, SpecialFund] = field(default_factory=dict)
    projects: dict[int, list[Project]] = field(default_factory=dict)  # year → projects

    def user(self, username: str) -> User:
        """A demo user by username."""
        return self.users[username]

    def people(self, unit_id: int) -> tuple[User, User]:
        """The unit's filer and head."""
        return self.unit_people[unit_id]


def _add(bureau: Bureau, username: str, roles: list[str], name: str, pw: str, **placement):
    bureau.users[username] = org.add_user(username, DEMO_PASSWORD, roles, name=name,
                                          password_hash=pw, **placement)


def _unit_names(profile: Profile) -> list[tuple[str, str, str | None]]:
    """(section code, name, parent name) of every unit, departments first."""
    out = []
    for code, _name, _slug in EXPENDITURE_SECTIONS:
        names = DEPARTMENTS[code]
        for i in range(profile.departments_per_section):
            base = names[i % len(names)]
            out.append((code, base if i < len(names) else f"{base}{i // len(names) + 1}", None))
    parents = [(code, DEPARTMENTS[code][0]) for code, _n, _s in EXPENDITURE_SECTIONS]
    for i in range(profile.sub_units):
        code, parent = parents[i % len(parents)]
        names = SUB_UNITS[parent]
        base = names[(i // len(parents)) % len(names)]
        round_no = i // (len(parents) * len(names))
        out.append((code, base if not round_no else f"{base}（{round_no + 1}分部）", parent))
    return out


def build_organisation(profile: Profile, seed: int = 2026) -> Bureau:
    """Sections, finance staff, units (each with a filer and a head), outside bodies."""
    bureau = Bureau(profile, random.Random(seed))
    org.default_bureau().name = "湘潭市雨湖区财政局"
    pw = generate_password_hash(DEMO_PASSWORD)
    for code, name, kind in OTHER_SECTIONS:
        org.add_section(code, name, kind)
    for code, name, _slug in EXPENDITURE_SECTIONS:
        org.add_section(code, name, "expenditure")
    for code, name, slug in EXPENDITURE_SECTIONS:
        _add(bureau, f"chief_{slug}", ["section_chief", "section_cadre"], f"{name}股长", pw,
             section_code=code)
        for n in range(profile.cadres_per_section):
            suffix = "" if n == 0 else str(n + 1)
            _add(bureau, f"cadre_{slug}{suffix}", ["section_cadre"], f"{name}对接干部{n + 1}", pw,
                 section_code=code)
    for username, roles, name, section in FINANCE:
        _add(bureau, username, roles, name, pw, **({"section_code": section} if section else {}))
    for username, roles, name in OUTSIDE:
        _add(bureau, username, roles, name, pw)
    slugs = {code: slug for code, _n, slug in EXPENDITURE_SECTIONS}
    codes: dict[str, str] = {}
    for i, (section, name, parent) in enumerate(_unit_names(profile), start=1):
        code = f"{100 + list(slugs).index(section) + 1}{i:03d}"
        cadre_no = i % profile.cadres_per_section
        liaison = f"cadre_{slugs[section]}{'' if cadre_no == 0 else cadre_no + 1}"
        unit = org.add_unit(code, name, section, liaison, parent_code=codes.get(parent))
        codes.setdefault(name, code)
        _add(bureau, f"filer{i:02d}", ["unit_filer"], f"{name}填报员", pw, unit_code=code)
        _add(bureau, f"head{i:02d}", ["unit_leader"], f"{name}负责人", pw, unit_code=code)
        bureau.units.append(unit)
        bureau.unit_people[unit.id] = (bureau.users[f"filer{i:02d}"],
                                       bureau.users[f"head{i:02d}"])
    return bureau


def _section_of(unit: BudgetUnit) -> str:
    return unit.expenditure_section.code


def add_funds(bureau: Bureau) -> None:
    """The special funds, managed by each section's first department."""
    for name, section, amount in SPECIAL_FUNDS:
        manager = next(u for u in bureau.units if _section_of(u) == section)
        fund = SpecialFund(bureau_id=manager.bureau_id, name=name, manager_unit_id=manager.id,
                           annual_amount=Decimal(amount), goal_required=True)
        db.add(fund)
        bureau.funds[name] = fund
    db.flush()


def add_projects(bureau: Bureau, year: int, count: int, *, big: int, new: int = 0) -> list[
        Project]:
    """`count` projects of the year spread over the units: `big` at or above 500,000 yuan (the
    first `new` of them new projects), the rest below."""
    rng, units = bureau.rng, bureau.units
    projects = []
    for n in range(count):
        unit = units[n % len(units)]
        themes = PROJECT_THEMES[_section_of(unit)]
        stem, typical = themes[(n // len(units)) % len(themes)]
        if n < big:
            amount = max(500_000, int(typical * rng.uniform(0.6, 1.6)) // 1000 * 1000)
        else:
            amount = rng.randrange(60_000, 490_000, 1000)
        project = org.add_project(unit.code, f"{stem}（{unit.name.removeprefix('区')}）", amount,
                                  is_new=n < new, fiscal_year=year)
        fund = next((f for f in bureau.funds.values() if f.name.startswith(stem)), None)
        if fund is not None and n < big:
            project.special_fund_id = fund.id
        projects.append(project)
    bureau.projects[year] = projects
    return projects


def units_by_code() -> dict[str, BudgetUnit]:
    """The bureau's units by code."""
    return {u.code: u for u in db.scalars(select(BudgetUnit))}
