"""Deploy-time checks that a valid-looking diagram will also run: literal timers parse, loops
and repetitions are bounded, calls do not recurse, and names fit the columns that store them."""

from __future__ import annotations

import ast

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from ..messages import Msg
from .evaluator import normalise
from .parser import _C, BPMN_NS, NS, Problem, owner_id

MAX_CARDINALITY = 500  # parallel copies of one task an instance may create
MAX_REPEATS = 1000  # firings of a cycle timer
# Column sizes of process_definition and task (a longer value would fail on PostgreSQL).
LIMITS = (("id", 64), ("name", 200))
TASK_LIMITS = ((_C + "formKey", "formKey", 64), (_C + "candidateGroups", "candidateGroups", 200))


def run_problems(root, main) -> list[Problem]:
    """Problems the engine would only meet while running an instance."""
    return [*_timer_problems(root), *_loop_problems(root), *_call_cycles(root, main),
            *_size_problems(root, main)]


def _literal(text: str) -> str | None:
    """The timer text when it is a literal (ISO text), not an expression over task data."""
    try:
        value = ast.literal_eval(normalise(text))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def _timer_problems(root) -> list[Problem]:
    problems = []
    for tag, parse, refusal in (
            ("timeDuration", TimerEventDefinition.parse_iso_duration,
             lambda t: Msg("timer '%(text)s' is not a valid ISO 8601 duration (P5D)", text=t)),
            ("timeDate", TimerEventDefinition.get_datetime,
             lambda t: Msg("timer '%(text)s' is not a valid ISO 8601 date (2026-12-31)", text=t)),
            ("timeCycle", TimerEventDefinition.parse_iso_recurring_interval,
             lambda t: Msg("timer '%(text)s' is not a valid ISO 8601 cycle (R3/P1D)", text=t))):
        for el in root.iter(f"{{{BPMN_NS}}}{tag}"):
            text = _literal(el.text or "")
            if text is None:
                continue
            owner = owner_id(el)
            try:
                parsed = parse(text)
            except Exception:  # noqa: BLE001 - the library raises bare Exception for bad ISO text
                problems.append(Problem(owner, refusal(text[:40])))
                continue
            if tag == "timeCycle" and not 0 < parsed[0] <= MAX_REPEATS:
                problems.append(Problem(owner, Msg(
                    "timer cycle '%(text)s' must repeat a bounded number of times (R1 to R%(n)s)",
                    text=text[:40], n=MAX_REPEATS)))
    return problems


def _loop_problems(root) -> list[Problem]:
    problems = []
    for el in root.iter(f"{{{BPMN_NS}}}loopCardinality"):
        try:
            value = ast.literal_eval((el.text or "").strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            continue  # an expression over task data: bounded at run time by the task cap
        if not isinstance(value, int) or not 0 < value <= MAX_CARDINALITY:
            problems.append(Problem(owner_id(el), Msg(
                "loop cardinality must be between 1 and %(n)s", n=MAX_CARDINALITY)))
    return problems


def _call_cycles(root, main) -> list[Problem]:
    """A process that calls itself, directly or through others, would never finish."""
    calls: dict[str, list[tuple[str, str]]] = {}
    for proc in root.findall("bpmn:process", NS):
        calls[proc.get("id")] = [(c.get("id"), c.get("calledElement") or "")
                                 for c in proc.iter(f"{{{BPMN_NS}}}callActivity")]
    problems, seen = [], set()

    def walk(process: str, path: tuple[str, ...]) -> None:
        for call_id, called in calls.get(process, []):
            if called in path or called == process:
                if call_id not in seen:
                    seen.add(call_id)
                    problems.append(Problem(call_id, Msg(
                        "calls '%(called)s', which is already running above it: the call "
                        "would never end", called=called)))
            elif called in calls:
                walk(called, (*path, process))
    walk(main.get("id"), ())
    return problems


def _size_problems(root, main) -> list[Problem]:
    problems = []
    for attr, size in LIMITS:
        if len(main.get(attr) or "") > size:
            problems.append(Problem(main.get("id", "")[:64], Msg(
                "the process %(attr)s is longer than %(n)s characters", attr=attr, n=size)))
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        for attr, size in LIMITS:
            if len(task.get(attr) or "") > size:
                problems.append(Problem(task.get("id", "")[:64], Msg(
                    "the task %(attr)s is longer than %(n)s characters", attr=attr, n=size)))
        for qualified, attr, size in TASK_LIMITS:
            if len(task.get(qualified) or "") > size:
                problems.append(Problem(task.get("id", "")[:64], Msg(
                    "%(attr)s is longer than %(n)s characters", attr=attr, n=size)))
    return problems
