"""Deploy-time checks of a BPMN diagram; every problem names the element it concerns."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lxml import etree

from ..messages import Msg
from .assignment import parse_duration
from .evaluator import UnsafeExpression, check_expression, check_script
from .parser import (
    _C,
    BPMN_NS,
    NS,
    DefinitionInvalid,
    ParsedDefinition,
    Problem,
    owner_id,
    parse_xml,
    read_assignment,
    spiff_problems,
)
from .run_checks import run_problems

RESERVED_IDS = {"Start", "End", "Root"}
DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
MAX_PRIORITY = 1_000_000
MAX_DUE = timedelta(days=3660)  # ten years: a longer deadline is a typing slip
FIELD_TYPES = {"string", "long", "boolean", "date", "enum"}
CONSTRAINTS = {"required", "readonly", "min", "max", "minlength", "maxlength"}
# Elements drawn as shapes: each must have one in the diagram.
FLOW_NODES = {f"{{{BPMN_NS}}}{tag}" for tag in (
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
    "receiveTask", "callActivity", "subProcess", "startEvent", "endEvent", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway", "parallelGateway",
    "inclusiveGateway", "eventBasedGateway")}
# What the engine cannot run, with the reason an administrator is given.
UNSUPPORTED = {
    "dataStoreReference": Msg("data stores are not supported; keep the data in form fields"),
    "complexGateway": Msg("complex gateways are not supported; use exclusive or inclusive "
                          "gateways"),
    "transaction": Msg("transaction sub-processes are not supported"),
    "adHocSubProcess": Msg("ad-hoc sub-processes are not supported"),
    "compensateEventDefinition": Msg("compensation events are not supported"),
    "globalTask": Msg("global tasks are not supported"),
    "globalUserTask": Msg("global tasks are not supported"),
    "serviceTask": Msg("service tasks are not supported: nothing here runs external services; "
                       "use a script task or a user task"),
    "receiveTask": Msg("receive tasks are not supported: this application delivers no "
                       "messages; use a user task"),
}
# Catch events waiting for something this application never sends (a throw is harmless).
WAITS_FOREVER = {
    "messageEventDefinition": Msg("message events cannot be caught: this application delivers "
                                  "no messages"),
    "signalEventDefinition": Msg("signal events cannot be caught: this application sends no "
                                 "signals"),
}


@dataclass
class Known:
    """What a diagram may refer to: role codes, deployed decision ids, and a username check."""

    roles: set[str] = field(default_factory=set)
    decisions: set[str] | None = None  # None: decisions are not checked (engine-level tests)
    user_exists: Callable[[str], bool] | None = None


def parse_definition(xml: bytes, known: Known | set[str]) -> ParsedDefinition:
    """Check a diagram completely and return what deploy stores; raise DefinitionInvalid."""
    if not isinstance(known, Known):
        known = Known(roles=set(known))
    root = parse_xml(xml)
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise DefinitionInvalid(
            [Problem("", Msg("not a BPMN 2.0 document (no bpmn:definitions root)"))])
    processes = root.findall("bpmn:process", NS)
    if not processes:
        raise DefinitionInvalid([Problem("", Msg("the file contains no process"))])
    executable = [p for p in processes if p.get("isExecutable", "true") != "false"]
    if not executable:
        message = Msg('the process is marked not executable (isExecutable="false"); '
                      "tick “Executable” on the process to deploy it")
        raise DefinitionInvalid([Problem(p.get("id", ""), message) for p in processes])
    # The main process is the one no call activity of the file calls.
    called = {c.get("calledElement") for c in root.iter(f"{{{BPMN_NS}}}callActivity")}
    main = next((p for p in executable if p.get("id") not in called), executable[0])
    problems = static_problems(root, main, known)
    if not problems:
        problems = spiff_problems(xml, main.get("id"))
    if problems:
        raise DefinitionInvalid(problems)
    return ParsedDefinition(
        key=main.get("id"), name=main.get("name") or main.get("id"),
        content_hash=hashlib.sha256(xml).hexdigest(), xml=xml.decode("utf-8"),
        # every process of the file: a call activity runs the others' user tasks
        user_tasks={t.get("id"): read_assignment(t) for t in root.iter(f"{{{BPMN_NS}}}userTask")},
    )


def static_problems(root, main, known: Known) -> list[Problem]:
    """Every problem found without running the engine's parser."""
    return [*_id_problems(root), *_structure_problems(main), *_unsupported(root, main),
            *_expression_problems(root), *_task_problems(root, known),
            *_form_problems(root), *_decision_problems(root, known), *_call_problems(root),
            *_diagram_problems(root, main), *run_problems(root, main)]


def _id_problems(root) -> list[Problem]:
    return [Problem(el.get("id"), Msg("this id is reserved by the engine; rename it"))
            for el in root.iter() if (el.get("id") or "") in RESERVED_IDS
            or (el.get("id") or "").endswith("EndJoin")]


