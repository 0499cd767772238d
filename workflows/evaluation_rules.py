"""Pure scoring rules of performance evaluation: R2/R3 indicator systems, R4 self-evaluation and
key-evaluation totals, graded by R1. Scores are Decimals kept to 2 decimals (ROUND_HALF_UP);
entered figures with more decimals than they are stored with are refused, not rounded silently.
Bad input raises `InvalidInput` mapping field paths ("indicators.3.actual_value") to messages.

How R4 is read where DOMAIN.md leaves it open:
- `gt`/`lt` score like `ge`/`le` (R4 has one formula per direction): meeting the target earns all.
- `eq` is positive when its target is above 0, negative when it is 0 ("= 0 accidents" is "≤ 0").
- Positive with target 0: any actual ≥ 0 meets it. An actual below 0 earns nothing on a positive
  indicator and everything on a negative one. Negative targets are refused (the ratio would flip).
- `range`: full weight inside [target_value, target_max]; below, actual / target_value (as a
  positive indicator); above, target_max / actual (as a negative one): loss grows with the
  relative distance.
- Qualitative bands are closed at both ends, so 60 and 80 percent suit either neighbouring level.
- Level-1 `cost` (raised from output by Core-2021) scores in the output group (R4 has no cost).
- No satisfaction indicator: the groups present share 100 − execution in proportion to their R4
  weights (10/50/30/10 → output 56.25, benefit 33.75), so a sheet that never had one loses nothing.
- Inside a group the sheet's weights scale in proportion to add up to the group weight (unchanged
  when they already do); without sheet weights the group is shared equally. Scaled weights keep
  2 decimals by largest remainder, so they add up exactly and full achievement scores 100.00.
- Total = execution score + the rounded indicator scores, so the breakdown adds up to the total.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import InvalidInput
from .goal_rules import grade
from .messages import Msg

# score -> grade code; the rules stay pure, the operations hand in the deployed DMN table's
Grader = Callable[[Decimal], str]

Number = Decimal | int | str
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_FIGURE = Decimal("1e13")  # figures are stored as numeric(18, 4) at most
FIGURE_PLACES = 4  # targets and actuals
MONEY_PLACES = 2  # yuan
SCORE_PLACES = 2  # weights, scores and percentages

# Eval-2020 framework (DOMAIN.md §3): level-2 categories allowed under each level-1 category.
EVAL_LEVEL2: dict[str, tuple[str, ...]] = {
    "decision": ("project_initiation", "performance_goal", "funds_input"),
    "process": ("funds_management", "organisation_implementation"),
    "output": ("output_quantity", "output_quality", "output_timeliness", "output_cost"),
    "benefit": ("implementation_benefit", "satisfaction"),
}
MIN_OUTPUT_BENEFIT = Decimal(60)  # R3

# R4 groups a goal-sheet level-1 category scores in.
SELF_EVAL_GROUPS: dict[str, str] = {
    "output": "output", "cost": "output", "benefit": "benefit", "satisfaction": "satisfaction"}
GROUP_ORDER = ("output", "benefit", "satisfaction")
POSITIVE = ("ge", "gt")
NEGATIVE = ("le", "lt")
QUANTITATIVE = (*POSITIVE, *NEGATIVE, "eq", "range")
# Qualitative levels: the band (percent of the weight) the reviewer picks inside, both ends closed.
BANDS: dict[str, tuple[Decimal, Decimal, Msg]] = {
    "achieved": (Decimal(80), HUNDRED,
                 Msg("an achieved indicator scores 80 to 100 percent of its weight")),
    "partly": (Decimal(60), Decimal(80),
               Msg("a partly achieved indicator scores 60 to 80 percent of its weight")),
    "not_achieved": (Decimal(0), Decimal(60),
                     Msg("an indicator not achieved scores 0 to 60 percent of its weight")),
}


# ------------------------------------------------------------------------ inputs and outputs


@dataclass(frozen=True)
class SelfEvalWeights:
    """R4 level-1 weights of a self-evaluation; tenant data goes through `from_setting`."""

    execution: Decimal = Decimal(10)
    output: Decimal = Decimal(50)
    benefit: Decimal = Decimal(30)
    satisfaction: Decimal = Decimal(10)

    @classmethod
    def from_setting(cls, setting: Mapping[str, Number] | None) -> SelfEvalWeights:
        """Read the `self_eval_weights` setting; keys left out keep their default."""
        names = [f.name for f in fields(cls)]
        errors: dict[str, list[str]] = {}
        values = {}
        for key, value in (setting or {}).items():
            path = f"self_eval_weights.{key}"
            if key not in names:
                _err(errors, path, Msg("choose one of: %(options)s", options=", ".join(names)))
            elif (number := _number(value, path, errors, SCORE_PLACES)) is not None:
                if 0 <= number <= 100:
                    values[key] = number
                else:
                    _err(errors, path, Msg("must be a number between 0 and 100"))
        weights = cls(**values)
        total = sum(getattr(weights, name) for name in names)
        if not errors and total != 100:
            _err(errors, "self_eval_weights",
                 Msg("weights must sum to 100 (they sum to %(total)s)", total=_plain(total)))
        if errors:
            raise InvalidInput(Msg("the self-evaluation weights have errors"), errors)
        return weights


DEFAULT_WEIGHTS = SelfEvalWeights()


@dataclass(frozen=True)
class Execution:
    """Budget execution of the evaluated year, in yuan."""

    full_year_budget: Number
    executed: Number


@dataclass(frozen=True)
class IndicatorResult:
    """A goal-sheet indicator with what was achieved (quantitative) or the reviewer's pick."""

    level1: str
    name: str
    operator: str
    weight: Number | None = None
    target_value: Number | None = None
    target_max: Number | None = None
    actual_value: Number | None = None
    achievement: str | None = None  # qualitative: achieved | partly | not_achieved
    achieved_pct: Number | None = None  # qualitative: percent of the weight, inside the band


