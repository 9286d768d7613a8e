"""The map's data: basemap and agreement layers as GeoJSON (RFC 7946), incidents as columns.

Library code (no web framework): :mod:`truce.web.routes_map` serves what this builds.

- The basemap is drawn from data shipped in ``truce.geo`` (Natural Earth countries, borders,
  rivers, lakes and towns; OCHA admin 1 and 2 boundaries; the gazetteer's villages), so the map
  needs no tile server and no network. Big layers are simplified once and cached per process.
- Incidents are sent as parallel arrays, not GeoJSON features: 100,000 incidents are ~4 MB of
  JSON instead of ~25 MB, and the browser builds its features in one pass. Dates are days since
  1970-01-01; categorical fields are indexes into the ``dict`` lists that come with them;
  ``parties`` is a bit set of the parties that reported each incident, ``responsible`` the index
  of the party held responsible (-1: none).
- Zones, sites, patrol routes and tracks are small and go as GeoJSON, with ``approximate`` kept
  on every feature so the map can say which geometry was drawn by hand.
"""

from __future__ import annotations

import csv
import functools
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any

import shapely

from truce.agreement.queries import patrol_routes, patrol_track_rows
from truce.errors import NotFoundError, ValidationError
from truce.model.vocab import EVENT_FAMILIES, EventType, OccurrenceGrade, sub_event_types
from truce.model.zone import polygon_problem, read_wkt
from truce.store import queries

if TYPE_CHECKING:
    from sqlalchemy import Connection

log = logging.getLogger(__name__)

__all__ = [
    "BASEMAP_LAYERS",
    "PLACENAMES",
    "VILLAGES",
    "Bbox",
    "basemap_layer",
    "dump_json",
    "incident_columns",
    "parse_bbox",
    "parse_day",
    "patrols_geojson",
    "sites_geojson",
    "vocabulary",
    "zones_geojson",
]

_EPOCH = date(1970, 1, 1).toordinal()

#: Basemap layers: name -> (package, file, properties kept, simplification tolerance in degrees).
BASEMAP_LAYERS: dict[str, tuple[str, str, tuple[str, ...], float]] = {
    "countries": (
        "basemap",
        "ne_50m_admin_0_countries_mideast.geojson",
        ("NAME", "ADM0_A3"),
        0.0,
    ),
    "borders": ("basemap", "ne_50m_admin_0_boundary_lines_land_mideast.geojson", (), 0.0),
    "rivers": ("basemap", "ne_10m_rivers_syria_region.geojson", ("name",), 0.0),
    "lakes": ("basemap", "ne_10m_lakes_syria_region.geojson", ("name",), 0.0),
    "towns": (
        "basemap",
        "ne_10m_populated_places_syria_region.geojson",
        ("NAME", "SCALERANK", "POP_MAX", "FEATURECLA"),
        0.0,
    ),
    "admin1": ("admin", "syr_adm1_ocha_20201217.geojson", ("ADM1_EN", "ADM1_PCODE"), 0.002),
    "admin2": (
        "admin",
        "syr_adm2_ocha_20201217.geojson",
        ("ADM2_EN", "ADM2_PCODE", "ADM1_EN"),
        0.002,
    ),
}
#: Villages from the gazetteer, shown from zoom 10 (name, population, kind).
VILLAGES = "villages"
#: The gazetteer's populated places with their other spellings and governorate, for the report
#: form's place search where the server has no search of its own (not drawn on the map).
PLACENAMES = "placenames"


@dataclass(frozen=True)
class Bbox:
    west: float
    south: float
    east: float
    north: float


def parse_bbox(text: str | None) -> Bbox | None:
    """``west,south,east,north`` in degrees (GeoJSON order), or None."""
    if not text:
        return None
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4:
        raise ValidationError(
            f"bbox {text!r} must be four numbers: west,south,east,north", field="bbox"
        )
    w, s, e, n = values
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= n <= 90) or w > e:
        raise ValidationError(
            f"bbox {text!r}: need -180 <= west <= east <= 180 and -90 <= south <= north <= 90",
            field="bbox",
        )
    return Bbox(w, s, e, n)


def parse_day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"{name} {text!r} must be a date like 2019-03-12", field=name
        ) from None


def _day(iso: str) -> int:
    return date.fromisoformat(iso[:10]).toordinal() - _EPOCH


