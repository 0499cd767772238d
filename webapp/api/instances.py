"""Starting business processes and reading their instances."""

from __future__ import annotations

from workflows.instances import get_instance_or_404, instance_view
from workflows.starters import start_process

from .auth import current_api_user, protect
from .core import ApiBlueprint
from .presenters import instance_card
from .schemas import InstanceSchema, StartProcessSchema

blp = ApiBlueprint("api_instances", __name__, url_prefix="/api/v1/process-instances",
                   description="Business process instances within the caller's data scope.")
protect(blp)


@blp.route("", methods=["POST"])
@blp.arguments(StartProcessSchema)
@blp.response(201, InstanceSchema)
@blp.errors(401, 403, 404, 409, 422)
def start(body: dict):
    """Start a business process (goal_declaration: a filer of the project's unit)."""
    instance = start_process(body["process_key"], body["data"], current_api_user())
    return instance_card(instance_view(instance))


@blp.route("/<int:instance_id>")
@blp.response(200, InstanceSchema)
@blp.errors(401, 404)
def get_instance(instance_id: int):
    """An instance with its ready tasks and history."""
    instance = get_instance_or_404(instance_id, current_api_user(), whole=True)
    return instance_card(instance_view(instance))
