"""The bureau's rule parameters (DOMAIN §5): every threshold, percentage, period and choice the
county's own rulebook may set, with the documented default, validated and audited on save."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from models import FinanceBureau, User, db

from .audit import record
from .errors import Forbidden, InvalidInput
from .locks import locked
from .messages import Msg
from .org import default_bureau

SETTINGS_KEY = "rules"
MAX_YUAN = 10**12  # a trillion yuan: beyond any county budget


@dataclass(frozen=True)
class Setting:
    """One rule parameter: its key, group, kind, default and bounds (or choices)."""

    key: str
    group: str
    kind: str  # yuan | int | percent | workdays | choice
    default: int | str
    low: int = 0
    high: int = 100
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    # R5 and process (a): ex-ante assessment
    Setting("ex_ante_threshold", "ex_ante", "yuan", 500_000, 0, MAX_YUAN),
    Setting("ex_ante_leader_threshold", "ex_ante", "yuan", 5_000_000, 0, MAX_YUAN),
    Setting("ex_ante_scope", "ex_ante", "choice", "new_only",
            choices=("new_only", "new_and_expiring_renewals")),
    Setting("ex_ante_support_score", "ex_ante", "int", 80, 1, 100),
    Setting("ex_ante_revision_score", "ex_ante", "int", 60, 0, 99),
    # process (a) step deadlines, in the bureau's working days [P]
    Setting("ex_ante_fill_days", "ex_ante", "workdays", 10, 1, 60),
    Setting("ex_ante_leader_days", "ex_ante", "workdays", 3, 1, 60),
    Setting("ex_ante_check_days", "ex_ante", "workdays", 5, 1, 60),
    Setting("ex_ante_mode_days", "ex_ante", "workdays", 5, 1, 60),
    Setting("ex_ante_score_days", "ex_ante", "workdays", 15, 1, 60),
    Setting("ex_ante_approve_days", "ex_ante", "workdays", 3, 1, 60),
    Setting("ex_ante_revise_days", "ex_ante", "workdays", 10, 1, 60),
    # R6, R7, R13: goal sheets
    Setting("goal_sheet_threshold", "goals", "yuan", 500_000, 0, MAX_YUAN),
    Setting("min_indicators", "goals", "int", 3, 1, 50),
    Setting("issuance_days", "goals", "int", 20, 1, 90),
    Setting("sub_issuance_days", "goals", "int", 15, 1, 90),
    Setting("issuance_warning_days", "goals", "int", 5, 0, 30),
    Setting("resubmit_from", "goals", "choice", "section",
            choices=("section", "returning_gate")),
    # R14: double monitoring
    Setting("gap_threshold_pp", "monitoring", "percent", 20, 1, 100),
    Setting("severe_threshold_pct", "monitoring", "percent", 30, 0, 100),
    # process (c) step deadlines [P]
    Setting("monitoring_leader_days", "monitoring", "workdays", 3, 1, 60),
    Setting("monitoring_liaison_days", "monitoring", "workdays", 5, 1, 60),
    Setting("monitoring_decide_days", "monitoring", "workdays", 10, 1, 60),
    Setting("monitoring_approve_days", "monitoring", "workdays", 5, 1, 60),
    Setting("monitoring_execute_days", "monitoring", "workdays", 5, 1, 60),
    # R23–R26, R33: result application
    Setting("poor_cut_pct", "results", "percent", 20, 0, 100),
    Setting("fair_cut_pct", "results", "percent", 0, 0, 100),
    Setting("balance_margin_pp", "results", "percent", 10, 0, 100),
    Setting("balance_cut_pct", "results", "percent", 10, 0, 100),
    Setting("balance_average", "results", "choice", "weighted", choices=("weighted", "mean")),
    Setting("idle_years", "results", "int", 1, 1, 5),
    Setting("result_target", "results", "choice", "next_open",
            choices=("next_open", "second_next")),
    # process (f) step deadlines [P]
    Setting("result_review_days", "results", "workdays", 10, 1, 60),
    Setting("result_comment_days", "results", "workdays", 5, 1, 60),
    Setting("result_approve_days", "results", "workdays", 5, 1, 60),
    Setting("result_apply_days", "results", "workdays", 10, 1, 60),
    # process (d): evaluation deadlines, R4 weights, the spot check, firms' quality (R22)
    Setting("key_consultation_days", "evaluation", "workdays", 10, 1, 60),
    Setting("key_plan_days", "evaluation", "workdays", 10, 1, 60),
    Setting("key_data_days", "evaluation", "workdays", 10, 1, 60),
    Setting("key_feedback_days", "evaluation", "workdays", 5, 1, 60),
    Setting("spot_check_pct", "evaluation", "percent", 10, 0, 100),
    Setting("weight_execution", "evaluation", "int", 10, 0, 100),
    Setting("weight_output", "evaluation", "int", 50, 0, 100),
    Setting("weight_benefit", "evaluation", "int", 30, 0, 100),
    Setting("weight_satisfaction", "evaluation", "int", 10, 0, 100),
    Setting("quality_plan_quality", "firms", "int", 15, 0, 100),
    Setting("quality_fieldwork_compliance", "firms", "int", 20, 0, 100),
    Setting("quality_evidence_sufficiency", "firms", "int", 20, 0, 100),
    Setting("quality_report_quality", "firms", "int", 25, 0, 100),
    Setting("quality_timeliness", "firms", "int", 10, 0, 100),
    Setting("quality_integrity_confidentiality", "firms", "int", 10, 0, 100),
    Setting("firm_read_grace_days", "firms", "int", 30, 0, 365),
)
GROUPS = ("ex_ante", "goals", "monitoring", "evaluation", "firms", "results")
# Weights of one whole that must add up to 100 (R4 self-evaluation, R22 firm quality).
WEIGHT_SETS = {
    "weight_execution": ("weight_execution", "weight_output", "weight_benefit",
                         "weight_satisfaction"),
    "quality_plan_quality": ("quality_plan_quality", "quality_fieldwork_compliance",
                             "quality_evidence_sufficiency", "quality_report_quality",
                             "quality_timeliness", "quality_integrity_confidentiality"),
}
BY_KEY = {s.key: s for s in SETTINGS}


def can_edit(user: User) -> bool:
    """The rule parameters are the administrators' to set (DOMAIN §2: admin: settings)."""
    return user.has_role("admin")


