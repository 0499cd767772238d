"""The firm registry: firms, credit codes, staff, and R19 eligibility."""

from __future__ import annotations

import re

from sqlalchemy import select

from models import ThirdPartyFirm, User, db
from models.firm import (
    FIRM_TYPES,
    QUALITY_COMPONENTS,
)

from ..audit import record
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..ledger_settings import bureau_of
from ..messages import Msg
from ..permissions import acts_in_workflows
from ..rule_settings import rule_settings

REGISTRY_ROLES = ("perf_staff", "perf_chief")
FIRM_ROLE = "tp_evaluator"
# Tenant-setting defaults [P]: component weights (sum 100), grace after closing, R22 window.
# The defaults of the bureau's settings `quality_<component>` and `firm_read_grace_days`.
QUALITY_WEIGHTS = dict(zip(QUALITY_COMPONENTS, (15, 20, 20, 25, 10, 10), strict=True))
READ_GRACE_DAYS = 30


def quality_weights(bureau=None) -> dict[str, int]:
    """R22's weights of the six quality components, as the bureau set them (sum 100)."""
    values = rule_settings(bureau)
    return {k: values[f"quality_{k}"] for k in QUALITY_COMPONENTS}


def read_grace_days(bureau=None) -> int:
    """R18: days a closed engagement's team may still read (default 30)."""
    return rule_settings(bureau)["firm_read_grace_days"]
POOR_WINDOW_MONTHS = 24
EVALUATIVE_KINDS = ("key_evaluation", "recheck", "key_monitoring", "goal_review")
ADVISORY_KINDS = ("ex_ante", "indicator_system")
MAX_ID = 2**31 - 1

# GB 32100-2015: 18 characters of a 31-letter alphabet (no I, O, S, V, Z); characters 3–8 are
# the region code; the last one is a check character over the first 17.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_FORMAT = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def credit_check_char(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015)."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def clean_credit_code(value) -> str:
    """The code in capitals, or ValueError(Msg) naming what is wrong with it."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if len(code) != 18 or not CREDIT_FORMAT.fullmatch(code):
        raise ValueError(Msg("a unified social credit code has 18 characters: digits and capital "
                             "letters except I, O, S, V and Z, with a 6-digit region code"))
    if credit_check_char(code[:17]) != code[17]:
        raise ValueError(Msg("the check character of this credit code is wrong; please check it"))
    return code


# ---------------------------------------------------------------- the registry

def can_manage_firms(user: User) -> bool:
    """The performance section keeps the registry and scores firms (never an administrator)."""
    return acts_in_workflows(user) and user.has_role(*REGISTRY_ROLES)


def check_manager(user: User) -> None:
    if not can_manage_firms(user):
        raise Forbidden(Msg("only the performance section manages third-party firms"))


def _name(value) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > 200:
        raise ValueError(Msg("required, at most 200 characters"))
    return text


def _firm_type(value) -> str:
    if value not in FIRM_TYPES:
        raise ValueError(Msg("choose one of: %(options)s", options=", ".join(FIRM_TYPES)))
    return value


def _staff_count(value) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError(Msg("must be a whole number")) from None
    if not 0 <= number <= 1_000_000:
        raise ValueError(Msg("must lie between 0 and 1,000,000"))
    return number


def _qualifications(value) -> list[str]:
    if not isinstance(value, list) or len(value) > 50 or not all(
            isinstance(v, str) and 0 < len(v.strip()) <= 200 for v in value):
        raise ValueError(Msg("a list of at most 50 qualifications, each at most 200 characters"))
    return [v.strip() for v in value]


def _flag(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(Msg("must be true or false"))
    return value


FIRM_FIELDS = {"name": _name, "credit_code": clean_credit_code, "firm_type": _firm_type,
               "staff_count": _staff_count, "qualifications": _qualifications,
               "major_violation_last_3y": _flag}
FIRM_REQUIRED = ("name", "credit_code", "firm_type")
FIRM_BLANK = {"staff_count": None, "qualifications": [], "major_violation_last_3y": False}


def validate_firm(raw, *, partial: bool = False) -> dict:
    """Clean a firm's fields (only those given when `partial`); every bad field named."""
    if not isinstance(raw, dict):
        raise InvalidInput(Msg("the firm must be an object"), {"": [Msg("must be an object")]})
    errors, cleaned = {}, {}
    for key, check in FIRM_FIELDS.items():
        if raw.get(key) in (None, ""):
            if key in FIRM_REQUIRED and (key in raw or not partial):
                errors[key] = [Msg("is required")]
            elif key in raw:
                cleaned[key] = FIRM_BLANK[key]
            continue
        try:
            cleaned[key] = check(raw[key])
        except ValueError as exc:
            errors[key] = [exc.args[0]]
    if errors:
        raise InvalidInput(Msg("the firm has errors"), errors)
    return cleaned


