"""The OpenAPI document describes every endpoint, its security and its error responses."""

from __future__ import annotations

import pytest

ENDPOINTS = {
    ("/api/v1/auth/token", "post"): {422, 401},
    ("/api/v1/tasks", "get"): {401, 422},
    ("/api/v1/tasks/{task_id}", "get"): {401, 404},
    ("/api/v1/tasks/{task_id}/claim", "post"): {401, 403, 404, 409},
    ("/api/v1/tasks/{task_id}/unclaim", "post"): {401, 404, 409},
    ("/api/v1/tasks/{task_id}/complete", "post"): {401, 403, 404, 409, 422},
    ("/api/v1/process-instances", "post"): {401, 403, 404, 409, 422},
    ("/api/v1/process-instances/{instance_id}", "get"): {401, 404},
    ("/api/v1/process-definitions", "get"): {401, 403},
    ("/api/v1/process-definitions", "post"): {401, 403, 415, 422},
    ("/api/v1/ledger/items", "get"): {401, 422},
    ("/api/v1/ledger/items/{item_id}", "get"): {401, 404},
    ("/api/v1/ledger/problems", "post"): {401, 403, 409, 422},
    ("/api/v1/ledger/items/{item_id}/evidence", "post"): {401, 403, 404, 409, 413, 415, 422},
    ("/api/v1/ledger/export.xlsx", "get"): {401, 422},
    ("/api/v1/evaluations", "get"): {401, 422},
    ("/api/v1/evaluations", "post"): {401, 403, 409, 422},
    ("/api/v1/evaluations/{evaluation_id}", "get"): {401, 404},
    ("/api/v1/evaluations/{evaluation_id}/documents", "post"): {401, 403, 404, 409, 413, 415,
                                                                422},
    ("/api/v1/evaluations/{evaluation_id}/report.xlsx", "get"): {401, 404},
    ("/api/v1/firms", "get"): {401, 403},
    ("/api/v1/firms/{firm_id}", "get"): {401, 404},
    ("/api/v1/engagements/{engagement_id}", "get"): {401, 404},
    ("/api/v1/self-evaluations", "get"): {401, 422},
    ("/api/v1/self-evaluations/{evaluation_id}", "get"): {401, 404},
    ("/api/v1/self-evaluation-rounds", "get"): {401},
    ("/api/v1/self-evaluation-rounds", "post"): {401, 403, 409, 422},
    ("/api/v1/ex-ante", "get"): {401, 422},
    ("/api/v1/ex-ante", "post"): {401, 403, 404, 409, 422},
    ("/api/v1/ex-ante/{assessment_id}", "get"): {401, 404},
    ("/api/v1/monitoring-rounds", "get"): {401},
    ("/api/v1/monitoring-rounds", "post"): {401, 403, 409, 422},
    ("/api/v1/monitoring-rounds/{round_id}", "get"): {401, 404},
    ("/api/v1/monitoring-rounds/{round_id}/close", "post"): {401, 403, 404, 409},
    ("/api/v1/monitoring-reports", "get"): {401, 422},
    ("/api/v1/monitoring-reports/{report_id}", "get"): {401, 404},
    ("/api/v1/fund-actions", "get"): {401, 422},
    ("/api/v1/fund-actions/{action_id}/reverse", "post"): {401, 403, 404, 409, 422},
    ("/api/v1/result-application-rounds", "get"): {401},
    ("/api/v1/result-application-rounds", "post"): {401, 403, 409, 422},
    ("/api/v1/result-application-rounds/{round_id}/proposals", "post"): {401, 403, 404, 422},
    ("/api/v1/result-applications", "get"): {401, 422},
    ("/api/v1/result-applications/{application_id}", "get"): {401, 404},
    ("/api/v1/final-accounts", "post"): {401, 403, 422},
}


@pytest.fixture
def spec(client):
    """The OpenAPI document, fetched without a token."""
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    return resp.get_json()


def test_every_endpoint_is_documented_with_its_errors(spec):
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops
                  if method != "parameters"}
    assert documented == set(ENDPOINTS)
    for (path, method), codes in ENDPOINTS.items():
        responses = spec["paths"][path][method]["responses"]
        assert {int(c) for c in responses if c.isdigit() and int(c) >= 400} == codes, path
        assert any(c.startswith("2") for c in responses)


def test_bearer_security_everywhere_but_the_token_endpoint(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer",
        "description": "POST /api/v1/auth/token for a token."}
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []


def test_errors_are_documented_in_the_shape_the_app_sends(spec):
    unauthorized = spec["components"]["responses"]["UNAUTHORIZED"]
    ref = unauthorized["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/ApiError"
    assert set(spec["components"]["schemas"]["ApiErrorBody"]["properties"]) == {
        "code", "message", "errors", "element"}


def test_upload_documents_both_body_kinds(spec):
    body = spec["paths"]["/api/v1/process-definitions"]["post"]["requestBody"]
    assert set(body["content"]) == {"multipart/form-data", "application/xml", "text/xml"}
