"""How truce lays out a GeoJSON FeatureCollection: one feature per line, for readable diffs.

Streams: features are written as they come, so an export of any size keeps memory flat.
Positions carry at most six decimals (about 0.1 m; RFC 7946 section 11.2 recommends no more)
and polygon rings follow the right-hand rule (section 3.1.6: exterior counter-clockwise, holes
clockwise), as :func:`polygon_geometry` writes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

import shapely
from shapely.geometry import mapping

__all__ = ["PRECISION", "polygon_geometry", "position", "write_collection"]

PRECISION = 6


def position(lon: Any, lat: Any) -> list[float]:
    return [round(float(lon), PRECISION), round(float(lat), PRECISION)]


def _rounded(coordinates: Any) -> Any:
    if coordinates and isinstance(coordinates[0], int | float):
        return [round(float(c), PRECISION) for c in coordinates]
    return [_rounded(c) for c in coordinates]


def polygon_geometry(wkt: str) -> dict[str, Any]:
    """A (Multi)Polygon from WKT as RFC 7946 wants it: right-hand rule, six decimals."""
    geometry = shapely.orient_polygons(shapely.from_wkt(wkt), exterior_cw=False)
    shape = dict(mapping(geometry))
    return {"type": shape["type"], "coordinates": _rounded(shape["coordinates"])}


def write_collection(
    stream: TextIO, features: Iterable[dict[str, Any]], members: dict[str, Any] | None = None
) -> int:
    """Write the collection; returns the number of features written."""
    """Write an RFC 7946 FeatureCollection; ``members`` are foreign members (section 6.1)."""
    head = {"type": "FeatureCollection", **(members or {})}
    stream.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [')
    count = 0
    for feature in features:
        stream.write(",\n" if count else "\n")
        stream.write(json.dumps(feature, ensure_ascii=False))
        count += 1
    stream.write("\n]}\n")
    return count