@dataclass(frozen=True)
class EvalIndicator:
    """A level-3 row of a key-evaluation indicator system, with the firm's score once entered."""

    level1: str
    level2: str
    name: str
    weight: Number
    score: Number | None = None


@dataclass(frozen=True)
class IndicatorSystem:
    """A checked indicator system: cleaned rows and the weight of each level-1 category."""

    indicators: tuple[EvalIndicator, ...]
    level1_weights: Mapping[str, Decimal]


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's score; `weight` is the weight it was scored against (after scaling)."""

    index: int
    level1: str
    name: str
    weight: Decimal
    score: Decimal


@dataclass(frozen=True)
class ScoreBreakdown:
    """Scores by indicator and by level-1 group, execution (self-evaluation only), total, grade."""

    indicators: tuple[IndicatorScore, ...]
    group_weights: Mapping[str, Decimal]
    subtotals: Mapping[str, Decimal]
    execution_score: Decimal | None
    total: Decimal
    grade: str


@dataclass(frozen=True)
class _Rated:
    """A checked self-evaluation row: its group, the sheet's weight and the share it earned."""

    index: int
    group: str
    name: str
    sheet_weight: Decimal | None
    ratio: Decimal


# ------------------------------------------------------------------------ R2, R3


def validate_indicator_system(rows: Sequence[EvalIndicator]) -> IndicatorSystem:
    """R2 and R3: check a key-evaluation indicator system and return it cleaned."""
    errors: dict[str, list[str]] = {}
    system = _check_system(rows, errors)
    if errors:
        raise InvalidInput(Msg("the evaluation indicator system has errors"), errors)
    return system


def _check_system(rows: Sequence[EvalIndicator], errors: dict) -> IndicatorSystem:
    cleaned = tuple(_check_eval_row(row, f"indicators.{i}", errors) for i, row in enumerate(rows))
    level1_weights = {level1: sum((r.weight for r in cleaned if r.level1 == level1), Decimal(0))
                      for level1 in EVAL_LEVEL2}
    if any(key.startswith("indicators.") and key.endswith(".weight") for key in errors):
        return IndicatorSystem(cleaned, level1_weights)  # sums of bad weights would mislead
    total = sum(level1_weights.values())
    if total != 100:
        _err(errors, "indicators", Msg("weights must sum to 100 (they sum to %(total)s)",
                                       total=_plain(total)))
    share = level1_weights["output"] + level1_weights["benefit"]
    if share < MIN_OUTPUT_BENEFIT:
        _err(errors, "indicators", Msg("output and benefit weights must add up to at least 60 "
                                       "(they add up to %(total)s)", total=_plain(share)))
    return IndicatorSystem(cleaned, level1_weights)


def _check_eval_row(row: EvalIndicator, path: str, errors: dict) -> EvalIndicator:
    level1, level2, name = (_text(row.level1), _text(row.level2), _text(row.name))
    if level1 not in EVAL_LEVEL2:
        _err(errors, f"{path}.level1",
             Msg("choose a level-1 category: decision, process, output or benefit"))
    elif level2 not in EVAL_LEVEL2[level1]:
        _err(errors, f"{path}.level2", Msg("choose a level-2 category of this level-1 category"))
    if not name or len(name) > 200:
        _err(errors, f"{path}.name", Msg("required, at most 200 characters"))
    weight = _weight(row.weight, f"{path}.weight", errors)
    return EvalIndicator(level1, level2, name, _round(weight or Decimal(0)), row.score)


# ------------------------------------------------------------------------ key evaluation


