"""Gazetteer benchmarks (issue 4): lookups per second and load time.

The workload is 10,000 names drawn (with a fixed seed) from the shipped gazetteer: a third as
written in a source (exact), a third respelled the way the press respells them (diacritics
dropped, al-/el-/ash- swapped, ou for u, doubled or dropped letters, Arabic with tashkeel), a
third unknown (made-up words). The baseline, measured in the same run on the same names, is one
plain ``dict.get`` per name on a dict of the exact spellings: the cost of the cheapest possible
lookup. The ratio says how many plain dict lookups one gazetteer lookup costs. The ingestion goal
(50 documents/s, about 10 place names each) needs 500 lookups/s; the goal here is 20× that.
Load time is measured from package data in a fresh process (the index is built once per process).
"""

from __future__ import annotations

import random
import subprocess
import sys
import time

from benchmarks.harness import Baseline, Result, best_rate
from truce.geo import Gazetteer

LOOKUP_GOAL = 10_000  # lookups/s
LOAD_GOAL_S = 1.0

_RESPELL = (
    ("al-", "el-"),
    ("al ", "el "),
    ("ash ", "al-Sh"),
    ("an ", "al-N"),
    ("u", "ou"),
    ("Kafr", "Kfar"),
    ("Tall", "Tell"),
    ("aa", "a"),
    ("ay", "ei"),
    ("i", "ee"),
)


def _respell(name: str, rng: random.Random) -> str:
    import unicodedata

    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    for old, new in rng.sample(_RESPELL, 3):
        if old in text:
            text = text.replace(old, new, 1)
    if rng.random() < 0.3:
        text = text.upper() if rng.random() < 0.5 else text.lower()
    return text


def _unknown(rng: random.Random) -> str:
    letters = "bcdfghjklmnpqrstvwxz"
    vowels = "aeiou"
    word = "".join(rng.choice(letters) + rng.choice(vowels) for _ in range(rng.randint(3, 6)))
    return ("Xq" + word).title()


def workload(gaz: Gazetteer, count: int, seed: int = 4) -> tuple[list[str], dict[str, int]]:
    rng = random.Random(seed)
    places = list(gaz)
    names: list[str] = []
    for i in range(count):
        place = rng.choice(places)
        kind = i % 3
        if kind == 0:
            names.append(rng.choice((*place.names, *place.names_ar)))
        elif kind == 1:
            if place.names_ar and rng.random() < 0.2:
                names.append(rng.choice(place.names_ar) + "\u064e")  # a fatha
            else:
                names.append(_respell(rng.choice(place.names), rng))
        else:
            names.append(_unknown(rng))
    return names, {"exact": count // 3, "variant": count // 3, "unknown": count - 2 * (count // 3)}


def _load_seconds() -> float:
    code = (
        "import time; from truce.geo import Gazetteer; t = time.perf_counter(); "
        "Gazetteer.default(); print(time.perf_counter() - t)"
    )
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(3)
    ]  # fmt: skip
    return min(runs)


def run(quick: bool) -> list[Result]:
    results: list[Result] = []
    load = _load_seconds()
    results.append(
        Result(
            name="geo.load",
            value=load,
            unit="s",
            params={"places": len(Gazetteer.default())},
            goal=f"<= {LOAD_GOAL_S} s",
            met=load <= LOAD_GOAL_S,
            notes="Gazetteer.default() in a fresh process, best of 3 (import time excluded)",
        )
    )
    gaz = Gazetteer.default()
    count = 10_000
    names, mix = workload(gaz, count)
    exact = {n: gaz for p in gaz for n in (*p.names, *p.names_ar)}

    def baseline() -> None:
        get = exact.get
        for name in names:
            get(name)

    def lookups() -> None:
        lookup = gaz.lookup
        for name in names:
            lookup(name)

    found = sum(1 for n in names if gaz.lookup(n))
    repeat = 2 if quick else 5
    base_rate = best_rate(count, baseline, repeat=repeat)
    rate = best_rate(count, lookups, repeat=repeat)
    results.append(
        Result(
            name="geo.lookup",
            value=rate,
            unit="lookups/s",
            params={**mix, "names": count, "resolved": found},
            baseline=Baseline(name="dict.get of the same names", value=base_rate, unit="lookups/s"),
            ratio=rate / base_rate,
            goal=f">= {LOOKUP_GOAL:,} lookups/s (ingestion needs ~500)",
            met=rate >= LOOKUP_GOAL,
            notes="ratio = gazetteer rate / plain dict rate (one lookup costs 1/ratio dict gets)",
        )
    )
    # Context changes ranking, not the index: lookups with admin1 and near places.
    near = [gaz.lookup("Saraqib")[0].place, gaz.lookup("Ariha")[0].place]
    sample = names[: count // (5 if quick else 1)]

    def with_context() -> None:
        for name in sample:
            gaz.lookup(name, admin1="Idlib", near=near)

    rate_ctx = best_rate(len(sample), with_context, repeat=repeat)
    results.append(
        Result(
            name="geo.lookup_in_context",
            value=rate_ctx,
            unit="lookups/s",
            params={"names": len(sample), "admin1": "Idlib", "near": 2},
            baseline=Baseline(name="geo.lookup", value=rate, unit="lookups/s"),
            ratio=rate_ctx / rate,
            goal=f">= {LOOKUP_GOAL:,} lookups/s",
            met=rate_ctx >= LOOKUP_GOAL,
        )
    )
    rng = random.Random(7)
    points = [(rng.uniform(32.3, 37.3), rng.uniform(35.7, 42.4)) for _ in range(2000)]
    gaz.admin_at(35.0, 36.0)  # polygons load on first use
    started = time.perf_counter()
    for lat, lon in points:
        gaz.admin_at(lat, lon)
    rate_pip = len(points) / (time.perf_counter() - started)
    results.append(
        Result(
            name="geo.admin_at",
            value=rate_pip,
            unit="points/s",
            params={"points": len(points), "polygons": "OCHA admin 3 (272)"},
            goal=">= 5,000 points/s",
            met=rate_pip >= 5_000,
        )
    )
    return results
