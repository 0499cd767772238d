"""Deploying BPMN diagrams as new process definition versions (administrators only)."""

from __future__ import annotations

from flask import abort, request

from workflows import deploy as deploy_ops
from workflows.errors import InvalidInput

from .auth import current_api_user, protect, role_required
from .core import ApiBlueprint
from .presenters import Deployment
from .schemas import DefinitionListSchema, DeployedSchema

XML_TYPES = ("application/xml", "text/xml")
UPLOAD_DOC = {
    "required": True,
    "description": "A BPMN 2.0 file: multipart field `file`, or the raw XML as the body.",
    "content": {
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}}}},
        **{kind: {"schema": {"type": "string"}} for kind in XML_TYPES},
    },
}

blp = ApiBlueprint("api_definitions", __name__, url_prefix="/api/v1/process-definitions",
                   description="Deployed BPMN process definitions (administrators).")
protect(blp)


def uploaded_bpmn() -> tuple[bytes, str]:
    """The uploaded diagram and its file name, from a multipart `file` or a raw XML body."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput("no file uploaded", {"file": ["send the diagram as field 'file'"]})
        return upload.read(), (upload.filename or "upload.bpmn")[:200]
    if request.mimetype in XML_TYPES:
        return request.get_data(cache=False), "upload.bpmn"
    abort(415, description="send multipart/form-data with a 'file', or application/xml")


@blp.route("", methods=["GET"])
@role_required("admin")
@blp.response(200, DefinitionListSchema)
@blp.errors(401, 403)
def list_definitions():
    """Every deployed version, newest first within each process key."""
    return {"items": deploy_ops.list_definitions()}


@blp.route("", methods=["POST"])
@role_required("admin")
@blp.doc(requestBody=UPLOAD_DOC)
@blp.response(201, DeployedSchema)
@blp.alt_response(200, schema=DeployedSchema, success=True,
                  description="The same content is already deployed; nothing changed.")
@blp.errors(401, 403, 415, 422)
def deploy():
    """Validate and deploy a diagram: a new version when its content changed."""
    xml, name = uploaded_bpmn()
    if not xml.strip():
        raise InvalidInput("the diagram is empty", {"file": ["empty file"]})
    definition, created = deploy_ops.deploy_definition(xml, source_name=name,
                                                       actor_id=current_api_user().id)
    return Deployment(definition, created), 201 if created else 200
