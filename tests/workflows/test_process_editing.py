"""Saving edited diagrams (validate, then version N+1), comparing versions, trying decision
tables, and migrating waiting instances to a newer version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import AuditLog, ProcessDefinition, ProcessInstance, Task, db
from tests.conftest import DATA, ready_task
from workflows.deploy import DefinitionRefused, deploy_definition
from workflows.engine import runtime
from workflows.engine.store import load_state
from workflows.errors import Conflict, Forbidden, InvalidInput, NotFound
from workflows.process_compare import compare_versions
from workflows.process_editor import EDITOR_SOURCE, blank_diagram, save_definition, try_decision
from workflows.process_migration import migrate_instances, migration_plan
from workflows.tasks import claim_task, complete_user_task

APPROVAL = (DATA / "approval.bpmn").read_text()
CORPUS = Path(__file__).resolve().parents[1] / "data" / "bpmn-miwg"  # CC BY 3.0, see README
GRADE = (Path(__file__).resolve().parents[2] / "bpmn" / "grade.dmn").read_text()
CHECK_TASK = (
    '<bpmn:userTask id="check" name="Check" camunda:candidateGroups="perf_chief" />\n'
    '    <bpmn:sequenceFlow id="f_check" sourceRef="check" targetRef="decide" />\n')
CHECK_DI = (
    '<bpmndi:BPMNShape id="check_di" bpmnElement="check"><dc:Bounds x="230" y="300" '
    'width="100" height="80"/></bpmndi:BPMNShape>\n'
    '<bpmndi:BPMNEdge id="f_check_di" bpmnElement="f_check"><di:waypoint x="330" y="340"/>'
    '<di:waypoint x="440" y="165"/></bpmndi:BPMNEdge>\n    </bpmndi:BPMNPlane>')


def variant(*edits: tuple[str, str], xml: str = APPROVAL) -> str:
    """The approval diagram with each (old, new) replacement applied exactly once."""
    for old, new in edits:
        assert xml.count(old) == 1, old
        xml = xml.replace(old, new)
    return xml


def with_check_step(xml: str = APPROVAL) -> str:
    """review → check → decide: one more user task, drawn."""
    return variant(('<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />',
                    '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="check" />\n    '
                    + CHECK_TASK),
                   ("</bpmndi:BPMNPlane>", CHECK_DI), xml=xml)


def versions(key: str = "tiny_approval") -> list[int]:
    return list(db.scalars(select(ProcessDefinition.version)
                           .where(ProcessDefinition.key == key).order_by("version")))


def refusal(user, xml: str, kind: str = "bpmn") -> list[tuple[str, str]]:
    before = db.scalar(select(func.count()).select_from(ProcessDefinition))
    with pytest.raises(DefinitionRefused) as err:
        save_definition(user, xml, kind)
    assert db.scalar(select(func.count()).select_from(ProcessDefinition)) == before
    return [(p.element_id, p.message) for p in err.value.problems]


def edit(user, xml: str, kind: str = "bpmn", key: str = "tiny_approval"):
    """Save as the editor does when it was opened on the newest version of `key`."""
    return save_definition(user, xml, kind, base=(key, versions(key)[-1]))


def start(definition):
    return runtime.start_instance(definition, data={}, actor_id=None, business_key="edit:1",
                                  subject="edited", unit_id=None)


# --- save: validate, then version N+1 -------------------------------------------------------

def test_a_valid_edit_deploys_the_next_version_while_instances_finish_on_theirs(bureau):
    v1, _ = deploy_definition(APPROVAL.encode(), source_name="approval.bpmn")
    running = start(v1)
    edited = variant(('camunda:candidateGroups="perf_staff"',
                      'camunda:candidateGroups="perf_chief"'),
                     ('result = "approved"', 'result = "approved in v2"'))
    saved = save_definition(bureau.admin, edited, "bpmn", base=("tiny_approval", 1))
    assert (saved.key, saved.version, saved.created) == ("tiny_approval", 2, True)
    v2 = db.scalar(select(ProcessDefinition).where(ProcessDefinition.version == 2,
                                                   ProcessDefinition.key == "tiny_approval"))
    assert v2.source_name == EDITOR_SOURCE and v2.deployed_by_id == bureau.admin.id
    assert v2.user_tasks["review"]["candidate_groups"] == ["perf_chief"]
    complete_user_task(ready_task(running.id), bureau.perf, {"data": {"decision": "approve"}})
    assert running.definition_id == v1.id and running.status == "completed"
    workflow = load_state(running.state, running.serializer_version,
                          runtime.pinned_for(running).specs)
    assert workflow.data["result"] == "approved"  # v1's script
    again = edit(bureau.admin, edited)
    assert (again.version, again.created) == (2, False)  # unchanged: no new version
    audit = db.scalars(select(AuditLog.action).where(AuditLog.entity == "process_definition",
                                                     AuditLog.actor_id == bureau.admin.id))
    assert list(audit) == ["deploy"]


@pytest.mark.parametrize(("edit", "element", "fragment"), [
    (('decision == "approve"', "__import__('os').system('id')"), "flow_approve",
     "expression refused"),
    (('result = "approved"', "result = open('/etc/passwd').read()"), "note",
     "expression refused"),
    (('camunda:priority="70">', 'camunda:priority="70"><bpmn:extensionElements><camunda:formData>'
      '<camunda:formField label="说明" type="string" /></camunda:formData>'
      '</bpmn:extensionElements>'), "review", "form field without an id"),
    (('camunda:candidateGroups="perf_staff"', 'camunda:candidateGroups="perf_staff,wizard"'),
     "review", "unknown role 'wizard'"),
    (('camunda:candidateGroups="perf_staff"', 'camunda:assignee="nobody_here"'), "review",
     "unknown user 'nobody_here'"),
    (('camunda:dueDate="P2D"', 'camunda:dueDate="next week"'), "review", "due date"),
    (('<bpmn:scriptTask id="note" name="Note result"><bpmn:script>result = "approved"'
      '</bpmn:script></bpmn:scriptTask>',
      '<bpmn:businessRuleTask id="note" name="Grade" camunda:decisionRef="no_such_table" />'),
     "note", "decision 'no_such_table' is not deployed"),
])
def test_refused_saves_name_the_element_and_deploy_nothing(bureau, edit, element, fragment):
    deploy_definition(APPROVAL.encode(), source_name="approval.bpmn")
    problems = refusal(bureau.admin, variant(edit))
    assert any(el == element and fragment in msg for el, msg in problems), problems
    assert versions() == [1]


def test_a_diagram_without_its_layout_is_refused(bureau):
    no_di = re.sub(r"\s*<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", APPROVAL, flags=re.S)
    assert refusal(bureau.admin, no_di) == [
        ("tiny_approval", "the file has no diagram (BPMN DI): open it in the modeler and save "
                          "it with its layout")]
    missing_shape = re.sub(r'<bpmndi:BPMNShape id="note_di".*?</bpmndi:BPMNShape>', "", APPROVAL)
    assert refusal(bureau.admin, missing_shape) == [("note", "has no shape in the diagram")]


def test_save_guards(bureau):
    with pytest.raises(Forbidden):
        save_definition(bureau.perfchief, APPROVAL, "bpmn")
    for empty in ("", "   ", None, 42):
        with pytest.raises(InvalidInput):
            save_definition(bureau.admin, empty, "bpmn")
    with pytest.raises(InvalidInput):  # a table posted as a diagram
        save_definition(bureau.admin, GRADE, "bpmn")
    with pytest.raises(InvalidInput):
        save_definition(bureau.admin, APPROVAL, "dmn")
    assert refusal(bureau.admin, "<bpmn:definitions><oops")[0][1].startswith("malformed XML")
    save_definition(bureau.admin, APPROVAL, "bpmn")
    save_definition(bureau.admin, with_check_step(), "bpmn", base=("tiny_approval", 1))
    stale = variant(('name="Review"', 'name="Review again"'))
    with pytest.raises(Conflict, match="version 2"):  # opened on v1 while v2 was deployed
        save_definition(bureau.admin, stale, "bpmn", base=("tiny_approval", 1))
    assert versions() == [1, 2]
    other = save_definition(bureau.admin, stale.replace('"tiny_approval"', '"tiny_copy"'), "bpmn",
                            base=("tiny_approval", 1))  # saved as another key: no conflict
    assert (other.key, other.version) == ("tiny_copy", 1)
    with pytest.raises(Conflict, match="already exists"):  # a new process taking a used id
        save_definition(bureau.admin, stale, "bpmn")
    with pytest.raises(Conflict, match="already exists"):  # an edit renamed onto another key
        save_definition(bureau.admin, stale.replace('"tiny_approval"', '"tiny_copy"'), "bpmn",
                        base=("tiny_approval", 2))
    assert versions() == [1, 2] and versions("tiny_copy") == [1]


def test_a_new_process_starts_from_the_blank_diagram(bureau):
    blank = blank_diagram("road_repair")
    problems = refusal(bureau.admin, blank)  # a start event alone cannot run
    assert problems and all(msg for _, msg in problems)
    drawn = blank.replace(
        '<bpmn:startEvent id="StartEvent_1" />',
        '<bpmn:startEvent id="StartEvent_1" /><bpmn:sequenceFlow id="f" sourceRef="StartEvent_1" '
        'targetRef="fill" /><bpmn:userTask id="fill" name="填报" camunda:candidateGroups='
        '"unit_filer" /><bpmn:sequenceFlow id="g" sourceRef="fill" targetRef="end" />'
        '<bpmn:endEvent id="end" />').replace("</bpmndi:BPMNPlane>", (
            '<bpmndi:BPMNShape id="fill_di" bpmnElement="fill"><dc:Bounds x="260" y="138" '
            'width="100" height="80" /></bpmndi:BPMNShape><bpmndi:BPMNShape id="end_di" '
            'bpmnElement="end"><dc:Bounds x="420" y="160" width="36" height="36" />'
            '</bpmndi:BPMNShape><bpmndi:BPMNEdge id="f_di" bpmnElement="f"><di:waypoint x="216" '
            'y="178" /><di:waypoint x="260" y="178" /></bpmndi:BPMNEdge><bpmndi:BPMNEdge '
            'id="g_di" bpmnElement="g"><di:waypoint x="360" y="178" /><di:waypoint x="420" '
            'y="178" /></bpmndi:BPMNEdge></bpmndi:BPMNPlane>')).replace(
            'xmlns:dc=', 'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:dc=')
    saved = save_definition(bureau.admin, drawn, "bpmn")
    assert (saved.key, saved.version, saved.created) == ("road_repair", 1, True)


def test_the_corpus_is_all_here():
    assert len(list(CORPUS.glob("*.bpmn"))) == 21


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.bpmn")), ids=lambda p: p.name)
def test_every_corpus_file_deploys_or_lists_its_problems(bureau, path):
    try:
        saved = save_definition(bureau.admin, path.read_bytes().decode("utf-8", "replace"))
    except DefinitionRefused as exc:
        assert exc.problems
        assert all(p.message and len(p.message) < 500 for p in exc.problems)
    else:
        assert saved.version >= 1


# --- compare ----------------------------------------------------------------------------------

def test_compare_lists_added_removed_and_changed_elements_and_the_xml_diff(bureau):
    save_definition(bureau.admin, APPROVAL)
    v2 = variant(('camunda:candidateGroups="perf_staff"', 'camunda:candidateGroups="perf_chief"'),
                 ('decision == "approve"', 'decision == "approve" and amount &lt; 500000'),
                 xml=with_check_step())
    edit(bureau.admin, v2)
    edit(bureau.admin, re.sub(r'(<bpmndi:BPMNShape id="review_di".*?x=")230',
                                         r"\g<1>260", v2))  # v3: a shape moved, nothing else
    result = compare_versions(bureau.admin, "tiny_approval", 1, 2)
    kinds = {(c.kind, c.element_id) for c in result.changes}
    assert {("added", "check"), ("added", "f_check"), ("changed", "review"),
            ("changed", "f2"), ("changed", "flow_approve")} <= kinds
    review = next(c for c in result.changes if c.element_id == "review")
    assert "candidateGroups: perf_staff → perf_chief" in review.details
    assert result.marks("new")["check"] == "jx-added" and "check" not in result.marks("old")
    assert any(line.kind == "+" and "check" in line.text for line in result.diff)
    assert any(line.kind == "-" and "perf_staff" in line.text for line in result.diff)
    back = compare_versions(bureau.admin, "tiny_approval", 2, 1)
    assert ("removed", "check") in {(c.kind, c.element_id) for c in back.changes}
    layout = compare_versions(bureau.admin, "tiny_approval", 2, 3)
    assert layout.changes == ()  # moving a shape changes no element
    assert layout.diff  # but the XML differs
    with pytest.raises(NotFound):
        compare_versions(bureau.admin, "tiny_approval", 1, 9)
    with pytest.raises(Forbidden):
        compare_versions(bureau.perfchief, "tiny_approval", 1, 2)


# --- decision tables --------------------------------------------------------------------------

def test_a_decision_table_is_tried_before_saving_and_saved_as_a_version(bureau):
    trial = try_decision(bureau.admin, GRADE, "grade", {"score": "89.99"})
    assert (trial.rule_id, trial.row, trial.outputs) == ("rule_good", 2, {"grade": "good"})
    assert try_decision(bureau.admin, GRADE, "grade", {"score": 90}).rule_id == "rule_excellent"
    with pytest.raises(DefinitionRefused, match="no rule matches"):
        try_decision(bureau.admin, GRADE, "grade", {"score": "100.01"})
    with pytest.raises(DefinitionRefused):
        try_decision(bureau.admin, GRADE, "grade", {"score": "abc"})
    with pytest.raises(InvalidInput):
        try_decision(bureau.admin, GRADE, "nope", {"score": 1})
    with pytest.raises(InvalidInput):
        try_decision(bureau.admin, GRADE, "grade", ["score"])
    with pytest.raises(Forbidden):
        try_decision(bureau.perfchief, GRADE, "grade", {"score": 1})
    stricter = GRADE.replace("90 &lt;= ? &lt;= 100", "95 &lt;= ? &lt;= 100").replace(
        "80 &lt;= ? &lt; 90", "80 &lt;= ? &lt; 95")
    assert try_decision(bureau.admin, stricter, "grade", {"score": 92}).rule_id == "rule_good"
    saved = edit(bureau.admin, stricter, "dmn", key="dmn:grade")
    assert (saved.key, saved.created, saved.is_decision) == ("dmn:grade", True, True)
    gap = GRADE.replace("80 &lt;= ? &lt; 90", "80 &lt;= ? &lt; 89")  # R1: 89..90 ungraded
    problems = refusal(bureau.admin, gap, "dmn")
    assert problems


# --- migration --------------------------------------------------------------------------------

def test_dry_run_then_move_waiting_instances_to_the_new_version(bureau):
    v1, _ = deploy_definition(APPROVAL.encode(), source_name="approval.bpmn")
    waiting = start(v1)
    held = start(v1)
    claim_task(ready_task(held.id), bureau.perfchief)  # holds perf_chief too: keeps the task
    lost = start(v1)
    claim_task(ready_task(lost.id), bureau.perf)  # perf_staff only: lets go after the move
    done = start(v1)
    complete_user_task(ready_task(done.id), bureau.perf, {"data": {"decision": "reject"}})
    edit(bureau.admin, variant(
        ('camunda:candidateGroups="perf_staff"', 'camunda:candidateGroups="perf_chief"'),
        xml=with_check_step()))
    plan = migration_plan(bureau.admin, "tiny_approval", 1, 2)
    assert [(r.instance_id, r.waiting, r.movable) for r in plan.rows] == [
        (waiting.id, ("review",), True), (held.id, ("review",), True),
        (lost.id, ("review",), True)]  # not the finished one
    assert db.get(ProcessInstance, waiting.id).definition_id == v1.id  # a dry run moves nothing
    task_before = ready_task(waiting.id)
    outcome = migrate_instances(bureau.admin, "tiny_approval", 1, 2)
    assert outcome.moved == (waiting.id, held.id, lost.id) and outcome.refused == ()
    moved = db.get(ProcessInstance, waiting.id)
    assert runtime.pinned_for(moved).version == 2
    task = ready_task(waiting.id)
    assert task.id == task_before.id  # the same task, its age kept
    assert task.candidate_groups == "perf_chief"  # offered as the new version says
    assert [c.role_code for c in task.candidates] == ["perf_chief"]
    held_task = ready_task(held.id)
    assert held_task.assignee_id == bureau.perfchief.id and held_task.candidates == []
    lost_task = ready_task(lost.id)
    assert lost_task.assignee_id is None
    assert [c.role_code for c in lost_task.candidates] == ["perf_chief"]
    complete_user_task(task, bureau.perfchief, {"data": {"decision": "approve"}})
    assert ready_task(waiting.id, "check").candidate_groups == "perf_chief"  # v2's new step
    complete_user_task(ready_task(waiting.id, "check"), bureau.perfchief, {"data": {}})
    assert db.get(ProcessInstance, waiting.id).status == "completed"
    audit = db.scalars(select(AuditLog).where(AuditLog.entity == "process_instance",
                                              AuditLog.action == "migrate")).all()
    assert sorted(int(a.entity_id) for a in audit) == [waiting.id, held.id, lost.id]
    assert audit[0].before["version"] == 1 and audit[0].after["version"] == 2
    assert migration_plan(bureau.admin, "tiny_approval", 1, 2).rows == ()


def test_instances_whose_waiting_task_vanished_stay_where_they_are(bureau):
    v1, _ = deploy_definition(APPROVAL.encode(), source_name="approval.bpmn")
    waiting = start(v1)
    renamed = APPROVAL.replace('"review"', '"review_v2"').replace('id="review_di"',
                                                                  'id="review_v2_di"')
    edit(bureau.admin, renamed)
    (row,) = migration_plan(bureau.admin, "tiny_approval", 1, 2).rows
    assert not row.movable
    assert row.reasons == ("waiting element 'review' does not exist in the new version",)
    outcome = migrate_instances(bureau.admin, "tiny_approval", 1, 2)
    assert outcome.moved == () and [r.instance_id for r in outcome.refused] == [waiting.id]
    assert db.get(ProcessInstance, waiting.id).definition_id == v1.id
    complete_user_task(ready_task(waiting.id), bureau.perf, {"data": {"decision": "approve"}})
    assert db.get(ProcessInstance, waiting.id).status == "completed"  # still runs on v1
    assert db.scalar(select(func.count()).select_from(AuditLog)
                     .where(AuditLog.action == "migrate")) == 0


def test_migration_guards(bureau):
    deploy_definition(APPROVAL.encode(), source_name="approval.bpmn")
    edit(bureau.admin, with_check_step())
    with pytest.raises(Forbidden):
        migration_plan(bureau.perfchief, "tiny_approval", 1, 2)
    with pytest.raises(Forbidden):
        migrate_instances(bureau.perfchief, "tiny_approval", 1, 2)
    with pytest.raises(InvalidInput):
        migration_plan(bureau.admin, "tiny_approval", 2, 1)  # only forward
    with pytest.raises(NotFound):
        migration_plan(bureau.admin, "tiny_approval", 1, 7)
    with pytest.raises(InvalidInput):
        migration_plan(bureau.admin, "dmn:grade", 1, 2)
    assert db.scalar(select(func.count()).select_from(Task)) == 0


SIGN_OFF = """
  <bpmn:process id="sign_off" name="Sign-off" isExecutable="true">
    <bpmn:startEvent id="s_start" />
    <bpmn:sequenceFlow id="s1" sourceRef="s_start" targetRef="s_task" />
    <bpmn:userTask id="s_task" name="Sign off" camunda:candidateGroups="perf_chief" />
    <bpmn:sequenceFlow id="s2" sourceRef="s_task" targetRef="s_end" />
    <bpmn:endEvent id="s_end" />
  </bpmn:process>
