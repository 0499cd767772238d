"""Specs cached per definition version; instance state serialized without its spec."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from .evaluator import restricted_engine
from .parser import build_specs

SERIALIZER_VERSION = f"spiff-{VERSION}-nospec"
_SPECS_KEY = "_jixiao_specs"


class PinnedSpecConverter(BpmnWorkflowConverter):
    """Leaves the spec out of the state: it is stored once per definition version."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec, subprocess_specs = dct.pop(_SPECS_KEY)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(CAMUNDA_CONFIG)
    config[BpmnWorkflow] = PinnedSpecConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


_serializer = _make_serializer()


@dataclass(frozen=True)
class PinnedDefinition:
    """A deployed version as the engine runs it: parsed specs and the user-task metadata."""

    specs: tuple
    user_tasks: dict
    version: int


class SpecCache:
    """Pinned definitions keyed by id and content hash; a deployed version never changes."""

    def __init__(self) -> None:
        self._pinned: dict[tuple[int, str], PinnedDefinition] = {}
        self._lock = threading.Lock()

    def get(self, definition_id: int, content_hash: str,
            load: Callable[[], tuple[str, int, str, dict]]) -> PinnedDefinition:
        """The pinned definition; on a miss `load()` gives (key, version, xml, user_tasks)."""
        cache_key = (definition_id, content_hash)
        pinned = self._pinned.get(cache_key)
        if pinned is None:
            with self._lock:
                pinned = self._pinned.get(cache_key)
                if pinned is None:
                    key, version, xml, user_tasks = load()
                    pinned = PinnedDefinition(build_specs(xml.encode("utf-8"), key),
                                              user_tasks or {}, version)
                    self._pinned[cache_key] = pinned
        return pinned

    def clear(self) -> None:
        """Forget every parsed spec (tests use this)."""
        with self._lock:
            self._pinned.clear()


spec_cache = SpecCache()


def new_workflow(specs: tuple) -> BpmnWorkflow:
    """A fresh workflow on the restricted script engine."""
    spec, subprocess_specs = specs
    return BpmnWorkflow(spec, subprocess_specs, script_engine=restricted_engine())


def dump_state(workflow: BpmnWorkflow) -> str:
    """Serialize an instance's state, without the spec."""
    return json.dumps(_serializer.to_dict(workflow), cls=_serializer._encoder_cls,
                      separators=(",", ":"))


def load_state(state: str, version: str, specs: tuple) -> BpmnWorkflow:
    """Restore a workflow and hand it the restricted engine (the library would not)."""
    return restore_state(read_state(state, version), specs)


def read_state(state: str, version: str) -> dict:
    """An instance's stored state as the serializer's dictionary."""
    if version != SERIALIZER_VERSION:
        raise ValueError(f"state written by serializer {version!r}; "
                         f"this build reads {SERIALIZER_VERSION!r}")
    return json.loads(state, cls=_serializer.json_decoder_cls)


def restore_state(dct: dict, specs: tuple) -> BpmnWorkflow:
    """A workflow from a state dictionary on the given specs, on the restricted engine."""
    dct[_SPECS_KEY] = specs
    workflow = _serializer.from_dict(dct)
    workflow.script_engine = restricted_engine()
    return workflow
