"""Zones of the agreement from GeoJSON: validated whole, repaired where safe, then recorded.

``truce zone add FILE`` reads every feature first (:func:`read_zones`) and appends nothing unless
all are good; then it records them as ``zone.defined`` entries in one all-or-nothing batch
(:func:`add_zones`). Defining an existing id again records a new version (the ``zones``
projection keeps the latest and counts versions; the log keeps them all).

Per feature: ``properties.id`` (or the feature's ``id``), ``name``, ``kind`` (one of
:class:`~truce.model.ZoneKind`), ``valid_from``/``valid_to`` (ISO dates), ``approximate``
(hand-drawn geometry), ``source``. Checks, each error naming the feature:

- the geometry is a GeoJSON Polygon or MultiPolygon with numeric coordinates;
- every vertex is inside the area of interest, else either "looks swapped" (latitude given first)
  or "outside the area of interest" (:mod:`truce.agreement.aoi`);
- a self-intersecting or otherwise invalid polygon is repaired with GEOS ``make_valid`` (keeping
  the polygonal parts), and the repair is reported and written into the zone's ``notes``; with
  ``on_invalid="raise"`` it is refused instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pydantic
import shapely

from truce.agreement.aoi import Aoi, default_aoi, geometry_to_metric
from truce.agreement.batch import append_batch
from truce.agreement.geojson import Feature, feature_geometry, read_features
from truce.errors import ValidationError
from truce.model import Zone, ZoneKind
from truce.model.kinds import validation_error
from truce.node import Node

__all__ = ["ZoneLoad", "add_zones", "list_zones", "read_zones", "zone_kind"]

OnInvalid = Literal["repair", "raise"]
MAX_WKT = 60_000

_ALIASES = {
    "dmz": ZoneKind.DMZ,
    "demilitarized": ZoneKind.DMZ,
    "demilitarised_zone": ZoneKind.DMZ,
    "corridor": ZoneKind.CORRIDOR,
    "restricted_area": ZoneKind.RESTRICTED,
    "no_go": ZoneKind.RESTRICTED,
}


def zone_kind(value: object) -> ZoneKind:
    text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    if text in _ALIASES:
        return _ALIASES[text]
    try:
        return ZoneKind(text)
    except ValueError:
        raise ValueError(
            f"kind {value!r} is not a zone kind; expected one of: "
            f"{', '.join(k.value for k in ZoneKind)}"
        ) from None


@dataclass
class ZoneLoad:
    zones: list[Zone] = field(default_factory=list)
    #: What was repaired or otherwise changed, one line per feature.
    notes: list[str] = field(default_factory=list)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of ``make_valid``'s result (it may add lines or points)."""
    parts = shapely.get_parts(geom)
    polys = [p for p in parts if p.geom_type in ("Polygon", "MultiPolygon")]
    flat: list[shapely.Geometry] = []
    for p in polys:
        flat.extend(shapely.get_parts(p) if p.geom_type == "MultiPolygon" else [p])
    if not flat:
        return shapely.Polygon()
    return flat[0] if len(flat) == 1 else shapely.MultiPolygon(flat)


def _wkt(geom: shapely.Geometry) -> str:
    return str(shapely.to_wkt(geom, rounding_precision=7, trim=True))


def check_polygon(
    feature: Feature, aoi: Aoi, on_invalid: OnInvalid
) -> tuple[shapely.Geometry, str]:
    """The feature's polygon (repaired if need be) and a note about any repair."""
    geom = feature_geometry(feature)
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise feature.error(f"a zone is a Polygon or MultiPolygon, got {geom.geom_type}")
    coords = shapely.get_coordinates(geom)
    problem = aoi.problem(coords[:, 0], coords[:, 1])
    if problem:
        raise feature.error(problem)
    note = ""
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        if on_invalid == "raise":
            raise feature.error(f"invalid polygon: {reason}")
        repaired = _polygonal(shapely.make_valid(geom))
        if repaired.is_empty:
            raise feature.error(f"invalid polygon ({reason}) and make_valid left no area")
        before = geometry_to_metric(geom).area / 1e6 if geom.area else 0.0
        after = geometry_to_metric(repaired).area / 1e6
        note = (
            f"repaired with make_valid: {reason}; {repaired.geom_type} of "
            f"{len(shapely.get_parts(repaired))} part(s), {after:.2f} km² (was {before:.2f} km²)"
        )
        geom = repaired
    rounded = shapely.from_wkt(_wkt(geom))
    if not rounded.is_valid:  # rounding to 1 cm can pinch a ring; repair again
        rounded = _polygonal(shapely.make_valid(rounded))
    return rounded, note


