"""The bureau's rule parameters: defaults from DOMAIN §5, every field checked, audited saves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from models import AuditLog, db
from tests.self_evaluation_data import due, issued_sheet
from workflows import self_evaluation
from workflows.cycle_steps import due_in, today
from workflows.errors import Forbidden, InvalidInput
from workflows.evaluation.settings import days_for, due_after
from workflows.firms.quality import weighted_total
from workflows.firms.registry import read_grace_days
from workflows.org import default_bureau
from workflows.rule_settings import SETTINGS, rule_settings, save_rule_settings
from workflows.self_evaluation.scoring import weights_of


def test_defaults_are_those_of_the_domain(bureau):
    values = rule_settings()
    assert (values["ex_ante_threshold"], values["ex_ante_leader_threshold"]) == (500_000,
                                                                                 5_000_000)
    assert (values["gap_threshold_pp"], values["severe_threshold_pct"]) == (20, 30)
    assert (values["poor_cut_pct"], values["fair_cut_pct"], values["balance_margin_pp"]) == (
        20, 0, 10)
    assert (values["ex_ante_scope"], values["balance_average"]) == ("new_only", "weighted")
    assert set(values) == {s.key for s in SETTINGS}


def test_a_save_is_validated_stored_and_audited(bureau):
    saved = save_rule_settings(bureau.admin, {**rule_settings(), "ex_ante_threshold": "0",
                                              "poor_cut_pct": " 25 ",
                                              "balance_average": "mean"})
    assert (saved["ex_ante_threshold"], saved["poor_cut_pct"]) == (0, 25)
    assert rule_settings()["balance_average"] == "mean"
    (row,) = db.scalars(select(AuditLog).where(AuditLog.action == "settings.rules")).all()
    assert row.actor_id == bureau.admin.id
    assert row.before == {"balance_average": "weighted", "ex_ante_threshold": 500000,
                          "poor_cut_pct": 20}
    assert row.after == {"balance_average": "mean", "ex_ante_threshold": 0, "poor_cut_pct": 25}
    save_rule_settings(bureau.admin, rule_settings())  # nothing changed: no audit row
    assert db.scalars(select(AuditLog).where(AuditLog.action == "settings.rules")).all() == [row]


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("ex_ante_threshold", "-1", "between 0 and"),
    ("ex_ante_threshold", "五十万", "whole number"),
    ("ex_ante_threshold", "1.5", "whole number"),
    ("ex_ante_threshold", "NaN", "whole number"),
    ("gap_threshold_pp", "101", "between 1 and 100"),
    ("idle_years", "0", "between 1 and 5"),
    ("balance_average", "median", "listed options"),
    ("ex_ante_revision_score", "80", "below the score that supports"),
    ("ex_ante_leader_threshold", "100", "not be below the ex-ante threshold"),
])
def test_bad_values_are_named_and_nothing_is_saved(bureau, field, value, fragment):
    before = rule_settings()
    with pytest.raises(InvalidInput) as err:
        save_rule_settings(bureau.admin, {**before, field: value})
    assert fragment in str(err.value.errors[field])
    assert rule_settings() == before
    assert db.scalars(select(AuditLog).where(AuditLog.action == "settings.rules")).all() == []


def test_only_administrators_change_them(bureau):
    for user in (bureau.perfchief, bureau.leader, bureau.filer1):
        with pytest.raises(Forbidden):
            save_rule_settings(user, rule_settings())


def test_weights_must_add_up_to_100(bureau):
    with pytest.raises(InvalidInput) as exc:
        save_rule_settings(bureau.admin, {"weight_execution": 20})
    assert "add up to 100 (they add up to 110)" in exc.value.errors["weight_execution"][0]
    with pytest.raises(InvalidInput) as exc:
        save_rule_settings(bureau.admin, {"quality_plan_quality": 10})
    assert "quality_plan_quality" in exc.value.errors


def test_the_processes_read_the_settings(bureau):
    """Changed settings reach the operations: R4 weights, evaluation deadlines, R22 weights,
    R18's grace period, the spot-check default and the cycle's working-day deadlines."""
    save_rule_settings(bureau.admin, {
        "weight_execution": 20, "weight_output": 40, "key_feedback_days": 7,
        "quality_plan_quality": 25, "quality_report_quality": 15, "firm_read_grace_days": 10,
        "spot_check_pct": 25, "ex_ante_score_days": 20})
    tenant = default_bureau()
    weights = weights_of(tenant)
    assert (weights.execution, weights.output) == (Decimal(20), Decimal(40))
    assert days_for(tenant).feedback == 7 and read_grace_days(tenant) == 10
    scores = {k: Decimal(100) if k == "plan_quality" else Decimal(0) for k in (
        "plan_quality", "fieldwork_compliance", "evidence_sufficiency", "report_quality",
        "timeliness", "integrity_confidentiality")}
    assert weighted_total(scores) == Decimal(25)
    assert due_in(tenant, "ex_ante_score_days") == due_after(tenant, today(), 20).isoformat()
    issued_sheet(bureau, "p1")
    opened = self_evaluation.open_round(bureau.perf, {"fiscal_year": 2027, "due_date": due()})
    assert opened.round.spot_check_pct == Decimal(25)
