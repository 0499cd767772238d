"""DMN decision tables: R1 through bpmn/grade.dmn, versions, and nothing unsafe ever evaluated."""

from decimal import Decimal
from types import SimpleNamespace
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser
from sqlalchemy import func, select

from models import ProcessDefinition, db
from workflows import goal_rules
from workflows.deploy import BPMN_DIR, deploy_definition, deploy_directory, latest_definition
from workflows.engine import decisions
from workflows.engine.decisions import (
    DecisionError,
    check_decision,
    evaluate_decision,
    load_decisions,
)
from workflows.engine.evaluator import restricted_engine
from workflows.engine.parser import parse_xml
from workflows.errors import InvalidInput, WorkflowError
from workflows.grading import BUNDLED_TABLE, GRADE_KEY, grade_of, score_value

GRADE_XML = BUNDLED_TABLE.read_bytes()
R1_CASES = [(100, "excellent"), ("90.00", "excellent"), (90, "excellent"), ("89.99", "good"),
            (80, "good"), ("79.99", "fair"), ("60.00", "fair"), ("59.99", "poor"), (0, "poor")]


def dmn(rows, *, hit_policy="UNIQUE", expression="score", type_ref="number",
        decision_id="band", output_values='"high","low"', extra_decision="") -> bytes:
    """A one-input, one-output DMN file; rows are (cell, output) texts."""
    rules = "".join(
        f'<rule id="r{n}"><inputEntry id="r{n}_in"><text>{escape(cell)}</text></inputEntry>'
        f'<outputEntry id="r{n}_out"><text>{escape(out)}</text></outputEntry></rule>'
        for n, (cell, out) in enumerate(rows, 1))
    values = (f'<outputValues id="ov"><text>{escape(output_values)}</text></outputValues>'
              if output_values else "")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" '
        'name="测试" namespace="https://jixiao.local/test">'
        f'<decision id="{decision_id}" name="档位">'
        f'<decisionTable id="t" hitPolicy="{hit_policy}">'
        f'<input id="in" label="得分"><inputExpression id="ie" typeRef="{type_ref}">'
        f'<text>{escape(expression)}</text></inputExpression></input>'
        f'<output id="out" label="档位" name="band" typeRef="string">{values}</output>'
        f"{rules}</decisionTable></decision>{extra_decision}</definitions>").encode()


def edited_grade(*replacements: tuple[str, str]) -> bytes:
    """bpmn/grade.dmn with some texts replaced (each must occur)."""
    text = GRADE_XML.decode()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


EXCELLENT_AT_95 = (("90 &lt;= ? &lt;= 100", "95 &lt;= ? &lt;= 100"),
                   ("80 &lt;= ? &lt; 90", "80 &lt;= ? &lt; 95"))


def definition_count() -> int:
    return db.scalar(select(func.count()).select_from(ProcessDefinition))


# R1 through the table ---------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "grade"), R1_CASES)
def test_r1_boundaries_through_the_bundled_table(score, grade):
    assert evaluate_decision(GRADE_XML, "grade", {"score": Decimal(str(score))}) == {
        "grade": grade}


@pytest.mark.parametrize(("score", "grade"), R1_CASES + [
    (89.99, "good"), (59.99, "poor"), ("89.995", "excellent"), ("89.994", "good"),
    ("100.004", "excellent"), ("-0.004", "poor"), (Decimal("79.999"), "good")])
def test_grade_of_uses_the_deployed_table(bureau, score, grade):
    assert latest_definition(GRADE_KEY).source_name == "grade.dmn"
    assert grade_of(score) == grade


@pytest.mark.parametrize("score", [
    "100.01", "-0.01", 100.005, -0.005, 101, "abc", None, True, "NaN", "Infinity", "1e30", ""])
def test_scores_outside_0_to_100_are_refused(connection, score):
    with pytest.raises(InvalidInput) as err:
        grade_of(score)
    assert err.value.errors == {"score": ["must be a number between 0 and 100"]}


def test_the_table_itself_refuses_scores_outside_0_to_100():
    for score in ("100.01", "-0.01"):
        with pytest.raises(DecisionError, match="no rule matches score="):
            evaluate_decision(GRADE_XML, "grade", {"score": Decimal(score)})


def test_the_table_agrees_with_goal_rules_grade_on_every_cent():
    for cents in range(0, 10001):
        score = Decimal(cents) / 100
        assert evaluate_decision(GRADE_XML, "grade", {"score": score})["grade"] == \
            goal_rules.grade(score), score


@pytest.mark.parametrize(("score", "_"), R1_CASES)
def test_grade_of_agrees_with_goal_rules_on_the_boundaries(connection, score, _):
    assert grade_of(score) == goal_rules.grade(score)


