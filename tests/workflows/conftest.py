"""Fixtures of the workflow tests."""

import pytest

from models import db
from models.session import bind, make_engine
from tests.conftest import PG_URL, scratch_postgresql


@pytest.fixture
def committed_db():
    """A separate PostgreSQL database whose data is really committed (for multi-process tests)."""
    if not PG_URL:
        pytest.skip("needs JIXIAO_TEST_DATABASE_URL (make test-postgresql runs it)")
    with scratch_postgresql("jixiao_committed") as url:
        engine = make_engine(url)
        bind(engine)
        yield url
        db.remove()
        engine.dispose()
