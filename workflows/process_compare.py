"""Two versions of a process or decision table side by side: elements added, removed, changed,
and the line diff of their XML."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from lxml import etree
from sqlalchemy import select

from models import ProcessDefinition, User, db

from .engine.decisions import DECISION_PREFIX
from .engine.parser import parse_xml
from .errors import NotFound
from .messages import Msg
from .process_catalog import check_admin

MAX_DIFF_LINES = 3000  # a page, not a dump: the full files are downloadable
# Layout lives in the diagram interchange; moving a shape is not a change of the procedure.
DI_NAMESPACES = ("http://www.omg.org/spec/BPMN/20100524/DI",
                 "https://www.omg.org/spec/DMN/20191111/DMNDI/")


@dataclass(frozen=True)
class ElementChange:
    """One element that differs between the versions."""

    element_id: str
    kind: str  # added | removed | changed
    type: str  # the BPMN/DMN element name, e.g. userTask, rule
    name: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiffLine:
    """One line of the unified XML diff: ' ', '+', '-' or '@' (a hunk header)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Comparison:
    """The comparison of version `old` with version `new` of one key."""

    key: str
    is_decision: bool
    old: int
    new: int
    changes: tuple[ElementChange, ...]
    diff: tuple[DiffLine, ...]
    diff_truncated: bool

    def marks(self, side: str) -> dict[str, str]:
        """Canvas markers for the old or the new diagram (element id -> css class)."""
        shown = ("removed", "changed") if side == "old" else ("added", "changed")
        return {c.element_id: f"jx-{c.kind}" for c in self.changes if c.kind in shown}

    def count(self, kind: str) -> int:
        """How many elements were added, removed or changed."""
        return sum(1 for c in self.changes if c.kind == kind)


def _version(key: str, version: int) -> ProcessDefinition:
    definition = db.scalar(select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version == version))
    if definition is None:
        raise NotFound(Msg("process version not found"))
    return definition


def compare_versions(user: User, key: str, old: int, new: int) -> Comparison:
    """What changed from version `old` to version `new`."""
    check_admin(user)
    a, b = _version(key, old), _version(key, new)
    before, after = _elements(a.bpmn_xml), _elements(b.bpmn_xml)
    changes = [ElementChange(i, "removed", *before[i][:2]) for i in before if i not in after]
    changes += [ElementChange(i, "added", *after[i][:2]) for i in after if i not in before]
    for i in before.keys() & after.keys():
        details = _details(before[i], after[i])
        if details:
            changes.append(ElementChange(i, "changed", after[i][0], after[i][1], details))
    order = {"changed": 0, "added": 1, "removed": 2}
    changes.sort(key=lambda c: (order[c.kind], c.type, c.name, c.element_id))
    diff, truncated = _xml_diff(_pretty(a.bpmn_xml), _pretty(b.bpmn_xml), f"v{old}", f"v{new}")
    return Comparison(key, key.startswith(DECISION_PREFIX), old, new, tuple(changes),
                      diff, truncated)


def _is_di(el) -> bool:
    return isinstance(el.tag, str) and etree.QName(el).namespace in DI_NAMESPACES


def _elements(xml: str) -> dict[str, tuple[str, str, dict, str]]:
    """Semantic elements by id: (type, name, attributes, canonical content without children
    that have ids of their own and without layout)."""
    root = parse_xml(xml.encode("utf-8"))
    found = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or _is_di(el) or not el.get("id") or el is root:
            continue
        if any(_is_di(parent) for parent in el.iterancestors()):
            continue
        attrs = {etree.QName(k).localname: v for k, v in el.attrib.items() if k != "id"}
        found[el.get("id")] = (etree.QName(el).localname, el.get("name") or "", attrs,
                               _own_content(el))
    return found


def _own_content(el) -> str:
    """The element's text and id-less children (conditions, forms, timers) as canonical XML."""
    parts = [(el.text or "").strip()]
    for child in el:
        if not isinstance(child.tag, str) or child.get("id") and not _is_extension(child):
            continue
        parts.append(etree.tostring(child, method="c14n").decode("utf-8").strip())
    return "\n".join(p for p in parts if p)


def _is_extension(el) -> bool:
    return etree.QName(el).localname in ("extensionElements", "conditionExpression",
                                         "timerEventDefinition", "text", "inputExpression")


def _details(old: tuple, new: tuple) -> tuple[str, ...]:
    details = []
    if old[0] != new[0]:
        details.append(f"type: {old[0]} → {new[0]}")
    for name in sorted(old[2].keys() | new[2].keys()):
        if old[2].get(name) != new[2].get(name):
            details.append(f"{name}: {old[2].get(name) or '∅'} → {new[2].get(name) or '∅'}")
    if old[3] != new[3]:
        details.append("content (form fields, condition, timer, script or cells) changed")
    return tuple(details)


def _pretty(xml: str) -> str:
    """The XML re-indented the same way, so that a file saved by the modeler and one written by
    hand differ only where their content does."""
    root = parse_xml(xml.encode("utf-8"))
    for el in root.iter():
        if el.text is not None and not el.text.strip() and len(el):
            el.text = None
        if el.tail is not None and not el.tail.strip():
            el.tail = None
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="unicode")


def _xml_diff(old: str, new: str, old_name: str, new_name: str
              ) -> tuple[tuple[DiffLine, ...], bool]:
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name,
                                     n=3, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        kind = "@" if line.startswith("@@") else line[:1] or " "
        lines.append(DiffLine(kind, line[1:] if kind != "@" else line))
        if len(lines) >= MAX_DIFF_LINES:
            return tuple(lines), True
    return tuple(lines), False