def test_spiffworkflow_reads_the_table_the_same_way_on_the_restricted_engine():
    parser = BpmnDmnParser()
    parser.add_dmn_xml(parse_xml(GRADE_XML))
    engine = parser.get_engine("grade", None)
    for score, grade in R1_CASES:
        task = SimpleNamespace(data={"score": Decimal(str(score))},
                               workflow=SimpleNamespace(script_engine=restricted_engine()))
        assert engine.result(task) == {"grade": grade}
    assert isinstance(engine, DMNEngine)


# deployment and versions ------------------------------------------------------------------------

def test_the_bundled_table_is_deployed_with_the_diagrams(bureau):
    definition = latest_definition(GRADE_KEY)
    assert (definition.key, definition.version, definition.name) == ("dmn:grade", 1, "评价等级")
    assert all(not created for _, created in deploy_directory())
    assert latest_definition(GRADE_KEY).id == definition.id
    assert latest_definition("grade") is None  # never mistaken for a process key


def test_an_edited_table_is_a_new_version_and_the_old_one_stays(bureau):
    first = latest_definition(GRADE_KEY)
    assert grade_of("92.50") == "excellent"
    second, created = deploy_definition(edited_grade(*EXCELLENT_AT_95), source_name="grade.dmn")
    assert (created, second.version, second.key) == (True, 2, "dmn:grade")
    assert (grade_of("92.50"), grade_of("94.99"), grade_of(95)) == ("good", "good", "excellent")
    again, created = deploy_definition(edited_grade(*EXCELLENT_AT_95), source_name="grade.dmn")
    assert (again.id, created) == (second.id, False)
    old = db.get(ProcessDefinition, first.id)
    assert old.content_hash != second.content_hash
    assert evaluate_decision(old.bpmn_xml.encode(), "grade", {"score": 92})["grade"] == "excellent"
    assert [v for (v,) in db.execute(select(ProcessDefinition.version).where(
        ProcessDefinition.key == GRADE_KEY).order_by(ProcessDefinition.version))] == [1, 2]


def test_without_a_deployed_table_the_bundled_file_grades(connection):
    assert latest_definition(GRADE_KEY) is None
    assert (grade_of("90.00"), grade_of("89.99")) == ("excellent", "good")


def test_a_dmn_upload_without_a_dmn_name_is_recognised(bureau):
    definition, created = deploy_definition(dmn([(">= 50", '"high"'), ("< 50", '"low"')]))
    assert (definition.key, created, definition.source_name) == ("dmn:band", True, "")


def test_a_grade_table_that_leaves_scores_ungraded_is_refused(bureau):
    before = definition_count()
    gap = edited_grade(("90 &lt;= ? &lt;= 100", "90 &lt; ? &lt;= 100"))
    with pytest.raises(InvalidInput) as err:
        deploy_definition(gap, source_name="grade.dmn")
    assert "score 90.00: decision 'grade': no rule matches score=90.00" in str(
        err.value.errors["dmn"])
    unknown = edited_grade(('<text>"excellent"</text>', '<text>"great"</text>'))
    with pytest.raises(InvalidInput, match="not one of the values allowed for 'grade'"):
        deploy_definition(unknown, source_name="grade.dmn")
    assert definition_count() == before


# unsafe tables are refused and never evaluated --------------------------------------------------

UNSAFE = [
    ("os_system", edited_grade(("0 &lt;= ? &lt; 60", "__import__('os').system('id')")),
     "rule_poor: row 4, input '评价得分': expression refused: attribute '.system'"),
    ("dunder_walk", edited_grade(("0 &lt;= ? &lt; 60",
                                  "().__class__.__bases__[0].__subclasses__()")),
     "rule_poor: row 4, input '评价得分': expression refused: attribute '.__subclasses__'"),
    ("dunder_in_question", edited_grade(("0 &lt;= ? &lt; 60", "?.__class__ == 1")),
     "expression refused: attribute '.__class__'"),
    ("input_expression", edited_grade(("<text>score</text>",
                                       "<text>__import__('os').system('id')</text>")),
     "input_score: input '评价得分': expression refused"),
    ("output_entry", edited_grade(('<text>"poor"</text>',
                                   "<text>open('/etc/passwd').read()</text>")),
     "rule_poor: row 4, output 'grade': expression refused: attribute '.read'"),
]


@pytest.mark.parametrize(("xml", "fragment"), [(x, f) for _, x, f in UNSAFE],
                         ids=[name for name, _, _ in UNSAFE])