def score_key_evaluation(rows: Sequence[EvalIndicator], grader: Grader = grade
                         ) -> ScoreBreakdown:
    """Total the firm's level-3 scores (0 ≤ score ≤ weight) by level-1 category; grade by R1
    (operations pass `grading.grade_of`, the bureau's deployed grade table)."""
    errors: dict[str, list[str]] = {}
    system = _check_system(rows, errors)
    scores = []
    for i, row in enumerate(system.indicators):
        path = f"indicators.{i}.score"
        score = _number(row.score, path, errors, SCORE_PLACES)
        weight_ok = f"indicators.{i}.weight" not in errors
        if score is not None and weight_ok and not 0 <= score <= row.weight:
            _err(errors, path, Msg("must be between %(low)s and %(high)s", low=0,
                                   high=_plain(row.weight)))
        scores.append(IndicatorScore(i, row.level1, row.name, row.weight,
                                     _round(score or Decimal(0))))
    if errors:
        raise InvalidInput(Msg("the evaluation scores have errors"), errors)
    subtotals = {level1: sum((s.score for s in scores if s.level1 == level1), Decimal(0))
                 for level1 in EVAL_LEVEL2}
    return _breakdown(scores, system.level1_weights, subtotals, None, grader)


# ------------------------------------------------------------------------ R4 self-evaluation


def score_self_evaluation(execution: Execution, indicators: Sequence[IndicatorResult],
                          weights: SelfEvalWeights = DEFAULT_WEIGHTS,
                          grader: Grader = grade) -> ScoreBreakdown:
    """R4: score budget execution and each indicator, subtotal by level-1 group; grade by R1
    (operations pass `grading.grade_of`, the bureau's deployed grade table)."""
    errors: dict[str, list[str]] = {}
    execution_score = _score_execution(execution, weights.execution, errors)
    rated = [_rate(i, row, errors) for i, row in enumerate(indicators)]
    rated = [r for r in rated if r is not None]
    _check_sheet(indicators, errors)
    if errors:
        raise InvalidInput(Msg("the self-evaluation has errors"), errors)
    groups = [g for g in GROUP_ORDER if any(r.group == g for r in rated)]
    group_weights = dict(zip(groups, _apportion(
        HUNDRED - weights.execution, [getattr(weights, g) for g in groups]), strict=True))
    scores: list[IndicatorScore] = []
    for group in groups:
        members = [r for r in rated if r.group == group]
        shares = [r.sheet_weight or Decimal(1) for r in members]
        for row, weight in zip(members, _apportion(group_weights[group], shares), strict=True):
            scores.append(IndicatorScore(row.index, group, row.name, weight,
                                         _round(weight * row.ratio)))
    scores.sort(key=lambda s: s.index)
    subtotals = {g: sum((s.score for s in scores if s.level1 == g), Decimal(0)) for g in groups}
    return _breakdown(scores, group_weights, subtotals, execution_score, grader)


def _score_execution(execution: Execution, weight: Decimal, errors: dict) -> Decimal:
    """weight × min(executed / full-year budget, 1); a budget of 0 cannot be scored."""
    budget = _number(execution.full_year_budget, "execution.full_year_budget", errors,
                     MONEY_PLACES)
    executed = _number(execution.executed, "execution.executed", errors, MONEY_PLACES)
    if budget is not None and budget <= 0:
        _err(errors, "execution.full_year_budget",
             Msg("the full-year budget must be above zero to score budget execution"))
    if executed is not None and executed < 0:
        _err(errors, "execution.executed", Msg("must not be negative"))
    if budget is None or executed is None or budget <= 0 or executed < 0:
        return Decimal(0)
    return _round(weight * min(executed / budget, Decimal(1)))


def _rate(index: int, row: IndicatorResult, errors: dict) -> _Rated | None:
    """Check one indicator and work out the share (0–1) of its weight it earned."""
    path = f"indicators.{index}"
    group = SELF_EVAL_GROUPS.get(_text(row.level1))
    if group is None:
        _err(errors, f"{path}.level1",
             Msg("choose a level-1 category: output, benefit, satisfaction or cost"))
    operator = _text(row.operator)
    weight = None if row.weight is None else _weight(row.weight, f"{path}.weight", errors)
    if operator == "qualitative":
        ratio = _qualitative_ratio(row, path, errors)
    elif operator in QUANTITATIVE:
        ratio = _quantitative_ratio(row, operator, path, errors)
    else:
        _err(errors, f"{path}.operator", Msg("choose one of the listed operators"))
        ratio = None
    if group is None or ratio is None:
        return None
    return _Rated(index, group, _text(row.name), weight, ratio)


def _qualitative_ratio(row: IndicatorResult, path: str, errors: dict) -> Decimal | None:
    band = BANDS.get(_text(row.achievement))
    if band is None:
        _err(errors, f"{path}.achievement",
             Msg("choose achieved, partly achieved or not achieved"))
    pct = _number(row.achieved_pct, f"{path}.achieved_pct", errors, SCORE_PLACES)
    if band is None or pct is None:
        return None
    low, high, message = band
    if not low <= pct <= high:
        _err(errors, f"{path}.achieved_pct", message)
        return None
    return pct / HUNDRED


