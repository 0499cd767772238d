"""Engagements of firms: scope (R21), independence (R20), activation and closing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from models import BudgetUnit, Engagement, ThirdPartyFirm, User, db
from models.firm import (
    COMMISSIONING_PARTIES,
    PROCUREMENT_METHODS,
    SCOPE_KINDS,
)

from ..audit import record
from ..engine import clock
from ..errors import Conflict, InvalidInput
from ..messages import Msg
from .registry import (
    ADVISORY_KINDS,
    EVALUATIVE_KINDS,
    FIRM_ROLE,
    MAX_ID,
    check_eligible,
    check_manager,
)

# ---------------------------------------------------------------- R20 independence, R21 scope

def _advised_units(engagement: Engagement) -> set[int]:
    units = {e["unit_id"] for e in engagement.scope if e["kind"] in ADVISORY_KINDS}
    if engagement.commissioning_party == "department" and engagement.commissioner_unit_id:
        units.add(engagement.commissioner_unit_id)
    return units


def _evaluated_units(scope: list[dict]) -> set[int]:
    return {e["unit_id"] for e in scope if e["kind"] in EVALUATIVE_KINDS}


def check_independence(firm: ThirdPartyFirm, unit_id: int, year: int, *,
                       excluding: int | None = None) -> None:
    """R20: refuse when the firm advised or worked for the unit in `year` or the year before."""
    for other in db.scalars(select(Engagement).where(
            Engagement.firm_id == firm.id, Engagement.status != "draft",
            Engagement.id != (excluding or 0),
            Engagement.contract_date.between(date(year - 1, 1, 1), date(year, 12, 31)))):
        if unit_id in _advised_units(other):
            raise Conflict(Msg("the firm is not independent of this unit: engagement %(id)s "
                               "(%(year)s) advised or worked for it (R20)",
                               id=other.id, year=other.year))


def _check_scope_independence(engagement: Engagement) -> None:
    evaluated = _evaluated_units(engagement.scope)
    if engagement.commissioning_party == "department" \
            and engagement.commissioner_unit_id in evaluated:
        raise Conflict(Msg("a department may not commission the evaluation of itself (R20)"))
    if evaluated & {e["unit_id"] for e in engagement.scope if e["kind"] in ADVISORY_KINDS}:
        raise Conflict(Msg("one engagement may not both advise and evaluate the same unit (R20)"))
    for unit_id in sorted(evaluated):
        check_independence(engagement.firm, unit_id, engagement.year, excluding=engagement.id)
    _check_later_evaluations(engagement)


def _check_later_evaluations(engagement: Engagement) -> None:
    """R20 the other way round: advice in year Y conflicts with the firm's evaluation of the same
    unit in Y or Y+1, whichever engagement came first."""
    advised = _advised_units(engagement)
    if not advised:
        return
    year = engagement.year
    for other in db.scalars(select(Engagement).where(
            Engagement.firm_id == engagement.firm.id, Engagement.status != "draft",
            Engagement.id != (engagement.id or 0),
            Engagement.contract_date.between(date(year, 1, 1), date(year + 1, 12, 31)))):
        if advised & _evaluated_units(other.scope):
            raise Conflict(Msg("the firm is not independent of this unit: engagement %(id)s "
                               "(%(year)s) evaluates it (R20)", id=other.id, year=other.year))


def _scope_entry(entry, bureau_id: int) -> dict:
    if not isinstance(entry, dict):
        raise ValueError(Msg("each scope entry needs a kind, an id and a unit"))
    if entry.get("kind") == "self_evaluation":
        raise ValueError(Msg("self-evaluation may never be given to a third party (R21)"))
    if entry.get("kind") not in SCOPE_KINDS:
        raise ValueError(Msg("choose one of: %(options)s", options=", ".join(SCOPE_KINDS)))
    ids = [positive_id(entry.get(key)) for key in ("id", "unit_id")]
    if None in ids:
        raise ValueError(Msg("each scope entry needs a kind, an id and a unit"))
    if not _unit_of(bureau_id, ids[1]):
        raise ValueError(Msg("no unit with this id"))
    return {"kind": entry["kind"], "id": ids[0], "unit_id": ids[1]}


def _unit_of(bureau_id: int, unit_id: int | None) -> bool:
    unit = db.get(BudgetUnit, unit_id) if unit_id else None
    return unit is not None and unit.bureau_id == bureau_id


def validate_scope(raw, bureau_id: int) -> list[dict]:
    """R21: allowed kinds only, never self_evaluation; each entry names its object and unit."""
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(Msg("the engagement has errors"),
                           {"scope": [Msg("list at least one object")]})
    errors, scope = {}, []
    for number, entry in enumerate(raw):
        try:
            cleaned = _scope_entry(entry, bureau_id)
        except ValueError as exc:
            errors[f"scope.{number}"] = [exc.args[0]]
            continue
        if cleaned not in scope:
            scope.append(cleaned)
    if errors:
        raise InvalidInput(Msg("the engagement has errors"), errors)
    return scope


# ---------------------------------------------------------------- engagements

def positive_id(value) -> int | None:
    if isinstance(value, str) and value.isdecimal() and value.isascii():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
        return value
    return None


def _date(value) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(Msg("dates must be written YYYY-MM-DD")) from None


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(Msg("must be an amount in yuan")) from None
    if not amount.is_finite() or not 0 <= amount < Decimal("1e16") \
            or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(Msg("must be an amount in yuan, not negative, with at most two "
                             "decimals"))
    return amount


def _choice(options):
    def check(value):
        if value not in options:
            raise ValueError(Msg("choose one of: %(options)s", options=", ".join(options)))
        return value
    return check


ENGAGEMENT_FIELDS = {"commissioning_party": _choice(COMMISSIONING_PARTIES),
                     "procurement_method": _choice(PROCUREMENT_METHODS),
                     "contract_amount": _amount, "contract_date": _date,
                     "start_date": _date, "end_date": _date}
ENGAGEMENT_REQUIRED = ("procurement_method", "contract_amount", "contract_date")


def validate_engagement(firm: ThirdPartyFirm, raw) -> dict:
    """Clean an engagement's fields: terms, commissioner, team of the firm's staff, scope."""
    if not isinstance(raw, dict):
        raise InvalidInput(Msg("the engagement must be an object"),
                           {"": [Msg("must be an object")]})
    errors, cleaned = {}, {"commissioning_party": "finance_bureau"}
    for key, check in ENGAGEMENT_FIELDS.items():
        if raw.get(key) in (None, ""):
            if key in ENGAGEMENT_REQUIRED:
                errors[key] = [Msg("is required")]
            continue
        try:
            cleaned[key] = check(raw[key])
        except ValueError as exc:
            errors[key] = [exc.args[0]]
    if cleaned.get("start_date") and cleaned.get("end_date") \
            and cleaned["end_date"] < cleaned["start_date"]:
        errors["end_date"] = [Msg("the end date must not be before the start date")]
    _commissioner(firm.bureau_id, raw, cleaned, errors)
    _team(firm, raw, cleaned, errors)
    try:
        cleaned["scope"] = validate_scope(raw.get("scope"), firm.bureau_id)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(Msg("the engagement has errors"), errors)
    return cleaned


def _commissioner(bureau_id: int, raw: dict, cleaned: dict, errors: dict) -> None:
    unit_id = positive_id(raw.get("commissioner_unit_id"))
    if cleaned["commissioning_party"] != "department":
        cleaned["commissioner_unit_id"] = None
    elif not _unit_of(bureau_id, unit_id):
        errors["commissioner_unit_id"] = [Msg("name the commissioning department")]
    else:
        cleaned["commissioner_unit_id"] = unit_id


def is_firm_staff(firm: ThirdPartyFirm, user_id: int | None) -> bool:
    """Whether the user is an active tp_evaluator of this firm."""
    user = db.get(User, user_id) if user_id else None
    return user is not None and user.active and user.firm_id == firm.id \
        and user.has_role(FIRM_ROLE)


def _team(firm: ThirdPartyFirm, raw: dict, cleaned: dict, errors: dict) -> None:
    staff = Msg("must be a third-party evaluator of this firm")
    lead = raw.get("lead_evaluator_user_id")
    cleaned["lead_evaluator_user_id"] = None
    if lead not in (None, ""):
        if is_firm_staff(firm, positive_id(lead)):
            cleaned["lead_evaluator_user_id"] = positive_id(lead)
        else:
            errors["lead_evaluator_user_id"] = [staff]
    team = raw.get("team_user_ids") or []
    ids = [positive_id(v) for v in team] if isinstance(team, list) else [None]
    if any(not is_firm_staff(firm, i) for i in ids):
        errors["team_user_ids"] = [staff]
    cleaned["team_user_ids"] = list(dict.fromkeys(i for i in ids if i))


def lock_firm(firm: ThirdPartyFirm) -> ThirdPartyFirm:
    """Hold the firm's row (FOR UPDATE) while its engagements or status are decided, so two
    concurrent decisions cannot both pass R20 or both miss R22's second 差."""
    return db.scalars(select(ThirdPartyFirm).where(ThirdPartyFirm.id == firm.id)
                      .with_for_update().execution_options(populate_existing=True)).one()


