"""Deploying BPMN diagrams and DMN decision tables as immutable, numbered definition versions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from models import ProcessDefinition, Role, User, db

from .audit import record
from .engine.decisions import DECISION_PREFIX, is_decision_file, parse_decision_file
from .engine.parser import DefinitionInvalid, ParsedDefinition, Problem
from .engine.validation import Known, parse_definition
from .errors import Conflict, InvalidInput
from .grading import GRADE_KEY, grade_table_problems
from .messages import Msg

BPMN_DIR = Path(__file__).resolve().parent.parent / "bpmn"


def known_roles() -> set[str]:
    """Role codes a diagram may name as candidate groups."""
    return set(db.scalars(select(Role.code).where(Role.acts_in_workflows.is_(True))))


def deployed_decisions() -> set[str]:
    """Decision ids a business-rule task may name."""
    return {key.removeprefix(DECISION_PREFIX) for key in db.scalars(
        select(ProcessDefinition.key).where(ProcessDefinition.key.startswith(DECISION_PREFIX))
        .distinct())}


def known_names() -> Known:
    """What a diagram deployed now may refer to: roles, deployed decisions, active users."""
    return Known(roles=known_roles(), decisions=deployed_decisions(), user_exists=_user_exists)


class DefinitionRefused(InvalidInput):
    """A diagram or table the checks refused; `problems` name the offending elements."""

    def __init__(self, message: str, errors: dict, problems: list[Problem]):
        super().__init__(message, errors)
        self.problems = problems


def _user_exists(username: str) -> bool:
    return db.scalar(select(User.id).where(User.username == username,
                                           User.active.is_(True))) is not None


def deploy_definition(xml: bytes, *, source_name: str = "", actor_id: int | None = None,
                      base: tuple[str, int] | None = None) -> tuple[ProcessDefinition, bool]:
    """Validate and store a diagram or decision table; returns (definition, created).

    `base`, when given, is the (key, version) the change was made on (("", 0) for a new
    process): the save is refused when a newer version of that key was deployed meanwhile, or
    when the diagram carries the key of another existing process.
    """
    # A DMN file lives in the same table under the key 'dmn:<decision id>', so its versions are
    # numbered, immutable and audited like a diagram's, and unchanged files stay put alike.
    is_dmn = source_name.lower().endswith(".dmn")
    try:
        is_dmn = is_dmn or is_decision_file(xml)
        parsed = parse_decision(xml) if is_dmn else parse_definition(xml, known_names())
    except DefinitionInvalid as exc:
        what = source_name or ("decision table" if is_dmn else "diagram")
        raise DefinitionRefused(
            f"{what} cannot be deployed: {exc}",
            {"dmn" if is_dmn else "bpmn": [str(p) for p in exc.problems]}, exc.problems) from None
    latest = latest_definition(parsed.key)
    if base is not None and latest is not None and base[0] != parsed.key:
        raise Conflict(Msg("a process with the id '%(key)s' already exists; open it to change "
                           "it, or give this one another id", key=parsed.key))
    if base is not None and latest is not None and latest.version > base[1]:
        raise Conflict(Msg("version %(v)s of this process was deployed meanwhile; reload the "
                           "editor and apply your change to it", v=latest.version))
    if latest is not None and latest.content_hash == parsed.content_hash:
        return latest, False
    version = (db.scalar(select(func.max(ProcessDefinition.version))
                         .where(ProcessDefinition.key == parsed.key)) or 0) + 1
    definition = ProcessDefinition(
        key=parsed.key, version=version, name=parsed.name, content_hash=parsed.content_hash,
        bpmn_xml=parsed.xml, source_name=source_name, user_tasks=parsed.user_tasks,
        deployed_by_id=actor_id,
    )
    try:
        with db.begin_nested():  # a concurrent deploy of the same key takes the same number
            db.add(definition)
            db.flush()
    except IntegrityError:
        raise Conflict(Msg("another version of this process was deployed at the same moment; "
                           "reload and try again")) from None
    record(actor_id, "process_definition", definition.id, "deploy",
           after={"key": parsed.key, "version": version, "hash": parsed.content_hash})
    return definition, True


def parse_decision(xml: bytes) -> ParsedDefinition:
    """A checked DMN file; the grade table must also grade every score in [0, 100] (R1)."""
    parsed = parse_decision_file(xml)
    problems = grade_table_problems(xml) if parsed.key == GRADE_KEY else ()
    if problems:
        raise DefinitionInvalid(list(problems))
    return parsed


def deploy_directory(path: Path = BPMN_DIR, actor_id: int | None = None
                     ) -> list[tuple[ProcessDefinition, bool]]:
    """Deploy every .bpmn and .dmn file of a directory (or one file)."""
    # Decision tables first: a diagram's business-rule tasks must name deployed decisions.
    files = [path] if path.is_file() else [*sorted(path.glob("*.dmn")),
                                           *sorted(path.glob("*.bpmn"))]
    return [deploy_definition(f.read_bytes(), source_name=f.name, actor_id=actor_id) for f in files]


def latest_definition(key: str) -> ProcessDefinition | None:
    """The newest version of a process key (or of a decision: 'dmn:<decision id>')."""
    return db.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key)
                     .order_by(ProcessDefinition.version.desc()).limit(1))


def list_definitions() -> list[ProcessDefinition]:
    """Every deployed definition version, newest first per key, without the XML."""
    return list(db.scalars(
        select(ProcessDefinition)
        .options(defer(ProcessDefinition.bpmn_xml), defer(ProcessDefinition.user_tasks))
        .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())))
