"""Protected civilian sites, observation posts and bases, from GeoJSON, CSV or HXL-tagged CSV.

``truce site add FILE --as PARTY`` reads every row or feature first (:func:`read_sites`), then
records them as ``site.registered`` entries, all or none, signed by the registering party or
humanitarian organisation (:func:`add_sites`). Registering an existing id again is a new version.

Formats (chosen by extension; ``.geojson``/``.json`` or ``.csv``):

- GeoJSON Point features; properties ``id``, ``name``, ``kind``, ``names`` (other spellings),
  ``org``, ``admin1``, ``approximate``, ``source``, ``notes``;
- CSV with a header row naming the same columns (``lat``/``latitude``, ``lon``/``lng``/
  ``longitude``; ``names`` separated by ``;``);
- HXL-tagged CSV (hxlstandard.org): a row of hashtags under the header, recognised by its first
  cells starting with ``#``. Tags read: ``#loc+code`` or ``#loc+id`` or ``#meta+id`` (id),
  ``#loc+name`` (name), ``#loc+type`` (kind), ``#geo+lat``, ``#geo+lon``, ``#org`` (org),
  ``#adm1`` (admin1), ``#meta+source``, ``#meta+approximate``, ``#loc+name+alt`` (names).
  Tag attributes may come in any order.

Kinds are :class:`~truce.model.SiteKind` values, case and spaces forgiven (``IDP camp`` →
``idp_camp``). A row without an id gets a stable one: the slugged name and 6 hex digits of the
SHA-256 of name and coordinates. Coordinates outside the area of interest are refused, with
"looks swapped" when the swap would be inside. Errors name the file and line or feature.

Registered sites feed the gazetteer: :func:`site_places` gives them as places
(id, names, point, kind) for :mod:`truce.geo` to index.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pydantic

from truce.agreement.aoi import Aoi, default_aoi
from truce.agreement.batch import append_batch
from truce.agreement.geojson import feature_geometry, read_features
from truce.errors import ValidationError
from truce.geo import Gazetteer, Place
from truce.geo.names import has_arabic
from truce.intake import check_records, read_text
from truce.model import Site, SiteKind
from truce.model.kinds import validation_error
from truce.node import Node
from truce.spreadsheet import restore

__all__ = [
    "SiteLoad",
    "add_sites",
    "fill_admin1",
    "list_sites",
    "read_sites",
    "register_sites",
    "site_kind",
    "site_places",
]

_KIND_ALIASES = {
    "camp": SiteKind.IDP_CAMP,
    "idp": SiteKind.IDP_CAMP,
    "idps_camp": SiteKind.IDP_CAMP,
    "displacement_camp": SiteKind.IDP_CAMP,
    "health_facility": SiteKind.HOSPITAL,
    "water": SiteKind.WATER_STATION,
    "water_pumping_station": SiteKind.WATER_STATION,
    "op": SiteKind.OBSERVATION_POST,
    "observation": SiteKind.OBSERVATION_POST,
    "military_base": SiteKind.BASE,
}


def site_kind(value: object) -> SiteKind:
    text = re.sub(r"[\s\-/]+", "_", str(value).strip().lower())
    if text in _KIND_ALIASES:
        return _KIND_ALIASES[text]
    try:
        return SiteKind(text)
    except ValueError:
        raise ValueError(
            f"kind {value!r} is not a site kind; expected one of: "
            f"{', '.join(k.value for k in SiteKind)}"
        ) from None


@dataclass
class SiteLoad:
    sites: list[Site] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    where: str
    values: dict[str, Any]


def _slug_id(name: str, lat: object, lon: object) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "site"
    digest = hashlib.sha256(f"{name}|{lat}|{lon}".encode()).hexdigest()[:6]
    return f"{slug}-{digest}"


# -- CSV and HXL --------------------------------------------------------------------------------
_COLUMNS = {
    "id": "id",
    "site_id": "id",
    "code": "id",
    "name": "name",
    "kind": "kind",
    "type": "kind",
    "lat": "lat",
    "latitude": "lat",
    "lon": "lon",
    "lng": "lon",
    "long": "lon",
    "longitude": "lon",
    "names": "names",
    "org": "org",
    "organisation": "org",
    "organization": "org",
    "admin1": "admin1",
    "governorate": "admin1",
    "approximate": "approximate",
    "source": "source",
    "notes": "notes",
}

# (tag, required attributes) -> field; the first match wins, so specific entries come first.
_HXL: list[tuple[str, frozenset[str], str]] = [
    ("#loc", frozenset({"name", "alt"}), "names"),
    ("#loc", frozenset({"code"}), "id"),
    ("#loc", frozenset({"id"}), "id"),
    ("#meta", frozenset({"id"}), "id"),
    ("#loc", frozenset({"name"}), "name"),
    ("#loc", frozenset({"type"}), "kind"),
    ("#geo", frozenset({"lat"}), "lat"),
    ("#geo", frozenset({"lon"}), "lon"),
    ("#org", frozenset(), "org"),
    ("#adm1", frozenset(), "admin1"),
    ("#meta", frozenset({"source"}), "source"),
    ("#meta", frozenset({"approximate"}), "approximate"),
    ("#description", frozenset(), "notes"),
]


def _hxl_field(hashtag: str) -> str | None:
    parts = [p for p in re.split(r"\s*\+\s*", hashtag.strip().lower()) if p]
    if not parts or not parts[0].startswith("#"):
        return None
    tag, attrs = parts[0], frozenset(parts[1:])
    for want_tag, want_attrs, name in _HXL:
        if tag == want_tag and want_attrs <= attrs:
            return name
    return None


def _csv_rows(path: Path) -> Iterator[_Row]:
    rows = []
    reader = csv.reader(io.StringIO(read_text(path)))
    try:
        for row in reader:
            rows.append(row)
            check_records(len(rows) - 2, path, "rows")
    except csv.Error as exc:
        raise ValidationError(f"{path} line {reader.line_num}: not CSV ({exc})") from None
    if not rows:
        raise ValidationError(f"{path}: empty file")
    header = rows[0]
    start = 1
    is_hxl = len(rows) > 1 and any(c.strip().startswith("#") for c in rows[1][:3])
    if header and header[0].strip().startswith("#"):  # hashtags without a text header
        is_hxl, start = True, 0
        rows = [header, *rows]
    if is_hxl:
        tags = rows[start]
        fields = [_hxl_field(t) for t in tags]
        start += 1
        if "lat" not in fields or "lon" not in fields:
            raise ValidationError(f"{path} line {start}: HXL hashtags lack #geo+lat and #geo+lon")
    else:
        fields = [_COLUMNS.get(h.strip().lower()) for h in header]
        if "lat" not in fields or "lon" not in fields:
            raise ValidationError(
                f"{path} line 1: the header needs latitude and longitude columns "
                "(lat, lon), or add an HXL hashtag row (#geo+lat, #geo+lon)"
            )
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(c.strip() for c in row):
            continue
        values: dict[str, Any] = {}
        for name, cell in zip(fields, row, strict=False):
            if name and cell.strip() and name not in values:
                values[name] = restore(cell).strip()
        yield _Row(f"{path.name} line {number}", values)


def _geojson_rows(path: Path) -> Iterator[_Row]:
    for feature in read_features(path):
        geom = feature_geometry(feature)
        if geom.geom_type != "Point":
            raise feature.error(f"a site is a Point, got {geom.geom_type}")
        values = dict(feature.properties)
        if feature.id is not None:
            values["id"] = feature.id
        values["lon"], values["lat"] = geom.x, geom.y
        yield _Row(feature.where, values)


def _number(row: _Row, name: str) -> float:
    value = row.values.get(name)
    if value is None or value == "":
        raise ValidationError(f"{row.where}: no {'latitude' if name == 'lat' else 'longitude'}")
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise ValidationError(f"{row.where}: {name} {value!r} is not a number") from None
    if not np.isfinite(number):
        raise ValidationError(f"{row.where}: {name} {value!r} is not a finite number")
    return number


def _truthy(row: _Row, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "y", "1"):
        return True
    if text in ("false", "no", "n", "0", ""):
        return False
    raise ValidationError(f"{row.where}: approximate {value!r} is not true or false")


def read_sites(
    path: Path,
    *,
    aoi: Aoi | None = None,
    default_kind: SiteKind | None = None,
    approximate: bool | None = None,
    source: str | None = None,
) -> SiteLoad:
    """Validate every site in ``path`` (GeoJSON or CSV/HXL); raise on the first bad one."""
    aoi = aoi or default_aoi()
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        rows = list(_geojson_rows(path))
    elif suffix in (".csv", ".hxl", ".txt"):
        rows = list(_csv_rows(path))
    else:
        raise ValidationError(f"{path}: unknown site file type {suffix!r}; use .geojson or .csv")
    if not rows:
        raise ValidationError(f"{path}: no sites")
    load = SiteLoad()
    seen: dict[str, str] = {}
    for row in rows:
        lat, lon = _number(row, "lat"), _number(row, "lon")
        problem = aoi.problem(np.array([lon]), np.array([lat]))
        if problem:
            problem = problem.replace("give longitude first, then latitude", "check which is which")
            raise ValidationError(f"{row.where}: {problem}")
        name = str(row.values.get("name") or "").strip()
        if not name:
            raise ValidationError(f"{row.where}: no name")
        raw_kind = row.values.get("kind")
        try:
            kind = site_kind(raw_kind) if raw_kind else default_kind
        except ValueError as exc:
            raise ValidationError(f"{row.where}: {exc}") from None
        if kind is None:
            raise ValidationError(
                f"{row.where}: no kind (add a kind column, #loc+type, or use --kind)"
            )
        ident = str(row.values.get("id") or "").strip()
        if not ident:
            ident = _slug_id(name, row.values.get("lat"), row.values.get("lon"))
            load.notes.append(f"{row.where}: no id; assigned {ident}")
        if ident in seen:
            raise ValidationError(f"{row.where}: id {ident!r} is also used at {seen[ident]}")
        seen[ident] = row.where
        names_value = row.values.get("names") or []
        names = (
            [n.strip() for n in names_value.split(";") if n.strip()]
            if isinstance(names_value, str)
            else [str(n) for n in names_value]
        )
        try:
            site = Site(
                id=ident,
                name=name,
                kind=kind,
                lat=Decimal(f"{lat:.7f}"),
                lon=Decimal(f"{lon:.7f}"),
                names=names,
                approximate=(
                    approximate
                    if approximate is not None
                    else _truthy(row, row.values.get("approximate", False))
                ),
                source=str(source if source is not None else row.values.get("source") or ""),
                org=str(row.values.get("org") or ""),
                admin1=str(row.values.get("admin1") or ""),
                notes=str(row.values.get("notes") or ""),
            )
        except pydantic.ValidationError as exc:
            raise validation_error(exc, row.where) from None
        load.sites.append(site)
    return load


def add_sites(node: Node, author: str, load: SiteLoad) -> list[str]:
    if not load.sites:
        raise ValidationError("no sites to add")
    current = {r["id"]: r["version"] for r in node.store.rows("sites")}
    append_batch(node, author, [("site.registered", s) for s in load.sites])
    counts: dict[str, int] = {}
    updated = 0
    for site in load.sites:
        counts[site.kind.value] = counts.get(site.kind.value, 0) + 1
        updated += site.id in current
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    return [
        f"registered {len(load.sites)} site(s) as {author}: {kinds}"
        + (f" ({updated} new version(s) of existing ids)" if updated else "")
    ]


def list_sites(node: Node, kind: str | None = None) -> list[dict[str, Any]]:
    rows = node.store.rows("sites", kind=kind) if kind else node.store.rows("sites")
    out = []
    for row in sorted(rows, key=lambda r: r["id"]):
        row.pop("body", None)
        out.append(row)
    return out


def site_places(node: Node) -> list[dict[str, Any]]:
    """Registered sites as gazetteer places: id ``site:<id>``, names, point, kind, approximate."""
    places = []
    for row in sorted(node.store.rows("sites"), key=lambda r: r["id"]):
        body = json.loads(row["body"])
        places.append(
            {
                "id": f"site:{row['id']}",
                "name": row["name"],
                "names": body.get("names", []),
                "lat": row["lat"],
                "lon": row["lon"],
                "kind": row["kind"],
                "admin1": row["admin1"],
                "approximate": row["approximate"],
            }
        )
    return places


def register_sites(gazetteer: Gazetteer, node: Node) -> int:
    """Feed the node's registered sites to ``gazetteer`` (``site:<id>``, every name); returns
    how many. Use on a copy (``Gazetteer.default().copy()``) to keep one node's sites apart."""
    count = 0
    for place in site_places(node):
        latin = [n for n in place["names"] if not has_arabic(n)]
        arabic = [n for n in place["names"] if has_arabic(n)]
        gazetteer.register(
            Place(
                id=place["id"],
                name=place["name"],
                lat=Decimal(str(place["lat"])),
                lon=Decimal(str(place["lon"])),
                names=tuple(latin),
                name_ar=arabic[0] if arabic else "",
                names_ar=tuple(arabic),
                kind="site",
            )
        )
        count += 1
    return count


def fill_admin1(load: SiteLoad, gazetteer: Gazetteer) -> SiteLoad:
    """Sites without a governorate get the one their point falls in (OCHA COD-AB admin 1)."""
    filled = []
    for site in load.sites:
        if not site.admin1:
            unit = gazetteer.admin_at(str(site.lat), str(site.lon))[0]
            if unit is not None:
                site = site.model_copy(update={"admin1": unit.name})
        filled.append(site)
    return SiteLoad(filled, load.notes)
