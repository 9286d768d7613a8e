"""Sites and zones files as OCHA and HDX publish them: column maps and out-of-area features.

truce's site and zone loaders (:mod:`truce.agreement.sites`, :mod:`truce.agreement.zones`) read
truce's own property names and stop at the first feature outside the area of interest. A COD-AB
boundary or an OCHA communities list has other names (``ADM3_PCODE``, ``ADM3_EN``,
``admin4Pcode``...) and covers a whole country. :func:`prepare` rewrites such a file for the
loaders, before they check it:

- ``mapping`` renames properties (GeoJSON) or header cells (CSV) -- ``{"ADM3_PCODE": "id",
  "ADM3_EN": "name"}`` makes P-codes the ids and the English names the names; a feature's
  GeoJSON ``id`` follows its mapped ``id``;
- ``kind`` fills the kind of features that have none (``village``-like lists have no kind);
- features wholly outside the area of interest are counted and left out, with one note, instead
  of stopping the import -- except where the coordinates would be inside read the other way
  round, which the loader then reports as swapped (a file to fix, not rows to skip).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from truce.errors import ValidationError
from truce.intake import loads_json, read_text

if TYPE_CHECKING:
    from truce.agreement.aoi import Aoi

__all__ = ["Prepared", "parse_map", "prepare"]

_LAT = ("lat", "latitude", "y")
_LON = ("lon", "lng", "long", "longitude", "x")


@dataclass
class Prepared:
    path: Path
    outside: int = 0
    notes: list[str] = field(default_factory=list)


def parse_map(items: Sequence[str]) -> dict[str, str]:
    """``["ADM3_PCODE=id", "ADM3_EN=name"]`` as a mapping; a bad item says how to write it."""
    mapping: dict[str, str] = {}
    for item in items:
        source, sep, target = item.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValidationError(
                f"--map {item!r}: write FILE_COLUMN=FIELD, e.g. ADM3_PCODE=id", field="map"
            )
        mapping[source.strip()] = target.strip()
    return mapping


def _outside(aoi: Aoi, coords: np.ndarray[Any, Any]) -> bool:
    """Wholly outside the area, and not merely written latitude first."""
    if aoi.geometry is None or not len(coords):
        return False
    lon, lat = coords[:, 0], coords[:, 1]
    return not aoi.contains(lon, lat).any() and not aoi.contains(lat, lon).any()


def _geojson(path: Path, out: Path, mapping: dict[str, str], kind: str | None, aoi: Aoi) -> int:
    data = loads_json(read_text(path, encoding="utf-8"), path)
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        return -1  # not a collection: let the loader say what it is
    kept, outside = [], 0
    for feature in data["features"]:
        if not isinstance(feature, dict):
            kept.append(feature)
            continue
        props = feature.get("properties") or {}
        if mapping and isinstance(props, dict):
            renamed = {mapping[k]: v for k, v in props.items() if k in mapping}
            props = {**{k: v for k, v in props.items() if k not in renamed}, **renamed}
            if "id" in renamed:
                feature["id"] = str(renamed["id"])
        if kind and isinstance(props, dict) and not props.get("kind"):
            props = {**props, "kind": kind}
        feature["properties"] = props
        geometry = feature.get("geometry")
        if geometry:
            try:
                coords = shapely.get_coordinates(shapely.from_geojson(json.dumps(geometry)))
            except (shapely.errors.GEOSException, ValueError, TypeError):
                coords = np.empty((0, 2))  # the loader reports the bad geometry
            if _outside(aoi, coords):
                outside += 1
                continue
        kept.append(feature)
    data["features"] = kept
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return outside


def _csv(path: Path, out: Path, mapping: dict[str, str], kind: str | None, aoi: Aoi) -> int:
    try:
        rows = list(csv.reader(io.StringIO(read_text(path))))
    except csv.Error:
        return -1  # the loader says where it is not CSV
    if not rows:
        return -1
    header = [mapping.get(h.strip(), h) for h in rows[0]]
    hxl = len(rows) > 1 and any(c.strip().startswith("#") for c in rows[1][:3])
    body = rows[2:] if hxl else rows[1:]
    lower = [h.strip().lower() for h in header]
    lat = next((i for i, h in enumerate(lower) if h in _LAT), None)
    lon = next((i for i, h in enumerate(lower) if h in _LON), None)
    extra = [kind] if kind and "kind" not in lower and "type" not in lower else []
    outside = 0
    kept: list[list[str]] = []
    for row in body:
        if lat is not None and lon is not None and max(lat, lon) < len(row):
            try:
                point = np.array([[float(row[lon]), float(row[lat])]])
            except ValueError:
                point = np.empty((0, 2))  # the loader reports the bad number
            if _outside(aoi, point):
                outside += 1
                continue
        kept.append([*row, *extra])
    head = [[*header, *(["kind"] if extra else [])]]
    if hxl:
        head.append([*rows[1], *(["#loc+type"] if extra else [])])
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(head + kept)
    return outside


@contextmanager
def prepare(
    path: Path,
    mapping: dict[str, str] | None = None,
    kind: str | None = None,
    aoi: Aoi | None = None,
) -> Iterator[Prepared]:
    """A copy of ``path`` the loaders read (see the module docstring), removed afterwards."""
    from truce.agreement.aoi import default_aoi  # the agreement capability owns the area

    aoi = aoi or default_aoi()
    with tempfile.TemporaryDirectory(prefix="truce-import-") as tmp:
        out = Path(tmp) / path.name  # the loader's messages name the user's file
        suffix = path.suffix.lower()
        if suffix in (".geojson", ".json"):
            outside = _geojson(path, out, mapping or {}, kind, aoi)
        elif suffix in (".csv", ".hxl", ".txt"):
            outside = _csv(path, out, mapping or {}, kind, aoi)
        else:
            outside = -1
        if outside < 0:
            yield Prepared(path)
            return
        prepared = Prepared(out, outside)
        if outside:
            prepared.notes.append(
                f"skipped {outside} feature(s) wholly outside the area of interest ({aoi.name})"
            )
        yield prepared
