"""A scenario generator with known ground truth, and the pairwise scores of a clustering.

Events happen in synthetic villages of a region shaped like north-west Syria's demilitarized
zone; each event is reported by one to six sources with noise of the kinds real reports show:

- time: most reports give the day, some are a day off, some give only the week;
- place: the point is jittered within its stated error radius; the name is written in a
  transliteration variant (vowels, ayn marks, article forms, taa marbuta, French ``ch``/``ou``,
  word breaks) and sometimes with a one-letter slip, or left out; some reports have no point;
- type: an air strike is reported as shelling and vice versa (same family);
- perpetrator: the other side is blamed, or no one is named;
- tolls: low, best and high figures differ between reports;
- sources: outlets, outlets quoting a ministry (one originator), the parties, the monitors.

Decoys make it hard: a same-day event of the same family in the nearest village, and an event
of another family in the same village on the same day. Reports arrive in filing order (a report
may be filed up to a few days after its event). :func:`pairwise` scores a clustering against the
truth by pairs of reports (precision, recall, F1), the usual measure for entity resolution.

All names are synthetic except a few real village names whose variants are listed in
``docs/domain.md``; positions are illustrative, not a gazetteer.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from truce.assess.summary import Summary, make_summary
from truce.model import Report
from truce.model.vocab import event_family

__all__ = [
    "AUTHORS",
    "PairScores",
    "RawReport",
    "Scenario",
    "ScenarioConfig",
    "generate",
    "pairwise",
]

#: Parties that file the scenario's reports: (id, name, kind).
AUTHORS: tuple[tuple[str, str, str], ...] = (
    ("ru", "Russian Federation", "party"),
    ("tr", "Republic of Türkiye", "party"),
    ("monitors", "Joint center monitors", "monitor"),
    ("osint", "Open sources", "ingest"),
)

# Real names with the variants docs/domain.md lists; positions approximate (illustrative).
_REAL = (
    ("Ma`arrat an Nu`man", 35.648, 36.674, ("Maarat al-Numan", "Maaret al-Noman")),
    ("Khan Shaykhun", 35.441, 36.651, ("Khan Sheikhoun", "Khan Cheikhoun")),
    ("Jisr ash Shughur", 35.812, 36.318, ("Jisr al-Shughour", "Djisr ech Choughour")),
    ("Murak", 35.376, 36.690, ("Morek", "Mourek")),
    ("Kafr Nubl", 35.613, 36.561, ("Kafranbel", "Kafr Nabl")),
    ("Saraqib", 35.862, 36.806, ("Saraqeb", "Sarakeb")),
    ("Al-Lataminah", 35.318, 36.622, ("Latamneh", "Latamna")),
    ("Kafr Zita", 35.375, 36.601, ("Kafr Zeita", "Kafrzita")),
)

_PREFIXES = ("Kafr", "Tell", "Ayn", "Deir", "Khirbet", "Maarat", "Umm", "Abu", "Qalaat", "Beit")
_ONSETS = (
    "b", "t", "j", "h", "kh", "d", "r", "z", "s", "sh", "f", "q", "k", "l", "m", "n", "w", "gh",
)  # fmt: skip
_VOWELS = ("a", "a", "i", "u", "aa", "ii", "uu")
_CODAS = ("", "", "", "n", "r", "l", "m", "b", "d")

_FAMILIES = (
    # event type, sub-event types with weights, share of events
    ("Explosions/Remote violence",
     (("Shelling/artillery/missile attack", 6), ("Air/drone strike", 4)), 0.75),
    ("Battles", (("Armed clash", 1),), 0.12),
    ("Violence against civilians", (("Attack", 3), ("Abduction/forced disappearance", 1)), 0.06),
    ("Protests", (("Peaceful protest", 1),), 0.07),
)  # fmt: skip

_PERPETRATORS = (
    ("Military Forces of Syria", 1, "Syria"),
    ("Military Forces of Russia", 8, "Russia"),
    ("Hay'at Tahrir al-Sham", 2, None),
    ("National Liberation Front", 2, None),
    ("Military Forces of Turkey", 8, "Turkey"),
)
_TARGETS = (("Civilians (Syria)", 7, None), ("Hay'at Tahrir al-Sham", 2, None))

# (source name, kind, originator or None, reliability, credibility, author)
_SOURCES = (
    ("SANA", "outlet", "Syrian Ministry of Defence", "D", 3, "osint"),
    ("Al-Watan", "outlet", "Syrian Ministry of Defence", "D", 3, "osint"),
    ("TASS", "outlet", "Russian Ministry of Defence", "C", 3, "osint"),
    ("RIA Novosti", "outlet", "Russian Ministry of Defence", "C", 3, "osint"),
    ("Anadolu Agency", "outlet", "Turkish Ministry of National Defence", "C", 3, "osint"),
    ("Enab Baladi", "outlet", None, "C", 2, "osint"),
    ("Syrian Observatory for Human Rights", "ngo", None, "C", 2, "osint"),
    ("Syria Civil Defence", "ngo", None, "B", 2, "osint"),
    ("Step News Agency", "outlet", None, "D", 3, "osint"),
    ("Russian Centre for Reconciliation", "party", None, "C", 3, "ru"),
    ("Turkish Ministry of National Defence", "party", None, "C", 3, "tr"),
    ("Center monitoring team", "monitor", None, "B", 2, "monitors"),
)


@dataclass(frozen=True)
class ScenarioConfig:
    """The knobs of a scenario; the defaults are the test suite's "default scenario"."""

    events: int = 800
    seed: int = 0
    villages: int = 250
    events_per_day: float = 8.0
    start: date = date(2019, 3, 1)
    #: south, west, north, east (degrees): the band either side of the M5/M4 highways.
    bbox: tuple[float, float, float, float] = (35.25, 36.25, 35.95, 37.05)
    min_spacing_km: float = 2.5
    max_reports: int = 6
    neighbour_decoys: float = 0.25
    type_decoys: float = 0.10
    off_by_one_day: float = 0.10
    week_precision: float = 0.04
    no_point: float = 0.10
    no_place: float = 0.10
    variant: float = 0.55
    slip: float = 0.06
    other_sub: float = 0.2
    other_perpetrator: float = 0.2
    no_perpetrator: float = 0.1


