"""Restricted evaluation of BPMN conditions and scripts (replaces SpiffWorkflow's eval/exec)."""

from __future__ import annotations

import ast
import operator
import re
from decimal import Decimal

from simpleeval import (
    DEFAULT_OPERATORS,
    EvalWithCompoundTypes,
    InvalidExpression,
    safe_add,
    safe_mult,
)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

MAX_BITS = 128  # numbers beyond ~38 digits have no business in a workflow condition
MAX_ITEMS = 10_000


def _number(value):
    """Refuse numbers so large that arithmetic on them could stall the server."""
    if isinstance(value, bool):
        return value
    too_big = (isinstance(value, int) and value.bit_length() > MAX_BITS) or (
        isinstance(value, Decimal) and value.is_finite() and value.adjusted() > 38) or (
        isinstance(value, float) and abs(value) > 1e38)
    if too_big:
        raise UnsafeExpression("number too large")
    return value


def _arith(op, sequence_op=None):
    def guarded(a, b):
        if isinstance(a, str | list | tuple) or isinstance(b, str | list | tuple):
            if any(isinstance(side, list | tuple) and any(isinstance(x, list | tuple | dict)
                                                         for x in side) for side in (a, b)):
                # a repeated list of lists grows quadratically before any length check sees it
                raise UnsafeExpression("nested sequences cannot be combined or repeated")
            return (sequence_op or op)(a, b)  # simpleeval's length limits apply
        return _number(op(_number(a), _number(b)))
    return guarded


def _modulo(a, b):
    if isinstance(a, str):  # '%09999999d' % 0 would build a string of any size
        raise UnsafeExpression("string formatting with % is not allowed")
    return _number(operator.mod(_number(a), _number(b)))


def _round(x, n=0):
    if not isinstance(n, int) or isinstance(n, bool) or not -38 <= n <= 38:
        raise UnsafeExpression("round() takes at most 38 digits")
    return round(_number(x), n)


def _power(a, b):
    if abs(_number(b)) > 64 and abs(_number(a)) > 1:
        raise UnsafeExpression("power too large")
    return _number(_number(a) ** b)


def _refused(*_args):
    raise UnsafeExpression("bit shifts are not allowed")


def _sum(values, start=0):
    items = list(values)
    if len(items) > MAX_ITEMS or not all(isinstance(v, int | float | Decimal) for v in items):
        raise UnsafeExpression("sum() takes at most 10,000 numbers")
    total = _number(start)
    for value in items:
        total = _number(total + _number(value))
    return total


def _sorted(values, **kwargs):
    items = list(values)
    if len(items) > MAX_ITEMS:
        raise UnsafeExpression("sorted() takes at most 10,000 items")
    return sorted(items, **kwargs)


SAFE_FUNCTIONS = {
    "len": len, "min": min, "max": max, "abs": lambda x: abs(_number(x)),
    "round": _round, "sum": _sum,
    "int": lambda x=0: _number(int(_number(x))), "float": lambda x=0.0: float(_number(x)),
    "str": str, "bool": bool, "any": any, "all": all, "sorted": _sorted,
    "Decimal": lambda x="0": _number(Decimal(x)),
}
SAFE_OPERATORS = {
    **DEFAULT_OPERATORS,
    ast.Add: _arith(operator.add, safe_add), ast.Sub: _arith(operator.sub),
    ast.Mult: _arith(operator.mul, safe_mult), ast.Pow: _power, ast.Mod: _modulo,
    ast.LShift: _refused, ast.RShift: _refused,
}
_SAFE_ATTRS = {
    dict: {"get", "keys", "values", "items"},
    str: {"lower", "upper", "strip", "startswith", "endswith", "split"},
    list: {"count", "index"},
}
SAFE_METHODS = frozenset().union(*_SAFE_ATTRS.values())
_NAMES = {"True": True, "False": False, "None": None}
_ALLOWED_NODES = (
    ast.Expression, ast.Expr, ast.Constant, ast.Name, ast.Load, ast.Store, ast.UnaryOp,
    ast.BinOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.keyword, ast.Subscript,
    ast.Attribute, ast.Slice, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.JoinedStr,
    ast.FormattedValue, ast.operator, ast.unaryop, ast.boolop, ast.cmpop,
)


