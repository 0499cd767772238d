"""Scoring rules of performance evaluation: R1 grades, R2/R3 indicator systems, R4 scoring."""

from decimal import Decimal

import pytest

from workflows.errors import InvalidInput
from workflows.evaluation_rules import (
    EvalIndicator,
    Execution,
    IndicatorResult,
    SelfEvalWeights,
    score_key_evaluation,
    score_self_evaluation,
    validate_indicator_system,
)

D = Decimal
FULL_BUDGET = Execution(full_year_budget="1000000.00", executed="1000000.00")


def key_system(decision="20", process="20", output="30", benefit="30", scores=None):
    """A key-evaluation system with one level-3 row per level-1 category."""
    rows = [("decision", "performance_goal", "goal_rationality", decision),
            ("process", "funds_management", "execution_rate", process),
            ("output", "output_quantity", "completion_rate", output),
            ("benefit", "implementation_benefit", "social_benefit", benefit)]
    scores = scores or [None] * 4
    return [EvalIndicator(l1, l2, name, weight, score)
            for (l1, l2, name, weight), score in zip(rows, scores, strict=True)]


def errors_of(call, *args, **kwargs) -> dict:
    with pytest.raises(InvalidInput) as err:
        call(*args, **kwargs)
    return err.value.errors


def output(weight=None, target="12", actual="12", operator="ge"):
    return IndicatorResult("output", "改造学校数量", operator, weight, target,
                           actual_value=actual)


def benefit(weight=None, target="5", actual="0", operator="le"):
    return IndicatorResult("benefit", "群众投诉", operator, weight, target, actual_value=actual)


def satisfaction(weight=None, target="90", actual="95", operator="ge", top=None):
    return IndicatorResult("satisfaction", "群众满意度", operator, weight, target, top, actual)


def qualitative(achievement, pct):
    return IndicatorResult("satisfaction", "群众反映", "qualitative", achievement=achievement,
                           achieved_pct=pct)


def sheet(third=None):
    """Output (50), benefit (30) and satisfaction (10) indicators, achieved in full by default."""
    return [output(), benefit(), third or satisfaction()]


# ------------------------------------------------------------------------ R1 through the totals


@pytest.mark.parametrize(("scores", "total", "expected"), [
    (["20", "20", "30", "20.00"], "90.00", "excellent"),
    (["20", "20", "30", "19.99"], "89.99", "good"),
    (["10", "10", "20", "20.00"], "60.00", "fair"),
    (["10", "10", "20", "19.99"], "59.99", "poor"),
])
def test_r1_grade_boundaries_of_a_key_evaluation_total(scores, total, expected):
    result = score_key_evaluation(key_system(scores=scores))
    assert (result.total, result.grade) == (D(total), expected)
    assert str(result.total) == total  # kept to 2 decimals


def test_key_evaluation_subtotals_by_level1():
    result = score_key_evaluation(key_system(scores=["18.5", "17", "27.25", "25"]))
    assert result.subtotals == {"decision": D("18.50"), "process": D("17.00"),
                                "output": D("27.25"), "benefit": D("25.00")}
    assert result.group_weights == {"decision": 20, "process": 20, "output": 30, "benefit": 30}
    assert (result.total, result.grade, result.execution_score) == (D("87.75"), "good", None)


@pytest.mark.parametrize(("score", "message"), [
    ("30.01", "must be between 0 and 30"),
    ("-1", "must be between 0 and 30"),
    (None, "required"),
    ("2.555", "use at most 2 decimals"),
])
def test_key_evaluation_scores_lie_between_zero_and_the_weight(score, message):
    errors = errors_of(score_key_evaluation, key_system(scores=["20", "20", score, "30"]))
    assert errors == {"indicators.2.score": [message]}


# ------------------------------------------------------------------------ R2, R3


def test_r2_a_system_whose_weights_sum_to_100_is_accepted():
    system = validate_indicator_system(key_system())
    assert system.level1_weights == {"decision": 20, "process": 20, "output": 30,
                                     "benefit": 30}


def test_r2_weights_not_summing_to_100_are_refused():
    errors = errors_of(validate_indicator_system, key_system(decision="15"))
    assert errors == {"indicators": ["weights must sum to 100 (they sum to 95)"]}


def test_r2_rows_outside_the_eval_2020_framework_are_refused():
    rows = key_system()
    rows[0] = EvalIndicator("decision", "output_quantity", "goal_rationality", "20")
    rows[1] = EvalIndicator("satisfaction", "satisfaction", "", "0")
    errors = errors_of(validate_indicator_system, rows)
    assert errors == {
        "indicators.0.level2": ["choose a level-2 category of this level-1 category"],
        "indicators.1.level1": ["choose a level-1 category: decision, process, output or benefit"],
        "indicators.1.name": ["required, at most 200 characters"],
        "indicators.1.weight": ["must lie in (0, 100]"],
    }