def _quantitative_ratio(row: IndicatorResult, operator: str, path: str,
                        errors: dict) -> Decimal | None:
    target = _number(row.target_value, f"{path}.target_value", errors, FIGURE_PLACES)
    actual = _number(row.actual_value, f"{path}.actual_value", errors, FIGURE_PLACES)
    top = None
    if operator == "range":
        top = _number(row.target_max, f"{path}.target_max", errors, FIGURE_PLACES)
        if top is not None and target is not None and top < target:
            _err(errors, f"{path}.target_max",
                 Msg("a range needs a maximum not below the target"))
            top = None
    for key, value in (("target_value", target), ("target_max", top)):
        if value is not None and value < 0:
            _err(errors, f"{path}.{key}", Msg("must not be negative"))
            return None
    if target is None or actual is None or (operator == "range" and top is None):
        return None
    return achievement_ratio(operator, target, actual, top)


def achievement_ratio(operator: str, target: Decimal, actual: Decimal,
                      target_max: Decimal | None = None) -> Decimal:
    """R4: the share (0–1) of its weight a quantitative indicator earns (targets ≥ 0)."""
    if operator == "eq":
        operator = "ge" if target > 0 else "le"
    if operator == "range":
        if actual > target_max:
            return target_max / actual  # actual > target_max ≥ 0
        if actual >= target:
            return Decimal(1)
        operator = "ge"
    if operator in POSITIVE:
        if target == 0:
            return Decimal(1) if actual >= 0 else Decimal(0)
        return min(max(actual / target, Decimal(0)), Decimal(1))
    if actual <= 0:  # negative indicator: nothing (or less) is the best outcome
        return Decimal(1)
    return min(target / actual, Decimal(1))


def _check_sheet(rows: Sequence[IndicatorResult], errors: dict) -> None:
    """Output and benefit indicators are required (R7); weights are given for all or for none."""
    if any(key.endswith(".level1") for key in errors):
        return
    groups = {SELF_EVAL_GROUPS[_text(r.level1)] for r in rows}
    if "output" not in groups:
        _err(errors, "indicators", Msg("at least one output indicator is required"))
    if "benefit" not in groups:
        _err(errors, "indicators", Msg("at least one benefit indicator is required"))
    given = [r.weight is not None for r in rows]
    if any(given) and not all(given):
        _err(errors, "indicators", Msg("when weights are used every indicator needs one"))


# ------------------------------------------------------------------------ helpers


def _breakdown(scores: Sequence[IndicatorScore], group_weights: Mapping[str, Decimal],
               subtotals: Mapping[str, Decimal],
               execution_score: Decimal | None, grader: Grader) -> ScoreBreakdown:
    total = sum(subtotals.values(), execution_score or Decimal(0)).quantize(CENT)
    return ScoreBreakdown(tuple(scores), dict(group_weights), dict(subtotals), execution_score,
                          total, grader(total))


def _apportion(total: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` in proportion to `shares`, to 2 decimals adding up exactly to `total`."""
    whole = sum(shares, Decimal(0))
    if whole == 0:
        shares, whole = [Decimal(1)] * len(shares), Decimal(len(shares))
    raw = [total * share / whole for share in shares]
    parts = [value.quantize(CENT, rounding=ROUND_DOWN) for value in raw]
    cents = int((total.quantize(CENT) - sum(parts, Decimal(0))) / CENT)
    by_remainder = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in by_remainder[:cents]:  # the largest remainders get the cents left over
        parts[i] += CENT
    return parts


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _weight(value: Number, path: str, errors: dict) -> Decimal | None:
    weight = _number(value, path, errors, SCORE_PLACES)
    if weight is not None and not 0 < weight <= 100:
        _err(errors, path, Msg("must lie in (0, 100]"))
        return None
    return weight


def _number(value: Number | None, path: str, errors: dict, places: int) -> Decimal | None:
    """A required finite number with at most `places` decimals, or None after noting why."""
    if value is None or (isinstance(value, str) and not value.strip()):
        _err(errors, path, Msg("required"))
        return None
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        _err(errors, path, Msg("must be a number"))
        return None
    if abs(number) >= MAX_FIGURE:
        _err(errors, path, Msg("the number is too large"))
        return None
    if number.as_tuple().exponent < -places:
        _err(errors, path, Msg("use at most %(places)s decimals", places=places))
        return None
    return number


def _plain(number: Decimal) -> str:
    """A number as people write it: 95, 59.5 (no trailing zeros, no exponent)."""
    return format(number.normalize(), "f")


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _err(errors: dict, path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)
