"""Build the gazetteer's compact index from the source files: ``python -m truce.geo.build``.

Reads the shipped sources (``data/sources/``: the GeoNames/WOF localities TSV, the OCHA
communities CSV and the multilingual WOF names, :mod:`truce.geo.multilingual`) and the OCHA
admin boundaries (``data/admin/``), merges records that are the same
place (:func:`truce.geo.sources.merge`), places every point in its governorate, district and
sub-district (OCHA's P-codes where the community list gives them, else point-in-polygon), and
writes:

- ``data/places.tsv``: one merged place a line, with its precomputed matching keys (so loading
  takes a fraction of a second instead of normalising ~90,000 name variants); its first line
  records :data:`truce.geo.names.NAMES_VERSION` and the build is checked by a test;
- ``data/admin_units.tsv``: the admin units' P-codes, names and aliases (polygons stay in the
  GeoJSON files and are loaded on first use).

The same functions build an in-memory gazetteer from other files (:meth:`Gazetteer.from_files`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import overload

from truce.geo.admin import AdminIndex
from truce.geo.multilingual import add_names, read_names
from truce.geo.names import (
    NAMES_VERSION,
    arabic_key,
    fold,
    latin_key,
    skeleton_of_key,
    transliteration_like,
)
from truce.geo.place import Place
from truce.geo.sources import Cluster, SourceRecord, merge, read_places

__all__ = [
    "ADMIN_FILES",
    "DATA",
    "INDEX_HEADER",
    "SOURCE_FILES",
    "IndexedPlaces",
    "Keys",
    "build_places",
    "main",
    "place_keys",
    "read_index",
    "write_index",
]

DATA = Path(__file__).with_name("data")
SOURCE_FILES = (
    DATA / "sources" / "syr_localities_wof_geonames.tsv",
    DATA / "sources" / "syr_communities_ocha_adm4.csv",
)
ADMIN_FILES = tuple(DATA / "admin" / f"syr_adm{n}_ocha_20201217.geojson" for n in (1, 2, 3))
INDEX_HEADER = f"# truce gazetteer index format 2; names version {NAMES_VERSION}"
_COLUMNS = (
    "id", "ids", "kind", "name", "names", "name_ar", "names_ar", "lat", "lon", "population",
    "feature_code", "admin1_pcode", "admin2_pcode", "admin3_pcode",
    "exact_keys", "latin_keys", "arabic_keys", "skeletons",
)  # fmt: skip


def _place(cluster: Cluster, admin: AdminIndex) -> Place:
    primary = cluster.primary
    order = {"ocha": 0, "file": 1, "geonames": 2, "wof": 3}
    records = sorted(cluster.records, key=lambda r: order.get(r.source, 9))
    names = list(dict.fromkeys([primary.name, *(n for r in records for n in r.names)]))
    names_ar = list(dict.fromkeys(n for r in records for n in r.names_ar))
    populations = [r.population for r in records if r.population]
    pcodes = [r.admin3_pcode or r.admin2_pcode or r.admin1_pcode for r in records]
    lineage = admin.lineage(primary.admin3_pcode or primary.admin2_pcode)
    if not lineage and admin.units:
        lineage = admin.at(primary.lat, primary.lon)
    if not lineage:  # outside every polygon: keep what the sources say
        lineage = admin.lineage(next((p for p in pcodes if p), ""))
    features = [r.feature_code for r in records if r.feature_code]
    return Place(
        id=primary.id,
        name=primary.name if primary.name in names else names[0],
        lat=primary.lat,  # type: ignore[arg-type]  # coordinate() converts
        lon=primary.lon,  # type: ignore[arg-type]
        names=tuple(names),
        name_ar=names_ar[0] if names_ar else "",
        names_ar=tuple(names_ar),
        ids=tuple(r.id for r in records),
        kind="site" if primary.kind == "site" else "populated place",
        admin1=lineage[1].name if 1 in lineage else "",
        admin1_pcode=lineage[1].pcode if 1 in lineage else "",
        admin2=lineage[2].name if 2 in lineage else "",
        admin2_pcode=lineage[2].pcode if 2 in lineage else "",
        admin3=lineage[3].name if 3 in lineage else "",
        admin3_pcode=lineage[3].pcode if 3 in lineage else "",
        population=max(populations) if populations else None,
        feature_code=features[0] if features else "",
    )


def build_places(records: Iterable[SourceRecord], admin: AdminIndex) -> list[Place]:
    """Merge source records into places and give each its admin units."""
    return [_place(cluster, admin) for cluster in merge(records)]


def place_keys(place: Place) -> tuple[list[str], list[str], list[str], list[str]]:
    """The keys a place is indexed under: (exact, normalised Latin, Arabic, skeleton). The
    skeletons are those of the Latin keys, position by position ('' where too short), so
    that a skeleton match can be scored against the Latin key it came from."""
    latin = list(dict.fromkeys(k for k in map(latin_key, place.names) if k))
    fuzzy = {latin_key(n) for n in place.names if transliteration_like(n)}
    return (
        list(dict.fromkeys(k for k in map(fold, (*place.names, *place.names_ar)) if k)),
        latin,
        list(dict.fromkeys(k for k in map(arabic_key, place.names_ar) if k)),
        [skeleton_of_key(k) if k in fuzzy else "" for k in latin],
    )


def _clean(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ").replace("|", " ")


def write_index(places: Iterable[Place], path: Path) -> int:
    """Write ``places`` with their keys as the compact TSV index; returns the count."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(INDEX_HEADER + "\n" + "\t".join(_COLUMNS) + "\n")
        for p in places:
            row = [
                p.id, "|".join(p.ids), p.kind, _clean(p.name),
                "|".join(map(_clean, p.names)), _clean(p.name_ar),
                "|".join(map(_clean, p.names_ar)), str(p.lat), str(p.lon),
                str(p.population or ""), p.feature_code, p.admin1_pcode, p.admin2_pcode,
                p.admin3_pcode, *("|".join(map(_clean, keys)) for keys in place_keys(p)),
            ]  # fmt: skip
            handle.write("\t".join(row) + "\n")
            count += 1
    return count