def test_r3_output_and_benefit_below_60_is_refused():
    errors = errors_of(validate_indicator_system, key_system(decision="21", benefit="29"))
    assert errors == {"indicators": [
        "output and benefit weights must add up to at least 60 (they add up to 59)"]}


def test_r3_output_and_benefit_of_exactly_60_is_accepted():
    system = validate_indicator_system(key_system(decision="25", process="15", output="35",
                                                  benefit="25"))
    assert system.level1_weights["output"] + system.level1_weights["benefit"] == 60


# ------------------------------------------------------------------------ R4 parts


def test_execution_over_budget_is_capped_at_the_weight():
    over = Execution(full_year_budget="800000", executed="950000")
    assert score_self_evaluation(over, sheet()).execution_score == D("10.00")


def test_execution_score_is_rounded_half_up_to_2_decimals():
    # 10 × 250 / 800 = 3.125 → 3.13 (half-even would give 3.12)
    result = score_self_evaluation(Execution("800", "250"), sheet())
    assert str(result.execution_score) == "3.13"


def test_a_budget_of_zero_is_refused():
    errors = errors_of(score_self_evaluation, Execution("0", "0"), sheet())
    assert errors == {"execution.full_year_budget": [
        "the full-year budget must be above zero to score budget execution"]}


def test_a_positive_indicator_over_target_is_capped():
    rows = [output("30", target="12", actual="15"), output("20", target="12", actual="6"),
            benefit("30"), satisfaction("10")]
    scores = [s.score for s in score_self_evaluation(FULL_BUDGET, rows).indicators]
    assert scores == [D("30.00"), D("10.00"), D("30.00"), D("10.00")]


@pytest.mark.parametrize(("actual", "expected"), [("10", "15.00"), ("0", "30.00"),
                                                  ("4", "30.00"), ("7", "21.43")])
def test_a_negative_indicator_scores_target_over_actual(actual, expected):
    # target 5 complaints, weight 30: 10 → half; 0 → full; 7 → 30 × 5/7 = 21.428… → 21.43
    rows = [output(), benefit(target="5", actual=actual), satisfaction()]
    assert score_self_evaluation(FULL_BUDGET, rows).indicators[1].score == D(expected)


def test_an_actual_of_zero_on_a_positive_indicator_scores_nothing():
    rows = [output(actual="0"), benefit(), satisfaction()]
    assert score_self_evaluation(FULL_BUDGET, rows).subtotals["output"] == 0


@pytest.mark.parametrize(("operator", "target", "top", "actual", "expected"), [
    ("gt", "90", None, "90", "10.00"),  # > scores like ≥: meeting the target earns it all
    ("ge", "0", None, "3", "10.00"),  # any actual ≥ 0 meets a target of 0
    ("eq", "100", None, "95", "9.50"),  # eq with a target above 0 is positive
    ("eq", "100", None, "120", "10.00"),
    ("eq", "0", None, "0", "10.00"),  # "= 0 accidents" is "≤ 0"
    ("eq", "0", None, "2", "0.00"),
    ("range", "40", "60", "50", "10.00"),  # inside [target, target_max]
    ("range", "40", "60", "30", "7.50"),  # below: 30/40
    ("range", "40", "60", "80", "7.50"),  # above: 60/80
])
def test_eq_gt_and_range_indicators(operator, target, top, actual, expected):
    row = satisfaction(target=target, actual=actual, operator=operator, top=top)
    assert score_self_evaluation(FULL_BUDGET, sheet(row)).indicators[2].score == D(expected)


@pytest.mark.parametrize(("achievement", "pct", "expected"), [
    ("achieved", "85", "8.50"), ("achieved", "80", "8.00"), ("partly", "60", "6.00"),
    ("partly", "80", "8.00"), ("not_achieved", "0", "0.00"), ("not_achieved", "59.5", "5.95"),
])
def test_a_qualitative_pick_inside_its_band_scores_that_share(achievement, pct, expected):
    result = score_self_evaluation(FULL_BUDGET, sheet(qualitative(achievement, pct)))
    assert result.indicators[2].score == D(expected)


@pytest.mark.parametrize(("achievement", "pct", "message"), [
    ("partly", "50", "a partly achieved indicator scores 60 to 80 percent of its weight"),
    ("achieved", "79.99", "an achieved indicator scores 80 to 100 percent of its weight"),
    ("not_achieved", "61", "an indicator not achieved scores 0 to 60 percent of its weight"),
])
def test_a_qualitative_pick_outside_its_band_is_refused(achievement, pct, message):
    errors = errors_of(score_self_evaluation, FULL_BUDGET, sheet(qualitative(achievement, pct)))
    assert errors == {"indicators.2.achieved_pct": [message]}


