"""Moving a waiting instance's state onto another version of its diagram."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

from ..messages import Msg
from .store import read_state, restore_state

WAITING = TaskState.WAITING | TaskState.READY | TaskState.STARTED
# Predictions are rebuilt from the new version's flows after the move.
PREDICTED = TaskState.PREDICTED_MASK | TaskState.FUTURE


def _element(spec) -> str:
    """The BPMN id a task spec stands for (the engine's wrappers name their element)."""
    return getattr(spec, "bpmn_id", None) or spec.name.split(".")[0]


def migration_blockers(state: str, version: str, old_specs: tuple, new_specs: tuple
                       ) -> list[str]:
    """Why the instance cannot move to the new specs (empty: it can)."""
    dct = read_state(state, version)
    if any(task["state"] & WAITING for sub in dct.get("subprocesses", {}).values()
           for task in sub["tasks"].values()):
        return [Msg("the instance is inside a sub-process or call activity; such instances are "
                    "not migrated")]
    old, new = old_specs[0].task_specs, new_specs[0].task_specs
    reasons = []
    for task in dct["tasks"].values():
        if not task["state"] & WAITING:
            continue
        name = task["task_spec"]
        element = _element(old[name]) if name in old else name
        if name not in new:
            reasons.append(Msg("waiting element '%(element)s' does not exist in the new version",
                               element=element))
        elif name in old and type(new[name]) is not type(old[name]):
            reasons.append(Msg("waiting element '%(element)s' changed its type (%(old)s → %(new)s)",
                               element=element, old=type(old[name]).__name__,
                               new=type(new[name]).__name__))
        elif name in old and _inputs(old[name]) != _inputs(new[name]):
            # A gateway or boundary event added or removed in front of the waiting task: the
            # engine would look for a path the instance never took.
            reasons.append(Msg("the way into waiting element '%(element)s' changed (incoming "
                               "flows, gateways or boundary events)", element=element))
    return sorted(set(reasons), key=str)


def _inputs(spec) -> list[str]:
    return sorted(i.name for i in spec.inputs)


def rebase_state(state: str, version: str, new_specs: tuple):
    """The workflow restored on the new specs: the waiting tasks and their data are kept,
    finished elements that left the diagram are cut out of the history tree, and the
    predicted future is rebuilt from the new flows. Check migration_blockers first."""
    dct = read_state(state, version)
    tasks, names = dct["tasks"], set(new_specs[0].task_specs)
    for tid in [t for t, task in tasks.items() if task["state"] & PREDICTED]:
        _drop(tasks, tid)
    for tid in [t for t, task in tasks.items() if task["task_spec"] not in names]:
        if tid in tasks:
            _splice(tasks, tid)
    if dct.get("last_task") not in tasks:
        dct["last_task"] = None
    # Finished sub-processes are history (kept in the trail and the audit), not state to move.
    dct["subprocesses"] = {}
    workflow = restore_state(dct, new_specs)
    workflow._predict()
    return workflow


def _drop(tasks: dict, tid: str) -> None:
    """Remove a task and everything below it."""
    task = tasks.pop(tid, None)
    if task is None:
        return
    parent = tasks.get(task["parent"])
    if parent is not None and tid in parent["children"]:
        parent["children"].remove(tid)
    for child in list(task["children"]):
        _drop(tasks, child)


def _splice(tasks: dict, tid: str) -> None:
    """Remove a finished task, handing its children to its parent."""
    task = tasks.pop(tid)
    parent = tasks.get(task["parent"])
    for child in task["children"]:
        if child in tasks:
            tasks[child]["parent"] = task["parent"]
    if parent is not None:
        at = parent["children"].index(tid)
        parent["children"][at:at + 1] = [c for c in task["children"] if c in tasks]
