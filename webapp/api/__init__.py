"""The REST API under /api/v1: bearer-token authenticated flask-smorest blueprints."""

from __future__ import annotations

from flask_smorest import Api

from ..extensions import csrf
from . import (
    auth,
    definitions,
    evaluations,
    ex_ante,
    firms,
    instances,
    ledger,
    monitoring,
    results,
    self_evaluations,
    tasks,
)
from .core import document_error_shape

BLUEPRINTS = (auth.blp, tasks.blp, instances.blp, definitions.blp, ledger.blp, firms.blp,
              self_evaluations.blp, evaluations.blp, ex_ante.blp, monitoring.blp,
              results.blp)


def register_api(api: Api) -> None:
    """Register the API blueprints, their bearer security scheme and error documents."""
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer",
                       "description": "POST /api/v1/auth/token for a token."})
    api.spec.options["security"] = [{"bearerAuth": []}]
    document_error_shape(api)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)  # bearer tokens only: no cookie, so no cross-site forgery
        api.register_blueprint(blueprint)
