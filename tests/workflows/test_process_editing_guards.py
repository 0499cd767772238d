"""Regressions from a second engineer's review of the process editor: diagrams that passed the
checks but could not run, inputs that crashed instead of being refused, migrations that moved
instances into a dead end, and a save that could silently replace another process."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import ProcessDefinition, ProcessInstance, db
from tests.conftest import ready_task
from tests.workflows.test_process_editing import (
    APPROVAL,
    CALL,
    GRADE,
    SIGN_OFF,
    edit,
    refusal,
    start,
    variant,
    versions,
)
from workflows.deploy import DefinitionRefused, deploy_definition
from workflows.engine import runtime
from workflows.errors import InvalidInput, WorkflowError
from workflows.forms import validate_form_data
from workflows.process_editor import save_definition, try_decision
from workflows.process_migration import migrate_instances, migration_plan
from workflows.tasks import complete_user_task


def shapes(*ids: str, edges: tuple[str, ...] = ()) -> str:
    """DI for added elements (placement does not matter to the checks)."""
    return ("".join(f'<bpmndi:BPMNShape id="{i}_di" bpmnElement="{i}"><dc:Bounds x="10" y="10" '
                    'width="50" height="50"/></bpmndi:BPMNShape>' for i in ids)
            + "".join(f'<bpmndi:BPMNEdge id="{i}_di" bpmnElement="{i}"><di:waypoint x="1" '
                      'y="1"/><di:waypoint x="2" y="2"/></bpmndi:BPMNEdge>' for i in edges)
            + "</bpmndi:BPMNPlane>")


def problems_of(user, xml: str) -> list[tuple[str, str]]:
    return refusal(user, xml)


# --- diagrams that looked valid but could not run -------------------------------------------

def test_a_call_that_recurses_is_refused(bureau):
    recursing = SIGN_OFF.replace(
        '<bpmn:sequenceFlow id="s2" sourceRef="s_task" targetRef="s_end" />',
        '<bpmn:sequenceFlow id="s2" sourceRef="s_task" targetRef="s_again" />'
        '<bpmn:callActivity id="s_again" calledElement="sign_off" />'
        '<bpmn:sequenceFlow id="s3" sourceRef="s_again" targetRef="s_end" />')
    xml = variant(CALL, ("  <bpmndi:BPMNDiagram", recursing + "  <bpmndi:BPMNDiagram"))
    assert ("s_again", "calls 'sign_off', which is already running above it: the call would "
                       "never end") in problems_of(bureau.admin, xml)


@pytest.mark.parametrize(("edit_", "element", "fragment"), [
    (('<bpmn:startEvent id="start" />', '<bpmn:startEvent id="start" />'
      '<bpmn:boundaryEvent id="late" attachedToRef="review"><bpmn:timerEventDefinition>'
      '<bpmn:timeDuration>"PXYZ"</bpmn:timeDuration></bpmn:timerEventDefinition>'
      '</bpmn:boundaryEvent><bpmn:sequenceFlow id="fl" sourceRef="late" '
      'targetRef="end_rejected" />'), "late", "not a valid ISO 8601 duration"),
    (('<bpmn:startEvent id="start" />', '<bpmn:startEvent id="start" />'
      '<bpmn:boundaryEvent id="late" attachedToRef="review" cancelActivity="false">'
      '<bpmn:timerEventDefinition><bpmn:timeCycle>R/PT1M</bpmn:timeCycle>'
      '</bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:sequenceFlow id="fl" '
      'sourceRef="late" targetRef="end_rejected" />'), "late", "bounded number of times"),
    (('name="Review" camunda:candidateGroups', 'name="Review" camunda:candidateGroups'),
     None, None),  # the unchanged diagram: a control
    (('<bpmn:scriptTask id="note" name="Note result"><bpmn:script>result = "approved"'
      '</bpmn:script></bpmn:scriptTask>', '<bpmn:serviceTask id="note" name="Call" />'),
     "note", "service tasks are not supported"),
    (('<bpmn:scriptTask id="note" name="Note result"><bpmn:script>result = "approved"'
      '</bpmn:script></bpmn:scriptTask>', '<bpmn:receiveTask id="note" name="Wait" />'),
     "note", "receive tasks are not supported"),
    (('<bpmn:scriptTask id="note" name="Note result"><bpmn:script>result = "approved"'
      '</bpmn:script></bpmn:scriptTask>', '<bpmn:intermediateCatchEvent id="note">'
      '<bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>'),
     "note", "message events cannot be caught"),
    (('camunda:priority="70"', 'camunda:priority="²"'), "review", "not a whole number"),
    (('camunda:priority="70"', 'camunda:priority="99999999999"'), "review", "not a whole number"),
    (('camunda:dueDate="P2D"', 'camunda:dueDate="P99999999999D"'), "review", "due date"),
    (('camunda:dueDate="P2D"', 'camunda:dueDate="P3000000D"'), "review", "due date"),
    (('name="Review"', f'name="{"审" * 201}"'), "review", "longer than 200 characters"),
    (('camunda:priority="70"', 'camunda:priority="70" camunda:formKey="' + "k" * 65 + '"'),
     "review", "formKey is longer than 64"),
    (('camunda:priority="70">', 'camunda:priority="70"><bpmn:extensionElements>'
      '<camunda:formData><camunda:formField id="note_text" label="说明" type="string">'
      '<camunda:validation><camunda:constraint name="maxlength" config="²" />'
      '</camunda:validation></camunda:formField></camunda:formData></bpmn:extensionElements>'),
     "review", "maxlength needs a whole number"),
    (('camunda:priority="70">', 'camunda:priority="70"><bpmn:multiInstanceLoopCharacteristics>'
      '<bpmn:loopCardinality>100000</bpmn:loopCardinality>'
      '</bpmn:multiInstanceLoopCharacteristics>'), "review", "loop cardinality"),
])
def test_what_would_fail_at_run_time_is_refused_at_the_element(bureau, edit_, element, fragment):
    xml = variant(edit_)
    if element is None:
        assert save_definition(bureau.admin, xml).version == 1
        return
    if "boundaryEvent" in edit_[1]:
        xml = xml.replace("</bpmndi:BPMNPlane>", shapes("late", edges=("fl",)))
    found = problems_of(bureau.admin, xml)
    assert any(el == element and fragment in msg for el, msg in found), found


def test_an_event_sub_process_is_not_taken_for_an_unconnected_node(bureau):
    xml = variant(('<bpmn:endEvent id="end_rejected" />', (
        '<bpmn:endEvent id="end_rejected" />'
        '<bpmn:subProcess id="on_escalation" triggeredByEvent="true">'
        '<bpmn:startEvent id="esc_start" isInterrupting="false"><bpmn:escalationEventDefinition />'
        '</bpmn:startEvent><bpmn:sequenceFlow id="e1" sourceRef="esc_start" targetRef="esc_end"/>'
        '<bpmn:endEvent id="esc_end" /></bpmn:subProcess>')),
        ("</bpmndi:BPMNPlane>", shapes("on_escalation", "esc_start", "esc_end", edges=("e1",))))
    assert save_definition(bureau.admin, xml).version == 1


def test_hostile_xml_and_trial_inputs_get_answers_not_crashes(bureau):
    deep = "<a>" * 300 + "</a>" * 300
    assert refusal(bureau.admin, deep)[0][1].startswith("malformed XML")
    with pytest.raises(DefinitionRefused):
        try_decision(bureau.admin, deep, "grade", {})
    for decision_id in (["grade"], {"id": 1}, None, 7):
        with pytest.raises(InvalidInput):
            try_decision(bureau.admin, GRADE, decision_id, {"score": 1})


def test_a_timer_expression_that_fails_at_run_time_is_a_workflow_error_not_a_crash(bureau):
    xml = variant(('<bpmn:startEvent id="start" />', '<bpmn:startEvent id="start" />'
                   '<bpmn:boundaryEvent id="late" attachedToRef="review">'
                   '<bpmn:timerEventDefinition><bpmn:timeDate>tomorrow</bpmn:timeDate>'
                   '</bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:sequenceFlow id="fl" '
                   'sourceRef="late" targetRef="end_rejected" />')).replace(
        "</bpmndi:BPMNPlane>", shapes("late", edges=("fl",)))
    saved = save_definition(bureau.admin, xml)  # an expression over task data: checked at run
    definition = db.scalar(select(ProcessDefinition).where(ProcessDefinition.key == saved.key))
    with pytest.raises(WorkflowError):
        start(definition)


# --- generated fields -------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value", "message"), [
    ({"id": "n", "type": "long"}, float("inf"), "must be a whole number"),
    ({"id": "n", "type": "long"}, 10.9, "must be a whole number"),
    ({"id": "n", "type": "long"}, "1" * 30, "must be a whole number"),
    ({"id": "n", "type": "long", "constraints": {"max": "10"}}, "11", "must be at most 10"),
    ({"id": "ok", "type": "boolean", "constraints": {"required": None}}, "false", "must be ticked"),
    ({"id": "t", "type": "string"}, "x" * 2001, "at most 2000 characters"),
])
def test_generated_field_values_are_refused_with_a_message(field, value, message):
    with pytest.raises(InvalidInput) as err:
        validate_form_data([field], {field["id"]: value})
    assert any(message in str(m) for m in err.value.errors[field["id"]])


def test_generated_field_values_that_fit(bureau):
    fields = [{"id": "n", "type": "long"}, {"id": "ok", "type": "boolean",
                                             "constraints": {"required": None}}]
    assert validate_form_data(fields, {"n": " 12 ", "ok": "true"}) == {"n": 12, "ok": True}
    assert validate_form_data(fields, {"n": 10.0, "ok": True}) == {"n": 10, "ok": True}


# --- saves and migrations ---------------------------------------------------------------------

def test_migration_is_refused_when_the_way_into_the_waiting_task_changed(bureau):
    v1, _ = deploy_definition(APPROVAL.encode(), source_name="approval.bpmn")
    waiting = start(v1)
    parallel = variant(
        ('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />',
         '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork" />'
         '<bpmn:parallelGateway id="fork" /><bpmn:sequenceFlow id="fa" sourceRef="fork" '
         'targetRef="review" /><bpmn:sequenceFlow id="fb" sourceRef="fork" targetRef="extra" />'
         '<bpmn:userTask id="extra" name="Extra" camunda:candidateGroups="perf_staff" />'
         '<bpmn:sequenceFlow id="fc" sourceRef="extra" targetRef="join" />'
         '<bpmn:parallelGateway id="join" /><bpmn:sequenceFlow id="fd" sourceRef="join" '
         'targetRef="decide" />'),
        ('<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />',
         '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="join" />'),
        ("</bpmndi:BPMNPlane>", shapes("fork", "extra", "join", edges=("fa", "fb", "fc", "fd"))))
    edit(bureau.admin, parallel)
    (row,) = migration_plan(bureau.admin, "tiny_approval", 1, 2).rows
    assert row.reasons == ("the way into waiting element 'review' changed (incoming flows, "
                           "gateways or boundary events)",)
    assert migrate_instances(bureau.admin, "tiny_approval", 1, 2).moved == ()
    complete_user_task(ready_task(waiting.id), bureau.perf, {"data": {"decision": "approve"}})
    assert db.get(ProcessInstance, waiting.id).status == "completed"  # still on v1, still runs


def test_a_moved_task_goes_to_the_assignee_the_new_version_names(bureau):
    v1, _ = deploy_definition(APPROVAL.encode(), source_name="approval.bpmn")
    waiting = start(v1)
    edit(bureau.admin, variant(('camunda:candidateGroups="perf_staff"',
                                'camunda:assignee="perfchief"')))
    assert migrate_instances(bureau.admin, "tiny_approval", 1, 2).moved == (waiting.id,)
    task = ready_task(waiting.id)
    assert (task.assignee_id, task.candidate_groups, task.candidates) == (
        bureau.perfchief.id, "", [])
    complete_user_task(task, bureau.perfchief, {"data": {"decision": "reject"}})
    assert db.get(ProcessInstance, waiting.id).status == "completed"


def test_an_instance_past_a_finished_sub_process_can_move(bureau):
    xml = variant(
        ('<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />',
         '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sp" /><bpmn:subProcess id="sp">'
         '<bpmn:startEvent id="sps"/><bpmn:sequenceFlow id="spf1" sourceRef="sps" '
         'targetRef="spt"/><bpmn:userTask id="spt" name="Inner" camunda:candidateGroups='
         '"perf_staff"/><bpmn:sequenceFlow id="spf2" sourceRef="spt" targetRef="spe"/>'
         '<bpmn:endEvent id="spe"/></bpmn:subProcess><bpmn:sequenceFlow id="f1b" sourceRef="sp" '
         'targetRef="review" />'),
        ("</bpmndi:BPMNPlane>", shapes("sp", "sps", "spt", "spe", edges=("f1b", "spf1", "spf2"))))
    saved = save_definition(bureau.admin, xml)
    definition = db.scalar(select(ProcessDefinition).where(ProcessDefinition.key == saved.key))
    inside = start(definition)
    past = start(definition)
    complete_user_task(ready_task(past.id), bureau.perf, {"data": {}})
    assert ready_task(past.id).task_key == "review"
    edit(bureau.admin, xml.replace('name="Review"', 'name="Review 2"'))
    plan = {r.instance_id: r for r in migration_plan(bureau.admin, "tiny_approval", 1, 2).rows}
    assert not plan[inside.id].movable and plan[past.id].movable
    assert migrate_instances(bureau.admin, "tiny_approval", 1, 2).moved == (past.id,)
    assert ready_task(past.id).name == "Review 2"
    complete_user_task(ready_task(past.id), bureau.perf, {"data": {"decision": "approve"}})
    assert db.get(ProcessInstance, past.id).status == "completed"
    assert runtime.pinned_for(db.get(ProcessInstance, past.id)).version == 2
    assert versions() == [1, 2]


def test_a_large_migration_goes_in_rounds(bureau, monkeypatch):
    from workflows import process_migration
    monkeypatch.setattr(process_migration, "MAX_MOVE", 2)
    v1, _ = deploy_definition(APPROVAL.encode(), source_name="approval.bpmn")
    instances = [start(v1) for _ in range(3)]
    edit(bureau.admin, variant(('name="Review"', 'name="Review 2"')))
    plan = migration_plan(bureau.admin, "tiny_approval", 1, 2)
    assert (len(plan.rows), plan.total) == (2, 3)
    assert migrate_instances(bureau.admin, "tiny_approval", 1, 2).moved == tuple(
        i.id for i in instances[:2])
    plan = migration_plan(bureau.admin, "tiny_approval", 1, 2)
    assert [r.instance_id for r in plan.rows] == [instances[2].id] and plan.total == 1
