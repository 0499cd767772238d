"""The evaluation's indicator rows and scores as the scoring rules take them."""

from __future__ import annotations

from models import KeyEvaluation

from ..evaluation_rules import EvalIndicator, ScoreBreakdown, score_key_evaluation
from ..grading import grade_of


def plan_rows(evaluation: KeyEvaluation) -> list[EvalIndicator]:
    """The approved plan's indicators (no scores)."""
    return [EvalIndicator(r["level1"], r["level2"], r["name"], r["weight"])
            for r in (evaluation.plan or {}).get("indicators", [])]


def draft_breakdown(evaluation: KeyEvaluation) -> ScoreBreakdown:
    """The draft's scores totalled and graded by the bureau's deployed grade table now."""
    scores = (evaluation.draft or {}).get("scores", [])
    return score_key_evaluation(
        [EvalIndicator(r.level1, r.level2, r.name, r.weight, s)
         for r, s in zip(plan_rows(evaluation), scores, strict=True)], grader=grade_of)
