"""Place names in Russian, Turkish, Arabic and the Latin-script languages, from Who's On First.

``data/sources/syr_names_multilingual_wof.tsv`` is a trimmed copy of the shared
``syr_names_multilingual_wof.tsv`` (51,810 names of 10,483 places in 307 language tags): made by
``python -m truce.geo.multilingual SRC`` (:func:`trim`), it keeps

- Cyrillic names tagged ``rus`` (about 440 names of 400 places: the gaps are why the gazetteer
  also transliterates, see :mod:`truce.geo.names`),
- Arabic-script names tagged ``ara`` (WOF's Arabic-tagged Latin rows, "H'amah", "Ḩimş", are
  kept as Latin names under the tag ``und``),
- Latin-script names in any language (``tur``, ``eng``, ``und`` = GeoNames transliterations, …),

one row per place and case-folded name (the first language in :data:`LANG_ORDER` wins), and
only the columns ``wof_id``, ``geonames_id``, ``placetype``, ``lang``, ``name``. Licence and
attribution: as the WOF/GeoNames localities file (``data/SOURCES.md``).

:func:`add_names` gives the gazetteer's places the names of the records they were merged from
(by ``wof:`` and ``geonames:`` id): Cyrillic and Latin names join ``names``, Arabic ones
``names_ar``, and each Turkish name brings its English-style spelling
(:func:`truce.geo.names.turkish_to_ascii`: ``Cisr-ı Şuğur`` → ``Jisr-i Shughur``).
"""

from __future__ import annotations

import argparse
import csv
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from truce.geo.names import has_arabic, has_cyrillic, is_latin, turkish_to_ascii
from truce.geo.place import Place

__all__ = ["COLUMNS", "LANG_ORDER", "MULTILINGUAL", "add_names", "read_names", "trim"]

MULTILINGUAL = Path(__file__).with_name("data") / "sources" / "syr_names_multilingual_wof.tsv"
COLUMNS = ("wof_id", "geonames_id", "placetype", "lang", "name")
#: Which language keeps a name several languages share (``Idlib`` in eng, tur, nld …).
LANG_ORDER = ("rus", "tur", "ara", "eng", "und")


def _script(name: str) -> str:
    if has_arabic(name):
        return "arabic"
    if has_cyrillic(name) and all(
        "CYRILLIC" in unicodedata.name(c, "") for c in name if c.isalpha()
    ):
        return "cyrillic"
    return "latin" if is_latin(name) else "other"


def trim(src: Path, dst: Path) -> tuple[int, int]:
    """Write the trimmed file (see the module docstring); returns (rows read, rows kept)."""
    with src.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    rank = {lang: i for i, lang in enumerate(LANG_ORDER)}
    kept: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        name = " ".join(row["name"].split())
        script = _script(name)
        lang = row["lang"]
        if script == "other" or (script == "cyrillic" and lang != "rus"):
            continue
        if script == "arabic" and lang != "ara":
            continue  # Persian, Urdu, Kurdish spellings: not what Arabic texts write
        if script == "latin" and lang == "ara":
            lang = "und"  # an Arabic-tagged transliteration
        key = (row["wof_id"], name.casefold())
        old = kept.get(key)
        if old is None or rank.get(lang, len(rank)) < rank.get(old["lang"], len(rank)):
            kept[key] = {**row, "lang": lang, "name": name}
    out = sorted(kept.values(), key=lambda r: (int(r["wof_id"]), r["lang"], r["name"]))
    with dst.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\t".join(COLUMNS) + "\n")
        for r in out:
            handle.write("\t".join(r[c] for c in COLUMNS) + "\n")
    return len(rows), len(out)


def read_names(path: Path = MULTILINGUAL) -> dict[str, list[tuple[str, str]]]:
    """``{"wof:…" or "geonames:…": [(lang, name), …]}`` from a trimmed file."""
    names: dict[str, list[tuple[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            pair = (row["lang"], row["name"])
            names.setdefault(f"wof:{row['wof_id']}", []).append(pair)
            if row["geonames_id"]:
                names.setdefault(f"geonames:{row['geonames_id']}", []).append(pair)
    return names


def add_names(
    places: Iterable[Place],
    names: Mapping[str, list[tuple[str, str]]],
    *,
    skip: Mapping[str, set[str]] | None = None,
) -> list[Place]:
    """The places with the names of their records added (see the module docstring).
    ``skip``: ``{place id: names}`` to leave out (for held-out measurements)."""
    out = []
    for place in places:
        pairs = [p for ident in place.ids for p in names.get(ident, ())]
        left_out = skip.get(place.id, set()) if skip else set()
        if not pairs and not left_out:
            out.append(place)
            continue
        latin = [n for n in place.names if n not in left_out]
        arabic = [n for n in place.names_ar if n not in left_out]
        for lang, name in pairs:
            if name in left_out:
                continue
            if has_arabic(name):
                arabic.append(name)
                continue
            latin.append(name)
            if lang == "tur":
                latin.append(turkish_to_ascii(name))
        latin = list(dict.fromkeys(latin)) or [place.name]
        arabic = list(dict.fromkeys(arabic))
        out.append(
            replace(
                place,
                names=tuple(latin),
                names_ar=tuple(arabic),
                name_ar=place.name_ar if place.name_ar in arabic else (arabic or [""])[0],
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m truce.geo.multilingual", description=__doc__)
    parser.add_argument("src", type=Path, help="the shared syr_names_multilingual_wof.tsv")
    parser.add_argument("--out", type=Path, default=MULTILINGUAL)
    args = parser.parse_args(argv)
    read, kept = trim(args.src, args.out)
    print(f"{read} names read, {kept} kept in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
