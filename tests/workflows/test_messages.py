"""Msg: the English message itself, with its template and parameters kept for translation."""

from __future__ import annotations

import json
import pickle

import pytest

from workflows.errors import InvalidInput
from workflows.goal_rules import validate_sheet
from workflows.messages import Msg


def test_msg_is_the_formatted_english_text():
    m = Msg("weights must sum to 100 (they sum to %(total)s)", total=90)
    assert m == "weights must sum to 100 (they sum to 90)" and isinstance(m, str)
    assert m.template == "weights must sum to 100 (they sum to %(total)s)"
    assert m.params == {"total": 90}
    assert json.dumps({"errors": [m]}) == '{"errors": ["weights must sum to 100 (they sum to 90)"]}'
    assert f"{m}" == str(m) == "weights must sum to 100 (they sum to 90)"


def test_msg_without_params_is_its_template():
    m = Msg("must lie in (0, 100]")
    assert m == m.template == "must lie in (0, 100]" and m.params == {}


def test_msg_survives_pickling():
    m = pickle.loads(pickle.dumps(Msg("at least %(n)s indicators are required", n=3)))
    assert (type(m), m, m.template, m.params) == (
        Msg, "at least 3 indicators are required", "at least %(n)s indicators are required",
        {"n": 3})


def test_validation_errors_carry_msgs():
    sheet = {"overall_goal": "", "indicators": [
        {"level1": "output", "level2": "quantity", "name": "改造学校数量", "operator": "ge",
         "target_value": "十二", "unit_of_measure": "所", "weight": "90"}]}
    with pytest.raises(InvalidInput) as err:
        validate_sheet(sheet)
    errors = err.value.errors
    assert isinstance(err.value.message, Msg)
    assert errors["sheet.indicators.0.target_value"] == ["must be a number"]
    assert all(isinstance(m, Msg) for messages in errors.values() for m in messages)
    weights = [m for m in errors["sheet.indicators"] if m.template.startswith("weights")]
    assert weights == ["weights must sum to 100 (they sum to 90)"]
    assert "at least one benefit indicator is required" in errors["sheet.indicators"]
