"""BPMN parsing: the Camunda parser plus the assignment attributes it ignores."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, UserTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask

from ..messages import Msg

MAX_BPMN_BYTES = 2 * 1024 * 1024
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_MODEL_NS,
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
ASSIGNMENT_ATTRS = ("candidateGroups", "candidateUsers", "assignee", "dueDate", "priority",
                    "formKey")
_C = f"{{{CAMUNDA_MODEL_NS}}}"


@dataclass
class Problem:
    """One reason a diagram cannot be deployed, tied to the offending element."""

    element_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.element_id}: {self.message}" if self.element_id else self.message


class DefinitionInvalid(ValueError):
    """The uploaded BPMN cannot be deployed; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class ParsedDefinition:
    """What deploy needs to know about a valid diagram."""

    key: str
    name: str
    content_hash: str
    xml: str
    user_tasks: dict = field(default_factory=dict)


def read_assignment(node) -> dict:
    """The camunda assignment and form attributes of a userTask element."""
    attrs = {name: node.get(_C + name) for name in ASSIGNMENT_ATTRS}
    fields = []
    for f in node.iterfind(".//camunda:formData/camunda:formField", NS):
        constraints = {c.get("name"): c.get("config")
                       for c in f.iterfind("camunda:validation/camunda:constraint", NS)}
        fields.append({
            "id": f.get("id"), "label": f.get("label") or f.get("id"), "type": f.get("type"),
            "default": f.get("defaultValue"), "constraints": constraints,
            "values": [{"id": v.get("id"), "name": v.get("name")}
                       for v in f.iterfind("camunda:value", NS)],
        })
    return {
        "name": node.get("name") or node.get("id"),
        "candidate_groups": _split(attrs["candidateGroups"]),
        "candidate_users": _split(attrs["candidateUsers"]),
        "assignee": attrs["assignee"],
        "due_date": attrs["dueDate"],
        "priority": int(attrs["priority"]) if (attrs["priority"] or "").isascii()
        and (attrs["priority"] or "").isdigit() else 50,
        "form_key": attrs["formKey"] or "",
        "form_fields": fields,
    }


def owner_id(el) -> str:
    """The id of the element itself or of its nearest ancestor that has one."""
    while el is not None and not el.get("id"):
        el = el.getparent()
    return el.get("id") if el is not None else ""


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class AssignmentUserTaskParser(UserTaskParser):
    """Adds the assignment attributes to the task spec's extensions."""

    def parse_extensions(self, node=None):
        extensions = super().parse_extensions(node)
        extensions["assignment"] = read_assignment(self.node)
        return extensions


class JixiaoParser(CamundaParser):
    """CamundaParser that keeps candidate groups, assignee, due date and priority."""

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (AssignmentUserTaskParser, UserTask),
    }


def parse_xml(xml: bytes) -> etree._Element:
    """Parse untrusted XML: no DTD, no entities, no network, bounded size."""
    if len(xml) > MAX_BPMN_BYTES:
        raise DefinitionInvalid(
            [Problem("", Msg("file larger than %(kb)s KB", kb=MAX_BPMN_BYTES // 1024))])
    try:
        SafeET.fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise DefinitionInvalid(
            [Problem("", Msg("XML with a DTD or entity declarations is refused"))]) from None
    except SafeET.ParseError as exc:
        raise DefinitionInvalid(
            [Problem("", Msg("malformed XML: %(reason)s", reason=str(exc)))]) from None
    except (ValueError, LookupError):  # expat refuses multi-byte encodings such as GBK
        raise DefinitionInvalid([Problem("", Msg("the file must be UTF-8 encoded"))]) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:  # e.g. nesting deeper than lxml allows
        raise DefinitionInvalid(
            [Problem("", Msg("malformed XML: %(reason)s", reason=str(exc)))]) from None


def spiff_problems(xml: bytes, key: str) -> list[Problem]:
    try:
        build_specs(xml, key)
    except ValidationException as exc:
        return [Problem(exc.id or "", Msg("cannot be executed: %(reason)s",
                                            reason=str(exc.args[0] if exc.args else exc)))]
    except Exception as exc:  # noqa: BLE001 - any parser failure must become a message
        return [Problem("", Msg("cannot be executed: %(reason)s",
                                    reason=f"{type(exc).__name__}: {exc}"))]
    return []


@functools.lru_cache(maxsize=256)
def sequence_flows(xml: str) -> dict[tuple[str, str], list[str]]:
    """Sequence flow ids by (source, target), for drawing the path an instance took."""
    flows: dict[tuple[str, str], list[str]] = {}
    for flow in parse_xml(xml.encode("utf-8")).iter(f"{{{BPMN_NS}}}sequenceFlow"):
        flows.setdefault((flow.get("sourceRef"), flow.get("targetRef")), []).append(flow.get("id"))
    return flows


def build_specs(xml: bytes, key: str):
    """Parse a diagram into (process spec, subprocess specs)."""
    parser = JixiaoParser()
    parser.add_bpmn_xml(parse_xml(xml), filename=f"{key}.bpmn")
    return parser.get_spec(key), parser.get_subprocess_specs(key)