def test_unsafe_tables_are_refused_at_deploy(bureau, xml, fragment):
    before = definition_count()
    with pytest.raises(InvalidInput) as err:
        deploy_definition(xml, source_name="grade.dmn")
    assert "grade.dmn cannot be deployed" in err.value.message
    assert any(fragment in problem for problem in err.value.errors["dmn"])
    assert definition_count() == before
    assert latest_definition(GRADE_KEY).version == 1


@pytest.mark.parametrize("xml", [x for _, x, _ in UNSAFE], ids=[n for n, _, _ in UNSAFE])
def test_unsafe_tables_are_never_evaluated(monkeypatch, xml):
    calls = []
    monkeypatch.setattr("os.system", lambda *a: calls.append(("os.system", a)))
    monkeypatch.setattr(decisions, "safe_eval", lambda *a: calls.append(("safe_eval", a)))
    assert check_decision(xml)
    with pytest.raises(DecisionError, match="decision table cannot be used: .*expression refused"):
        evaluate_decision(xml, "grade", {"score": Decimal("95")})  # row 1 would match
    assert calls == []


# refused files name the problem ----------------------------------------------------------------

BAD_FILES = [
    ("malformed", b"<definitions xmlns='https://www.omg.org/spec/DMN/20191111/MODEL/'>",
     "malformed XML"),
    ("dtd", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
            b"<definitions xmlns='https://www.omg.org/spec/DMN/20191111/MODEL/'>&a;</definitions>",
     "DTD or entity"),
    ("not_dmn", b"<html><body/></html>", "not a DMN document"),
    ("empty", b"<definitions xmlns='https://www.omg.org/spec/DMN/20191111/MODEL/' id='d' "
              b"name='d' namespace='x'/>", "exactly one decision (found none)"),
    ("two_decisions", dmn([("1", '"high"')], extra_decision='<decision id="other" name="o">'
                          '<decisionTable id="t2"/></decision>'), "found band, other"),
    ("unknown_hit_policy", dmn([("1", '"high"')], hit_policy="BOGUS"),
     "t: hit policy 'BOGUS' is unknown; use UNIQUE or FIRST"),
    ("collect", dmn([("1", '"high"')], hit_policy="COLLECT"),
     "hit policy 'COLLECT' is not supported"),
    ("no_rules", dmn([]), "the decision table has no rules"),
    ("bad_output_value", dmn([("1", '"medium"')]), "row 1: output \"medium\" is not one of"),
    ("syntax", dmn([("90 <=<= ?", '"high"')]), "r1: row 1, input '得分': expression refused"),
    ("schema", dmn([("1", '"high"')]).replace(
        b'<inputExpression id="ie" typeRef="number"><text>score</text></inputExpression>', b""),
     "not valid DMN"),
    ("nested", dmn([("- " * 450 + "1", '"high"')]), "expression refused"),
    ("overlong", dmn([("- " * 50000 + "1", '"high"')]), "expression longer than 1000"),
    ("gbk", dmn([("1", '"high"')]).decode().replace("UTF-8", "GBK").encode("gbk"),
     "UTF-8"),
]


@pytest.mark.parametrize(("xml", "fragment"), [(x, f) for _, x, f in BAD_FILES],
                         ids=[name for name, _, _ in BAD_FILES])
def test_bad_files_are_refused_with_a_clear_message(bureau, xml, fragment):
    before = definition_count()
    with pytest.raises(InvalidInput) as err:
        deploy_definition(xml, source_name="band.dmn")
    assert fragment in err.value.message
    assert err.value.errors["dmn"]
    assert definition_count() == before
    assert any(fragment in str(p) for p in check_decision(xml))


# evaluation errors and cell forms --------------------------------------------------------------

def test_no_matching_rule_is_a_clear_error():
    xml = dmn([(">= 50", '"high"')], hit_policy="FIRST")
    with pytest.raises(DecisionError) as err:
        evaluate_decision(xml, "band", {"score": 10})
    assert err.value.message == "decision 'band': no rule matches score=10"
    assert isinstance(err.value, WorkflowError) and err.value.element_id == "band"


