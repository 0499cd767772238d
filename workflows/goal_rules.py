"""Pure rules of goal sheets: R1 grade bands and R7 sheet validation."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from models.goal_sheet import LEVEL1, LEVEL2, OPERATORS

from .errors import InvalidInput
from .messages import Msg

MIN_INDICATORS = 3
MAX_AMOUNT = Decimal("1e12")  # yuan
MAX_FIGURE = Decimal("1e13")  # indicator targets are stored as numeric(18, 4)
PLACES = {"target_value": 4, "target_max": 4, "weight": 2}
MONEY_UNITS = {"元", "万元", "亿元", "yuan"}
# R7: level-1 categories every sheet needs, each with its own message (no codes shown to users).
REQUIRED_LEVEL1 = (("output", Msg("at least one output indicator is required")),
                   ("benefit", Msg("at least one benefit indicator is required")))


def grade(score) -> str:
    """R1: 90–100 excellent, 80–<90 good, 60–<80 fair, <60 poor (scores kept to 2 decimals)."""
    s = Decimal(str(score)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if s < 0 or s > 100:
        raise ValueError("score must lie in [0, 100]")
    if s >= 90:
        return "excellent"
    if s >= 80:
        return "good"
    if s >= 60:
        return "fair"
    return "poor"


def rating_passes(rating: str) -> bool:
    """R10: 优 and 良 pass; 中 and 差 mean return."""
    return rating in ("excellent", "good")


def _decimal(value, places: int | None = None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(Msg("must be a number")) from None
    if not number.is_finite():
        raise ValueError(Msg("must be a number"))
    if places is not None:  # what the column keeps: refuse rather than round silently
        if abs(number) >= MAX_FIGURE:
            raise ValueError(Msg("the number is too large"))
        if number.as_tuple().exponent < -places:
            raise ValueError(Msg("use at most %(places)s decimals", places=places))
    return number


def _text(row: dict, key: str, limit: int) -> str:
    value = row.get(key)
    return value.strip()[:limit + 1] if isinstance(value, str) else ""


def _check_row(row: dict, path: str, errors: dict) -> dict:
    def err(field: str, message: str) -> None:
        errors.setdefault(f"{path}.{field}", []).append(message)

    if not isinstance(row, dict):
        err("row", Msg("must be an object"))
        return {}
    out = {k: _text(row, k, 200) for k in ("level1", "level2", "name", "operator",
                                            "unit_of_measure", "target_text")}
    _check_labels(out, err)
    for key in ("target_value", "target_max", "weight"):
        try:
            out[key] = _decimal(row.get(key), PLACES[key])
        except ValueError as exc:
            err(key, exc.args[0])
            out[key] = None
    out["value_type"] = "qualitative" if out["operator"] == "qualitative" else "quantitative"
    _check_target(out, err, number_given=f"{path}.target_value" not in errors)
    if out["weight"] is not None and not (0 < out["weight"] <= 100):
        err("weight", Msg("must lie in (0, 100]"))
    return out


def _check_labels(out: dict, err) -> None:
    if out["level1"] not in LEVEL1:
        err("level1", Msg("choose a level-1 category: output, benefit, satisfaction or cost"))
    elif out["level2"] not in LEVEL2[out["level1"]]:
        err("level2", Msg("choose a level-2 category of this level-1 category"))
    if not out["name"] or len(out["name"]) > 200:
        err("name", Msg("required, at most 200 characters"))
    if out["operator"] not in OPERATORS:
        err("operator", Msg("choose one of the listed operators"))
    if out["level1"] == "output" and out["level2"] != "cost" \
            and out["unit_of_measure"] in MONEY_UNITS:
        err("unit_of_measure", Msg("money is an input, not an output (R7)"))


def _check_target(out: dict, err, number_given: bool) -> None:
    if out["value_type"] == "qualitative":
        if not out["target_text"]:
            err("target_text", Msg("a qualitative indicator needs a target text"))
        return
    if out["target_value"] is None and number_given:
        err("target_value", Msg("a quantitative indicator needs a numeric target"))
    if not out["unit_of_measure"] or len(out["unit_of_measure"]) > 20:
        err("unit_of_measure",
            Msg("a quantitative indicator needs a unit of measure (≤ 20 characters)"))
    if out["operator"] == "range" and (out["target_max"] is None or (
            out["target_value"] is not None and out["target_max"] < out["target_value"])):
        err("target_max", Msg("a range needs a maximum not below the target"))


def validate_sheet(sheet) -> dict:
    """R7: check a submitted goal sheet and return it cleaned; raise InvalidInput otherwise."""
    if not isinstance(sheet, dict):
        raise InvalidInput(Msg("the goal sheet is missing"), {"sheet": [Msg("required")]})
    errors: dict[str, list[str]] = {}
    goal = sheet.get("overall_goal")
    goal = goal.strip() if isinstance(goal, str) else ""
    if not goal or len(goal) > 2000:
        errors["sheet.overall_goal"] = [
            Msg("the overall goal is required (at most 2000 characters)")]
    rows = sheet.get("indicators")
    if not isinstance(rows, list):
        rows = []
    cleaned = [_check_row(r, f"sheet.indicators.{i}", errors) for i, r in enumerate(rows)]
    _check_sheet_level(cleaned, errors)
    amount = _amount(sheet.get("amount"), errors)
    if errors:
        raise InvalidInput(Msg("the goal sheet has errors"), errors)
    return {"overall_goal": goal, "indicators": cleaned, "amount": amount}


def _amount(value, errors: dict) -> Decimal | None:
    """The sheet's amount in yuan (optional: the project's amount stands when it is left out)."""
    try:
        amount = _decimal(value)
    except ValueError:
        amount, bad = None, True
    else:
        bad = amount is not None and (amount < 0 or amount > MAX_AMOUNT
                                      or amount != amount.quantize(Decimal("0.01")))
    if bad:
        errors["sheet.amount"] = [Msg("the amount must be a number of yuan, not negative, "
                                      "with at most two decimals")]
        return None
    return None if amount is None else amount.quantize(Decimal("0.01"))


def _check_sheet_level(rows: list[dict], errors: dict) -> None:
    if len(rows) < MIN_INDICATORS:
        errors.setdefault("sheet.indicators", []).append(
            Msg("at least %(n)s indicators are required", n=MIN_INDICATORS))
    level1s = {r.get("level1") for r in rows}
    for needed, message in REQUIRED_LEVEL1:
        if needed not in level1s:
            errors.setdefault("sheet.indicators", []).append(message)
    weights = [r.get("weight") for r in rows]
    if any(w is not None for w in weights):
        if any(w is None for w in weights):
            errors.setdefault("sheet.indicators", []).append(
                Msg("when weights are used every indicator needs one"))
        elif sum(weights) != 100:
            errors.setdefault("sheet.indicators", []).append(
                Msg("weights must sum to 100 (they sum to %(total)s)", total=sum(weights)))
