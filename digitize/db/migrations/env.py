"""Alembic environment: run with a connection handed in by digitize.db.upgrade, or a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from digitize.db.models import Base

config = context.config
target_metadata = Base.metadata


def _include_name(name, type_, parent_names) -> bool:
    # the full-text index is made by hand per dialect, outside the models
    return not (type_ == "table" and name and name.startswith("search_index"))


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _configure_and_run(conn)
    else:
        _configure_and_run(connection)


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
