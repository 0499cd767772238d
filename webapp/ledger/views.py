"""Ledger pages: the list with its summary, one item, evidence, problems, import and export."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ledger", __name__)
