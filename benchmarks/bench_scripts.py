"""Place names in Russian, Turkish and Arabic script, held out: does transliteration find them?

For every place whose records have a Russian (Cyrillic), Turkish or Arabic-script name in the
shipped multilingual WOF file, every such name is removed from the gazetteer (all at once: a
gazetteer that knows none of them, nor any identical string from another source), and each is
looked up as a text in that language would give it (``lang="ru"``, ``"tr"``, ``"ar"``). A hit is
the held-out place (or a record of it within 3 km: duplicate records) first; "found" is the place
anywhere in the candidates. The baseline is what the tiers that read the name as written find
(exact and normalised keys): before this work, Cyrillic and held-out Arabic found nothing there.
"""

from __future__ import annotations

import random
import time
from collections import Counter

from benchmarks.harness import Baseline, Result
from truce.geo.distance import haversine_km
from truce.geo.gazetteer import SAME_PLACE_KM, Gazetteer
from truce.geo.multilingual import add_names, read_names
from truce.geo.names import has_arabic, has_cyrillic, turkish_to_ascii
from truce.geo.place import Place

LANGS = {"rus": "ru", "tur": "tr", "ara": "ar"}
GOAL = 0.85


def _held_out(gaz: Gazetteer) -> tuple[list[Place], list[tuple[str, str, Place]]]:
    names = read_names()
    places = list(gaz)
    skip: dict[str, set[str]] = {}
    queries: list[tuple[str, str, Place]] = []
    for place in places:
        seen: set[tuple[str, str]] = set()
        for ident in place.ids:
            for lang, name in names.get(ident, ()):
                if lang not in LANGS or (lang, name) in seen:
                    continue
                if lang == "rus" and not has_cyrillic(name):
                    continue
                if lang == "ara" and not has_arabic(name):
                    continue
                seen.add((lang, name))
                skip.setdefault(place.id, set()).update({name, turkish_to_ascii(name)})
                queries.append((lang, name, place))
    return add_names(places, {}, skip=skip), queries


def _same(a: Place, b: Place) -> bool:
    if a.id == b.id:
        return True
    km = haversine_km(float(a.lat), float(a.lon), float(b.lat), float(b.lon))
    return km <= SAME_PLACE_KM and bool(set(a.names) & set(b.names))


def run(quick: bool) -> list[Result]:
    base = Gazetteer.default()
    started = time.perf_counter()
    places, queries = _held_out(base)
    held = Gazetteer(places, base.admin)
    build_s = time.perf_counter() - started
    if quick:
        random.Random(17).shuffle(queries)
        queries = [q for lang in LANGS for q in [x for x in queries if x[0] == lang][:300]]
    results: list[Result] = []
    for lang, code in LANGS.items():
        subset = [(name, place) for q_lang, name, place in queries if q_lang == lang]
        first = found = literal = 0
        methods: Counter[str] = Counter()
        started = time.perf_counter()
        for name, place in subset:
            matches = held.lookup(name, lang=code)
            if matches and _same(matches[0].place, place):
                first += 1
                methods[matches[0].method] += 1
                if matches[0].method in ("exact", "normalised", "arabic"):
                    literal += 1
            if any(_same(m.place, place) for m in matches):
                found += 1
        seconds = time.perf_counter() - started
        n = len(subset) or 1
        results.append(
            Result(
                name=f"geo.scripts.{code}.top1",
                value=round(first / n, 4),
                unit="share",
                params={
                    "names": len(subset),
                    "found_in_candidates": round(found / n, 4),
                    "by_method": dict(methods),
                    "lookups_per_s": round(len(subset) / seconds) if seconds else None,
                    "held_out_build_s": round(build_s, 1),
                },
                baseline=Baseline(
                    name="exact/normalised tiers only", value=round(literal / n, 4), unit="share"
                ),
                ratio=round(first / literal, 2) if literal else None,
                goal=f">= {GOAL} top-1",
                met=first / n >= GOAL,
                notes="held-out names (see the module docstring); top-1 is the held-out place",
            )
        )
    return results