# What a modeler writes in a timer: an ISO 8601 duration, date-time or repeating interval, bare,
# or Camunda's ${name}. SpiffWorkflow would evaluate those as Python and fail at run time.
_ISO_LITERAL = re.compile(
    r"^(R\d*/)?(P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)"
    r"(/(P[\dYMWDTHS.]+|\d{4}-\d{2}-\d{2}\S*))?$")
_CAMUNDA_VAR = re.compile(r"^\$\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}$")


def normalise(expression: str) -> str:
    """Quote bare ISO 8601 literals and turn ${name} into name."""
    text = expression.strip()
    if _ISO_LITERAL.match(text) and text not in ("P", "PT"):
        return repr(text)
    match = _CAMUNDA_VAR.match(text)
    return match.group(1) if match else text


class UnsafeExpression(ValueError):
    """An expression or script uses something the restricted evaluator refuses."""


def check_expression(source: str) -> None:
    """Statically refuse anything outside plain expressions over task data."""
    try:
        tree = ast.parse(normalise(source), mode="eval")
        _check_tree(tree)
    except SyntaxError as exc:
        raise UnsafeExpression(f"syntax error: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise UnsafeExpression("expression nested too deeply") from None


def check_script(source: str) -> None:
    """Scripts may only be lines of the form `name = expression`."""
    try:
        tree = ast.parse(source.strip() or "pass", mode="exec")
    except SyntaxError as exc:
        raise UnsafeExpression(f"syntax error on line {exc.lineno}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise UnsafeExpression("script nested too deeply") from None
    for stmt in tree.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)):
            raise UnsafeExpression(
                f"line {stmt.lineno}: only 'name = expression' lines are allowed in scripts")
        _check_name(stmt.targets[0].id)
        _check_tree(stmt.value)


def _check_tree(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            raise UnsafeExpression("format specifications are not allowed")
        if not isinstance(node, _ALLOWED_NODES):
            raise UnsafeExpression(f"'{type(node).__name__}' is not allowed")
        if isinstance(node, ast.Name):
            _check_name(node.id)
        elif isinstance(node, ast.Attribute) and node.attr not in SAFE_METHODS:
            raise UnsafeExpression(f"attribute '.{node.attr}' is not allowed")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id not in SAFE_FUNCTIONS:
            raise UnsafeExpression(f"call to '{node.func.id}' is not allowed")


def _check_name(name: str) -> None:
    if name.startswith("_"):
        raise UnsafeExpression(f"name '{name}' is not allowed")


def _evaluator(names: dict) -> EvalWithCompoundTypes:
    return EvalWithCompoundTypes(
        operators=SAFE_OPERATORS, functions=SAFE_FUNCTIONS, names={**_NAMES, **names},
        allowed_attrs=_SAFE_ATTRS)


def safe_eval(expression: str, names: dict):
    """Evaluate one expression over the given names, refusing anything unsafe."""
    check_expression(expression)
    try:
        return _evaluator(names).eval(normalise(expression))
    except InvalidExpression as exc:
        raise UnsafeExpression(str(exc)) from None


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Script environment that evaluates with simpleeval instead of eval/exec."""

    def evaluate(self, expression, context, external_context=None):
        return safe_eval(expression, {**(external_context or {}), **context})

    def execute(self, script, context, external_context=None):
        check_script(script)
        for stmt in ast.parse(script.strip() or "pass").body:
            value_src = ast.unparse(stmt.value)
            context[stmt.targets[0].id] = safe_eval(value_src, {**(external_context or {}),
                                                                **context})
        return True

    def call_service(self, context, **kwargs):
        raise UnsafeExpression("service tasks are not supported")


def restricted_engine() -> PythonScriptEngine:
    """A script engine to hand every workflow, including each one restored from JSON."""
    return PythonScriptEngine(environment=RestrictedEnvironment())
