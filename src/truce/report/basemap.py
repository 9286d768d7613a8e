"""The basemap layers under the report's map, read from the GeoJSON files truce ships.

Natural Earth (public domain) countries, borders, rivers, lakes and towns, and the OCHA COD-AB
governorate boundaries (CC BY-IGO), as ``truce.geo`` ships them in ``truce/geo/data`` (see its
``SOURCES.md``). The directory is found, not assumed: ``$TRUCE_BASEMAP_DIR`` if set, else the
package data. :func:`basemap` gives whichever layers are there, possibly none -- the map then
falls back to plain axes with a graticule and says so.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

__all__ = ["ATTRIBUTION", "Basemap", "basemap", "data_dirs"]

ATTRIBUTION = "Basemap: Natural Earth (public domain); governorates: OCHA COD-AB (CC BY-IGO)."

# layer name -> file name patterns, first match wins (found in any data directory).
_LAYERS: dict[str, tuple[str, ...]] = {
    "countries": ("ne_50m_admin_0_countries*.geojson", "ne_110m_admin_0_countries*.geojson"),
    "borders": ("ne_50m_admin_0_boundary_lines_land*.geojson",),
    "admin1": ("syr_adm1_*.geojson",),
    "rivers": ("ne_10m_rivers*.geojson",),
    "lakes": ("ne_10m_lakes*.geojson",),
    "places": ("ne_10m_populated_places*.geojson",),
}


@dataclass(frozen=True)
class Layer:
    name: str
    source: str
    #: (geometry, properties) per feature
    features: tuple[tuple[shapely.Geometry, dict[str, Any]], ...]


@dataclass(frozen=True)
class Basemap:
    layers: dict[str, Layer]

    def __bool__(self) -> bool:
        return bool(self.layers)


def data_dirs() -> list[Path]:
    """Where basemap files may be: $TRUCE_BASEMAP_DIR, then the package's geo data."""
    dirs: list[Path] = []
    override = os.environ.get("TRUCE_BASEMAP_DIR")
    if override:
        dirs.append(Path(override))
    try:
        root = Path(str(resources.files("truce.geo").joinpath("data")))
        dirs += [root / "basemap", root / "admin"]
    except ModuleNotFoundError:  # a build without the geo package: no basemap
        pass
    return [d for d in dirs if d.is_dir()]


def _find(patterns: tuple[str, ...], dirs: list[Path]) -> Path | None:
    for pattern in patterns:
        for d in dirs:
            found = sorted(d.glob(pattern))
            if found:
                return found[0]
    return None


@lru_cache(maxsize=4)
def _read(path: str) -> Layer:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    features = []
    for f in data.get("features", []):
        if not f.get("geometry"):
            continue
        features.append((shape(f["geometry"]), dict(f.get("properties") or {})))
    return Layer(Path(path).stem, Path(path).name, tuple(features))


def basemap(dirs: list[Path] | None = None) -> Basemap:
    dirs = data_dirs() if dirs is None else dirs
    layers = {}
    for name, patterns in _LAYERS.items():
        path = _find(patterns, dirs)
        if path is not None:
            layers[name] = _read(str(path))
    return Basemap(layers)
