"""Organisation operations: sections, users, units, projects, and password checks."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from models import BudgetUnit, FinanceBureau, Project, Role, Section, User, UserRole, db
from models.org import SECTION_KINDS

from .audit import record
from .errors import Conflict, InvalidInput, NotFound
from .messages import Msg

MIN_PASSWORD = 8
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def default_bureau() -> FinanceBureau:
    """The tenant row (single-tenant deployment), created on first use."""
    bureau = db.scalar(select(FinanceBureau).order_by(FinanceBureau.id).limit(1))
    if bureau is None:
        bureau = FinanceBureau(name="财政局", region_code="000000", settings={})
        db.add(bureau)
        db.flush()
    return bureau


def _section(code: str) -> Section:
    section = db.scalar(select(Section).where(Section.code == code))
    if section is None:
        raise NotFound(Msg("section %(code)s not found", code=code))
    return section


def _user(username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(Msg("user %(username)s not found", username=username))
    return user


def _unit(code: str) -> BudgetUnit:
    unit = db.scalar(select(BudgetUnit).where(BudgetUnit.code == code))
    if unit is None:
        raise NotFound(Msg("unit %(code)s not found", code=code))
    return unit


def add_section(code: str, name: str, kind: str, actor_id: int | None = None) -> Section:
    """Create a section of the bureau."""
    if kind not in SECTION_KINDS:
        raise InvalidInput(Msg("bad section kind"), {"kind": [
            Msg("one of %(kinds)s", kinds=", ".join(SECTION_KINDS))]})
    if db.scalar(select(Section.id).where(Section.code == code)):
        raise Conflict(Msg("section %(code)s already exists", code=code))
    section = Section(bureau_id=default_bureau().id, code=code, name=name, kind=kind)
    db.add(section)
    db.flush()
    record(actor_id, "section", section.id, "create", after={"code": code, "kind": kind})
    return section


def add_user(username: str, password: str, roles: list[str], *, name: str | None = None,
             unit_code: str | None = None, section_code: str | None = None,
             actor_id: int | None = None, password_hash: str | None = None,
             email: str | None = None) -> User:
    """Create a user holding one or more roles (bulk loaders may pass a precomputed hash)."""
    if email is not None and (len(email) > 200 or not EMAIL.fullmatch(email)):
        raise InvalidInput(Msg("bad e-mail address"),
                           {"email": [Msg("not an e-mail address: %(email)s", email=email)]})
    if password_hash is None and len(password) < MIN_PASSWORD:
        raise InvalidInput(Msg("password too short"),
                           {"password": [Msg("at least %(n)s characters", n=MIN_PASSWORD)]})
    known = {r.code: r for r in db.scalars(select(Role))}
    unknown = [r for r in roles if r not in known]
    if not roles or unknown:
        raise InvalidInput(Msg("bad roles"), {"role": [
            Msg("unknown role(s): %(roles)s", roles=", ".join(unknown) or "-")]})
    if db.scalar(select(User.id).where(User.username == username)):
        raise Conflict(Msg("user %(username)s already exists", username=username))
    unit = _unit(unit_code) if unit_code else None
    section = _section(section_code) if section_code else None
    for code in roles:
        scope = known[code].scope
        if scope == "unit" and unit is None:
            raise InvalidInput(Msg("unit required"),
                               {"unit": [Msg("role %(role)s needs --unit", role=code)]})
        if scope == "section" and section is None:
            raise InvalidInput(Msg("section required"),
                               {"section": [Msg("role %(role)s needs --section", role=code)]})
    user = User(username=username, name=name or username,
                password_hash=password_hash or generate_password_hash(password),
                unit_id=unit.id if unit else None, section_id=section.id if section else None,
                email=email, role_links=[UserRole(role_code=r) for r in dict.fromkeys(roles)])
    db.add(user)
    db.flush()
    record(actor_id, "user", user.id, "create", after={"username": username, "roles": roles})
    return user


def add_unit(code: str, name: str, section_code: str, liaison_username: str, *,
             parent_code: str | None = None, actor_id: int | None = None) -> BudgetUnit:
    """Create a budget unit owned by an expenditure section, with its liaison cadre (R30)."""
    section = _section(section_code)
    if section.kind != "expenditure":
        raise InvalidInput(Msg("not an expenditure section"), {"section": [
            Msg("%(code)s is not an expenditure section", code=section_code)]})
    liaison = _user(liaison_username)
    if liaison.section_id != section.id or not liaison.has_role("section_cadre", "section_chief"):
        raise InvalidInput(Msg("bad liaison"), {"liaison": [
            Msg("%(username)s must be a cadre of section %(code)s", username=liaison_username,
                code=section_code)]})
    if db.scalar(select(BudgetUnit.id).where(BudgetUnit.code == code)):
        raise Conflict(Msg("unit %(code)s already exists", code=code))
    parent = _unit(parent_code) if parent_code else None
    unit = BudgetUnit(bureau_id=default_bureau().id, code=code, name=name,
                      expenditure_section_id=section.id, liaison_user_id=liaison.id,
                      parent_id=parent.id if parent else None, level=2 if parent else 1)
    db.add(unit)
    db.flush()
    record(actor_id, "budget_unit", unit.id, "create",
           after={"code": code, "section": section_code, "liaison": liaison_username})
    return unit


def add_project(unit_code: str, name: str, amount, *, is_new: bool = False,
                fiscal_year: int, code: str | None = None,
                actor_id: int | None = None) -> Project:
    """Create a project of a unit; amount in yuan."""
    unit = _unit(unit_code)
    try:
        yuan = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(Msg("bad amount"),
                           {"amount": [Msg("must be a number of yuan")]}) from None
    if yuan < 0:
        raise InvalidInput(Msg("bad amount"), {"amount": [Msg("must not be negative")]})
    name = name.strip()
    if not name:
        raise InvalidInput(Msg("bad name"), {"name": [Msg("required")]})
    project = Project(bureau_id=unit.bureau_id, fiscal_year=fiscal_year, unit_id=unit.id,
                      name=name, year_amount=yuan, is_new=is_new, code=code or "")
    db.add(project)
    db.flush()
    if not code:
        project.code = f"{fiscal_year}-{unit.code}-{project.id:05d}"
    record(actor_id, "project", project.id, "create",
           after={"unit": unit_code, "name": name, "amount": str(yuan)})
    return project


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None."""
    user = db.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)  # same cost whether or not the user exists
        return None
    return user if check_password_hash(user.password_hash, password) else None


_DUMMY_HASH = generate_password_hash("timing-equaliser")
