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

from truce import jsonlimits
from truce.errors import ValidationError

__all__ = ["Feature", "feature_geometry", "read_features"]

MAX_BYTES = 50_000_000


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
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValidationError(f"{path}: larger than {MAX_BYTES // 1_000_000} MB")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read ({exc.strerror})") from None
    return jsonlimits.loads(text, str(path))


def read_features(path: Path) -> list[Feature]:
    data = read_json(path)
    if not isinstance(data, dict) or "type" not in data:
        raise ValidationError(f"{path}: not GeoJSON (expected an object with a 'type')")
    kind = data["type"]
    if kind == "FeatureCollection":
        raw = data.get("features")
        if not isinstance(raw, list):
            raise ValidationError(f"{path}: a FeatureCollection needs a 'features' array")
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


def feature_geometry(feature: Feature) -> shapely.Geometry:
    """The feature's geometry as shapely, or a ValidationError that says what is wrong."""
    geom = feature.geometry
    if geom is None:
        raise feature.error("has no geometry")
    if geom.get("type") not in _GEOMETRY_TYPES:
        raise feature.error(f"geometry type {geom.get('type')!r} is not a GeoJSON geometry")
    if geom["type"] != "GeometryCollection" and not _finite(geom.get("coordinates")):
        raise feature.error("geometry coordinates must be arrays of numbers")
    try:
        shape = shapely.geometry.shape(geom)
    except (ValueError, TypeError, IndexError, AttributeError) as exc:
        raise feature.error(f"geometry is not valid GeoJSON: {exc}") from None
    except shapely.errors.GEOSException as exc:
        raise feature.error(f"geometry is not valid GeoJSON: {exc}") from None
    if shape.is_empty:
        raise feature.error("geometry is empty")
    return shape