"""
CALL = ('<bpmn:scriptTask id="note" name="Note result"><bpmn:script>result = "approved"'
        '</bpmn:script></bpmn:scriptTask>',
        '<bpmn:callActivity id="note" name="Chief signs off" calledElement="sign_off" />')


def test_a_call_activity_runs_a_process_of_the_same_file(bureau):
    xml = variant(CALL, ("  <bpmn:process id=\"tiny_approval\"",
                         SIGN_OFF + "  <bpmn:process id=\"tiny_approval\""))  # called one first
    saved = save_definition(bureau.admin, xml)
    assert saved.key == "tiny_approval"
    definition = db.scalar(select(ProcessDefinition).where(ProcessDefinition.key == saved.key))
    assert definition.user_tasks["s_task"]["candidate_groups"] == ["perf_chief"]
    instance = start(definition)
    complete_user_task(ready_task(instance.id), bureau.perf, {"data": {"decision": "approve"}})
    sign = ready_task(instance.id)
    assert (sign.task_key, sign.candidate_groups) == ("s_task", "perf_chief")
    complete_user_task(sign, bureau.perfchief, {"data": {}})
    assert db.get(ProcessInstance, instance.id).status == "completed"


@pytest.mark.parametrize(("called", "fragment"), [
    ("goal_declaration", "calls process 'goal_declaration', which is not another process"),
    ("tiny_approval", "calls 'tiny_approval', which is already running above it"),
    ("", "call activity names no called process"),
])
def test_a_call_activity_to_another_file_is_refused_at_the_element(bureau, called, fragment):
    xml = variant((CALL[0], CALL[1].replace('calledElement="sign_off"',
                                            f'calledElement="{called}"')))
    assert any(el == "note" and fragment in msg for el, msg in refusal(bureau.admin, xml))
