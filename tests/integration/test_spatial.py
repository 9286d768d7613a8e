"""Incidents by box and window: every backend's index finds exactly what the plain predicates do.

Three indexes answer the same query (:mod:`truce.store.spatial`): SQLite's R*Tree, PostGIS's
n-D GiST, and, on a PostgreSQL database whose user may not create PostGIS, a GiST index over
core types. Each is checked against a brute-force filter of the same rows, edges included, and
the query plan is checked to use it.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event, inspect, text

from truce.config import Settings
from truce.node import Node
from truce.store import make_engine
from truce.store.spatial import BBox, find_incidents, has_postgis

W, S, E, N = 36.0, 35.0, 37.0, 36.0
DAY0 = date(2019, 1, 1)


@pytest.fixture
def plain_postgres_url() -> Iterator[str]:
    """A new PostgreSQL database owned by a user who may not create extensions: no PostGIS,
    as on a server without the package or for an operator without the privilege."""
    base = os.environ.get("TRUCE_TEST_DATABASE_URL")
    if not base:
        pytest.skip("TRUCE_TEST_DATABASE_URL is not set: no PostgreSQL server configured")
    import psycopg

    suffix = uuid.uuid4().hex[:12]
    role, name = f"truce_plain_{suffix}", f"truce_t_{suffix}"
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE \"{role}\" LOGIN NOSUPERUSER PASSWORD '{suffix}'")
        conn.execute(f'CREATE DATABASE "{name}" OWNER "{role}"')
    server = admin.rsplit("/", 1)[0].split("://", 1)[1].split("@", 1)[-1]
    try:
        yield f"postgresql://{role}:{suffix}@{server}/{name}"  # trust or password auth
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def _rows(count: int) -> list[dict[str, Any]]:
    """Incidents in and around the test area: multi-day ones, some exactly on the edges of the
    queried boxes and windows, and some without a place."""
    rng = random.Random(3)
    rows = []
    for i in range(count):
        start = DAY0 + timedelta(days=rng.randrange(365))
        end = start + timedelta(days=rng.choice((0, 0, 1, 3, 20)))
        lat: float | None = round(rng.uniform(S - 0.2, N + 0.2), 1 if i % 3 == 0 else 5)
        lon: float | None = round(rng.uniform(W - 0.2, E + 0.2), 1 if i % 3 == 0 else 5)
        if i % 50 == 0:
            lat = lon = None
        rows.append(
            {
                "id": f"I-{i}",
                "event_type": "Explosions/Remote violence",
                "sub_event_type": "Shelling/artillery/missile attack",
                "family": "remote",
                "date_start": start.isoformat(),
                "date_end": end.isoformat(),
                "lat": lat,
                "lon": lon,
                "place": "test",
                "report_count": 1,
                "occurrence": "single-source",
                "first_index": i,
            }
        )
    return rows


def _queries(count: int) -> Iterator[tuple[BBox, date | None, date | None]]:
    rng = random.Random(5)
    for i in range(count):
        # Edges on the 0.1-degree grid a third of the rows sit on, so some lie exactly on them.
        w = round(rng.uniform(W, E - 0.3), 1)
        s = round(rng.uniform(S, N - 0.3), 1)
        box = BBox(w, s, round(w + rng.choice((0.1, 0.3, 0.6)), 1), round(s + 0.3, 1))
        start = DAY0 + timedelta(days=rng.randrange(330))
        end = start + timedelta(days=rng.choice((0, 7, 30)))
        yield box, (None if i % 7 == 1 else start), (None if i % 7 == 2 else end)


def _expected(rows: list[dict[str, Any]], box: BBox, start: date | None, end: date | None) -> set:
    return {
        r["id"]
        for r in rows
        if r["lat"] is not None
        and box.min_lon <= r["lon"] <= box.max_lon
        and box.min_lat <= r["lat"] <= box.max_lat
        and (start is None or r["date_end"] >= start.isoformat())
        and (end is None or r["date_start"] <= end.isoformat())
    }


def _load(conn: Connection, rows: list[dict[str, Any]]) -> None:
    names = list(rows[0])
    conn.execute(
        text(f"INSERT INTO incidents ({', '.join(names)}) VALUES (:{', :'.join(names)})"), rows
    )
    conn.execute(text("ANALYZE incidents"))


def _check(url: str, tmp_path: Path, index: str) -> None:
    rows = _rows(3000)
    settings = Settings(home=tmp_path / "home", database_url=url)
    with Node.init(settings) as node:
        with node.store.engine.begin() as conn:
            _load(conn, rows)
        with node.store.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                indexes = {i["name"] for i in inspect(conn).get_indexes("incidents")}
                assert index in indexes, indexes
            found_in_all = on_edges = 0
            for box, start, end in _queries(120):
                found = find_incidents(conn, bbox=box, start=start, end=end, limit=5000)
                assert {r["id"] for r in found} == _expected(rows, box, start, end), (box, start)
                found_in_all += len(found)
                edges = (box.min_lon, box.max_lon, box.min_lat, box.max_lat)
                on_edges += sum(r["lon"] in edges or r["lat"] in edges for r in found)
            assert found_in_all > 500 and on_edges > 10  # the edges were tried
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET enable_seqscan = off"))  # a small table: make it choose
            box = BBox(36.3, 35.3, 36.6, 35.6)
            plan = _explain(conn, box, DAY0, DAY0 + timedelta(days=30))
            assert index in plan, plan


def _explain(conn: Connection, box: BBox, start: date, end: date) -> str:
    """EXPLAIN of the very statement :func:`find_incidents` runs."""
    statements: list[str] = []
    params: list[Any] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        statements.append(statement)
        params.append(parameters)

    event.listen(conn.engine, "before_cursor_execute", capture)
    try:
        find_incidents(conn, bbox=box, start=start, end=end)
    finally:
        event.remove(conn.engine, "before_cursor_execute", capture)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
    cursor.execute(prefix + statements[-1], params[-1])
    return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def test_the_backends_index_finds_what_the_predicates_find(
    tmp_path: Path, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        index = "incidents_rtree"
    else:
        engine = make_engine(database_url)
        with engine.connect() as conn:
            packaged = conn.execute(
                text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
            ).first()
        engine.dispose()
        index = "ix_incidents_space_time" + ("" if packaged else "_core")
    _check(database_url, tmp_path, index)


def test_without_postgis_a_core_gist_index_finds_what_the_predicates_find(
    tmp_path: Path, plain_postgres_url: str
) -> None:
    _check(plain_postgres_url, tmp_path, "ix_incidents_space_time_core")
    settings = Settings(home=tmp_path / "home", database_url=plain_postgres_url)
    with Node.open(settings) as node, node.store.engine.connect() as conn:
        assert not has_postgis(conn, fresh=True)  # the user could not create the extension
        indexes = {i["name"] for i in inspect(conn).get_indexes("incidents")}
        assert "ix_incidents_space_time" not in indexes


def test_an_older_database_without_postgis_gets_the_core_index_by_migration(
    tmp_path: Path, plain_postgres_url: str
) -> None:
    from alembic import command

    from truce.store.db import migrations_config

    engine = make_engine(plain_postgres_url)
    with engine.begin() as conn:
        command.upgrade(migrations_config(conn), "0005")
        # As truce made it before 0006: migrations 0001-0005 call the spatial module of the
        # running version, which creates the core index now; it did not then.
        conn.execute(text("DROP INDEX ix_incidents_space_time_core"))
    engine.dispose()
    settings = Settings(home=tmp_path / "home", database_url=plain_postgres_url)
    with Node.init(settings) as node, node.store.engine.connect() as conn:  # migrates to head
        after = {i["name"] for i in inspect(conn).get_indexes("incidents")}
    assert "ix_incidents_space_time_core" in after