def _check_editor(user: User) -> None:
    if not can_edit(user):
        raise Forbidden(Msg("only administrators change the rule settings"))


def rule_settings(bureau: FinanceBureau | None = None) -> dict[str, int | str]:
    """Every parameter's value for the bureau: what it stored, else the default."""
    stored = ((bureau or default_bureau()).settings or {}).get(SETTINGS_KEY) or {}
    values = {}
    for setting in SETTINGS:
        value = stored.get(setting.key, setting.default)
        try:
            values[setting.key] = _parse(setting, value)
        except ValueError:
            values[setting.key] = setting.default  # a stored value from an older build
    return values


def _parse(setting: Setting, raw) -> int | str:
    """The value of one field, or ValueError with the message to show beside it."""
    if setting.kind == "choice":
        if raw not in setting.choices:
            raise ValueError(Msg("choose one of the listed options"))
        return raw
    text = str(raw).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(Msg("must be a whole number")) from None
    if isinstance(raw, bool) or not number.is_finite() or number != number.to_integral_value():
        raise ValueError(Msg("must be a whole number"))
    value = int(number)
    if not setting.low <= value <= setting.high:
        raise ValueError(Msg("must be between %(low)s and %(high)s", low=setting.low,
                             high=setting.high))
    return value


def validate(raw: dict) -> dict[str, int | str]:
    """Every field checked, each error keyed by its setting; missing fields keep the default."""
    values, errors = {}, {}
    for setting in SETTINGS:
        try:
            values[setting.key] = _parse(setting, raw.get(setting.key, setting.default))
        except ValueError as exc:
            errors[setting.key] = [exc.args[0]]
    if not errors and values["ex_ante_revision_score"] >= values["ex_ante_support_score"]:
        errors["ex_ante_revision_score"] = [Msg(
            "must be below the score that supports a project (%(n)s)",
            n=values["ex_ante_support_score"])]
    if not errors and values["ex_ante_leader_threshold"] < values["ex_ante_threshold"]:
        errors["ex_ante_leader_threshold"] = [Msg(
            "must not be below the ex-ante threshold (%(n)s yuan)", n=values["ex_ante_threshold"])]
    for first, keys in WEIGHT_SETS.items():
        total = sum(values[k] for k in keys) if not errors else 100
        if total != 100:
            errors[first] = [Msg("these weights must add up to 100 (they add up to %(n)s)",
                                 n=total)]
    if errors:
        raise InvalidInput(Msg("the settings have errors; nothing was saved"), errors)
    return values


def save_rule_settings(user: User, raw: dict, bureau: FinanceBureau | None = None
                       ) -> dict[str, int | str]:
    """Validate and store the parameters; the audit row keeps what changed, before and after."""
    _check_editor(user)
    if not isinstance(raw, dict):
        raise InvalidInput(Msg("the settings have errors; nothing was saved"),
                           {"settings": [Msg("must be an object")]})
    bureau = locked(bureau or default_bureau())  # its settings JSON is rewritten whole
    before = rule_settings(bureau)
    values = validate(raw)
    changed = {k for k in values if values[k] != before[k]}
    if changed:
        # a new dict, so that the JSON column is seen as changed
        bureau.settings = {**(bureau.settings or {}), SETTINGS_KEY: values}
        db.flush()
        record(user.id, "finance_bureau", bureau.id, "settings.rules",
               before={k: before[k] for k in sorted(changed)},
               after={k: values[k] for k in sorted(changed)})
    return values


def settings_for_editor(user: User) -> dict[str, int | str]:
    """The current values, for an administrator."""
    _check_editor(user)
    return rule_settings()
