"""DMN decision tables: parsed by SpiffWorkflow, every expression run by our safe evaluator."""

# How a table is read (the rules of SpiffWorkflow's DMNEngine, so a table means the same here and
# in a business rule task): an input cell that is empty or "-" matches anything; a cell with "?"
# is an expression in which "?" stands for the input value ("90 <= ? <= 100"); a cell that starts
# with an operator is applied to the input (">= 90", "in ('a', 'b')"); any other cell is compared
# for equality. Unlike SpiffWorkflow we never call eval: every expression is checked statically
# when the file is loaded and evaluated with safe_eval. Numbers with a decimal point are exact
# (Decimal), so a cell "< 89.99" means exactly 89.99 and float inputs are read as their decimal
# text. Hit policies: UNIQUE (more than one matching rule is an error) and FIRST.

from __future__ import annotations

import ast
import functools
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS, BpmnDmnParser

from ..errors import WorkflowError
from .evaluator import SAFE_FUNCTIONS, UnsafeExpression, check_expression, safe_eval
from .parser import DefinitionInvalid, ParsedDefinition, Problem, parse_xml

DECISION_PREFIX = "dmn:"  # ':' cannot occur in a BPMN process id, so keys never collide
MAX_DECISION_ID = 64 - len(DECISION_PREFIX)  # process_definition.key is String(64)
HIT_POLICIES = ("UNIQUE", "FIRST")
DMN_HIT_POLICIES = {"UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER"}
NUMBER_TYPES = {"number", "integer", "long", "double"}
INPUT = "dmninputexpr"  # SpiffWorkflow's name for the "?" of a cell
CACHE_SIZE = 64
# A grade table has a handful of rules; these bounds keep a hostile upload cheap to check.
MAX_RULES = 500
MAX_CELL = 1000
# "?" outside quotes, as SpiffWorkflow's DMNEngine finds it.
_QUESTION = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")
_CONSTANTS = {"True", "False", "None"}


# A WorkflowError rather than InvalidInput: callers validate what users typed before asking a
# table (grading refuses scores outside 0–100), so what fails here is a table or its wiring, which
# an administrator has to fix; element_id names the decision or rule.
class DecisionError(WorkflowError):
    """A decision gave no result: unusable table, missing input, or no (or several) rules match."""


@dataclass(frozen=True)
class Column:
    """One input column: its label, the expression giving the value, and the DMN type."""

    label: str
    expression: str
    type_ref: str
    needs: frozenset[str]


@dataclass(frozen=True)
class Output:
    """One output column and the values it may take (empty: any)."""

    name: str
    allowed: tuple = ()