@dataclass(frozen=True)
class Village:
    name: str
    lat: float
    lon: float
    variants: tuple[str, ...]
    admin1: str


@dataclass(frozen=True)
class RawReport:
    """One generated report in plain values (:meth:`Scenario.report` builds the model)."""

    event: int
    event_type: str
    sub: str
    start: int  # day offsets from the scenario's start
    end: int
    precision: int
    lat: float | None
    lon: float | None
    error_m: int
    place: str | None
    admin1: str
    perpetrator: int | None  # index into _PERPETRATORS
    target: int
    killed: tuple[int, int, int] | None
    source: int  # index into _SOURCES


@dataclass
class Scenario:
    config: ScenarioConfig
    villages: list[Village]
    reports: list[RawReport] = field(default_factory=list)

    @property
    def truth(self) -> list[int]:
        return [r.event for r in self.reports]

    def summaries(self, first_index: int = 0) -> list[Summary]:
        """Correlation summaries, as if report i were ledger entry ``first_index + i``."""
        base = (self.config.start - date(1970, 1, 1)).days
        out = []
        for i, r in enumerate(self.reports):
            perps = (_PERPETRATORS[r.perpetrator][0],) if r.perpetrator is not None else ()
            out.append(
                make_summary(
                    first_index + i,
                    event_family(r.sub),
                    r.sub,
                    base + r.start,
                    base + r.end,
                    r.lat,
                    r.lon,
                    r.error_m,
                    1,
                    (r.place,) if r.place else (),
                    (r.admin1,),
                    perps,
                    (_TARGETS[r.target][0],),
                    (r.killed[0], r.killed[2]) if r.killed else None,
                )
            )
        return out

    def author(self, i: int) -> str:
        return _SOURCES[self.reports[i].source][5]

    def report(self, i: int) -> Report:
        """Report ``i`` as the domain model (what a party would file)."""
        return Report.model_validate(self.report_dict(i))

    def report_dict(self, i: int) -> dict[str, Any]:
        r = self.reports[i]
        start = self.config.start
        loc: dict[str, Any] = {"admin1": r.admin1, "precision": 1}
        if r.place:
            loc["place"] = r.place
        if r.lat is not None:
            loc["point"] = {"lat": f"{r.lat:.5f}", "lon": f"{r.lon:.5f}", "error_m": r.error_m}
        actors: list[dict[str, Any]] = []
        if r.perpetrator is not None:
            name, inter, country = _PERPETRATORS[r.perpetrator]
            actors.append({"name": name, "role": "perpetrator", "inter": inter})
            if country:
                actors[-1]["country"] = country
        tname, tinter, _ = _TARGETS[r.target]
        actors.append({"name": tname, "role": "target", "inter": tinter})
        sname, skind, origin, rel, cred, _author = _SOURCES[r.source]
        source: dict[str, Any] = {
            "name": sname,
            "kind": skind,
            "reliability": rel,
            "credibility": cred,
        }
        if origin:
            source["originator"] = origin
        body: dict[str, Any] = {
            "title": f"Scenario event {r.event}: {r.sub} at {r.place or 'a point'}",
            "event_type": r.event_type,
            "sub_event_type": r.sub,
            "date": {
                "start": (start + timedelta(days=r.start)).isoformat(),
                "end": (start + timedelta(days=r.end)).isoformat(),
                "precision": r.precision,
            },
            "locations": [loc],
            "actors": actors,
            "sources": [source],
            "text": "Generated scenario report (truce.assess.scenario); not a real event.",
        }
        if r.killed:
            low, best, high = r.killed
            body["casualties"] = [
                {"category": "civilians", "kind": "killed", "low": low, "best": best, "high": high}
            ]
        return body


