"""Alembic environment: runs against the URL or connection handed in by `jixiao db upgrade`."""

from alembic import context
from sqlalchemy import pool

from models import Base
from models.session import make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run migrations on a given connection or on a fresh engine for the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
