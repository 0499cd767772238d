"""Instances: pinned versions, state round trips, the task projection, engine failures."""

from datetime import timedelta
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState

from models import AuditLog, ProcessInstance, db
from models.base import utcnow
from tests.conftest import DATA, ready_task
from workflows.deploy import deploy_definition
from workflows.engine import runtime
from workflows.engine.evaluator import RestrictedEnvironment
from workflows.engine.parser import build_specs
from workflows.engine.store import SERIALIZER_VERSION, dump_state, load_state, new_workflow
from workflows.errors import Conflict, InvalidInput, WorkflowError
from workflows.tasks import complete_user_task


def deploy(name):
    return deploy_definition((DATA / name).read_bytes(), source_name=name)[0]


def start(definition, unit_id=None):
    return runtime.start_instance(definition, data={}, actor_id=None, business_key="test:1",
                                  subject="tiny", unit_id=unit_id)


def test_ready_task_is_projected_with_assignment(bureau):
    instance = start(deploy("approval.bpmn"))
    task = ready_task(instance.id)
    assert (task.task_key, task.candidate_groups, task.priority) == ("review", "perf_staff", 70)
    assert [c.role_code for c in task.candidates] == ["perf_staff"]
    assert abs(task.due_at - (utcnow() + timedelta(days=2))) < timedelta(minutes=1)
    assert task.assignee_id is None


def test_instance_stays_on_its_version(bureau):
    v1 = deploy("approval.bpmn")
    instance = start(v1)
    v2 = deploy("approval_v2.bpmn")
    assert v2.version == 2
    complete_user_task(ready_task(instance.id), bureau.perf, {"data": {"decision": "approve"}})
    assert instance.definition_id == v1.id and instance.status == "completed"
    workflow = load_state(instance.state, instance.serializer_version,
                          runtime.pinned_for(instance).specs)
    assert workflow.data.get("result") == "approved"  # v1's script, not v2's
    newer = start(v2)
    complete_user_task(ready_task(newer.id), bureau.perf, {"data": {"decision": "approve"}})
    workflow = load_state(newer.state, newer.serializer_version, runtime.pinned_for(newer).specs)
    assert workflow.data.get("result") == "approved v2"


def test_state_is_stored_without_the_spec(bureau):
    instance = start(deploy("approval.bpmn"))
    assert instance.serializer_version == SERIALIZER_VERSION
    assert '"spec"' not in instance.state and "task_specs" not in instance.state


def test_restriction_survives_a_save_load_cycle(tmp_path):
    # Built straight from the XML: the deploy check would have refused this script.
    xml = (DATA / "unsafe_open.bpmn").read_bytes()
    specs = build_specs(xml, "tiny_unsafe_open")
    workflow = new_workflow(specs)
    workflow.do_engine_steps()
    restored = load_state(dump_state(workflow), SERIALIZER_VERSION, specs)
    assert isinstance(restored.script_engine.environment, RestrictedEnvironment)
    review = restored.get_next_task(state=TaskState.READY)
    review.data["decision"] = "approve"
    review.run()
    with pytest.raises(Exception, match="open"):
        restored.do_engine_steps()
    assert not Path("/tmp/jixiao-pwned").exists()


def test_generic_form_fields_are_validated_on_the_server(bureau):
    instance = start(deploy("form_fields.bpmn"))
    task = ready_task(instance.id)
    with pytest.raises(InvalidInput) as err:
        complete_user_task(task, bureau.perf, {"data": {"amount": "5000", "decision": "maybe",
                                                        "extra": 1}})
    assert set(err.value.errors) == {"amount", "decision", "extra"}
    with pytest.raises(InvalidInput) as err:
        complete_user_task(task, bureau.perf, {"data": {"decision": "approve"}})
    assert err.value.errors == {"amount": ["this field is required"]}
    complete_user_task(task, bureau.perf, {"data": {"amount": "12", "decision": "approve",
                                                    "urgent": "true"}})
    assert instance.status == "completed"


def test_engine_failure_names_the_element_and_saves_nothing(bureau):
    definition = deploy("approval.bpmn")
    instance = start(definition)
    state_before = instance.state
    task = ready_task(instance.id)
    # No 'decision' variable: the gateway condition cannot be evaluated.
    with pytest.raises(WorkflowError) as err:
        complete_user_task(task, bureau.perf, {"data": {"other": 1}})
    assert "decide" in err.value.message or "flow_approve" in err.value.message
    db.refresh(instance)
    assert instance.state == state_before and task.status == "ready"


def test_stale_version_is_a_conflict(bureau, engine):
    instance = start(deploy("approval.bpmn"))
    db.flush()
    db.execute(ProcessInstance.__table__.update().where(ProcessInstance.id == instance.id)
               .values(lock_version=ProcessInstance.lock_version + 1))
    with pytest.raises(Conflict):
        runtime.complete_task(instance, ready_task(instance.id), data={"decision": "approve"},
                              actor_id=bureau.perf.id)


def test_completion_is_audited(bureau):
    instance = start(deploy("approval.bpmn"))
    complete_user_task(ready_task(instance.id), bureau.perf, {"data": {"decision": "reject"}})
    actions = [a.action for a in db.query(AuditLog).filter_by(entity="task")]
    assert actions == ["complete"]
    assert instance.status == "completed"
