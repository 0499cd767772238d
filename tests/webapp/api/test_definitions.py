"""Deploying BPMN over the API: administrators only, and nothing stored when a diagram is bad."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from models import ProcessDefinition, db
from tests.conftest import DATA


def upload(api, name: str, as_user: str = "admin", raw: bool = False):
    """POST a tests/data file, as multipart `file` or as a raw XML body."""
    content = (DATA / name).read_bytes()
    if raw:
        return api.post("/process-definitions", as_user, data=content,
                        content_type="application/xml")
    return api.post("/process-definitions", as_user,
                    data={"file": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")


def definition_rows() -> int:
    """How many definition versions are stored."""
    return db.scalar(select(func.count()).select_from(ProcessDefinition))


def test_upload_creates_then_recognises_then_versions(api, org):
    first = upload(api, "api_tiny.bpmn")
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert (body["key"], body["version"], body["created"], body["source_name"]) == (
        "api_tiny", 1, True, "api_tiny.bpmn")
    assert len(body["content_hash"]) == 64
    same = upload(api, "api_tiny.bpmn", raw=True)
    assert same.status_code == 200
    assert (same.get_json()["id"], same.get_json()["created"]) == (body["id"], False)
    changed = upload(api, "api_tiny_v2.bpmn")
    assert changed.status_code == 201
    assert (changed.get_json()["version"], changed.get_json()["created"]) == (2, True)
    assert changed.get_json()["content_hash"] != body["content_hash"]
    listed = api.get("/process-definitions", "admin").get_json()["items"]
    assert [(d["key"], d["version"]) for d in listed if d["key"] == "api_tiny"] == [
        ("api_tiny", 2), ("api_tiny", 1)]
    assert any(d["key"] == "goal_declaration" for d in listed)
    assert "bpmn_xml" not in listed[0]


@pytest.mark.parametrize(("name", "words"), [
    ("api_malformed.bpmn", ["malformed XML"]),
    ("api_billion_laughs.bpmn", ["DTD or entity"]),
    ("api_unsafe_condition.bpmn", ["flow_evil", "expression refused"]),
    ("api_no_start.bpmn", ["no start event"]),
    ("api_unknown_role.bpmn", ["unknown role", "chief_wizard"]),
])
@pytest.mark.parametrize("raw", [False, True])
def test_bad_diagram_is_422_naming_the_problem(api, org, name, words, raw):
    before = definition_rows()
    resp = upload(api, name, raw=raw)
    assert resp.status_code == 422, resp.get_json()
    error = resp.get_json()["error"]
    for word in words:
        assert word in error["message"]
    assert error["errors"]["bpmn"]
    assert definition_rows() == before


@pytest.mark.parametrize("username", ["perf", "perfchief", "filer1", "leader", "budget"])
def test_only_admins_deploy_or_list(api, org, username):
    before = definition_rows()
    assert upload(api, "api_tiny.bpmn", username).status_code == 403
    assert api.get("/process-definitions", username).status_code == 403
    assert definition_rows() == before


def test_definitions_need_a_token(api, org):
    assert api.get("/process-definitions").status_code == 401
    assert upload(api, "api_tiny.bpmn", as_user=None).status_code == 401


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"json": {"file": "<xml/>"}}, 415),
    ({"data": "<bpmn/>", "content_type": "text/plain"}, 415),
    ({"data": {"upload": (io.BytesIO(b"<x/>"), "x.bpmn")},
      "content_type": "multipart/form-data"}, 422),
    ({"data": {"file": (io.BytesIO(b""), "empty.bpmn")},
      "content_type": "multipart/form-data"}, 422),
    ({"data": b"  ", "content_type": "text/xml"}, 422),
    ({"data": b"<a>not bpmn</a>", "content_type": "application/xml"}, 422),
    ({"data": b"\xff\xfe<bad", "content_type": "application/xml"}, 422),
])
def test_bad_upload_requests(api, org, kwargs, status):
    before = definition_rows()
    resp = api.post("/process-definitions", "admin", **kwargs)
    assert resp.status_code == status, resp.get_json()
    assert resp.get_json()["error"]["code"] == status
    assert definition_rows() == before
