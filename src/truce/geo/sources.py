"""Readers for gazetteer source files, and the merge of their records into places.

Three input formats, so a center elsewhere can load its own area:

- **GeoNames dump** (``SY.txt`` layout: 19 tab-separated columns, no header), or the same with a
  header row and the extra Who's On First columns (``name_ar``, ``wof_id``, ``wof_deprecated``…)
  as in ``data/sources/syr_localities_wof_geonames.tsv``. Feature classes P (populated places)
  become ``populated place``, S (spots: bases, airports, hospitals) become ``site``; hills,
  wadis and admin records are skipped. Records WOF marks deprecated are skipped.
- **OCHA-style CSV** (the community P-code list): columns found by name, case-insensitive:
  an id (``Location_Pcode``/``admin4Pcode``/``pcode``/``id``), an English name
  (``admin4Name_en``/``LocationName_en``/``name``), optionally an Arabic name
  (``admin4Name_ar``/``LocationName_ar``/``name_ar``), ``latitude``/``lat`` and
  ``longitude``/``lon``, optionally ``admin1Pcode``… ``admin3Pcode`` and ``names`` (variants
  separated by ``|``) and ``kind``.
- **GeoJSON** FeatureCollection of Point features whose properties use the CSV column names.

Merging: two records are the same place when they lie within :data:`MERGE_KM` of each other and
share a normalised Latin name, a normalised Arabic name or (within 1 km) a consonant skeleton;
a merged place holds at most one OCHA community and one GeoNames record (OCHA's coordinates,
P-codes and name win; the ids of both are kept). Never a coordinate is made up: every place has
the coordinates of one of its source records.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from truce.errors import ValidationError
from truce.geo.distance import haversine_km
from truce.geo.names import arabic_key, has_arabic, is_latin, latin_key, skeleton
from truce.intake import check_records, loads_json, read_text

__all__ = [
    "GEONAMES_ADMIN1_TO_PCODE",
    "MERGE_KM",
    "SourceRecord",
    "merge",
    "read_csv_places",
    "read_geojson_places",
    "read_geonames",
    "read_places",
]

MERGE_KM = 2.0
_SKELETON_MERGE_KM = 1.0

#: GeoNames admin-1 codes for Syria → OCHA ADM1 P-codes (SOURCES.md, table).
GEONAMES_ADMIN1_TO_PCODE = {
    "13": "SY01", "09": "SY02", "08": "SY03", "11": "SY04", "10": "SY05", "02": "SY06",
    "12": "SY07", "01": "SY08", "07": "SY09", "14": "SY10", "04": "SY11", "06": "SY12",
    "05": "SY13", "03": "SY14",
}  # fmt: skip

_GEONAMES_COLUMNS = (
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude",
    "feature_class", "feature_code", "country_code", "cc2", "admin1_code", "admin2_code",
    "admin3_code", "admin4_code", "population", "elevation", "dem", "timezone",
    "modification_date",
)  # fmt: skip


@dataclass
class SourceRecord:
    """One row of one source, before merging."""

    source: str  # "ocha", "geonames", "wof", "file"
    id: str
    name: str
    lat: float
    lon: float
    names: list[str] = field(default_factory=list)
    names_ar: list[str] = field(default_factory=list)
    kind: str = "populated place"
    population: int | None = None
    feature_code: str = ""
    admin1_pcode: str = ""
    admin2_pcode: str = ""
    admin3_pcode: str = ""

    def latin_keys(self) -> set[str]:
        return {k for k in (latin_key(n) for n in self.names) if k}

    def arabic_keys(self) -> set[str]:
        return {k for k in (arabic_key(n) for n in self.names_ar) if k}

    def skeletons(self) -> set[str]:
        return {k for k in (skeleton(n) for n in self.names) if k}


def _split_names(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """Latin-script and Arabic-script names, de-duplicated in order; other scripts dropped."""
    latin: dict[str, None] = {}
    arabic: dict[str, None] = {}
    for value in values:
        value = " ".join(value.split())
        if not value:
            continue
        if has_arabic(value):
            arabic[value] = None
        elif is_latin(value):
            latin[value] = None
    return list(latin), list(arabic)


def _float(value: str, what: str, where: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValidationError(f"{where}: {what} {value!r} is not a number") from None
    if number != number or abs(number) > (90 if what == "latitude" else 180):
        raise ValidationError(f"{where}: {what} {value!r} is out of range")
    return number


def read_geonames(path: Path) -> Iterator[SourceRecord]:
    """Records of a GeoNames dump (see the module docstring)."""
    with io.StringIO(read_text(path, encoding="utf-8"), newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = list(_GEONAMES_COLUMNS)
        for lineno, row in enumerate(reader, start=1):
            check_records(lineno - 1, path, "lines")
            if lineno == 1 and row and row[0] == "geonameid":
                header = row
                continue
            if not row or row[0].startswith("#"):
                continue
            if len(row) < len(_GEONAMES_COLUMNS):
                raise ValidationError(
                    f"{path}:{lineno}: {len(row)} columns, a GeoNames dump has 19 "
                    "tab-separated columns (geonameid, name, asciiname, alternatenames, ...)"
                )
            rec = dict(zip(header, row, strict=False))
            if rec.get("wof_deprecated"):
                continue
            fclass = rec["feature_class"]
            if fclass not in ("P", "S", ""):
                continue
            where = f"{path}:{lineno}"
            lat = _float(rec["latitude"], "latitude", where)
            lon = _float(rec["longitude"], "longitude", where)
            names, names_ar = _split_names(
                [
                    rec["name"],
                    rec["asciiname"],
                    rec.get("wof_name", ""),
                    rec.get("name_ar", ""),
                    *rec["alternatenames"].split(","),
                ]
            )
            if not names and not names_ar:
                continue
            if rec["geonameid"]:
                source, ident = "geonames", f"geonames:{rec['geonameid']}"
            elif rec.get("wof_id"):
                source, ident = "wof", f"wof:{rec['wof_id']}"
            else:
                raise ValidationError(f"{where}: a record needs a geonameid (first column)")
            population = int(rec["population"]) if rec["population"].isdigit() else 0
            admin1 = ""
            if rec["country_code"] in ("SY", ""):
                admin1 = GEONAMES_ADMIN1_TO_PCODE.get(rec["admin1_code"], "")
            yield SourceRecord(
                source=source,
                id=ident,
                name=rec["name"] if is_latin(rec["name"]) else (names or names_ar)[0],
                lat=lat,
                lon=lon,
                names=names,
                names_ar=names_ar,
                kind="site" if fclass == "S" else "populated place",
                population=population or None,
                feature_code=rec["feature_code"],
                admin1_pcode=admin1,
            )


_DISAMBIGUATION_EN = re.compile(r"\s*\([^)]*\)\s*$")
_DISAMBIGUATION_AR = re.compile(r"\s+-\s+.*$")
_COLUMN_ALIASES = {
    "id": ("location_pcode", "admin4pcode", "pcode", "id"),
    "name": ("admin4name_en", "locationname_en", "name", "name_en"),
    "name_alt": ("locationname_en", "admin4name_en_disambiguated"),
    "name_ar": ("admin4name_ar", "locationname_ar", "name_ar"),
    "name_ar_alt": ("locationname_ar",),
    "lat": ("latitude", "lat", "y"),
    "lon": ("longitude", "lon", "lng", "long", "x"),
    "admin1": ("admin1pcode", "admin1_pcode", "adm1_pcode"),
    "admin2": ("admin2pcode", "admin2_pcode", "adm2_pcode"),
    "admin3": ("admin3pcode", "admin3_pcode", "adm3_pcode"),
    "names": ("names", "alternatenames"),
    "kind": ("kind",),
    "population": ("population",),
}


def _pick(row: dict[str, str], key: str) -> str:
    for column in _COLUMN_ALIASES[key]:
        value = row.get(column)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _parts(name: str, context: set[str]) -> list[str]:
    """A combined community "Maalaqa - Bishlamon" / "المعلقة_بشلامون" / "Rabwa / Harbuq" is
    findable by each part; a part naming the admin unit ("Shamiyeh / Lattakia") only
    disambiguates and is dropped."""
    parts = [p.strip() for p in re.split(r"\s+-\s+|_|/", name) if p.strip()]
    if len(parts) < 2:
        return []
    return [p for p in parts if (arabic_key(p) if has_arabic(p) else latin_key(p)) not in context]


def _row_record(row: dict[str, str], where: str, prefix: str) -> SourceRecord:
    row = {k.strip().lower(): ("" if v is None else str(v)) for k, v in row.items() if k}
    ident, name = _pick(row, "id"), _pick(row, "name")
    if not ident or not name:
        raise ValidationError(
            f"{where}: needs an id (Location_Pcode, pcode or id) and a name (LocationName_en, name)"
        )
    lat = _float(_pick(row, "lat"), "latitude", where)
    lon = _float(_pick(row, "lon"), "longitude", where)
    english = [name, _DISAMBIGUATION_EN.sub("", _pick(row, "name_alt"))]
    arabic = [_pick(row, "name_ar"), _DISAMBIGUATION_AR.sub("", _pick(row, "name_ar_alt"))]
    extra = [n for n in _pick(row, "names").replace(",", "|").split("|")]
    context = {
        arabic_key(v) if has_arabic(v) else latin_key(v)
        for k, v in row.items()
        if k.startswith("admin") and ("name_" in k) and k[5] in "123" and v
    }
    names, names_ar = _split_names(
        english + arabic + extra + [p for n in english + arabic for p in _parts(n, context)]
    )
    kind = _pick(row, "kind") or "populated place"
    if kind not in ("populated place", "site"):
        raise ValidationError(f"{where}: kind {kind!r} must be 'populated place' or 'site'")
    population = _pick(row, "population")
    source = "ocha" if prefix == "ocha" else "file"
    return SourceRecord(
        source=source,
        id=ident if ":" in ident else f"{prefix}:{ident}",
        name=name,
        lat=lat,
        lon=lon,
        names=names,
        names_ar=names_ar,
        kind=kind,
        population=int(population) if population.isdigit() and int(population) else None,
        admin1_pcode=_pick(row, "admin1"),
        admin2_pcode=_pick(row, "admin2"),
        admin3_pcode=_pick(row, "admin3"),
    )


def _prefix(columns: Iterable[str]) -> str:
    lowered = {c.strip().lower() for c in columns if c}
    return "ocha" if {"location_pcode", "admin4pcode"} & lowered else "place"


def read_csv_places(path: Path) -> Iterator[SourceRecord]:
    """Records of an OCHA-style CSV (see the module docstring). Ids get the prefix ``ocha:``
    for OCHA's community list, else ``place:`` unless they carry their own ``prefix:``."""
    with io.StringIO(read_text(path), newline="") as handle:
        reader = csv.DictReader(handle)
        prefix = _prefix(reader.fieldnames or ())
        for lineno, row in enumerate(reader, start=2):
            check_records(lineno - 1, path, "rows")
            yield _row_record(row, f"{path}:{lineno}", prefix)


