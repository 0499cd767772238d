"""The ledger API: items, problems, evidence and the .xlsx export."""

from __future__ import annotations

from .auth import protect
from .core import ApiBlueprint

blp = ApiBlueprint("api_ledger", __name__, url_prefix="/api/v1/ledger",
                   description="Rectification ledger (整改台账).")
protect(blp)