@dataclass(frozen=True)
class Rule:
    """One row: checked cell expressions over INPUT (None matches anything) and outputs."""

    rule_id: str
    row: int
    cells: tuple[str | None, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A checked decision table, ready to evaluate."""

    decision_id: str
    name: str
    hit_policy: str
    inputs: tuple[Column, ...]
    outputs: tuple[Output, ...]
    rules: tuple[Rule, ...]


_cache: OrderedDict[str, dict[str, Table]] = OrderedDict()
_cache_lock = threading.Lock()


def decision_key(decision_id: str) -> str:
    """The process_definition key under which a decision's versions are stored."""
    return DECISION_PREFIX + decision_id


def is_decision_file(xml: bytes) -> bool:
    """Whether the document's root is DMN definitions; raises DefinitionInvalid on bad XML."""
    if b"omg.org/spec/DMN/" not in xml:  # spares every BPMN file a second parse
        return False
    return _namespace(parse_xml(xml)) is not None


def check_decision(dmn_xml: bytes) -> list[Problem]:
    """Every reason the DMN file cannot be deployed; empty when it can."""
    try:
        load_decisions(dmn_xml)
    except DefinitionInvalid as exc:
        return exc.problems
    return []


def parse_decision_file(dmn_xml: bytes) -> ParsedDefinition:
    """What deploy stores for a valid DMN file, keyed 'dmn:<decision id>'; or DefinitionInvalid."""
    (table,) = load_decisions(dmn_xml).values()
    return ParsedDefinition(key=decision_key(table.decision_id),
                            name=table.name or table.decision_id,
                            content_hash=hashlib.sha256(dmn_xml).hexdigest(),
                            xml=dmn_xml.decode("utf-8"))


def load_decisions(dmn_xml: bytes) -> dict[str, Table]:
    """The checked tables of a DMN file by decision id, cached by content hash."""
    digest = hashlib.sha256(dmn_xml).hexdigest()
    with _cache_lock:
        if digest in _cache:
            _cache.move_to_end(digest)
            return _cache[digest]
    tables = _compile(dmn_xml)  # outside the lock: parsing may take a few milliseconds
    with _cache_lock:
        _cache[digest] = tables
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return tables


def evaluate_decision(dmn_xml: bytes, decision_id: str, inputs: dict) -> dict:
    """The outputs of the rule matching the inputs; DecisionError when there is none."""
    return match_decision(dmn_xml, decision_id, inputs)[1]


def match_decision(dmn_xml: bytes, decision_id: str, inputs: dict) -> tuple[Rule, dict]:
    """The rule matching the inputs and its outputs; DecisionError when there is none."""
    try:
        tables = load_decisions(dmn_xml)
    except DefinitionInvalid as exc:
        raise DecisionError(f"decision table cannot be used: {exc}", decision_id) from None
    table = tables.get(decision_id)
    if table is None:
        raise DecisionError(f"the DMN file has no decision '{decision_id}'", decision_id)
    # A float input is read as its shortest decimal text, so 89.99 compares as 89.99.
    names = {k: Decimal(repr(v)) if isinstance(v, float) else v for k, v in inputs.items()}
    values = [_input_value(table, column, names) for column in table.inputs]
    matched = _matching_rules(table, values, names)
    shown = ", ".join(f"{c.expression}={v}" for c, v in zip(table.inputs, values, strict=True))
    if not matched:
        raise DecisionError(f"decision '{decision_id}': no rule matches {shown}", decision_id)
    if len(matched) > 1:
        raise DecisionError(
            f"decision '{decision_id}': rows {matched[0].row} and {matched[1].row} both match "
            f"{shown}; hit policy UNIQUE allows one", matched[1].rule_id)
    return matched[0], _outputs(table, matched[0], names)


def _matching_rules(table: Table, values: list, names: dict) -> list[Rule]:
    matched = []
    for rule in table.rules:
        if all(cell is None or _run(cell, {**names, INPUT: value}, f"row {rule.row}", rule.rule_id)
               for cell, value in zip(rule.cells, values, strict=True)):
            matched.append(rule)
            if table.hit_policy == "FIRST" or len(matched) > 1:
                break
    return matched


def _outputs(table: Table, rule: Rule, names: dict) -> dict:
    result = {}
    for output, expression in zip(table.outputs, rule.outputs, strict=True):
        value = _run(expression, names, f"row {rule.row}", rule.rule_id) if expression else None
        if output.allowed and value not in output.allowed:
            raise DecisionError(f"decision '{table.decision_id}': row {rule.row} gives "
                                f"{output.name}={value!r}, not one of its output values",
                                rule.rule_id)
        result[output.name] = value
    return result


def _run(expression: str, names: dict, where: str, element_id: str):
    try:
        return safe_eval(expression, names)
    except UnsafeExpression as exc:
        raise DecisionError(f"{where}: {exc}", element_id) from None
    except Exception as exc:  # noqa: BLE001 - e.g. comparing text with a number
        raise DecisionError(f"{where} cannot be evaluated for these inputs "
                            f"({type(exc).__name__})", element_id) from None


def _input_value(table: Table, column: Column, names: dict):
    missing = sorted(name for name in column.needs if names.get(name) is None)
    if missing:
        raise DecisionError(f"decision '{table.decision_id}' needs input "
                            f"'{', '.join(missing)}' ({column.label})", table.decision_id)
    value = _run(column.expression, names, f"input {column.label}", table.decision_id)
    return _typed(value, column, table.decision_id)


def _typed(value, column: Column, decision_id: str):
    """The input value as the column's DMN type asks, numbers as int or Decimal."""
    wrong = None
    if column.type_ref in NUMBER_TYPES:
        if isinstance(value, str):
            try:
                value = Decimal(value.strip())
            except InvalidOperation:
                wrong = "a number"
        if isinstance(value, bool) or not isinstance(value, int | Decimal) or (
                isinstance(value, Decimal) and not value.is_finite()):
            wrong = "a number"
    elif column.type_ref == "string" and not isinstance(value, str):
        wrong = "text"
    elif column.type_ref == "boolean" and not isinstance(value, bool):
        wrong = "true or false"
    if wrong:
        raise DecisionError(f"decision '{decision_id}': input {column.label} must be {wrong}, "
                            f"not {repr(value)[:40]}", decision_id)
    return value


# Loading: XML → namespace and static checks → XSD → SpiffWorkflow's DMN parser → our checks.

def _compile(dmn_xml: bytes) -> dict[str, Table]:
    root = parse_xml(dmn_xml)
    namespace = _namespace(root)
    if namespace is None:
        raise DefinitionInvalid([Problem("", "not a DMN document (no dmn:definitions root)")])
    problems = _static_problems(dmn_xml, root, namespace) or _schema_problems(root, namespace)
    if problems:
        raise DefinitionInvalid(problems)
    decision = _spiff_decision(root)
    table, problems = _table(decision, _output_values(root, namespace))
    if problems:
        raise DefinitionInvalid(problems)
    return {table.decision_id: table}


def _namespace(root) -> str | None:
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    return namespace if namespace in SCHEMAS and root.tag.endswith("}definitions") else None


def _static_problems(dmn_xml: bytes, root, ns: str) -> list[Problem]:
    try:
        dmn_xml.decode("utf-8")
    except UnicodeDecodeError:
        return [Problem("", "the file must be UTF-8 encoded")]
    decisions = root.findall(f"{{{ns}}}decision")
    if len(decisions) != 1:  # SpiffWorkflow reads one decision per file
        found = ", ".join(d.get("id", "?") for d in decisions)
        return [Problem("", f"a DMN file must hold exactly one decision (found {found or 'none'})")]
    decision = decisions[0]
    decision_id = decision.get("id") or ""
    if not decision_id:
        return [Problem("", "the decision has no id")]
    if len(decision_id) > MAX_DECISION_ID:
        return [Problem(decision_id, f"decision id longer than {MAX_DECISION_ID} characters")]
    tables = decision.findall(f"{{{ns}}}decisionTable")
    if len(tables) != 1:
        return [Problem(decision_id, "the decision must be one decision table")]
    policy = tables[0].get("hitPolicy", "UNIQUE")
    if policy not in HIT_POLICIES:
        known = "not supported" if policy in DMN_HIT_POLICIES else "unknown"
        return [Problem(tables[0].get("id", decision_id),
                        f"hit policy '{policy}' is {known}; use UNIQUE or FIRST")]
    return []


@functools.lru_cache(maxsize=len(SCHEMAS))
def _validator(namespace: str) -> BpmnValidator:
    return BpmnValidator(SCHEMAS[namespace])  # building the schema costs milliseconds: once


def _schema_problems(root, namespace: str) -> list[Problem]:
    try:
        _validator(namespace).validate(root)
    except ValidationException as exc:
        return [Problem("", f"not valid DMN (line {exc.line_number}): {exc.args[0]}")]
    return []


def _spiff_decision(root):
    parser = BpmnDmnParser()
    try:
        parser.add_dmn_xml(root, filename="decision.dmn")
        (dmn_parser,) = parser.dmn_parsers.values()
        dmn_parser.parse()
    except ValidationException as exc:
        raise DefinitionInvalid([Problem(exc.id or "", f"cannot be parsed: {exc.args[0]}")]) \
            from None
    except Exception as exc:  # noqa: BLE001 - any parser failure must become a message
        raise DefinitionInvalid([Problem("", f"cannot be parsed: {type(exc).__name__}: {exc}")]) \
            from None
    return dmn_parser.decision


def _output_values(root, ns: str) -> dict[str, str]:
    """Output column id → the text of its outputValues (SpiffWorkflow does not read them)."""
    return {out.get("id"): out.findtext(f"{{{ns}}}outputValues/{{{ns}}}text") or ""
            for out in root.iter(f"{{{ns}}}output")}


def _table(decision, output_values: dict[str, str]) -> tuple[Table, list[Problem]]:
    spec = decision.decisionTables[0]
    problems: list[Problem] = []
    inputs = tuple(_column(col, problems) for col in spec.inputs)
    outputs = tuple(_output(out, output_values.get(out.id, ""), problems) for out in spec.outputs)
    if not outputs:
        problems.append(Problem(decision.id, "the decision table has no output"))
    if not spec.rules:
        problems.append(Problem(decision.id, "the decision table has no rules"))
    if len(spec.rules) > MAX_RULES:
        problems.append(Problem(decision.id, f"the table has more than {MAX_RULES} rules"))
        return Table(decision.id, decision.name or "", spec.hit_policy, inputs, outputs,
                     ()), problems
    rules = tuple(_rule(rule, inputs, outputs, problems) for rule in spec.rules)
    return Table(decision.id, decision.name or "", spec.hit_policy, inputs, outputs,
                 rules), problems


def _column(col, problems: list[Problem]) -> Column:
    label = col.label or col.name or col.id
    source = (col.expression or "").strip()
    if not source:
        problems.append(Problem(col.id, f"input '{label}' has no expression"))
    expression = _checked(source or "None", col.id, f"input '{label}'", problems) or "None"
    needs = frozenset(node.id for node in ast.walk(ast.parse(expression, mode="eval"))
                      if isinstance(node, ast.Name)) - _CONSTANTS - set(SAFE_FUNCTIONS)
    return Column(label, expression, (col.typeRef or "").lower(), needs)


def _output(out, values_text: str, problems: list[Problem]) -> Output:
    name = out.name or out.label
    if not name:
        problems.append(Problem(out.id, "output column has no name"))
    allowed: tuple = ()
    if len(values_text) > MAX_CELL:
        problems.append(Problem(out.id, f"output values longer than {MAX_CELL} characters"))
    elif values_text.strip():
        try:
            allowed = tuple(ast.literal_eval(f"[{values_text}]"))
        except (ValueError, SyntaxError, RecursionError, MemoryError):
            problems.append(Problem(out.id, "output values must be literals separated by commas"))
    return Output(name or out.id, allowed)


def _rule(rule, inputs: tuple[Column, ...], outputs: tuple[Output, ...],
          problems: list[Problem]) -> Rule:
    where = f"row {rule.row_number}"
    if len(rule.inputEntries) != len(inputs) or len(rule.outputEntries) != len(outputs):
        problems.append(Problem(rule.id, f"{where} does not have one cell per column"))
        return Rule(rule.id, rule.row_number, (), ())
    cells = []
    for entry, column in zip(rule.inputEntries, inputs, strict=True):
        text = (entry.lhs[0] or "").strip() if entry.lhs else ""
        cells.append(_checked(_cell(text), rule.id, f"{where}, input '{column.label}'",
                              problems) if text and text != "-" else None)
    results = []
    for entry, output in zip(rule.outputEntries, outputs, strict=True):
        text = (entry.text or "").strip()
        results.append(_checked(text, rule.id, f"{where}, output '{output.name}'", problems)
                       if text else "")
        _check_allowed(text, output, rule.id, where, problems)
    return Rule(rule.id, rule.row_number, tuple(cells), tuple(results))


def _check_allowed(text: str, output: Output, rule_id: str, where: str,
                   problems: list[Problem]) -> None:
    try:
        value = ast.literal_eval(text) if text else None
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        return  # an expression: checked when it is evaluated
    if output.allowed and value not in output.allowed:
        problems.append(Problem(rule_id, f"{where}: output {text} is not one of the values "
                                         f"allowed for '{output.name}'"))


def _cell(text: str) -> str:
    """An input cell as an expression over INPUT, following SpiffWorkflow's DMNEngine."""
    if len(text) > MAX_CELL:
        return text  # refused by the length check that follows (the regex is quadratic)
    if _QUESTION.search(text):
        return _QUESTION.sub(INPUT, text)
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return f"{INPUT} {text}"  # "< 90", "in ('a', 'b')": an operator applied to the input
    except (RecursionError, MemoryError):
        return text  # refused as too deeply nested by the check that follows
    return f"({INPUT}) == ({text})"


def _checked(source: str, element_id: str, where: str, problems: list[Problem]) -> str | None:
    """The expression with exact decimal literals, or None (and a problem) when refused."""
    if len(source) > MAX_CELL:
        problems.append(Problem(element_id, f"{where}: expression longer than {MAX_CELL} "
                                            "characters"))
        return None
    try:
        check_expression(source)
        exact = ast.unparse(ast.fix_missing_locations(
            _ExactNumbers().visit(ast.parse(source.strip(), mode="eval"))))
        check_expression(exact)
    except UnsafeExpression as exc:
        reason = str(exc)
    except SyntaxError as exc:
        reason = f"syntax error: {exc.msg}"
    except (RecursionError, MemoryError):
        reason = "expression nested too deeply"
    except ValueError as exc:  # e.g. an integer literal too long to print back
        reason = f"unusable literal: {exc}"
    else:
        return exact
    problems.append(Problem(element_id, f"{where}: expression refused: {reason}"))
    return None


class _ExactNumbers(ast.NodeTransformer):
    """Float literals become Decimal('…'), so 89.99 in a cell means exactly 89.99."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, float):
            return ast.Call(ast.Name("Decimal", ast.Load()), [ast.Constant(repr(node.value))], [])
        return node