def read_geojson_places(path: Path) -> Iterator[SourceRecord]:
    """Records of a GeoJSON FeatureCollection of Points (properties as in the CSV)."""
    document = loads_json(read_text(path, encoding="utf-8"), path)
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise ValidationError(f"{path}: expected a GeoJSON FeatureCollection")
    check_records(len(features), path, "features")
    prefix = _prefix(features[0].get("properties") or {} if features else {})
    for number, feature in enumerate(features, start=1):
        where = f"{path}: feature {number}"
        geometry = feature.get("geometry") or {}
        if geometry.get("type") != "Point":
            raise ValidationError(f"{where}: geometry must be a Point, got {geometry.get('type')}")
        lon, lat = geometry["coordinates"][:2]
        properties = dict(feature.get("properties") or {})
        names = properties.get("names")
        if isinstance(names, list):
            properties["names"] = "|".join(str(n) for n in names)
        if "id" not in properties and feature.get("id") is not None:
            properties["id"] = feature["id"]
        yield _row_record({**properties, "latitude": lat, "longitude": lon}, where, prefix)


def read_places(path: Path) -> Iterator[SourceRecord]:
    """Records of any supported file, chosen by suffix (.txt/.tsv GeoNames, .csv, .geojson)."""
    suffix = path.suffix.lower()
    if not path.exists() or path.is_dir():
        raise ValidationError(f"{path}: no such file")
    if suffix in (".txt", ".tsv"):
        return read_geonames(path)
    if suffix == ".csv":
        return read_csv_places(path)
    if suffix in (".geojson", ".json"):
        return read_geojson_places(path)
    raise ValidationError(
        f"{path}: unknown gazetteer format {suffix!r}; use a GeoNames .txt/.tsv dump, "
        "an OCHA-style .csv or a .geojson of points"
    )