def _structure_problems(main) -> list[Problem]:
    problems = []
    if main.find("bpmn:startEvent", NS) is None:
        problems.append(Problem(main.get("id", ""), Msg("process has no start event")))
    if next(main.iter(f"{{{BPMN_NS}}}endEvent"), None) is None:
        problems.append(Problem(main.get("id", ""), Msg("process has no end event")))
    for proc in main.iter(f"{{{BPMN_NS}}}process", f"{{{BPMN_NS}}}subProcess"):
        ids = {el.get("id") for el in proc.iter() if el.get("id")}
        flows = proc.findall("bpmn:sequenceFlow", NS)
        for flow in flows:
            for end in ("sourceRef", "targetRef"):
                if flow.get(end) not in ids:
                    problems.append(Problem(flow.get("id", ""), Msg(
                        "%(end)s '%(ref)s' is not an element", end=end, ref=flow.get(end))))
        problems += _unconnected(proc, flows)
    return problems


def _unconnected(container, flows) -> list[Problem]:
    """Flow nodes a token could never reach or never leave."""
    sources = {f.get("sourceRef") for f in flows}
    targets = {f.get("targetRef") for f in flows}
    event_sub = container.get("triggeredByEvent") == "true"
    problems = []
    for el in container:
        if el.tag not in FLOW_NODES or el.find("bpmn:linkEventDefinition", NS) is not None \
                or el.get("triggeredByEvent") == "true":
            continue  # links jump, and an event sub-process starts on its event
        kind, el_id = etree.QName(el).localname, el.get("id")
        if kind != "endEvent" and el_id not in sources:
            problems.append(Problem(el_id, Msg("has no outgoing sequence flow")))
        if kind not in ("startEvent", "boundaryEvent") and el_id not in targets \
                and not (event_sub and kind == "startEvent"):
            problems.append(Problem(el_id, Msg("has no incoming sequence flow")))
    return problems


def _unsupported(root, main) -> list[Problem]:
    problems = []
    for tag, message in UNSUPPORTED.items():
        for el in main.iter(f"{{{BPMN_NS}}}{tag}"):
            problems.append(Problem(owner_id(el),
                                    Msg("unsupported element: %(reason)s", reason=message)))
    for event in main.iter(f"{{{BPMN_NS}}}intermediateCatchEvent", f"{{{BPMN_NS}}}boundaryEvent",
                           f"{{{BPMN_NS}}}startEvent"):
        for definition, message in WAITS_FOREVER.items():
            if event.find(f"bpmn:{definition}", NS) is not None:
                problems.append(Problem(event.get("id", ""), Msg(
                    "unsupported element: %(reason)s", reason=message)))
    store = UNSUPPORTED["dataStoreReference"]
    problems += [Problem(el.get("id", ""), Msg("unsupported element: %(reason)s", reason=store))
                 for el in root.iter(f"{{{BPMN_NS}}}dataStore")]
    return problems


def _expression_problems(root) -> list[Problem]:
    problems = []
    checks = [(".//bpmn:conditionExpression", check_expression),
              (".//bpmn:completionCondition", check_expression),
              (".//bpmn:loopCardinality", check_expression),
              (".//bpmn:timeDuration", check_expression),
              (".//bpmn:timeDate", check_expression),
              (".//bpmn:timeCycle", check_expression),
              (".//bpmn:scriptTask/bpmn:script", check_script)]
    for path, check in checks:
        for el in root.iterfind(path, NS):
            try:
                check(el.text or "")
            except UnsafeExpression as exc:
                problems.append(Problem(owner_id(el),
                                        Msg("expression refused: %(reason)s", reason=str(exc))))
    return problems


def _is_variable(value: str) -> bool:
    text = value.strip()
    return text.startswith("${") and text.endswith("}") and text[2:-1].strip().isidentifier()


def _task_problems(main, known: Known) -> list[Problem]:
    problems = []
    for task in main.iter(f"{{{BPMN_NS}}}userTask"):
        tid, info = task.get("id"), read_assignment(task)
        if not (info["candidate_groups"] or info["assignee"] or info["candidate_users"]):
            problems.append(Problem(tid, Msg("user task has no assignee or candidate group")))
        problems += [Problem(tid, Msg("unknown role '%(role)s'", role=role))
                     for role in info["candidate_groups"] if role not in known.roles]
        people = [info["assignee"]] if info["assignee"] else []
        for name in [*people, *info["candidate_users"]]:
            if not _is_variable(name) and known.user_exists and not known.user_exists(name):
                problems.append(Problem(tid, Msg("unknown user '%(name)s'", name=name)))
        due = task.get(_C + "dueDate")
        if due and not (_is_variable(due) or _bounded_duration(due) or _is_date(due)):
            problems.append(Problem(tid, Msg(
                "due date '%(due)s' is neither an ISO duration (P5D), a date (2026-12-31) nor "
                "${variable}", due=due)))
        priority = task.get(_C + "priority")
        if priority and not (_is_variable(priority) or _whole(priority, MAX_PRIORITY)):
            problems.append(Problem(tid, Msg("priority '%(p)s' is not a whole number", p=priority)))
    return problems


