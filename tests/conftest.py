"""Shared fixtures: a migrated database per run, a rolled-back transaction per test."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from models import Project, Task, User, db
from models.migrate import upgrade
from models.session import SessionFactory, make_engine
from webapp import create_app
from workflows import org
from workflows.deploy import BPMN_DIR, deploy_directory
from workflows.engine.store import spec_cache

DATA = Path(__file__).parent / "data"
PASSWORD = "test-password"
PASSWORD_HASH = generate_password_hash(PASSWORD)
PG_URL = os.environ.get("JIXIAO_TEST_DATABASE_URL")
# the key evaluation's fixtures (`ke`), shared by the workflow, page and API tests
pytest_plugins = ("tests.evaluation_support",)


def _sqlalchemy_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith(
        "postgresql://") else url


@contextmanager
def scratch_postgresql(prefix: str = "jixiao_test"):
    """A new PostgreSQL database, migrated, dropped afterwards; yields its URL."""
    base = make_url(_sqlalchemy_url(PG_URL))
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh, migrated database for this run: SQLite file, or a new PostgreSQL database."""
    if not PG_URL:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        upgrade(url)
        yield url
        return
    with scratch_postgresql() as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url):
    """The engine of the test database."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine):
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        SessionFactory.configure(bind=conn, join_transaction_mode="create_savepoint")
        db.remove()
        yield conn
        db.remove()
        outer.rollback()
    SessionFactory.kw.pop("join_transaction_mode", None)
    SessionFactory.configure(bind=engine)
    spec_cache.clear()


@pytest.fixture
def app(engine, connection, tmp_path):
    """The app, bound to the test transaction, with its own file store."""
    yield create_app({"TESTING": True, "SECRET_KEY": "test-secret", "ENGINE": engine,
                      "DATABASE_URL": str(engine.url), "WTF_CSRF_ENABLED": False,
                      "BIND_SESSION": False, "FILE_STORE": str(tmp_path / "files"),
                      "MAX_EVIDENCE_BYTES": 1024 * 1024})


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(connection):
    """Factory: make_user('name', 'role', ..., unit='U1', section='S-EDU')."""
    def make(username: str, *roles: str, unit: str | None = None, section: str | None = None):
        return org.add_user(username, PASSWORD, list(roles), name=username, unit_code=unit,
                            section_code=section, password_hash=PASSWORD_HASH)
    return make


class Org:
    """The standard small bureau used by most tests (see the `bureau` fixture)."""

    def __init__(self):
        self.users: dict[str, User] = {}
        self.projects: dict[str, Project] = {}

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def bureau(connection, make_user):
    """Two expenditure sections, two units with filers and leaders, the performance section,
    one project per unit, and the bundled diagrams deployed."""
    o = Org()
    org.add_section("S-EDU", "教科文股", "expenditure")
    org.add_section("S-AGR", "农业股", "expenditure")
    org.add_section("S-PERF", "绩效股", "performance")
    org.add_section("S-BUD", "预算股", "budget")
    for name, roles, kw in [
        ("cadre1", ["section_cadre"], {"section": "S-EDU"}),
        ("cadre1b", ["section_cadre"], {"section": "S-EDU"}),
        ("chief1", ["section_chief", "section_cadre"], {"section": "S-EDU"}),
        ("cadre2", ["section_cadre"], {"section": "S-AGR"}),
        ("perf", ["perf_staff"], {"section": "S-PERF"}),
        ("perfchief", ["perf_chief", "perf_staff"], {"section": "S-PERF"}),
        ("budget", ["budget_section"], {"section": "S-BUD"}),
        ("leader", ["bureau_leader"], {}),
        ("admin", ["admin"], {}),
    ]:
        o.users[name] = make_user(name, *roles, **kw)
    org.add_unit("U1", "区教育局", "S-EDU", "cadre1")
    org.add_unit("U2", "区农业局", "S-AGR", "cadre2")
    for name, roles, unit in [("filer1", ["unit_filer"], "U1"), ("leader1", ["unit_leader"], "U1"),
                              ("filer2", ["unit_filer"], "U2"), ("leader2", ["unit_leader"], "U2"),
                              ("both1", ["unit_filer", "unit_leader"], "U1")]:
        o.users[name] = make_user(name, *roles, unit=unit)
    o.projects["p1"] = org.add_project("U1", "义务教育薄弱环节改善", 3_200_000, fiscal_year=2027)
    o.projects["p2"] = org.add_project("U2", "高标准农田建设", 5_600_000, fiscal_year=2027)
    deploy_directory(BPMN_DIR)
    db.flush()
    return o


def ready_task(instance_id: int, task_key: str | None = None) -> Task:
    """The (single) ready task of an instance, optionally of one BPMN task."""
    query = select(Task).where(Task.instance_id == instance_id, Task.status == "ready")
    if task_key:
        query = query.where(Task.task_key == task_key)
    return db.scalars(query).one()


GOOD_SHEET = {
    "overall_goal": "按期完成薄弱学校改造，改善办学条件。",
    "indicators": [
        {"level1": "output", "level2": "quantity", "name": "改造学校数量", "operator": "ge",
         "target_value": "12", "unit_of_measure": "所"},
        {"level1": "output", "level2": "quality", "name": "工程验收合格率", "operator": "ge",
         "target_value": "100", "unit_of_measure": "%"},
        {"level1": "benefit", "level2": "social", "name": "受益学生人数", "operator": "ge",
         "target_value": "8000", "unit_of_measure": "人"},
        {"level1": "satisfaction", "level2": "recipient_satisfaction", "name": "师生满意度",
         "operator": "ge", "target_value": "90", "unit_of_measure": "%"},
    ],
}


@pytest.fixture
def login(client):
    """Log the test client in as a user."""
    def do(username: str):
        return client.post("/login", data={"username": username, "password": PASSWORD})
    return do


@pytest.fixture
def api_token(client):
    """Get a bearer header for a user."""
    def do(username: str) -> dict:
        resp = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        assert resp.status_code == 200, resp.get_json()
        return {"Authorization": f"Bearer {resp.get_json()['token']}"}
    return do