@dataclass
class Cluster:
    """Records found to be one place."""

    records: list[SourceRecord]

    def count(self, source: str) -> int:
        return sum(1 for r in self.records if r.source == source)

    @property
    def primary(self) -> SourceRecord:
        order = {"ocha": 0, "file": 1, "geonames": 2, "wof": 3}
        return min(self.records, key=lambda r: order.get(r.source, 9))


def merge(records: Iterable[SourceRecord]) -> list[Cluster]:
    """Group records that are the same place (see the module docstring), in input order."""
    items = list(records)
    keys = [(r.latin_keys(), r.arabic_keys(), r.skeletons()) for r in items]
    cell = MERGE_KM / 111.0  # degrees of latitude
    # A degree of longitude is shorter than one of latitude: look that many cells east and west.
    top = max((abs(r.lat) for r in items), default=0.0)
    reach = math.ceil(1 / math.cos(math.radians(min(top, 80.0))))
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, r in enumerate(items):
        grid[(int(r.lat // cell), int(r.lon // cell))].append(i)
    edges: list[tuple[float, int, int]] = []
    for i, r in enumerate(items):
        gy, gx = int(r.lat // cell), int(r.lon // cell)
        latin, arabic, skel = keys[i]
        for dy in (-1, 0, 1):
            for dx in range(-reach, reach + 1):
                for j in grid.get((gy + dy, gx + dx), ()):
                    if j <= i or items[j].source == r.source == "ocha":
                        continue
                    o_latin, o_arabic, o_skel = keys[j]
                    shared = bool(latin & o_latin or arabic & o_arabic)
                    if not shared and not skel & o_skel:
                        continue
                    d = haversine_km(r.lat, r.lon, items[j].lat, items[j].lon)
                    if d <= MERGE_KM and (shared or d <= _SKELETON_MERGE_KM):
                        edges.append((d, i, j))
    parent = list(range(len(items)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(items))}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted(edges):
        a, b = find(i), find(j)
        if a == b:
            continue
        joined = members[a] + members[b]
        sources = [items[k].source for k in joined]
        if sources.count("ocha") > 1 or sources.count("geonames") > 1:
            continue
        parent[b] = a
        members[a] = joined
        del members[b]
    groups = sorted(sorted(group) for group in members.values())
    return [Cluster([items[k] for k in group]) for group in groups]