Keys = tuple[list[str], list[str], list[str], list[str]]


class IndexedPlaces(Sequence[Place]):
    """The places of an index file, each made into a :class:`Place` on first access (making
    13,500 frozen dataclasses up front would double the load time)."""

    def __init__(self, rows: list[list[str]], admin: AdminIndex) -> None:
        self._rows = rows
        self._admin = admin
        self._cache: list[Place | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> Place: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Place]: ...
    def __getitem__(self, i: int | slice) -> Place | Sequence[Place]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        place = self._cache[i]
        if place is None:
            place = self._cache[i] = self._place(self._rows[i])
        return place

    def ids(self, i: int) -> list[str]:
        return self._rows[i][1].split("|")

    def _place(self, f: list[str]) -> Place:
        lineage = self._admin.lineage(f[13] or f[12] or f[11])
        return Place(
            id=f[0],
            ids=tuple(f[1].split("|")),
            kind=f[2],  # type: ignore[arg-type]
            name=f[3],
            names=tuple(f[4].split("|")),
            name_ar=f[5],
            names_ar=tuple(n for n in f[6].split("|") if n),
            lat=f[7],  # type: ignore[arg-type]  # Place converts to Decimal
            lon=f[8],  # type: ignore[arg-type]
            population=int(f[9]) if f[9] else None,
            feature_code=f[10],
            admin1=lineage[1].name if 1 in lineage else "",
            admin1_pcode=f[11],
            admin2=lineage[2].name if 2 in lineage else "",
            admin2_pcode=f[12],
            admin3=lineage[3].name if 3 in lineage else "",
            admin3_pcode=f[13],
        )


def read_index(path: Path, admin: AdminIndex) -> tuple[IndexedPlaces, list[Keys]] | None:
    """Places and their keys (see :func:`place_keys`) from an index file, or None when the
    file was built with other normalisation rules (then build from the sources instead)."""
    with path.open(encoding="utf-8", newline="") as handle:
        if handle.readline().rstrip("\n") != INDEX_HEADER:
            return None
        handle.readline()
        rows = [line.rstrip("\n").split("\t") for line in handle]
    keys: list[Keys] = [
        (f[14].split("|"), f[15].split("|"), f[16].split("|"), f[17].split("|")) for f in rows
    ]
    return IndexedPlaces(rows, admin), keys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m truce.geo.build", description=__doc__)
    parser.add_argument("--out", type=Path, default=DATA, help="directory to write into")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    admin = AdminIndex.from_geojson(ADMIN_FILES)
    records = [r for path in SOURCE_FILES for r in read_places(path)]
    places = add_names(build_places(records, admin), read_names())
    args.out.mkdir(parents=True, exist_ok=True)
    admin.write_table(args.out / "admin_units.tsv")
    count = write_index(places, args.out / "places.tsv")
    merged = sum(1 for p in places if len(p.ids) > 1)
    print(
        f"{len(records)} source records -> {count} places ({merged} merged from several "
        f"sources), {len(admin.units)} admin units, in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