# -- villages --------------------------------------------------------------------------------


def _root(rng: random.Random) -> str:
    syllables = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.choice((2, 2, 3)))]
    word = "".join(syllables) + rng.choice(_CODAS)
    if rng.random() < 0.25:
        word += "ah"
    return word.capitalize()


def _vowel_shift(word: str, rng: random.Random) -> str:
    swaps = (("ii", "ee"), ("uu", "ou"), ("aa", "a"), ("i", "e"), ("u", "o"), ("a", "e"))
    options = [s for s in swaps if s[0] in word[1:]]
    if not options:
        return word
    old, new = rng.choice(options)
    at = word.find(old, 1)
    return word[:at] + new + word[at + len(old) :]


def _variant(name: str, rng: random.Random) -> str:
    """A transliteration variant: what another outlet or party would write."""
    words = name.split(" ")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words))
        w = words[i]
        kind = rng.randrange(7)
        if kind == 0:
            w = _vowel_shift(w, rng)
        elif kind == 1 and w.endswith("ah"):
            w = w[:-2] + rng.choice(("eh", "a"))
        elif kind == 2 and len(w) > 3:
            at = rng.randrange(1, len(w) - 1)
            if w[at] not in "aeiouh" and w[at - 1] in "aeiou" and w[at + 1] in "aeiou":
                w = w[:at] + w[at] + w[at:]  # doubled consonant: Maarat / Maarrat
        elif kind == 3:
            w = w.replace("sh", "ch").replace("uu", "ou").replace("u", "ou", 1)  # French
        elif kind == 4 and len(w) > 2 and w[1] in "aeiou":
            w = w[0] + rng.choice(("`", "'", "’")) + w[1:]  # an ayn mark
        elif kind == 5 and len(words) > 1 and i + 1 < len(words):
            words[i + 1] = w + words[i + 1].lower()  # word break dropped
            w = ""
        elif kind == 6:
            w = rng.choice(("al-", "el-", "")) + w if i == len(words) - 1 else w
        words[i] = w
    return " ".join(w for w in words if w)


def _slip(name: str, rng: random.Random) -> str:
    """A one-letter slip: a consonant dropped or repeated."""
    at = [i for i, c in enumerate(name) if c.isalpha() and c.lower() not in "aeiouy"]
    if len(at) < 5:
        return name
    i = rng.choice(at[1:])
    return name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]


