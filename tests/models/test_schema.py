"""The migrations build exactly the models' schema; the audit trail is append-only."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from models import AppendOnlyError, AuditLog, Base, Role, db
from workflows.audit import record


def test_migrations_match_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_roles_are_seeded(connection):
    codes = set(db.scalars(select(Role.code)))
    assert {"unit_filer", "unit_leader", "section_cadre", "perf_staff", "perf_chief",
            "bureau_leader", "admin"} <= codes
    assert db.get(Role, "admin").acts_in_workflows is False


def test_orm_refuses_to_change_audit_rows(connection):
    row = record(None, "thing", 1, "create", after={"a": 1})
    db.flush()
    row.action = "tampered"
    with pytest.raises(AppendOnlyError):
        db.flush()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET action = 'tampered'",
    "DELETE FROM audit_log",
])
def test_database_refuses_to_change_audit_rows(connection, statement):
    record(None, "thing", 1, "create")
    db.flush()
    with pytest.raises(DatabaseError, match="append-only"), db.begin_nested():
        db.execute(text(statement))
    assert db.scalar(select(AuditLog.action).limit(1)) == "create"


def test_times_with_an_offset_are_stored_as_utc(connection):
    from datetime import UTC, datetime, timedelta, timezone
    shanghai = timezone(timedelta(hours=8))
    row = record(None, "thing", 1, "create")
    row.at = datetime(2027, 1, 1, 9, 0, tzinfo=shanghai)
    db.flush()
    db.expire(row)
    assert row.at == datetime(2027, 1, 1, 1, 0, tzinfo=UTC)