@pytest.mark.parametrize(("inputs", "message"), [
    ({}, "decision 'grade' needs input 'score' (评价得分)"),
    ({"score": None}, "decision 'grade' needs input 'score' (评价得分)"),
    ({"score": "many"}, "input 评价得分 must be a number, not 'many'"),
    ({"score": [90]}, "input 评价得分 must be a number"),
])
def test_missing_or_wrong_inputs_are_clear_errors(inputs, message):
    with pytest.raises(DecisionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        evaluate_decision(GRADE_XML, "grade", inputs)


def test_an_unknown_decision_id_is_a_clear_error():
    with pytest.raises(DecisionError, match="the DMN file has no decision 'rating'"):
        evaluate_decision(GRADE_XML, "rating", {"score": 1})


def test_unique_refuses_two_matching_rules_and_first_takes_the_first():
    rows = [(">= 50", '"high"'), (">= 0", '"low"')]
    with pytest.raises(DecisionError, match="rows 1 and 2 both match score=70; hit policy UNIQUE"):
        evaluate_decision(dmn(rows), "band", {"score": 70})
    assert evaluate_decision(dmn(rows, hit_policy="FIRST"), "band", {"score": 70}) == {
        "band": "high"}


@pytest.mark.parametrize(("cell", "value", "matches"), [
    ("-", 5, True), ("", 5, True),
    ("70", 70, True), ("70", 71, False),
    ("< 0.3", 0.1 + 0.2, False),  # the float's decimal text is 0.30000000000000004
    (">= 0.1", 0.1, True), ("<= 89.99", Decimal("89.99"), True), ("> 89.99", 89.99, False),
    ("0.1 <= ? < 0.2", "0.1", True), ("? in (1, 2)", 2, True), ("in (1, 2)", 3, False),
    ("not in (1, 2)", 3, True), ("? == 'x?'", 1, False),
])
def test_cell_forms_and_exact_decimals(cell, value, matches):
    xml = dmn([(cell, '"high"'), ("-", '"low"')], hit_policy="FIRST")
    assert evaluate_decision(xml, "band", {"score": value})["band"] == (
        "high" if matches else "low")


def test_text_inputs_compare_as_text():
    xml = dmn([('"优"', '"high"'), ('in ("良", "中")', '"low"')], type_ref="string")
    assert evaluate_decision(xml, "band", {"score": "优"}) == {"band": "high"}
    assert evaluate_decision(xml, "band", {"score": "中"}) == {"band": "low"}
    with pytest.raises(DecisionError, match="must be text"):
        evaluate_decision(xml, "band", {"score": 1})


def test_parsed_tables_are_cached_by_content_hash(monkeypatch):
    xml = dmn([(">= 50", '"high"'), ("< 50", '"low"')], decision_id="cached")
    first = load_decisions(xml)
    monkeypatch.setattr(decisions, "_compile", lambda _xml: pytest.fail("parsed twice"))
    assert load_decisions(xml) is first
    assert evaluate_decision(xml, "cached", {"score": 50}) == {"band": "high"}


def test_the_bundled_table_passes_its_own_checks():
    assert check_decision(GRADE_XML) == []
    assert score_value("89.995") == Decimal("90.00")


def test_decision_tables_are_not_offered_as_processes(bureau):
    from workflows.projects import process_keys
    keys = process_keys()
    assert "goal_declaration" in keys and "rectification" in keys
    assert not [k for k in keys if k.startswith("dmn:")]


def test_hostile_tables_are_refused_quickly_with_a_message(bureau):
    from workflows.engine.parser import DefinitionInvalid
    from workflows.errors import InvalidInput
    source = (BPMN_DIR / "grade.dmn").read_text(encoding="utf-8")
    for cell in ("? != 0x" + "f" * 3600, "'" + "?" * 5000 + "'"):
        xml = source.replace("90 &lt;= ? &lt;= 100", cell.replace("<", "&lt;"), 1)
        assert xml != source
        with pytest.raises((InvalidInput, DefinitionInvalid)):
            deploy_definition(xml.encode())


def test_the_deployed_grade_table_grades_evaluations_and_firms(bureau):
    from workflows.evaluation_rules import EvalIndicator, score_key_evaluation
    from workflows.grading import grade_of
    source = (BPMN_DIR / "grade.dmn").read_text(encoding="utf-8")
    moved = source.replace("90 &lt;= ? &lt;= 100", "85 &lt;= ? &lt;= 100").replace(
        "80 &lt;= ? &lt; 90", "80 &lt;= ? &lt; 85")
    assert moved != source
    deploy_definition(moved.encode())
    rows = [EvalIndicator(level1=l1, level2=l2, name=l2, weight=w, score=s) for l1, l2, w, s in (
        ("decision", "project_initiation", 20, 18), ("process", "funds_management", 20, 17),
        ("output", "output_quantity", 30, 26), ("benefit", "implementation_benefit", 30, 25.5))]
    result = score_key_evaluation(rows, grader=grade_of)
    assert result.total == Decimal("86.50") and result.grade == "excellent"
    assert score_key_evaluation(rows).grade == "good"  # the built-in R1 bands, for comparison