def create_engagement(user: User, firm: ThirdPartyFirm, raw) -> Engagement:
    """Draft an engagement of an eligible, independent firm (DOMAIN (d) step 4)."""
    check_manager(user)
    check_eligible(lock_firm(firm))
    engagement = Engagement(bureau_id=firm.bureau_id, firm=firm, status="draft",
                            created_by_id=user.id, **validate_engagement(firm, raw))
    _check_scope_independence(engagement)
    db.add(engagement)
    db.flush()
    record(user.id, "engagement", engagement.id, "create",
           after={"firm_id": firm.id, "scope": engagement.scope, "status": "draft"})
    return engagement


def record_coi(user: User, engagement: Engagement, signed_at: datetime | None = None) -> None:
    """Record the firm's signed conflict-of-interest declaration (R19)."""
    check_manager(user)
    if engagement.status != "draft":
        raise Conflict(Msg("the declaration is recorded before the engagement starts"))
    engagement.coi_signed_at = signed_at or clock.now()
    db.flush()
    record(user.id, "engagement", engagement.id, "coi.signed",
           after={"coi_signed_at": engagement.coi_signed_at.isoformat()})


def activate_engagement(user: User, engagement: Engagement) -> None:
    """Start the engagement: eligible firm (R19), signed COI, a lead evaluator, independence."""
    check_manager(user)
    if engagement.status != "draft":
        raise Conflict(Msg("only a draft engagement can be activated"))
    check_eligible(lock_firm(engagement.firm))
    if engagement.coi_signed_at is None:
        raise Conflict(Msg("the conflict-of-interest declaration has not been signed (R19)"))
    if not is_firm_staff(engagement.firm, engagement.lead_evaluator_user_id):
        raise Conflict(Msg("name a lead evaluator who is a third-party evaluator of the firm"))
    _check_scope_independence(engagement)
    _move(user, engagement, "active")


def deliver_engagement(actor_id: int | None, engagement: Engagement) -> None:
    """The firm's work is delivered (results issued): it can now be scored (R22)."""
    if engagement.status == "active":
        engagement.status = "delivered"
        db.flush()
        record(actor_id, "engagement", engagement.id, "status.delivered",
               before={"status": "active"}, after={"status": "delivered"})


def close_engagement(user: User, engagement: Engagement) -> None:
    """Close the engagement; the team keeps read access for READ_GRACE_DAYS (R18)."""
    check_manager(user)
    if engagement.status in ("draft", "closed"):
        raise Conflict(Msg("only an engagement under way can be closed"))
    engagement.closed_at = clock.now()
    _move(user, engagement, "closed")


def _move(user: User, engagement: Engagement, status: str) -> None:
    before, engagement.status = engagement.status, status
    db.flush()
    record(user.id, "engagement", engagement.id, f"status.{status}",
           before={"status": before}, after={"status": status})


