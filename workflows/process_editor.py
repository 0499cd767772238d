"""Saving diagrams and decision tables edited in the browser, and trying a table before saving."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from models import User

from .deploy import (
    DefinitionRefused,
    deploy_definition,
    deployed_decisions,
    known_roles,
    latest_definition,
)
from .engine.decisions import (
    DECISION_PREFIX,
    NUMBER_TYPES,
    DecisionError,
    is_decision_file,
    load_decisions,
    match_decision,
)
from .engine.parser import MAX_BPMN_BYTES, DefinitionInvalid, Problem
from .errors import InvalidInput, NotFound
from .messages import Msg
from .process_catalog import check_admin

EDITOR_SOURCE = "web-editor"  # source_name of versions saved from the browser
MAX_TRIAL_INPUTS = 50


@dataclass(frozen=True)
class SavedVersion:
    """The outcome of a save: the version now newest, and whether the save created it."""

    key: str
    version: int
    created: bool
    is_decision: bool


@dataclass(frozen=True)
class DecisionTrial:
    """Which rule of a table matched the inputs, and what it gave."""

    rule_id: str
    row: int
    outputs: dict


def _xml_bytes(xml) -> bytes:
    if not isinstance(xml, str) or not xml.strip():
        raise InvalidInput(Msg("the diagram is empty"), {"xml": [Msg("this field is required")]})
    data = xml.encode("utf-8")
    if len(data) > MAX_BPMN_BYTES:
        raise InvalidInput(Msg("the file is larger than %(kb)s KB", kb=MAX_BPMN_BYTES // 1024),
                           {"xml": [Msg("too large")]})
    return data


def save_definition(user: User, xml, kind: str = "bpmn", base: tuple[str, int] | None = None
                    ) -> SavedVersion:
    """Validate an edited diagram (or table) and deploy it as the next version of its key.

    `base` is the (key, version) the editor was opened on: when someone deployed a newer
    version of that key meanwhile the save is refused rather than overwriting their change,
    and a diagram given another process's key (or a new one given an existing key) is refused
    rather than silently replacing that process.
    """
    check_admin(user)
    data = _xml_bytes(xml)
    try:
        is_dmn = is_decision_file(data)
    except DefinitionInvalid as exc:
        raise _refused(Msg("the file cannot be read"), exc.problems) from None
    if is_dmn != (kind == "dmn"):
        raise InvalidInput(Msg("a decision table (DMN) was expected") if kind == "dmn"
                           else Msg("a BPMN diagram was expected"), {"xml": [Msg("wrong kind")]})
    try:
        # No base: a new process, which must not take the key of an existing one.
        definition, created = deploy_definition(data, source_name=EDITOR_SOURCE,
                                                actor_id=user.id, base=base or ("", 0))
    except DefinitionRefused as exc:
        raise DefinitionRefused(
            Msg("nothing was deployed: %(n)s problems to fix", n=len(exc.problems)),
            exc.errors, exc.problems) from None
    return SavedVersion(definition.key, definition.version, created, is_dmn)


def try_decision(user: User, xml, decision_id, inputs) -> DecisionTrial:
    """Evaluate an (unsaved) decision table on the inputs typed into the editor."""
    check_admin(user)
    data = _xml_bytes(xml)
    if not isinstance(inputs, dict) or len(inputs) > MAX_TRIAL_INPUTS:
        raise InvalidInput(Msg("inputs must be an object of at most %(n)s values",
                               n=MAX_TRIAL_INPUTS), {"inputs": [Msg("not valid")]})
    try:
        tables = load_decisions(data)
    except DefinitionInvalid as exc:
        raise _refused(Msg("the table cannot be used yet: %(n)s problems to fix",
                           n=len(exc.problems)), exc.problems) from None
    if not isinstance(decision_id, str) or decision_id not in tables:
        raise InvalidInput(Msg("the file has no decision '%(id)s'", id=str(decision_id)[:64]),
                           {"decision_id": [Msg("not found")]})
    table = tables[decision_id]
    typed = {}
    for column in table.inputs:
        if column.expression in inputs:
            typed[column.expression] = _typed_input(inputs[column.expression], column.type_ref)
    try:
        rule, outputs = match_decision(data, decision_id, {**inputs, **typed})
    except DecisionError as exc:
        raise _refused(Msg("no result: %(reason)s", reason=exc.message),
                       [Problem(exc.element_id, exc.message)]) from None
    return DecisionTrial(rule.rule_id, rule.row, {k: _plain(v) for k, v in outputs.items()})


def _typed_input(value, type_ref: str):
    """What a browser field sends, as the column's type: numbers exactly, as Decimal."""
    if type_ref in NUMBER_TYPES and isinstance(value, str | int | float) \
            and not isinstance(value, bool):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            return value  # the table's own check names the column
    return value


def _plain(value):
    """A JSON-friendly output value."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _refused(message: str, problems: list[Problem]) -> DefinitionRefused:
    return DefinitionRefused(message, {"problems": [str(p) for p in problems]}, problems)


def blank_diagram(process_id: str) -> str:
    """The starting point of a new process: an executable process with its start event drawn."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Definitions_{process_id}" targetNamespace="https://jixiao.local/bpmn">
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{process_id}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


@dataclass(frozen=True)
class EditorContext:
    """What the modeler page needs: the version it opens and the names it may refer to."""

    key: str
    version: int | None  # None: a new process
    is_decision: bool
    roles: tuple[str, ...]
    decisions: tuple[str, ...]


def editor_context(user: User, key: str | None) -> EditorContext:
    """The newest version of `key` (NotFound if none), or a new process when key is None."""
    check_admin(user)
    version = None
    if key is not None:
        latest = latest_definition(key)
        if latest is None:
            raise NotFound(Msg("process version not found"))
        version = latest.version
    return EditorContext(key or "", version, bool(key and key.startswith(DECISION_PREFIX)),
                         tuple(sorted(known_roles())), tuple(sorted(deployed_decisions())))


def new_process_id() -> str:
    """A fresh process id for the blank diagram; the administrator renames it."""
    return f"Process_{secrets.token_hex(3)}"
