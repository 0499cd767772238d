"""The `firms` blueprint, shared by the registry's and the engagements' view modules."""

from __future__ import annotations

from flask import Blueprint

from .labels import firm_globals

bp = Blueprint("firms", __name__)


@bp.context_processor
def inject_labels() -> dict:
    """The registry's label tables, for its own pages only."""
    return firm_globals()