def _date(feature: Feature, name: str) -> date | None:
    value = feature.properties.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise feature.error(f"{name} {value!r} is not a date like 2018-09-17") from None


def _bool(feature: Feature, name: str, default: bool) -> bool:
    value = feature.properties.get(name, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "y"):
        return True
    if text in ("false", "no", "0", "n", ""):
        return False
    raise feature.error(f"{name} {value!r} is not true or false")


def read_zones(
    path: Path,
    *,
    aoi: Aoi | None = None,
    on_invalid: OnInvalid = "repair",
    approximate: bool | None = None,
    source: str | None = None,
) -> ZoneLoad:
    """Validate every feature of ``path`` as a zone; raise on the first bad one."""
    aoi = aoi or default_aoi()
    load = ZoneLoad()
    seen: dict[str, int] = {}
    for feature in read_features(path):
        if not feature.id:
            raise feature.error("has no id (set properties.id, e.g. 'idlib-dmz')")
        if feature.id in seen:
            raise feature.error(f"id {feature.id!r} is also used by feature {seen[feature.id]}")
        seen[feature.id] = feature.index
        try:
            kind = zone_kind(feature.properties.get("kind", ""))
        except ValueError as exc:
            raise feature.error(str(exc)) from None
        geom, note = check_polygon(feature, aoi, on_invalid)
        wkt = _wkt(geom)
        if len(wkt) > MAX_WKT:
            raise feature.error(
                f"{shapely.get_num_coordinates(geom)} vertices is too many for one ledger entry "
                f"({len(wkt)} characters of WKT, limit {MAX_WKT}); simplify it (e.g. to 10 m)"
            )
        props: dict[str, Any] = feature.properties
        notes = "; ".join(n for n in (str(props.get("notes") or ""), note) if n)
        try:
            zone = Zone(
                id=feature.id,
                name=str(props.get("name") or feature.id),
                kind=kind,
                wkt=wkt,
                valid_from=_date(feature, "valid_from"),
                valid_to=_date(feature, "valid_to"),
                approximate=(
                    approximate if approximate is not None else _bool(feature, "approximate", False)
                ),
                source=str(source if source is not None else props.get("source") or ""),
                notes=notes,
            )
        except pydantic.ValidationError as exc:
            raise validation_error(exc, feature.where) from None
        load.zones.append(zone)
        if note:
            load.notes.append(f"{feature.where}: {note}")
    return load


def add_zones(node: Node, author: str, load: ZoneLoad) -> list[str]:
    """Record the zones (all or none); returns one line per zone saying what was recorded."""
    if not load.zones:
        raise ValidationError("no zones to add")
    current = {r["id"]: r["version"] for r in node.store.rows("zones")}
    entries = append_batch(node, author, [("zone.defined", z) for z in load.zones])
    first = node.ledger.size - len(entries)
    lines = []
    for offset, zone in enumerate(load.zones):
        version = current.get(zone.id, 0) + 1
        area = geometry_to_metric(shapely.from_wkt(zone.wkt)).area / 1e6
        flag = " (approximate)" if zone.approximate else ""
        lines.append(
            f"zone {zone.id} v{version}: {zone.kind.value}, {area:,.1f} km²{flag} "
            f"[entry {first + offset}]"
        )
    return lines


def list_zones(node: Node) -> list[dict[str, Any]]:
    rows = sorted(node.store.rows("zones"), key=lambda r: r["id"])
    for row in rows:
        geom = shapely.from_wkt(row["wkt"])
        row["area_km2"] = round(float(geometry_to_metric(geom).area) / 1e6, 2)
        minx, miny, maxx, maxy = (float(v) for v in np.round(geom.bounds, 5))
        row["bbox"] = [minx, miny, maxx, maxy]
    return rows
