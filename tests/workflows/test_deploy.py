"""Deploying diagrams: versions, hashes, and every refusal naming the problem."""

import pytest
from sqlalchemy import func, select

from models import ProcessDefinition, db
from tests.conftest import DATA
from workflows.deploy import deploy_definition, latest_definition
from workflows.errors import InvalidInput


def deploy(name):
    return deploy_definition((DATA / name).read_bytes(), source_name=name)


def count_definitions():
    return db.scalar(select(func.count()).select_from(ProcessDefinition))


def test_versions_are_numbered_and_unchanged_files_not_redeployed(bureau):
    first, created = deploy("approval.bpmn")
    assert (first.key, first.version, created) == ("tiny_approval", 1, True)
    again, created = deploy("approval.bpmn")
    assert (again.id, created) == (first.id, False)
    second, created = deploy("approval_v2.bpmn")
    assert (second.version, created) == (2, True)
    assert second.content_hash != first.content_hash
    assert latest_definition("tiny_approval").id == second.id


def test_assignment_attributes_are_read_at_deploy(bureau):
    definition, _ = deploy("approval.bpmn")
    review = definition.user_tasks["review"]
    assert review["candidate_groups"] == ["perf_staff"]
    assert (review["due_date"], review["priority"]) == ("P2D", 70)


@pytest.mark.parametrize(("name", "fragment"), [
    ("malformed.bpmn", "malformed XML"),
    ("bomb.bpmn", "DTD"),
    ("no_start.bpmn", "tiny_no_start: process has no start event"),
    ("unsafe_condition.bpmn", "flow_approve: expression refused"),
    ("unsafe_script.bpmn", "note: expression refused"),
    ("unsafe_open.bpmn", "note: expression refused: call to 'open'"),
    ("unknown_role.bpmn", "review: unknown role 'wizard'"),
    ("no_assignment.bpmn", "review: user task has no assignee or candidate group"),
    ("reserved_id.bpmn", "End: this id is reserved"),
    ("form_field_no_id.bpmn", "review: form field without an id"),
    ("business_rule_no_ref.bpmn", "grade: business rule task names no decision"),
    ("unparseable.bpmn", "flow_reject: targetRef 'nowhere' is not an element"),
    ("bad_multi_instance.bpmn", "review: cannot be executed: A multiinstance task must specify"),
])
def test_refused_uploads_name_the_problem_and_deploy_nothing(bureau, name, fragment):
    before = count_definitions()
    with pytest.raises(InvalidInput) as err:
        deploy(name)
    assert fragment in str(err.value.errors["bpmn"])
    assert count_definitions() == before


def test_non_bpmn_xml_is_refused(bureau):
    with pytest.raises(InvalidInput, match="not a BPMN"):
        deploy_definition(b"<html><body/></html>")


def test_oversized_upload_is_refused(bureau):
    with pytest.raises(InvalidInput, match="larger than"):
        deploy_definition(b"<x>" + b" " * (3 * 1024 * 1024) + b"</x>")
