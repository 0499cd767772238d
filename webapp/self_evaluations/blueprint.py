"""The `self_evaluations` blueprint, shared by its view modules."""

from __future__ import annotations

from flask import Blueprint

from .labels import self_evaluation_globals

bp = Blueprint("self_evaluations", __name__)


@bp.context_processor
def inject_labels() -> dict:
    """The self-evaluation's label tables, for its own pages (task pages pass them too)."""
    return self_evaluation_globals()
