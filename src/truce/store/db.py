"""Database engines and schema migrations. SQLite/PostgreSQL differences stay here.

SQLite (the default, one file next to the ledger) and PostgreSQL
(``TRUCE_DATABASE_URL=postgresql://...``, driven by psycopg 3) run the same projections. The
schema is created and upgraded by the Alembic migrations in ``truce/store/migrations``
(:func:`prepare_database`, run whenever a node opens its database): a new database gets the
schema by migration, an older one is upgraded in place. On PostgreSQL the migration also enables
PostGIS when the server has it (``CREATE EXTENSION IF NOT EXISTS postgis``); the spatial index
on incidents is :mod:`truce.store.spatial`'s (a PostGIS GiST index; without PostGIS, a GiST index
over core types; SQLite's R*Tree).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from truce.errors import ConfigError

__all__ = [
    "HEAD_REVISION",
    "all_metadata",
    "include_name",
    "make_engine",
    "migrations_config",
    "prepare_database",
]

#: The newest migration in ``truce/store/migrations/versions`` (a test keeps this current).
HEAD_REVISION = "0012"
MIGRATIONS = Path(__file__).with_name("migrations")
# Any 64-bit number: serialises concurrent migrations of one PostgreSQL database.
_MIGRATION_LOCK = 0x7472756365


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # projections are rebuilt from the log anyway
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError; translate at the seam
        raise ConfigError(f"TRUCE_DATABASE_URL {url!r} is not a database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # The server reads from many threads at once (sync routes run in a thread pool): keep
        # that many connections open rather than opening (and setting up) one per request.
        on_disk = bool(parsed.database) and parsed.database != ":memory:"
        pool = {"pool_size": 32, "max_overflow": 32} if on_disk else {}
        engine = create_engine(parsed, future=True, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise ConfigError(
                "PostgreSQL needs the psycopg driver", hint="pip install 'truce[postgres]'"
            ) from None
        return create_engine(parsed, future=True, pool_pre_ping=True, pool_size=10)
    raise ConfigError(
        f"unsupported database {parsed.get_backend_name()!r}; use sqlite or postgresql"
    )


def all_metadata() -> list[MetaData]:
    """Every table collection truce defines: projections, operational and derived tables.

    The modules are the ``tables`` of :data:`truce.capabilities.CAPABILITIES`, imported here so
    the migrations and ``create_all`` see every table.
    """
    from truce.capabilities import load
    from truce.store import schema

    found: list[MetaData] = [schema.metadata]
    for module in load("tables"):
        for value in vars(module).values():
            if isinstance(value, MetaData) and all(value is not m for m in found):
                found.append(value)
    return found


#: Made by :mod:`truce.store.spatial` (PostGIS, or core PostgreSQL types without it).
SPATIAL_INDEXES = ("ix_incidents_geom", "ix_incidents_space_time", "ix_incidents_space_time_core")


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """For autogenerate: leave alone the tables truce does not define (PostGIS's own,
    SQLite's R*Tree and its shadow tables)."""
    if type_ == "table":
        return any(name in m.tables for m in all_metadata())
    if type_ == "index":
        # expression indexes, not made by the table definitions
        return name not in SPATIAL_INDEXES
    return True


def migrations_config(conn: Connection | None = None) -> Any:
    """An Alembic config for truce's migrations, optionally bound to an open connection."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def prepare_database(engine: Engine) -> None:
    """Bring the database's schema to the newest migration (creating it if the database is new).

    A database created before migrations existed (tables but no ``alembic_version``) is stamped
    at the head after any missing tables are created. Tables that a capability added to the
    metadata after the newest migration are created directly, so a node always opens.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    metadata = all_metadata()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        current = MigrationContext.configure(conn).get_current_revision()
        if current != HEAD_REVISION:
            cfg = migrations_config(conn)
            if current is None and inspect(conn).has_table("meta"):
                for m in metadata:
                    m.create_all(conn)
                command.stamp(cfg, "head")
            else:
                command.upgrade(cfg, "head")
        for m in metadata:
            m.create_all(conn)
