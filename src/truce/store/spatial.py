"""Incidents by bounding box and time window, indexed for each backend.

- SQLite: an R*Tree (SQLite's ``rtree`` module) over longitude, latitude and days, kept by
  triggers on ``incidents`` (keyed by its ``rowid``), so a box-and-window query reads only the
  candidates; the exact predicates are applied again on the rows (the R*Tree stores 32-bit
  floats, rounded outwards).
- PostgreSQL with PostGIS: an n-dimensional GiST index over each incident as a line from
  (lon, lat, first day) to (lon, lat, last day), queried with ``&&&`` against a 3-D box, so the
  box and the window are one index scan.
- PostgreSQL without PostGIS (not installed, or no privilege to create it): a GiST index over
  two core types, the incident's point as a degenerate ``box`` and its days as an ``int4range``,
  queried with ``&&`` on both, so the box and the window are still one index scan (no extension).

Both are (re)created when the incidents table is created, by migration or by ``truce rebuild``.
Time windows overlap-match: an incident dated ``[start, end]`` is in ``[from, to]`` when
``start <= to`` and ``end >= from`` (ACLED/UCDP dates are intervals).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Index, and_, event, or_, select, text

from truce.store import schema
from truce.store.release import publications

__all__ = ["LIST_COLUMNS", "BBox", "find_incidents", "install_spatial_index", "published_clause"]


def _pg_day(column: str) -> str:
    # make_date and substr are IMMUTABLE (a text-to-date cast is not), so this can be indexed.
    return (
        f"(make_date(substr({column}, 1, 4)::int, substr({column}, 6, 2)::int, "
        f"substr({column}, 9, 2)::int) - make_date(1970, 1, 1))"
    )


#: The incident as a 3-D line (lon, lat, day): the indexed expression and the queried one.
PG_SPACE_TIME = (
    f"ST_MakeLine(ST_MakePoint(lon, lat, {_pg_day('date_start')}), "
    f"ST_MakePoint(lon, lat, {_pg_day('date_end')}))"
)
GEO_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS ix_incidents_space_time ON incidents "
    f"USING gist ({PG_SPACE_TIME} gist_geometry_ops_nd)"
)
_PG_DAYS = (  # least/greatest: a range whose bounds are swapped would refuse the row
    f"int4range(least({_pg_day('date_start')}, {_pg_day('date_end')}), "
    f"greatest({_pg_day('date_start')}, {_pg_day('date_end')}), '[]')"
)
#: Without PostGIS: the incident as a point (a degenerate box) and a range of days, both with a
#: GiST operator class of PostgreSQL's own; one multicolumn index answers box and window.
PG_CORE_BOX = "box(point(lon, lat), point(lon, lat))"
CORE_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS ix_incidents_space_time_core ON incidents "
    f"USING gist ({PG_CORE_BOX}, {_PG_DAYS})"
)
_DAY = "julianday({}) - 2440587.5"  # days since 1970-01-01
_RTREE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS incidents_rtree "
    "USING rtree(id, min_lon, max_lon, min_lat, max_lat, min_day, max_day)",
    "DELETE FROM incidents_rtree",
    "INSERT INTO incidents_rtree SELECT rowid, lon, lon, lat, lat, "
    f"{_DAY.format('date_start')}, {_DAY.format('date_end')} FROM incidents "
    "WHERE lat IS NOT NULL AND lon IS NOT NULL",
    "CREATE TRIGGER IF NOT EXISTS incidents_rtree_ins AFTER INSERT ON incidents "
    "WHEN new.lat IS NOT NULL AND new.lon IS NOT NULL BEGIN "
    "INSERT INTO incidents_rtree VALUES (new.rowid, new.lon, new.lon, new.lat, new.lat, "
    f"{_DAY.format('new.date_start')}, {_DAY.format('new.date_end')}); END",
    "CREATE TRIGGER IF NOT EXISTS incidents_rtree_del AFTER DELETE ON incidents BEGIN "
    "DELETE FROM incidents_rtree WHERE id = old.rowid; END",
    "CREATE TRIGGER IF NOT EXISTS incidents_rtree_upd AFTER UPDATE OF lat, lon, date_start, "
    "date_end ON incidents BEGIN DELETE FROM incidents_rtree WHERE id = old.rowid; "
    "INSERT INTO incidents_rtree SELECT new.rowid, new.lon, new.lon, new.lat, new.lat, "
    f"{_DAY.format('new.date_start')}, {_DAY.format('new.date_end')} "
    "WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL; END",
]


_POSTGIS: dict[str, bool] = {}


def has_postgis(conn: Connection, *, fresh: bool = False) -> bool:
    """True on PostgreSQL with PostGIS enabled in this database (remembered per database)."""
    if conn.dialect.name != "postgresql":
        return False
    key = conn.engine.url.render_as_string(hide_password=True)
    if fresh or key not in _POSTGIS:
        found = conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'"))
        _POSTGIS[key] = found.first() is not None
    return _POSTGIS[key]


def install_spatial_index(conn: Connection) -> None:
    """Create the backend's spatial index on ``incidents`` (idempotent)."""
    if conn.dialect.name == "sqlite":
        for statement in _RTREE:
            conn.execute(text(statement))
    elif has_postgis(conn, fresh=True):
        conn.execute(text(GEO_INDEX_SQL))
    else:
        conn.execute(text(CORE_INDEX_SQL))