def test_bad_indicator_input_names_the_field():
    rows = [*sheet(), satisfaction(actual=None), satisfaction(actual="九十"),
            satisfaction(operator="range", target="90", top="80"), qualitative("maybe", "70"),
            satisfaction(target="-1")]
    assert errors_of(score_self_evaluation, FULL_BUDGET, rows) == {
        "indicators.3.actual_value": ["required"],
        "indicators.4.actual_value": ["must be a number"],
        "indicators.5.target_max": ["a range needs a maximum not below the target"],
        "indicators.6.achievement": ["choose achieved, partly achieved or not achieved"],
        "indicators.7.target_value": ["must not be negative"],
    }


# ------------------------------------------------------------------------ R4 weighting


def test_group_weights_are_kept_to_two_decimals_that_add_up():
    # three output indicators without weights share 50: 16.67 + 16.67 + 16.66
    result = score_self_evaluation(FULL_BUDGET, [output(), output(), output(), benefit(),
                                                 satisfaction()])
    assert [s.weight for s in result.indicators] == [
        D("16.67"), D("16.67"), D("16.66"), D("30.00"), D("10.00")]
    assert (result.total, result.grade) == (D("100.00"), "excellent")  # not 100.01


def test_without_satisfaction_indicators_output_and_benefit_share_its_weight():
    # satisfaction's 10 goes to output and benefit as 50:30 → 56.25 and 33.75
    result = score_self_evaluation(FULL_BUDGET, [output(), benefit()])
    assert result.group_weights == {"output": D("56.25"), "benefit": D("33.75")}
    assert result.total == D("100.00")


def test_a_province_setting_changes_the_execution_weight():
    weights = SelfEvalWeights.from_setting({"execution": "20", "output": "40"})
    result = score_self_evaluation(Execution("1000", "500"), sheet(), weights)
    assert result.execution_score == D("10.00")  # 20 × 500/1000
    assert result.group_weights == {"output": 40, "benefit": 30, "satisfaction": 10}
    assert result.total == D("90.00")
    # and without satisfaction 80 is shared as 40:30, the cent left over to the larger remainder
    result = score_self_evaluation(FULL_BUDGET, [output(), benefit()], weights)
    assert result.group_weights == {"output": D("45.71"), "benefit": D("34.29")}


def test_a_setting_not_summing_to_100_is_refused():
    errors = errors_of(SelfEvalWeights.from_setting, {"execution": "20"})
    assert errors == {"self_eval_weights": ["weights must sum to 100 (they sum to 110)"]}


def test_output_and_benefit_indicators_are_required_and_weights_are_all_or_none():
    rows = [output("10"), output()]
    assert errors_of(score_self_evaluation, FULL_BUDGET, rows) == {"indicators": [
        "at least one benefit indicator is required",
        "when weights are used every indicator needs one"]}


def test_a_complete_self_evaluation_worked_out_by_hand():
    """Default weights execution 10, output 50, benefit 30, satisfaction 10.

    execution       850,000 / 1,000,000 = 0.85 → 10 × 0.85                        =  8.50
    output (sheet weights 20 + 15 + 15 = 50 already → unchanged)
      schools       ge 12, actual 12       → 20 × 1                               = 20.00
      pass rate     ge 100, actual 95      → 15 × 0.95                            = 14.25
      unit cost     le 2000, actual 2500   → 15 × 2000/2500                       = 12.00
                                                                       subtotal    = 46.25
    benefit (sheet weights 10 + 10 = 20 → scaled to 30: 15 each)
      accidents     eq 0, actual 0         → full                                 = 15.00
      social        qualitative, partly 70%→ 15 × 0.70                            = 10.50
                                                                       subtotal    = 25.50
    satisfaction (sheet weight 30 → scaled to 10)
      satisfaction  ge 90, actual 87       → 10 × 87/90 = 9.666… → 9.67           =  9.67
    total           8.50 + 46.25 + 25.50 + 9.67                                    = 89.92 → good
    """
    rows = [
        IndicatorResult("output", "改造学校数量", "ge", "20", "12", actual_value="12"),
        IndicatorResult("output", "工程验收合格率", "ge", "15", "100", actual_value="95"),
        IndicatorResult("cost", "生均改造成本", "le", "15", "2000", actual_value="2500"),
        IndicatorResult("benefit", "学生安全事故", "eq", "10", "0", actual_value="0"),
        IndicatorResult("benefit", "办学条件改善", "qualitative", "10", achievement="partly",
                        achieved_pct="70"),
        IndicatorResult("satisfaction", "家长满意度", "ge", "30", "90", actual_value="87"),
    ]
    result = score_self_evaluation(Execution("1000000.00", "850000.00"), rows)
    assert [(s.weight, s.score) for s in result.indicators] == [
        (D("20.00"), D("20.00")), (D("15.00"), D("14.25")), (D("15.00"), D("12.00")),
        (D("15.00"), D("15.00")), (D("15.00"), D("10.50")), (D("10.00"), D("9.67"))]
    assert result.execution_score == D("8.50")
    assert result.subtotals == {"output": D("46.25"), "benefit": D("25.50"),
                                "satisfaction": D("9.67")}
    assert (str(result.total), result.grade) == ("89.92", "good")
