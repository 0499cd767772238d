"""R1 grades of evaluation scores, read from the deployed DMN decision table `grade`."""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select

from models import ProcessDefinition, db

from .engine.decisions import DecisionError, decision_key, evaluate_decision
from .engine.parser import Problem
from .errors import InvalidInput
from .messages import Msg

GRADE_DECISION = "grade"
GRADE_KEY = decision_key(GRADE_DECISION)
GRADES = ("excellent", "good", "fair", "poor")
BUNDLED_TABLE = Path(__file__).resolve().parent.parent / "bpmn" / "grade.dmn"
CENT = Decimal("0.01")
# Scores a new grade table must grade before it is deployed: every whole score and the cent
# below it, so a gap or an exclusive band edge ("90 < ?") is refused at upload rather than
# discovered when a leader finalises an evaluation.
PROBES = tuple(sorted({Decimal(n).quantize(CENT) for n in range(101)}
                      | {Decimal(n) - CENT for n in range(1, 101)}))


def grade_of(score) -> str:
    """The grade code of a score by the latest deployed table (bundled table if none)."""
    return _grade(grade_table_xml(), score_value(score))


def score_value(score) -> Decimal:
    """The score rounded half-up to 2 decimals; InvalidInput unless it lies in [0, 100]."""
    try:
        value = Decimal(str(score).strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not isinstance(score, bool) and value.is_finite() and value.adjusted() < 3:
        value = value.quantize(CENT, rounding=ROUND_HALF_UP)  # adjusted() < 3: no overflow
        if Decimal(0) <= value <= Decimal(100):
            return abs(value)  # -0.004 rounds to -0.00; grade it as 0.00
    message = Msg("must be a number between 0 and 100")
    raise InvalidInput(message, {"score": [message]})  # -0.004 rounds to -0.00; grade it as 0.00


def grade_table_xml() -> bytes:
    """The newest deployed grade table, or bpmn/grade.dmn when none is deployed."""
    xml = db.scalar(select(ProcessDefinition.bpmn_xml)
                    .where(ProcessDefinition.key == GRADE_KEY)
                    .order_by(ProcessDefinition.version.desc()).limit(1))
    return xml.encode("utf-8") if xml is not None else BUNDLED_TABLE.read_bytes()


@functools.lru_cache(maxsize=16)
def grade_table_problems(dmn_xml: bytes) -> tuple[Problem, ...]:
    """Why a checked DMN file cannot serve as the grade table; empty when it can."""
    problems = []
    for score in PROBES:
        try:
            _grade(dmn_xml, score)
        except DecisionError as exc:
            problems.append(Problem(exc.element_id, f"score {score}: {exc.message}"))
    return tuple(problems[:3])  # a broken table fails many probes; the first few say why


def _grade(dmn_xml: bytes, score: Decimal) -> str:
    grade = evaluate_decision(dmn_xml, GRADE_DECISION, {"score": score}).get("grade")
    if grade not in GRADES:
        raise DecisionError(f"the grade table gives {grade!r}, not one of {', '.join(GRADES)}",
                            GRADE_DECISION)
    return grade
