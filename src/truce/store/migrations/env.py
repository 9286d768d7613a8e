"""Alembic environment for truce: the projection tables and the operational tables.

Run by :func:`truce.store.db.prepare_database` with an open connection. To write a new migration
after changing a table, from the repository root::

    .venv/bin/python -m truce.store.migrations revision "what changed"

which autogenerates it against a scratch SQLite database at the current head.
"""

from __future__ import annotations

from alembic import context

from truce.store.db import all_metadata, include_name

target_metadata = all_metadata()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from truce.store.db import make_engine

        url = context.config.get_main_option("sqlalchemy.url") or ""
        with make_engine(url).begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
