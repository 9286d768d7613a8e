"""Reading GeoJSON (RFC 7946) files into features, with errors that name the feature.

Accepts a FeatureCollection, a single Feature, or a bare geometry. Every problem is a
:class:`~truce.errors.ValidationError` naming the file and the feature's index (0-based, as in
``features[3]``) and, when it has one, its id, so the user can find it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
import shapely.geometry

from truce.errors import ValidationError
from truce.intake import check_records, loads_json, read_text

__all__ = ["Feature", "feature_geometry", "read_features", "ring_problem"]


@dataclass(frozen=True)
class Feature:
    index: int
    id: str | None
    properties: dict[str, Any]
    geometry: dict[str, Any] | None
    path: Path

    @property
    def where(self) -> str:
        named = f" ({self.id!r})" if self.id else ""
        return f"{self.path.name} feature {self.index}{named}"

    def error(self, message: str) -> ValidationError:
        return ValidationError(f"{self.where}: {message}")


def read_json(path: Path) -> Any:
    """The file's JSON: capped read, UTF-8, no duplicate keys (:mod:`truce.intake`)."""
    return loads_json(read_text(path), path)


def read_features(path: Path) -> list[Feature]:
    data = read_json(path)
    if not isinstance(data, dict) or "type" not in data:
        raise ValidationError(f"{path}: not GeoJSON (expected an object with a 'type')")
    kind = data["type"]
    if kind == "FeatureCollection":
        raw = data.get("features")
        if not isinstance(raw, list):
            raise ValidationError(f"{path}: a FeatureCollection needs a 'features' array")
        check_records(len(raw), path, "features")
    elif kind == "Feature":
        raw = [data]
    elif kind in _GEOMETRY_TYPES:
        raw = [{"type": "Feature", "properties": {}, "geometry": data}]
    else:
        raise ValidationError(f"{path}: GeoJSON type {kind!r} is not a Feature or geometry")
    features: list[Feature] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or item.get("type") != "Feature":
            raise ValidationError(f"{path.name} feature {index}: not a GeoJSON Feature object")
        props = item.get("properties") or {}
        if not isinstance(props, dict):
            raise ValidationError(f"{path.name} feature {index}: 'properties' is not an object")
        ident = props.get("id", item.get("id"))
        geometry = item.get("geometry")
        if geometry is not None and not isinstance(geometry, dict):
            raise ValidationError(f"{path.name} feature {index}: 'geometry' is not an object")
        features.append(
            Feature(index, None if ident is None else str(ident), props, geometry, path)
        )
    if not features:
        raise ValidationError(f"{path}: no features")
    return features


_GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)


def _finite(coords: Any) -> bool:
    if isinstance(coords, (int, float)) and not isinstance(coords, bool):
        return math.isfinite(coords)
    if isinstance(coords, list):
        return all(_finite(c) for c in coords)
    return False


def _rings(geom: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every linear ring of a GeoJSON geometry, each with a name saying where it is."""
    kind, coords = geom.get("type"), geom.get("coordinates")
    if kind == "Polygon" and isinstance(coords, list):
        return [(f"ring {i}", r) for i, r in enumerate(coords)]
    if kind == "MultiPolygon" and isinstance(coords, list):
        return [
            (f"polygon {p} ring {i}", r)
            for p, poly in enumerate(coords)
            if isinstance(poly, list)
            for i, r in enumerate(poly)
        ]
    if kind == "GeometryCollection":
        return [
            (f"geometry {g} {name}", r)
            for g, part in enumerate(geom.get("geometries") or [])
            if isinstance(part, dict)
            for name, r in _rings(part)
        ]
    return []


def ring_problem(geom: dict[str, Any]) -> str | None:
    """Why a GeoJSON geometry's rings are not RFC 7946 linear rings (closed, at least four
    positions), or None. Read as given: shapely would close an open ring silently, turning a
    line someone forgot to finish into an area they never drew (issue 23)."""
    for name, ring in _rings(geom):
        if not isinstance(ring, list) or len(ring) < 4:
            size = len(ring) if isinstance(ring, list) else 0
            return (
                f"{name} has {size} positions; a linear ring has at least 4, the last "
                "repeating the first (RFC 7946 3.1.6)"
            )
        if ring[0] != ring[-1]:
            return (
                f"{name} is not closed: it ends at {ring[-1]}, not at its first position "
                f"{ring[0]}; repeat the first position at the end if the area is meant as "
                "drawn (RFC 7946 3.1.6)"
            )
    return None


def feature_geometry(feature: Feature) -> shapely.Geometry:
    """The feature's geometry as shapely, or a ValidationError that says what is wrong."""
    geom = feature.geometry
    if geom is None:
        raise feature.error("has no geometry")
    if geom.get("type") not in _GEOMETRY_TYPES:
        raise feature.error(f"geometry type {geom.get('type')!r} is not a GeoJSON geometry")
    if geom["type"] != "GeometryCollection" and not _finite(geom.get("coordinates")):
        raise feature.error("geometry coordinates must be arrays of numbers")
    if (problem := ring_problem(geom)) is not None:
        raise feature.error(f"geometry is not valid GeoJSON: {problem}")
    try:
        shape = shapely.geometry.shape(geom)
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise feature.error(f"geometry is not valid GeoJSON: {exc}") from None
    except shapely.errors.GEOSException as exc:
        raise feature.error(f"geometry is not valid GeoJSON: {exc}") from None
    if shape.is_empty:
        raise feature.error("geometry is empty")
    return shape
