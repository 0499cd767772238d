"""Fixtures of the API tests: a committed bureau, bearer headers, and declarations at each step."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from models import Project, User, db
from tests.conftest import GOOD_SHEET, ready_task
from webapp.auth.tokens import issue_token
from workflows.goal_review import start_goal_declaration
from workflows.tasks import complete_user_task

STEPS = ("fill_sheet", "gate1_unit_review", "gate2_section_review", "gate3_performance_review")
APPROVE = {"decision": "approve", "comment": "同意", "rating": "good"}
# Who moves a p1 declaration past each step when a test needs it further along.
ACTORS = {"fill_sheet": ("filer1", {"sheet": GOOD_SHEET}),
          "gate1_unit_review": ("leader1", APPROVE),
          "gate2_section_review": ("cadre1", APPROVE),
          "gate3_performance_review": ("perf", {**APPROVE, "rating": "excellent"})}


def user(username: str) -> User:
    """A user by username, in the current session."""
    return db.scalars(select(User).where(User.username == username)).one()


@pytest.fixture
def org(bureau):
    """The standard bureau, committed so that a failing request's rollback keeps it; ids."""
    ids = SimpleNamespace(users={name: u.id for name, u in bureau.users.items()},
                          projects={name: p.id for name, p in bureau.projects.items()})
    db.commit()
    return ids


class ApiClient:
    """The test client speaking to /api/v1 as a named user."""

    def __init__(self, client, bearer):
        self.client, self.bearer = client, bearer

    def _headers(self, as_user: str | None, headers: dict | None) -> dict:
        return {**(self.bearer(as_user) if as_user else {}), **(headers or {})}

    def get(self, path: str, as_user: str | None = None, headers=None, **kwargs):
        """GET /api/v1<path>."""
        return self.client.get(f"/api/v1{path}", headers=self._headers(as_user, headers),
                               **kwargs)

    def post(self, path: str, as_user: str | None = None, headers=None, **kwargs):
        """POST /api/v1<path>."""
        return self.client.post(f"/api/v1{path}", headers=self._headers(as_user, headers),
                                **kwargs)


@pytest.fixture
def bearer(app, org):
    """Bearer headers for a username, minted directly (the token endpoint has its own tests)."""
    cache: dict[str, dict] = {}

    def headers(username: str) -> dict:
        if username not in cache:
            with app.app_context():
                cache[username] = {"Authorization": f"Bearer {issue_token(user(username))}"}
        return cache[username]
    return headers


@pytest.fixture
def api(client, bearer):
    """An ApiClient."""
    return ApiClient(client, bearer)


@pytest.fixture
def declaration(org):
    """Factory: the id of a p1 declaration waiting at `step`, driven there by the operations."""
    def make(step: str = "fill_sheet", project: str = "p1", filer: str = "filer1") -> int:
        instance = start_goal_declaration(db.get(Project, org.projects[project]), user(filer))
        for done in STEPS[:STEPS.index(step)]:
            actor, payload = ACTORS[done]
            actor = filer if done == "fill_sheet" else actor
            complete_user_task(ready_task(instance.id, done), user(actor), payload)
        db.commit()
        return instance.id
    return make