def _after_create(_target: Any, connection: Connection, **_kw: Any) -> None:
    install_spatial_index(connection)


event.listen(schema.incidents, "after_create", _after_create)

# Lists page by ledger order (``after``/``limit``): without this, the first page of a million
# incidents sorts them all.
Index("ix_incidents_first_index", schema.incidents.c.first_index)


#: The columns a list of incidents carries (a summary; one incident's page has the rest). Those
#: that assessment (``truce.assess``) adds are included when present.
LIST_COLUMNS = (
    "id",
    "event_type",
    "sub_event_type",
    "family",
    "date_start",
    "date_end",
    "lat",
    "lon",
    "error_km",
    "place",
    "area",
    "report_count",
    "occurrence",
    "attribution_state",
    "responsible",
    "responsible_party",
    "airwars",
    "admiralty",
    "killed_low",
    "killed",
    "killed_high",
    "first_index",
    "last_index",
)


@dataclass(frozen=True)
class BBox:
    """A WGS 84 box: west, south, east, north (GeoJSON ``bbox`` order)."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def published_clause(now_iso: str) -> Any:
    """Rows of ``publications`` that make an incident public at ``now_iso`` (UTC, ISO 8601)."""
    return or_(publications.c.basis == "signoffs", publications.c.until > now_iso)


def find_incidents(
    conn: Connection,
    *,
    bbox: BBox | None = None,
    start: date | None = None,
    end: date | None = None,
    published_at: str | None = None,
    after: int = -1,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Incidents in the box and window, in ledger order; only public ones if ``published_at``."""
    inc = schema.incidents
    columns = [inc.c[name] for name in LIST_COLUMNS if name in inc.c]
    query = select(*columns).where(inc.c.first_index > after)
    if start is not None:
        query = query.where(inc.c.date_end >= start.isoformat())
    if end is not None:
        query = query.where(inc.c.date_start <= end.isoformat())
    if bbox is not None:
        box = [
            inc.c.lon >= bbox.min_lon,
            inc.c.lon <= bbox.max_lon,
            inc.c.lat >= bbox.min_lat,
            inc.c.lat <= bbox.max_lat,
        ]
        query = query.where(*box)
        if conn.dialect.name == "sqlite":
            rtree = ["max_lon >= :w", "min_lon <= :e", "max_lat >= :s", "min_lat <= :n"]
            params: dict[str, Any] = {
                "w": bbox.min_lon,
                "e": bbox.max_lon,
                "s": bbox.min_lat,
                "n": bbox.max_lat,
            }
            if start is not None:
                rtree.append("max_day >= :d0")
                params["d0"] = (start - date(1970, 1, 1)).days - 1
            if end is not None:
                rtree.append("min_day <= :d1")
                params["d1"] = (end - date(1970, 1, 1)).days + 1
            ids = text(f"SELECT id FROM incidents_rtree WHERE {' AND '.join(rtree)}")
            query = query.where(text(f"incidents.rowid IN ({ids.text})").bindparams(**params))
        elif has_postgis(conn):
            d0 = (start - date(1970, 1, 1)).days if start is not None else -(10**6)
            d1 = (end - date(1970, 1, 1)).days if end is not None else 10**6
            pg_box = text(
                f"{PG_SPACE_TIME} &&& ST_3DMakeBox(ST_MakePoint(:w, :s, :d0), "
                "ST_MakePoint(:e, :n, :d1))"
            ).bindparams(
                w=bbox.min_lon, s=bbox.min_lat, e=bbox.max_lon, n=bbox.max_lat, d0=d0, d1=d1
            )
            query = query.where(pg_box)
        else:
            query = query.where(_core_box(bbox, start, end))
    if published_at is not None:
        pub = publications
        query = query.where(
            inc.c.id.in_(select(pub.c.incident_id).where(and_(published_clause(published_at))))
        )
    query = query.order_by(inc.c.first_index).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]


def _core_box(bbox: BBox, start: date | None, end: date | None) -> Any:
    """The box (and window, if any) as ``&&`` on the core-PostgreSQL GiST index's expressions."""
    params: dict[str, Any] = {
        "w": bbox.min_lon,
        "s": bbox.min_lat,
        "e": bbox.max_lon,
        "n": bbox.max_lat,
    }
    clause = f"{PG_CORE_BOX} && box(point(:w, :s), point(:e, :n))"
    if (start is not None or end is not None) and not (start and end and end < start):
        # Unbounded on a side without a date (NULL bound); '[]' includes both ends, as the
        # exact predicates on date_start and date_end do. (An end before the start would be
        # an invalid range: the exact predicates alone then find nothing.)
        params["d0"] = (start - date(1970, 1, 1)).days if start is not None else None
        params["d1"] = (end - date(1970, 1, 1)).days if end is not None else None
        clause += f" AND {_PG_DAYS} && int4range(CAST(:d0 AS int), CAST(:d1 AS int), '[]')"
    return text(clause).bindparams(**params)
