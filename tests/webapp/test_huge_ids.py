"""An id or filter beyond what the database stores is a clear 404 or 422, never a server error
(SQLite cannot bind an integer past 2⁶³; PostgreSQL's columns stop at 2³¹)."""

from __future__ import annotations

import pytest

from models import db

HUGE = "1" + "0" * 24

PAGES = [
    f"/tasks/{HUGE}", f"/instances/{HUGE}", f"/ex-ante/{HUGE}", f"/ex-ante?unit_id={HUGE}",
    f"/monitoring/reports/{HUGE}", f"/monitoring?round_id={HUGE}",
    f"/monitoring?unit_id={HUGE}", f"/monitoring/rounds/{HUGE}/summary.xlsx",
    f"/results/{HUGE}", f"/results?round_id={HUGE}", f"/results?unit_id={HUGE}",
    f"/results.xlsx?round_id={HUGE}", f"/dashboard?section={HUGE}", f"/dashboard?unit={HUGE}",
    f"/self-evaluations?round_id={HUGE}", f"/evaluations/{HUGE}", f"/ledger/{HUGE}",
]
API = [
    f"/api/v1/ex-ante/{HUGE}", f"/api/v1/ex-ante?unit_id={HUGE}",
    f"/api/v1/monitoring-rounds/{HUGE}", f"/api/v1/monitoring-reports?round_id={HUGE}",
    f"/api/v1/monitoring-reports/{HUGE}", f"/api/v1/fund-actions?round_id={HUGE}",
    f"/api/v1/result-applications?round_id={HUGE}", f"/api/v1/result-applications/{HUGE}",
    f"/api/v1/tasks/{HUGE}",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages(bureau, as_user, client, path):
    db.commit()
    as_user("leader")
    assert client.get(path).status_code in (404, 422)


@pytest.mark.parametrize(("username", "path"), [
    ("perf", f"/monitoring/rounds/{HUGE}/close"), ("leader", f"/fund-actions/{HUGE}/reverse"),
    ("budget", "/issuance/issue"), ("budget", "/issuance/flag")])
def test_posts(bureau, as_user, client, username, path):
    db.commit()
    as_user(username)
    resp = client.post(path, data={"sheet_ids": [HUGE, "2147483648"], "year": "2027",
                                   "reason": "x"})
    assert resp.status_code in (302, 404, 422)


@pytest.mark.parametrize("path", API)
def test_api(bureau, app, client, path):
    from webapp.auth.tokens import issue_token
    db.commit()
    with app.app_context():
        headers = {"Authorization": f"Bearer {issue_token(bureau.leader)}"}
    assert client.get(path, headers=headers).status_code in (404, 422)
