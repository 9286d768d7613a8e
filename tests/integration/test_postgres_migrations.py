"""Alembic migrations create the whole schema on a new database, on SQLite and PostgreSQL
(with PostGIS when the server has it), and nodes open over migrated databases."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from truce.config import Settings
from truce.node import Node
from truce.store import make_engine
from truce.store.db import HEAD_REVISION, all_metadata, include_name, migrations_config


def test_the_migrations_alone_create_every_table_the_code_defines(database_url: str) -> None:
    assert ScriptDirectory.from_config(migrations_config()).get_current_head() == HEAD_REVISION
    engine = make_engine(database_url)
    with engine.begin() as conn:
        command.upgrade(migrations_config(conn), "head")
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, all_metadata())
        tables = set(inspect(conn).get_table_names())
        if conn.dialect.name == "sqlite":
            assert "incidents_rtree" in tables
            triggers = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            assert {"incidents_rtree_ins", "incidents_rtree_del"} <= set(triggers.scalars())
        else:
            has_postgis = conn.execute(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
            ).first()
            indexes = {i["name"] for i in inspect(conn).get_indexes("incidents")}
            assert ("ix_incidents_space_time" in indexes) == bool(has_postgis)
    engine.dispose()
    assert diff == [], (
        "the tables differ from the migrations; write one with "
        "'python -m truce.store.migrations revision \"what changed\"' and bump HEAD_REVISION"
    )


def test_a_node_opens_over_a_migrated_database_and_rebuild_keeps_the_index(
    tmp_path: Path, database_url: str
) -> None:
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    with Node.init(settings) as node:
        node.add_party("ru", "Russian Federation")
        with node.store.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == HEAD_REVISION
        node.rebuild()
        with node.store.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                triggers = conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                ).scalars()
                assert "incidents_rtree_ins" in set(triggers)
    with Node.open(settings) as node:  # a second open is a no-op for the schema
        assert [p["id"] for p in node.parties()] == ["ru"]
