"""The `ledger` blueprint, shared by the ledger's view modules."""

from __future__ import annotations

from flask import Blueprint

from .labels import ledger_globals

bp = Blueprint("ledger", __name__)


@bp.context_processor
def inject_labels() -> dict:
    """The ledger's label tables, for its own pages only."""
    return ledger_globals()