def _whole(text: str, most: int) -> bool:
    """ASCII digits (str.isdigit also takes '²') of a number no larger than `most`."""
    text = text.strip()
    return text.isascii() and text.isdigit() and int(text) <= most


def _bounded_duration(text: str) -> bool:
    delta = parse_duration(text)
    return delta is not None and delta <= MAX_DUE


def _is_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _form_problems(main) -> list[Problem]:
    problems = []
    for task in main.iter(f"{{{BPMN_NS}}}userTask"):
        tid, seen = task.get("id"), set()
        for f in read_assignment(task)["form_fields"]:
            fid = f["id"]
            if not fid:
                problems.append(Problem(tid, Msg("form field without an id")))
                continue
            if not fid.isidentifier() or fid.startswith("_"):
                problems.append(Problem(tid, Msg(
                    "form field '%(id)s': the id must be a name of letters, digits and _ not "
                    "starting with a digit or _", id=fid)))
            if fid in seen:
                problems.append(Problem(tid, Msg("form field '%(id)s' is declared twice", id=fid)))
            seen.add(fid)
            if (f["type"] or "") not in FIELD_TYPES:
                problems.append(Problem(tid, Msg(
                    "form field '%(id)s': type must be one of %(types)s", id=fid,
                    types=", ".join(sorted(FIELD_TYPES)))))
            if f["type"] == "enum" and not [v for v in f["values"] if v["id"]]:
                problems.append(Problem(tid, Msg(
                    "form field '%(id)s': an enum needs values with ids", id=fid)))
            problems += _constraint_problems(tid, fid, f["constraints"])
    return problems


def _constraint_problems(tid: str, fid: str, constraints: dict) -> list[Problem]:
    problems = []
    for name, config in constraints.items():
        if name not in CONSTRAINTS:
            problems.append(Problem(tid, Msg(
                "form field '%(id)s': unknown constraint '%(name)s'", id=fid, name=name)))
        elif name in ("min", "max"):
            try:
                finite = math.isfinite(float(config or ""))
            except ValueError:
                finite = False
            if not finite:
                problems.append(Problem(tid, Msg(
                    "form field '%(id)s': %(name)s needs a number", id=fid, name=name)))
        elif name in ("minlength", "maxlength") and not _whole(config or "", 1_000_000):
            problems.append(Problem(tid, Msg("form field '%(id)s': %(name)s needs a whole number",
                                             id=fid, name=name)))
    return problems


def _decision_problems(main, known: Known) -> list[Problem]:
    problems = []
    for task in main.iter(f"{{{BPMN_NS}}}businessRuleTask"):
        ref = task.get(_C + "decisionRef")
        if not ref:
            problems.append(Problem(task.get("id"), Msg("business rule task names no decision")))
        elif known.decisions is not None and ref not in known.decisions:
            problems.append(Problem(task.get("id"), Msg(
                "decision '%(ref)s' is not deployed; deploy its DMN table first", ref=ref)))
    return problems


def _call_problems(root) -> list[Problem]:
    """A call activity runs a process of the same file (versioned together with its caller)."""
    here = {p.get("id") for p in root.findall("bpmn:process", NS)}
    problems = []
    for call in root.iter(f"{{{BPMN_NS}}}callActivity"):
        called = call.get("calledElement")
        if not called:
            problems.append(Problem(call.get("id"), Msg("call activity names no called process")))
        elif called not in here:
            problems.append(Problem(call.get("id"), Msg(
                "calls process '%(called)s', which is not another process of this file; draw "
                "the called process in the same diagram (a second pool)", called=called)))
    return problems


def _diagram_problems(root, main) -> list[Problem]:
    if root.find(f"{{{DI_NS}}}BPMNDiagram") is None:
        return [Problem(main.get("id", ""), Msg("the file has no diagram (BPMN DI): open it in "
                                                "the modeler and save it with its layout"))]
    shapes = {s.get("bpmnElement") for s in root.iter(f"{{{DI_NS}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in root.iter(f"{{{DI_NS}}}BPMNEdge")}
    problems = [Problem(el.get("id"), Msg("has no shape in the diagram"))
                for el in main.iter(*FLOW_NODES) if el.get("id") not in shapes]
    problems += [Problem(flow.get("id"), Msg("has no line in the diagram"))
                 for flow in main.iter(f"{{{BPMN_NS}}}sequenceFlow")
                 if flow.get("id") not in edges]
    return problems