def _check_code_free(bureau_id: int, code: str, firm_id: int | None = None) -> None:
    other = db.scalar(select(ThirdPartyFirm.id).where(
        ThirdPartyFirm.bureau_id == bureau_id, ThirdPartyFirm.credit_code == code))
    if other is not None and other != firm_id:
        raise InvalidInput(Msg("the firm has errors"), {"credit_code": [
            Msg("a firm with this credit code is already registered")]})


def add_firm(raw, *, bureau_id: int, actor_id: int | None = None) -> ThirdPartyFirm:
    """Register a firm (the `jixiao firm add` path; people go through register_firm)."""
    cleaned = validate_firm(raw)
    _check_code_free(bureau_id, cleaned["credit_code"])
    firm = ThirdPartyFirm(bureau_id=bureau_id, status="active", **{**FIRM_BLANK, **cleaned})
    db.add(firm)
    db.flush()
    record(actor_id, "third_party_firm", firm.id, "create", after=_firm_state(firm))
    return firm


def register_firm(user: User, raw) -> ThirdPartyFirm:
    """The performance section registers a firm in its bureau's registry."""
    check_manager(user)
    return add_firm(raw, bureau_id=bureau_of(user).id, actor_id=user.id)


def update_firm(user: User, firm: ThirdPartyFirm, raw) -> ThirdPartyFirm:
    """Change a firm's registered facts; its status changes only by rule (R22)."""
    check_manager(user)
    cleaned = validate_firm(raw, partial=True)
    if "credit_code" in cleaned:
        _check_code_free(firm.bureau_id, cleaned["credit_code"], firm.id)
    before = _firm_state(firm)
    for key, value in cleaned.items():
        setattr(firm, key, value)
    db.flush()
    record(user.id, "third_party_firm", firm.id, "update", before=before, after=_firm_state(firm))
    return firm


def _firm_state(firm: ThirdPartyFirm) -> dict:
    return {"name": firm.name, "credit_code": firm.credit_code, "firm_type": firm.firm_type,
            "staff_count": firm.staff_count, "status": firm.status,
            "major_violation_last_3y": firm.major_violation_last_3y}


def list_firms(bureau_id: int) -> list[ThirdPartyFirm]:
    """The bureau's registry, by name."""
    return list(db.scalars(select(ThirdPartyFirm).where(ThirdPartyFirm.bureau_id == bureau_id)
                           .order_by(ThirdPartyFirm.name, ThirdPartyFirm.id)))


def firm_by_credit_code(bureau_id: int, code: str) -> ThirdPartyFirm:
    """The bureau's firm with this credit code."""
    firm = db.scalar(select(ThirdPartyFirm).where(
        ThirdPartyFirm.bureau_id == bureau_id,
        ThirdPartyFirm.credit_code == (code or "").strip().upper()))
    if firm is None:
        raise NotFound(Msg("firm not found"))
    return firm


def assign_firm_staff(username: str, firm: ThirdPartyFirm, actor_id: int | None = None) -> User:
    """Record that a tp_evaluator works for this firm (moving firms ends the old firm's access)."""
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(Msg("user %(username)s not found", username=username))
    if not user.has_role(FIRM_ROLE):
        raise InvalidInput(Msg("not a third-party evaluator"), {"user": [
            Msg("%(username)s does not hold the third-party evaluator role",
                username=username)]})
    before = user.firm_id
    user.firm_id = firm.id
    db.flush()
    record(actor_id, "user", user.id, "firm.assign", before={"firm_id": before},
           after={"firm_id": firm.id})
    return user


# ---------------------------------------------------------------- R19 eligibility

def eligibility_problems(firm: ThirdPartyFirm) -> list[Msg]:
    """Why the firm may not be engaged now (R19, R22); empty when it may."""
    problems = []
    if firm.status == "suspended":
        problems.append(Msg("the firm is suspended and may not be engaged (R22)"))
    elif firm.status == "blacklisted":
        problems.append(Msg("the firm is blacklisted and may not be engaged (R22)"))
    if firm.major_violation_last_3y:
        problems.append(Msg("the firm had a major violation in the last three years"))
    return problems


def check_eligible(firm: ThirdPartyFirm) -> None:
    """R19: refuse a firm that is suspended, blacklisted or had a major violation."""
    problems = eligibility_problems(firm)
    if problems:
        raise Conflict(problems[0])


def eligible_firms(bureau_id: int) -> list[ThirdPartyFirm]:
    """The firms the bureau may select now (R19, R22)."""
    return [f for f in list_firms(bureau_id) if not eligibility_problems(f)]


