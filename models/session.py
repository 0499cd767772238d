"""Engine, session registry and the one transaction boundary used by requests, CLI and jobs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

SessionFactory = sessionmaker(expire_on_commit=False)
db: scoped_session[Session] = scoped_session(SessionFactory)


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine with the settings each backend needs."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # JIT compilation costs ~100 ms and pays off only for analytics, never for an inbox page.
    kwargs.setdefault("connect_args", {"options": "-c jit=off"})
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Let SQLAlchemy issue BEGIN itself so that writers take the lock up front (see below).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin_immediate(conn) -> None:
    # SQLite has no row locks: BEGIN IMMEDIATE serialises writers, which stands in for
    # PostgreSQL's SELECT ... FOR UPDATE; the version counter still catches stale writes.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def bind(engine: Engine) -> None:
    """Point the session registry at an engine."""
    db.remove()
    SessionFactory.configure(bind=engine)


def finish(success: bool) -> None:
    """Commit or roll back the current unit of work: the single commit point."""
    if success:
        db.commit()
    else:
        db.rollback()


@contextmanager
def transaction() -> Iterator[Session]:
    """Run a CLI command or job step as one transaction."""
    try:
        yield db()
        finish(True)
    except BaseException:
        finish(False)
        raise
    finally:
        db.remove()