def _villages(config: ScenarioConfig, rng: random.Random) -> list[Village]:
    from truce.assess.names import place_key

    south, west, north, east = config.bbox
    out: list[Village] = []
    used: set[str] = set()
    cell = config.min_spacing_km / 111.0
    grid: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def free(lat: float, lon: float) -> bool:
        gy, gx = int(lat / cell), int(lon / cell)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for la, lo in grid.get((gy + dy, gx + dx), ()):
                    dkm = math.hypot((la - lat) * 111.0, (lo - lon) * 111.0 * 0.82)
                    if dkm < config.min_spacing_km:
                        return False
        return True

    def add(name: str, lat: float, lon: float, variants: tuple[str, ...]) -> None:
        admin1 = "Hama" if lat < 35.5 else "Idlib"
        out.append(Village(name, lat, lon, variants, admin1))
        used.add(place_key(name))
        grid.setdefault((int(lat / cell), int(lon / cell)), []).append((lat, lon))

    for name, lat, lon, variants in _REAL:
        if len(out) < config.villages:
            add(name, lat, lon, variants)
    attempts = 0
    while len(out) < config.villages and attempts < config.villages * 200:
        attempts += 1
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        if not free(lat, lon):
            continue
        root = _root(rng)
        name = f"{rng.choice(_PREFIXES)} {root}" if rng.random() < 0.4 else root
        key = place_key(name)
        if key in used or len(key) < 3:
            continue
        add(name, lat, lon, tuple(_variant(name, rng) for _ in range(4)))
    return out


# -- events and reports ----------------------------------------------------------------------


def _pick_sub(rng: random.Random, family: int) -> tuple[str, str]:
    event_type, subs, _ = _FAMILIES[family]
    names = [s for s, _ in subs]
    weights = [w for _, w in subs]
    return event_type, rng.choices(names, weights)[0]


def _nearest(villages: Sequence[Village], v: int, grid: dict[tuple[int, int], list[int]]) -> int:
    here = villages[v]
    best, best_d = -1, 1e9
    gy, gx = int(here.lat * 10), int(here.lon * 10)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            for j in grid.get((gy + dy, gx + dx), ()):
                if j == v:
                    continue
                o = villages[j]
                d = math.hypot(o.lat - here.lat, (o.lon - here.lon) * 0.82)
                if d < best_d:
                    best, best_d = j, d
    return best


def generate(config: ScenarioConfig | None = None) -> Scenario:
    """A scenario: villages, events and their reports in filing order, truth in ``event``."""
    config = config or ScenarioConfig()
    rng = random.Random(config.seed)
    villages = _villages(config, rng)
    grid: dict[tuple[int, int], list[int]] = {}
    for i, village in enumerate(villages):
        grid.setdefault((int(village.lat * 10), int(village.lon * 10)), []).append(i)
    days = max(1, math.ceil(config.events / config.events_per_day))
    shares = [f[2] for f in _FAMILIES]
    events: list[tuple[int, int, int, str, str]] = []  # day, village, family, type, sub
    # ACLED codes one event per type, place and day: two same-day shellings of one village are
    # one event, so the generator never makes two.
    taken: set[tuple[int, int, int]] = set()

    def add(day: int, v: int, family: int) -> None:
        if len(events) < config.events and (day, v, family) not in taken:
            taken.add((day, v, family))
            events.append((day, v, family, *_pick_sub(rng, family)))

    while len(events) < config.events:
        day, v = rng.randrange(days), rng.randrange(len(villages))
        family = rng.choices(range(len(_FAMILIES)), shares)[0]
        add(day, v, family)
        roll = rng.random()
        if roll < config.neighbour_decoys:
            n = _nearest(villages, v, grid)
            if n >= 0:
                add(day, n, family)
        elif roll < config.neighbour_decoys + config.type_decoys:
            add(day, v, (family + rng.randrange(1, len(_FAMILIES))) % len(_FAMILIES))
    scenario = Scenario(config, villages)
    pending: list[tuple[float, RawReport]] = []
    for e, (day, v, family, event_type, sub) in enumerate(events):
        perpetrator = rng.randrange(len(_PERPETRATORS))
        target = rng.randrange(len(_TARGETS))
        killed = rng.choice((0, 0, 1, 2, 3, 5, 8)) if family != 3 else 0
        count = min(config.max_reports, 1 + int(rng.expovariate(0.55)))
        for _ in range(count):
            raw = _report(config, rng, e, day, villages[v], family, event_type, sub)
            raw = _actors(config, rng, raw, perpetrator, target, killed)
            filed = day + rng.random() * rng.choice((0.5, 1, 1, 2, 4))
            pending.append((filed, raw))
    pending.sort(key=lambda p: p[0])
    scenario.reports = [raw for _, raw in pending]
    return scenario


