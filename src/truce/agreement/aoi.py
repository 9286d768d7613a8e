"""The area of interest and the metric projection used for every distance.

**Area of interest (AOI).** Coordinates outside it are refused: they are either a mistake or, very
often, latitude and longitude given in the wrong order (GeoJSON is longitude, latitude: RFC 7946
§3.1.1; CSV and GPX say which is which by name). In north-west Syria latitude (~34.9–36.9) and
longitude (~35.7–38.7) overlap, so a bounding box cannot tell a swapped point from a good one;
the default AOI is therefore the outline of the four north-west governorates (OCHA COD-AB admin 1:
Aleppo, Hama, Idleb, Lattakia, buffered ~3 km, see ``data/README.md``). A swapped Idlib point
lands in Hatay or in the sea, outside it. Set ``TRUCE_AOI`` to ``minlon,minlat,maxlon,maxlat``,
to a GeoJSON or WKT file, or to ``none``.

**Distances** are computed in UTM zone 37N (EPSG:32637, via pyproj/PROJ). North-west Syria lies
1.3–3.3° west of the zone's central meridian (39°E); the scale error there is at most
+0.03 % (k ≈ 1.0003 at 36°E), i.e. 3 m in 10 km — far below any report's location error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer

from truce.agreement.geojson import ring_problem
from truce.errors import ConfigError, ValidationError
from truce.intake import loads_json, read_text

__all__ = ["METRIC_CRS", "Aoi", "aoi_from_setting", "default_aoi", "to_lonlat", "to_metric"]

METRIC_CRS = "EPSG:32637"  # WGS 84 / UTM zone 37N


@cache
def _forward() -> Transformer:
    return Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


@cache
def _inverse() -> Transformer:
    return Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def to_metric(
    lon: NDArray[np.float64] | float, lat: NDArray[np.float64] | float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Longitude/latitude degrees to UTM 37N metres (x east, y north)."""
    x, y = _forward().transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def to_lonlat(
    x: NDArray[np.float64] | float, y: NDArray[np.float64] | float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lon, lat = _inverse().transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def geometry_to_metric(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(to_metric(xy[:, 0], xy[:, 1])))


def geometry_to_lonlat(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(to_lonlat(xy[:, 0], xy[:, 1])))


@dataclass(frozen=True)
class Aoi:
    """A named polygon in longitude/latitude; ``None`` geometry accepts everything."""

    name: str
    geometry: shapely.Geometry | None

    def __post_init__(self) -> None:
        if self.geometry is not None:
            shapely.prepare(self.geometry)

    def contains(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.bool_]:
        if self.geometry is None:
            return np.ones(np.shape(lon), dtype=bool)
        return np.asarray(shapely.contains_xy(self.geometry, lon, lat), dtype=bool)

    def problem(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> str | None:
        """None if every point is inside; else a sentence saying what looks wrong."""
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        inside = self.contains(lon, lat)
        if inside.all():
            return None
        first = int(np.argmin(inside))
        where = f"({lon[first]:.5f}, {lat[first]:.5f})"
        if self.contains(lat, lon).all():
            return (
                f"the coordinates look swapped: {where} is outside {self.name} but every point "
                "is inside it read the other way round; give longitude first, then latitude"
            )
        return (
            f"point {where} (longitude, latitude) is outside the area of interest ({self.name}); "
            "check the coordinates, or set TRUCE_AOI"
        )


@cache
def default_aoi() -> Aoi:
    text = resources.files("truce.agreement").joinpath("data/aoi_nw_syria.wkt").read_text("utf-8")
    return Aoi(
        "north-west Syria: Aleppo, Hama, Idleb, Lattakia governorates", shapely.from_wkt(text)
    )


def aoi_from_setting(value: str | None) -> Aoi:
    """Read ``TRUCE_AOI``: empty for the default, ``none``, a bbox, or a GeoJSON/WKT file."""
    if not value:
        return default_aoi()
    if value.strip().lower() == "none":
        return Aoi("anywhere", None)
    parts = value.split(",")
    if len(parts) == 4:
        try:
            minx, miny, maxx, maxy = (float(p) for p in parts)
        except ValueError:
            raise ConfigError(f"TRUCE_AOI {value!r} is not minlon,minlat,maxlon,maxlat") from None
        if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
            raise ConfigError(f"TRUCE_AOI {value!r} is not a longitude/latitude box")
        return Aoi(f"box {value}", shapely.box(minx, miny, maxx, maxy))
    path = Path(value)
    if not path.is_file():
        raise ConfigError(
            f"TRUCE_AOI {value!r} is neither a box, 'none', nor a readable file",
            hint="Use minlon,minlat,maxlon,maxlat, a GeoJSON or WKT file, or 'none'.",
        )
    try:
        text = read_text(path, encoding="utf-8")
        if text.lstrip().startswith("{"):
            data = loads_json(text, path)
            features = data.get("features") or [data]
            for f in features:
                if (problem := ring_problem(f.get("geometry", f))) is not None:
                    raise ConfigError(f"TRUCE_AOI file {path}: {problem}")
            geoms = [shapely.geometry.shape(f.get("geometry", f)) for f in features]
            geom = shapely.union_all(geoms)
        else:
            geom = shapely.from_wkt(text)
    except ValidationError as exc:
        raise ConfigError(f"TRUCE_AOI file {exc.message}", hint=exc.hint) from None
    except (ValueError, KeyError, AttributeError, TypeError, shapely.errors.GEOSException) as exc:
        raise ConfigError(f"TRUCE_AOI file {path}: not a GeoJSON or WKT polygon ({exc})") from None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ConfigError(f"TRUCE_AOI file {path}: a {geom.geom_type}, not a polygon")
    return Aoi(str(path), geom)
