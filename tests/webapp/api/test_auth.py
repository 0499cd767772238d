"""Bearer tokens: issue, refuse, expire, revoke; never the session cookie; no CSRF needed."""

from __future__ import annotations

import pytest

from models import User, db
from models.session import SessionFactory
from tests.conftest import PASSWORD
from webapp import create_app


def token_for(client, username: str, password: str = PASSWORD):
    """POST /auth/token."""
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_good_credentials_give_a_working_token(client, org):
    resp = token_for(client, "filer1")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    inbox = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {body['token']}"})
    assert inbox.status_code == 200


@pytest.mark.parametrize(("username", "password"), [
    ("filer1", "wrong-password"), ("nobody", PASSWORD), ("FILER1", PASSWORD)])
def test_bad_credentials_are_401(client, org, username, password):
    resp = token_for(client, username, password)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == 401
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token" not in resp.get_json()


def test_inactive_user_gets_no_token_and_loses_the_one_they_had(api, client, org, bearer):
    headers = bearer("filer1")
    db.get(User, org.users["filer1"]).active = False
    db.commit()
    assert token_for(client, "filer1").status_code == 401
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401


@pytest.mark.parametrize("body", [
    {"username": "filer1"}, {"password": PASSWORD}, {"username": 1, "password": PASSWORD},
    {"username": "filer1", "password": ["x"]}, {"username": "", "password": PASSWORD},
    {"username": "filer1", "password": PASSWORD, "remember": True}, ["filer1", PASSWORD]])
def test_token_request_shape_is_validated(client, org, body):
    resp = client.post("/api/v1/auth/token", json=body)
    assert resp.status_code == 422
    assert resp.get_json()["error"]["errors"]


@pytest.mark.parametrize(("data", "content_type"), [
    ("username=filer1&password=test-password", "application/x-www-form-urlencoded"),
    ('{"username": "filer1", "password": "test-password"}', "text/plain"),
    ('{"username": "filer1", ', "application/json")])
def test_token_request_must_be_json(client, org, data, content_type):
    resp = client.post("/api/v1/auth/token", data=data, content_type=content_type)
    assert resp.status_code == 422
    assert list(resp.get_json()["error"]["errors"]) == ["body"]


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Token abc", "Basic ZmlsZXIxOnRlc3QtcGFzc3dvcmQ=",
    "bearer-abc"])
def test_missing_or_malformed_header_is_401(client, org, header):
    headers = {} if header is None else {"Authorization": header}
    resp = client.get("/api/v1/tasks", headers=headers)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="jixiao"'
    assert set(resp.get_json()["error"]) == {"code", "message"}


def test_tampered_token_is_401(client, org, bearer):
    token = bearer("filer1")["Authorization"].split()[1]
    payload, _, rest = token.partition(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest
    for bad in (forged, token[:-3], token + "x", "not-a-token"):
        resp = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {bad}"})
        assert resp.status_code == 401
        assert 'error="invalid_token"' in resp.headers["WWW-Authenticate"]


def test_token_stops_working_after_password_change(client, org, bearer):
    headers = bearer("filer1")
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    db.get(User, org.users["filer1"]).credential_version += 1
    db.commit()
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401
    fresh = token_for(client, "filer1").get_json()["token"]
    assert client.get("/api/v1/tasks",
                      headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_expired_token_is_401(app, client, org, bearer):
    headers = bearer("filer1")
    app.config["API_TOKEN_MAX_AGE"] = -1
    resp = client.get("/api/v1/tasks", headers=headers)
    assert resp.status_code == 401
    assert 'error="invalid_token"' in resp.headers["WWW-Authenticate"]


def test_session_cookie_does_not_authenticate_the_api(client, org):
    with client.session_transaction() as session:  # what flask-login keeps after a login
        session["_user_id"] = str(org.users["filer1"])
        session["_fresh"] = True
    assert client.get("/api/v1/tasks").status_code == 401
    assert client.post("/api/v1/process-instances", json={
        "process_key": "goal_declaration", "data": {"project_id": org.projects["p1"]}},
    ).status_code == 401


def test_api_needs_no_csrf_token(engine, connection, org):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "ENGINE": engine,
                      "DATABASE_URL": str(engine.url), "WTF_CSRF_ENABLED": True})
    SessionFactory.configure(bind=connection, join_transaction_mode="create_savepoint")
    client = app.test_client()
    token = token_for(client, "filer1").get_json()["token"]
    resp = client.post("/api/v1/process-instances",
                       headers={"Authorization": f"Bearer {token}"},
                       json={"process_key": "goal_declaration",
                             "data": {"project_id": org.projects["p1"]}})
    assert resp.status_code == 201, resp.get_json()