def _report(
    config: ScenarioConfig,
    rng: random.Random,
    event: int,
    day: int,
    village: Village,
    family: int,
    event_type: str,
    sub: str,
) -> RawReport:
    start = end = day
    precision = 1
    roll = rng.random()
    if roll < config.off_by_one_day:
        start = end = day + rng.choice((-1, 1))
    elif roll < config.off_by_one_day + config.week_precision:
        start = day - rng.randrange(7)
        end, precision = start + 6, 2
    error_m = rng.choice((300, 500, 1000, 1000, 2000, 3000))
    lat: float | None = None
    lon: float | None = None
    no_point = rng.random() < config.no_point
    if not no_point:
        radius = min(abs(rng.gauss(0, error_m / 2000)), error_m / 1000)
        bearing = rng.uniform(0, 2 * math.pi)
        lat = village.lat + radius * math.cos(bearing) / 111.195
        lon = village.lon + radius * math.sin(bearing) / (111.195 * math.cos(math.radians(35.6)))
    named = village.name
    if rng.random() < config.variant:
        named = rng.choice(village.variants)
    if rng.random() < config.slip:
        named = _slip(named, rng)
    place: str | None = named
    if not no_point and rng.random() < config.no_place:
        place = None
    if rng.random() < config.other_sub:
        _, subs, _ = _FAMILIES[family]
        sub = rng.choice([s for s, _ in subs])
    return RawReport(
        event, event_type, sub, start, end, precision, lat, lon, error_m, place,
        village.admin1, None, 0, None, 0,
    )  # fmt: skip


def _actors(
    config: ScenarioConfig,
    rng: random.Random,
    raw: RawReport,
    perpetrator: int,
    target: int,
    killed: int,
) -> RawReport:
    roll = rng.random()
    perp: int | None = perpetrator
    if roll < config.no_perpetrator:
        perp = None
    elif roll < config.no_perpetrator + config.other_perpetrator:
        perp = rng.randrange(len(_PERPETRATORS))
    tolls = None
    if killed:
        low = max(0, killed - rng.choice((0, 0, 1, 2)))
        best = max(low, killed + rng.choice((-1, 0, 0, 1)))
        tolls = (low, best, best + rng.choice((0, 1, 3)))
    source = rng.randrange(len(_SOURCES))
    return RawReport(
        raw.event, raw.event_type, raw.sub, raw.start, raw.end, raw.precision, raw.lat, raw.lon,
        raw.error_m, raw.place, raw.admin1, perp, target, tolls, source,
    )  # fmt: skip


# -- scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    def __str__(self) -> str:
        return (
            f"pairwise precision {self.precision:.4f}, recall {self.recall:.4f}, "
            f"F1 {self.f1:.4f} ({self.correct_pairs} of {self.predicted_pairs} predicted pairs "
            f"correct, {self.true_pairs} true pairs)"
        )


def _pairs(counts: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in counts)


def pairwise(truth: Sequence[object], predicted: Sequence[object]) -> PairScores:
    """Pairwise precision, recall and F1 of ``predicted`` cluster labels against ``truth``."""
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} truth labels but {len(predicted)} predicted labels")
    true_pairs = _pairs(Counter(truth).values())
    predicted_pairs = _pairs(Counter(predicted).values())
    correct = _pairs(Counter(zip(truth, predicted, strict=True)).values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, true_pairs, predicted_pairs, correct)