# -- the basemap ---------------------------------------------------------------------------------
def _geo_data(package: str, name: str) -> Any:
    path = resources.files("truce.geo").joinpath("data", package, name)
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def basemap_layer(name: str) -> bytes:
    """One basemap layer as GeoJSON bytes (built once per process)."""
    if name == VILLAGES:
        return _villages()
    if name == PLACENAMES:
        return _placenames()
    if name not in BASEMAP_LAYERS:
        known = ", ".join([*BASEMAP_LAYERS, VILLAGES, PLACENAMES])
        raise NotFoundError(f"no basemap layer {name!r}; the layers are {known}")
    package, filename, keep, tolerance = BASEMAP_LAYERS[name]
    data = _geo_data(package, filename)
    features = []
    for feature in data["features"]:
        geometry = feature.get("geometry")
        if not geometry:
            continue
        if tolerance:
            shape = shapely.geometry.shape(geometry)
            shape = shapely.simplify(shape, tolerance, preserve_topology=True)
            geometry = shapely.geometry.mapping(shapely.set_precision(shape, 1e-5))
        props = feature.get("properties") or {}
        features.append(
            {
                "type": "Feature",
                "properties": {k.lower(): props.get(k) for k in keep},
                "geometry": geometry,
            }
        )
    return dump_json({"type": "FeatureCollection", "features": features})


def _villages() -> bytes:
    path = resources.files("truce.geo").joinpath("data", "places.tsv")
    features = []
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("# ")), delimiter="\t")
        for row in rows:
            if row.get("kind") != "populated place" or not row.get("lat"):
                continue
            population = int(row["population"]) if row.get("population") else 0
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": row["name"], "pop": population},
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(float(row["lon"]), 5), round(float(row["lat"]), 5)],
                    },
                }
            )
    return dump_json({"type": "FeatureCollection", "features": features})


def _placenames() -> bytes:
    from truce.geo.admin import ADMIN1_NAMES

    path = resources.files("truce.geo").joinpath("data", "places.tsv")
    features = []
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("# ")), delimiter="\t")
        for row in rows:
            if row.get("kind") != "populated place" or not row.get("lat"):
                continue
            keys = sorted(set((row.get("latin_keys") or "").split("|")) - {""})
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "name": row["name"],
                        "keys": "|".join(keys),
                        "admin": ADMIN1_NAMES.get(row.get("admin1_pcode") or "", ""),
                        "pop": int(row["population"]) if row.get("population") else 0,
                    },
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(float(row["lon"]), 5), round(float(row["lat"]), 5)],
                    },
                }
            )
    return dump_json({"type": "FeatureCollection", "features": features})


def dump_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, the form every map route sends."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# -- vocabulary ----------------------------------------------------------------------------------
def vocabulary() -> dict[str, Any]:
    """The codes the map and forms offer, from :mod:`truce.model.vocab` (one source of truth)."""
    families = sorted(set(EVENT_FAMILIES.values()) | {"other"})
    return {
        "event_types": {t.value: list(sub_event_types(t)) for t in EventType},
        "families": families,
        "family_of": dict(EVENT_FAMILIES),
        "grades": [g.value for g in OccurrenceGrade],
    }


# -- incidents -----------------------------------------------------------------------------------
def _index(values: Iterable[str]) -> tuple[list[str], dict[str, int]]:
    names = sorted(set(values))
    return names, {name: i for i, name in enumerate(names)}


def incident_columns(
    conn: Connection,
    *,
    bbox: Bbox | None = None,
    since: date | None = None,
    until: date | None = None,
    published_only: bool = False,
    limit: int = 250_000,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Incidents as parallel arrays, newest first, with the parties that reported each.

    ``since``/``until`` keep incidents whose interval overlaps the window; ``bbox`` keeps those
    whose point is inside it (incidents with no point are kept only when no bbox is given: the
    list beside the map still shows them). ``published_only`` is the public's view.
    """
    picked = queries.map_incidents(
        conn,
        bbox=None if bbox is None else (bbox.west, bbox.south, bbox.east, bbox.north),
        since=None if since is None else since.isoformat(),
        until=None if until is None else until.isoformat(),
        published_at=queries.stamp(now) if published_only else None,
        limit=limit,
    )
    rows, total = picked.rows, picked.total
    # One transpose (in C) instead of attribute access per row and column: 100,000 rows are
    # sent several times faster this way.
    ids, lon, lat, start, end, grade, family, subtype, reports, place, responsible = (
        list(col) for col in (zip(*rows, strict=True) if rows else [()] * 11)
    )

    # Few incidents: only theirs; many: every report at once (one scan beats a long IN list).
    reporters = queries.reporters(conn, ids if len(rows) < 2000 else None)

    grades, grade_ix = _index([g.value for g in OccurrenceGrade] + grade)
    families, family_ix = _index([*EVENT_FAMILIES.values(), "other", *family])
    subtypes, subtype_ix = _index(subtype)
    party_ids = queries.party_ids(conn)
    party_bit = {p: 1 << i for i, p in enumerate(party_ids[:52])}  # exact in a JS number
    party_ix = {p: i for i, p in enumerate(party_ids)}
    days: dict[str, int] = {}  # few distinct dates: parse each once

    def day(iso: str) -> int:
        found = days.get(iso)
        if found is None:
            found = days[iso] = _day(iso)
        return found

    return {
        "count": len(rows),
        "total": total,
        "truncated": total > len(rows),
        "dict": {
            "grade": grades,
            "family": families,
            "sub_event_type": subtypes,
            "party": party_ids[:52],
        },
        "id": ids,
        "lon": [None if v is None else round(v, 5) for v in lon],
        "lat": [None if v is None else round(v, 5) for v in lat],
        "start": [day(v) for v in start],
        "end": [day(v) for v in end],
        "grade": [grade_ix[v] for v in grade],
        "family": [family_ix[v] for v in family],
        "type": [subtype_ix[v] for v in subtype],
        "reports": reports,
        "place": [v or "" for v in place],
        "parties": [sum(party_bit.get(a, 0) for a in reporters.get(i, ())) for i in ids],
        "responsible": [party_ix.get(p, -1) if p else -1 for p in responsible],
    }


# -- agreement layers ----------------------------------------------------------------------------
def _feature(geometry: Any, props: dict[str, Any], fid: str) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "properties": props, "geometry": geometry}


def _shape_geojson(wkt: str) -> Any:
    return shapely.geometry.mapping(shapely.set_precision(shapely.from_wkt(wkt), 1e-6))


def _zone_problem(wkt: str) -> str | None:
    try:
        geom = read_wkt(wkt)
    except ValueError as exc:
        return str(exc)
    return polygon_problem(geom)


def zones_geojson(conn: Connection) -> dict[str, Any]:
    """The zones as a FeatureCollection. A stored geometry that is not a valid polygon (from a
    log written before zones were checked for it) is left out and named under ``skipped``
    (with what is wrong), so one bad zone never takes the layer down for everyone."""
    features = []
    skipped = []
    for row in queries.zone_rows(conn):
        problem = _zone_problem(row["wkt"])
        geometry = None
        if problem is None:
            try:
                geometry = _shape_geojson(row["wkt"])
            except shapely.errors.GEOSException as exc:
                problem = f"the geometry cannot be drawn: {exc}"
        if geometry is None:
            log.warning("zone %s left out of the map: %s", row["id"], problem)
            skipped.append({"id": row["id"], "version": row["version"], "problem": problem})
            continue
        features.append(
            _feature(
                geometry,
                {
                    "id": row["id"],
                    "name": row["name"],
                    "kind": row["kind"],
                    "approximate": bool(row["approximate"]),
                    "valid_from": row["valid_from"],
                    "valid_to": row["valid_to"],
                    "source": row["source"],
                    "version": row["version"],
                },
                row["id"],
            )
        )
    return {"type": "FeatureCollection", "features": features, "skipped": skipped}


def sites_geojson(conn: Connection) -> dict[str, Any]:
    features = []
    for row in queries.site_rows(conn):
        features.append(
            _feature(
                {"type": "Point", "coordinates": [round(row["lon"], 6), round(row["lat"], 6)]},
                {
                    "id": row["id"],
                    "name": row["name"],
                    "kind": row["kind"],
                    "approximate": bool(row["approximate"]),
                    "org": row["org"],
                    "admin1": row["admin1"],
                    "author": row["author"],
                },
                row["id"],
            )
        )
    return {"type": "FeatureCollection", "features": features}


def patrols_geojson(conn: Connection) -> dict[str, Any]:
    """Planned routes (``layer: route``) and recorded tracks (``layer: track``, one per part)."""
    features = []
    for row in patrol_routes(conn):
        features.append(
            _feature(
                _shape_geojson(row["route_wkt"]),
                {
                    "layer": "route",
                    "patrol": row["id"],
                    "name": row["name"],
                    "parties": row["parties"],
                    "start": row["start"],
                    "end": row["end"],
                    "approximate": bool(row["approximate"]),
                },
                f"route:{row['id']}",
            )
        )
    for track in patrol_track_rows(conn):
        coords = [[float(pt[2]), float(pt[1])] for pt in track["points"]]
        if len(coords) < 2:
            continue
        features.append(
            _feature(
                {"type": "LineString", "coordinates": coords},
                {
                    "layer": "track",
                    "patrol": track["patrol_id"],
                    "party": track["party"],
                    "start": track["start"],
                    "part": track["part"],
                    "parts": track["parts"],
                },
                f"track:{track['entry_index']}",
            )
        )
    return {"type": "FeatureCollection", "features": features}
