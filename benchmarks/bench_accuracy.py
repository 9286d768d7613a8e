"""Ingestion accuracy and same-event clustering on real articles (issues 15 and 16).

The set: ``benchmarks/realdata/en/a.json`` (half A, ``dev``: developers tune on it) and
``b.json`` (half B, ``heldout``: run only at the end), hand-labelled real English excerpts about
north-west Syria (format: HELPERS-DEVSET.md). The texts are git-ignored
(``benchmarks/realdata/texts/en/<id>.txt``, or the folders ``TRUCE_REALDATA_TEXTS`` names,
joined with ``os.pathsep``: both halves' checkouts, say); a half whose labels or texts are
absent is skipped with a note (``python -m benchmarks.realdata.restore`` says how to get them
back). Texts whose SHA-256 differs from the label's are skipped too and listed.

Each half is run twice, each time into a fresh data directory (``Node.init`` in a temporary
directory, as ``bench_ingest`` does), every text ingested with ``truce.ingest.ingest_bytes``
(read_document → extract_claims → filing) and the label's URL as ``--url`` would give it:

- ``published=given``: the labelled publication date passed as ``--published`` would pass it,
  only when the label's ``published_basis`` is not ``unknown`` (and the date is a full day);
- ``published=none``: no publication date: what the reader finds in the text alone.

**Matching a claim to a labelled event** (only events of the same article). For each claim and
each labelled event (main or background) three tests:

- *place*: agrees when one of the claim's resolved places lies within 10 km of a labelled place
  (resolved through truce's gazetteer with the label's governorate), or the claim's place is an
  admin area (region, or error radius over 20 km) in the label's governorate (containment), or
  the label names no place and the claim's place is in the label's governorate. Unknown when the
  claim has no resolved place; disagrees otherwise.
- *date*: agrees when the claim's date interval overlaps the label's day or interval widened by
  one day each side; unknown when either is undated; disagrees otherwise.
- *family*: the claim's and the label's sub-event types fall in the same event family
  (``truce.model.vocab.EVENT_FAMILIES``: strike and shelling meet, clash and capture meet).

A claim matches an event when the place does not disagree and either the place agrees and
(family or date agrees), or the place is unknown and both family and date agree. Each claim is
assigned to its best matching event (main events first, then the number of agreeing tests, then
label order); a claim that matches none is *unmatched*. A main event is *found* when at least one
claim is assigned to it; its *best claim* (most agreeing tests, then the first in the text) is
the one scored.

**Measures** over the found main events (each a fraction, goal from issue 15):

- ``recall``: found main events / labelled main events;
- ``type``: best claim's ACLED sub_event_type equals the label's;
- ``date``: exact: a labelled day must be the claim's whole interval; a labelled interval must
  contain the claim's interval (only events with a labelled date);
- ``place``: the claim's primary place (its first, which becomes the filed report's location)
  is resolved and is the labelled place (gazetteer id) or within 5 km of one; for a label
  without places, inside the label's governorate. Failure classes say whether the right place
  was named but not first, or the primary place is unresolved, an admin area only, or another;
- ``attribution``: the claim's attribution (source, cited, originator, text) names the label's
  source, fuzzily (case and punctuation folded; acronyms and known aliases: SOHR, the
  Observatory and its head Rami Abdel Rahman, White Helmets = Syria Civil Defence, CENTCOM…,
  and an outlet's own reporting by its address: syrianarchive.org is Syrian Archive);
  only events with a labelled source;
- ``civilians_killed`` / ``civilians_injured``: the claim's civilians/killed (injured) figure,
  best value (or low = high), equals the label's; only events with a labelled figure;
- ``unmatched_claims``: claims matching no labelled event, main or background / all claims
  (goal: at least 70% match, so at most 0.3 unmatched);
- ``not_filed``: claims extracted but not filed (``Outcome.fates``: queued for review,
  with what each needs) — goal 0 dropped; ``refused``: texts refused whole.

**Clustering (issue 16)**, from the same runs: one item per (article, found-or-not main event);
its predicted incident is the ``reports.incident_id`` of its best *filed* claim (an item with no
filed claim is its own singleton: unfiled reports cannot be correlated). Over pairs of items from
different articles: true pairs share the label ``group``; pairwise precision, recall, F1, and the
false-merge rate (wrongly merged pairs / pairs of different events). Goal F1 ≥ 0.9, false merges
≤ 2%. Its ``filed_only`` gives the same over the items whose best claim was filed (what
correlation did with what extraction gave it), and ``cluster.<half>.labels_f1`` clusters the
half's labels as a perfect reader would file them (:mod:`benchmarks.cluster_labels`): correlation
alone, without extraction.

Each result's ``params`` lists which article event failed which measure (``failures``) so that
developers can see what to fix; ``notes`` summarises the classes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.harness import Result

REALDATA = Path(__file__).resolve().parent / "realdata"
LABELS = REALDATA / "en"
#: Folders searched for the texts, in order: TRUCE_REALDATA_TEXTS (one folder, or several joined
#: with os.pathsep, e.g. both halves' checkouts), else this checkout's git-ignored folder.
TEXTS = [
    Path(p) for p in (os.environ.get("TRUCE_REALDATA_TEXTS") or "").split(os.pathsep) if p
] or [REALDATA / "texts" / "en"]
HALVES = (("a", "dev"), ("b", "heldout"))
MODES = ("given", "none")
#: The other languages' development sets (issue 17): labels in ``realdata/<lang>/a.json``,
#: texts in the git-ignored ``realdata/texts/<lang>/`` (or ``TRUCE_REALDATA_TEXTS_<LANG>``).
LANGUAGES = ("ru", "tr", "ar")


def language_texts(lang: str) -> list[Path]:
    """The folders a language's texts are looked for in, in order."""
    env = os.environ.get(f"TRUCE_REALDATA_TEXTS_{lang.upper()}") or ""
    return [Path(p) for p in env.split(os.pathsep) if p] or [REALDATA / "texts" / lang]


MATCH_KM = 10.0  # a claim's place this close to a labelled place is "the same place" for matching
RIGHT_KM = 5.0  # ... and this close is "the place right"
AREA_ERROR_M = 20_000  # a resolved place with a larger error radius is an admin area

GOALS = {
    "recall": 0.9,
    "type": 0.9,
    "date": 0.9,
    "place": 0.9,
    "attribution": 0.85,
    "civilians_killed": 0.9,
    "civilians_injured": 0.9,
}

# Known names of the sources the labels cite (folded), beyond the label's own words.
ALIASES: dict[str, tuple[str, ...]] = {
    "syrian observatory for human rights": (
        "sohr",
        "observatory",
        "rami abdel rahman",
        "abdel rahman",
        "abdulrahman",
        "abdel rahmane",
    ),
    "syria civil defence": (
        "white helmets",
        "civil defence",
        "civil defense",
        "syrian civil defense",
        "syrian civil defence",
        "ahmad yaziji",
        "ahmed yezidi",
    ),
    "human rights watch": ("hrw",),
    "united states central command": ("centcom", "central command", "us central command"),
    "syrian american medical society": ("sams",),
    "first responders": ("first responders", "rescuers", "rescue workers"),
    "local activists": ("activists",),
    "witnesses": ("witness", "witnesses", "residents"),
    "hatay governor's office": ("governor's office", "governor", "hatay"),
    "syrian network for human rights": ("snhr",),
    "syrian arab news agency": ("sana",),
}


def _fold(text: str) -> str:
    text = text.casefold().replace("’", "'")
    text = re.sub(r"[^\w' ]+", " ", text)
    text = re.sub(r"\bthe\b", " ", text)
    return " ".join(text.split())


def source_matches(label_source: str, attribution: dict[str, Any] | None) -> bool:
    """Whether a claim's attribution names ``label_source`` (fuzzy, see the module docstring)."""
    if not attribution:
        return False
    said = " ".join(
        str(attribution.get(k) or "") for k in ("source", "cited", "originator", "text")
    )
    said_f = f" {_fold(said)} "
    if not said_f.strip():
        return False
    want = _fold(label_source)
    names = {want, *ALIASES.get(want, ())}
    words = [w for w in want.split() if w not in {"of", "for", "and", "in", "on"}]
    if len(words) >= 3:
        names.add("".join(w[0] for w in words))  # acronym: SOHR, SNHR, HRW
    if any(f" {n} " in said_f for n in names if n):
        return True
    # the outlet's own reporting: its address names it (syrianarchive.org is Syrian Archive)
    squashed = want.replace(" ", "").replace("'", "")
    hosts = re.findall(r"([a-z0-9-]+)\.(?:org|com|net|int|info|news)\b", said.casefold())
    return any(h.replace("-", "") == squashed for h in hosts)


# --------------------------------------------------------------------------- labels and geo


def _day(value: str) -> date:
    return date.fromisoformat(value)


def label_interval(value: Any) -> tuple[date, date] | None:
    if value is None:
        return None
    if isinstance(value, str):
        d = _day(value)
        return d, d
    return _day(value["from"]), _day(value["to"])


def published_of(label: dict[str, Any]) -> date | None:
    """The publication date `--published` would be given: the label's, unless basis unknown."""
    if label.get("published_basis") == "unknown" or not label.get("published"):
        return None
    try:
        return _day(str(label["published"]))
    except ValueError:  # a month or a range: not a day truce's --published takes today
        return None


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class LabelPlace:
    name: str
    id: str | None
    lat: float | None
    lon: float | None


class Places:
    """Labelled place names resolved through truce's gazetteer (once each)."""

    def __init__(self) -> None:
        from truce.geo import Gazetteer

        self.gazetteer = Gazetteer.default()
        self.cache: dict[tuple[str, str | None], LabelPlace] = {}

    def resolve(self, name: str, admin1: str | None) -> LabelPlace:
        key = (name, admin1)
        if key not in self.cache:
            try:
                matches = self.gazetteer.lookup(name, admin1=admin1)
            except Exception:  # an unknown governorate name: resolve without it
                matches = self.gazetteer.lookup(name)
            if matches:
                p = matches[0].place
                self.cache[key] = LabelPlace(name, p.id, float(p.lat), float(p.lon))
            else:
                self.cache[key] = LabelPlace(name, None, None, None)
        return self.cache[key]


def _resolved(claim: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in claim.get("places", []) if p.get("resolved") and p.get("lat")]


def _is_area(place: dict[str, Any]) -> bool:
    return place.get("kind") == "region" or (place.get("error_m") or 0) > AREA_ERROR_M


def _admin1_equal(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    fold = {"idleb": "idlib", "lattakia": "latakia"}
    x, y = a.casefold(), b.casefold()
    return fold.get(x, x) == fold.get(y, y)


# --------------------------------------------------------------------------- matching


@dataclass
class Tests:
    place: bool | None
    date: bool | None
    family: bool

    @property
    def matches(self) -> bool:
        if self.place is False:
            return False
        if self.place is True:
            return self.family or self.date is True
        return self.family and self.date is True

    @property
    def score(self) -> int:
        return int(self.place is True) + int(self.date is True) + int(self.family)


def _claim_interval(claim: dict[str, Any]) -> tuple[date, date] | None:
    d = claim.get("date")
    if not d:
        return None
    return _day(d["start"]), _day(d["end"])


def _points(wanted: list[LabelPlace]) -> list[tuple[float, float]]:
    return [(w.lat, w.lon) for w in wanted if w.lat is not None and w.lon is not None]


def _place_agrees(p: dict[str, Any], wanted: list[LabelPlace], admin1: str | None) -> bool:
    """One resolved claim place against a label's places (see the module docstring)."""
    lat, lon = float(p["lat"]), float(p["lon"])
    points = _points(wanted)
    near = any(km(lat, lon, wl, wn) <= MATCH_KM for wl, wn in points)
    same = any(w.id and p.get("gazetteer_id") == w.id for w in wanted)
    inside = _admin1_equal(p.get("admin1"), admin1) and (_is_area(p) or not points)
    return near or same or inside


def test_event(
    claim: dict[str, Any], event: dict[str, Any], places: Places, family_of: Any
) -> Tests:
    # place
    got = _resolved(claim)
    admin1 = event.get("admin1")
    wanted = [places.resolve(n, admin1) for n in event.get("places") or []]
    place: bool | None
    if not got or (not any(w.lat is not None for w in wanted) and not admin1):
        place = None
    else:
        place = any(_place_agrees(p, wanted, admin1) for p in got)
    # date
    ci, li = _claim_interval(claim), label_interval(event.get("date"))
    when: bool | None
    if ci is None or li is None:
        when = None
    else:
        lo, hi = li[0] - timedelta(days=1), li[1] + timedelta(days=1)
        when = ci[0] <= hi and ci[1] >= lo
    fam = family_of(claim["sub_event_type"]) == family_of(event["sub_event_type"])
    return Tests(place, when, fam)


def date_exact(claim: dict[str, Any], event: dict[str, Any]) -> bool:
    ci, li = _claim_interval(claim), label_interval(event.get("date"))
    if ci is None or li is None:
        return False
    if li[0] == li[1]:
        return ci == li
    return li[0] <= ci[0] and ci[1] <= li[1]


def _right(place: dict[str, Any], event: dict[str, Any], places: Places) -> bool:
    """Whether one resolved place is the labelled place (see ``place`` in the docstring)."""
    if not (place.get("resolved") and place.get("lat")):
        return False
    admin1 = event.get("admin1")
    wanted = [places.resolve(n, admin1) for n in event.get("places") or []]
    if not wanted:
        return _admin1_equal(place.get("admin1"), admin1)
    if any(w.id and place.get("gazetteer_id") == w.id for w in wanted):
        return True
    if _is_area(place):
        return False
    lat, lon = float(place["lat"]), float(place["lon"])
    return any(km(lat, lon, wl, wn) <= RIGHT_KM for wl, wn in _points(wanted))


def place_right(claim: dict[str, Any], event: dict[str, Any], places: Places) -> bool:
    """The claim's primary place (its first: the filed report's location) is the labelled one."""
    named = claim.get("places", [])
    return bool(named) and _right(named[0], event, places)


def figure(claim: dict[str, Any], kind: str) -> int | None:
    for c in claim.get("casualties", []):
        if c.get("category") == "civilians" and c.get("kind") == kind:
            if c.get("best") is not None:
                return int(c["best"])
            if c.get("low") is not None and c.get("low") == c.get("high"):
                return int(c["low"])
    return None


# --------------------------------------------------------------------------- one run


@dataclass
class Article:
    label: dict[str, Any]
    data: bytes


@dataclass
class RunResult:
    mode: str
    articles: int = 0
    refused: list[str] = field(default_factory=list)
    claims: int = 0
    unmatched: list[str] = field(default_factory=list)
    not_filed: list[str] = field(default_factory=list)
    queued: int = 0
    unmapped: list[str] = field(default_factory=list)  # articles whose reports could not be tied
    measures: dict[str, list[tuple[str, bool, str]]] = field(default_factory=dict)
    items: list[tuple[str, str, str | None]] = field(default_factory=list)  # article, group, inc
    shown: list[str] = field(default_factory=list)  # per item: "a01:I-3", "not filed", "not found"

    def score(self, name: str, key: str, ok: bool, why: str = "") -> None:
        self.measures.setdefault(name, []).append((key, ok, why))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_half(
    letter: str, labels_dir: Path = LABELS, texts_dir: Path | list[Path] | None = None
) -> tuple[list[Article], list[str], str | None]:
    """The half's articles whose texts are present and match; problems; a skip note or None."""
    path = labels_dir / f"{letter}.json"
    if not path.exists():
        return [], [], f"{path.name} absent from {_shown(labels_dir)}"
    labels = json.loads(path.read_text(encoding="utf-8"))
    present, problems = [], []
    for rec in labels:
        dirs = (
            TEXTS
            if texts_dir is None
            else [texts_dir]
            if isinstance(texts_dir, Path)
            else texts_dir
        )
        text = next(
            (d / f"{rec['id']}.txt" for d in dirs if (d / f"{rec['id']}.txt").is_file()),
            dirs[0] / f"{rec['id']}.txt",
        )
        if not text.is_file():
            problems.append(f"{rec['id']} missing")
            continue
        data = text.read_bytes()
        if hashlib.sha256(data).hexdigest() != rec["sha256"]:
            problems.append(f"{rec['id']} differs from its SHA-256")
            continue
        present.append(Article(rec, data))
    if not present:
        return (
            [],
            problems,
            f"none of the {len(labels)} texts of {path.name} is present "
            "(python -m benchmarks.realdata.restore says how to get them back)",
        )
    return present, problems, None


def _filed_indexes(outcome: Any) -> list[int] | None:
    """Indexes (0-based) of the outcome's claims that became its reports, in order."""
    fates = outcome.fates
    if len(fates) != len(outcome.claims):
        return None
    filed = [i for i, fate in enumerate(fates) if fate.status == "filed"]
    return filed if len(filed) == len(outcome.reports) else None


def _not_filed(outcome: Any) -> list[str]:
    """One line per claim that was not filed as a report (queued, with what it needs)."""
    return [
        f"claim {i + 1} {fate.describe()}"
        for i, fate in enumerate(outcome.fates)
        if fate.status != "filed"
    ]


def run_half(articles: list[Article], mode: str, places: Places, home: Path) -> RunResult:
    from sqlalchemy import text as sql

    from truce.config import Settings
    from truce.errors import TruceError
    from truce.ingest import Options
    from truce.ingest.pipeline import ingest_bytes
    from truce.model.vocab import event_family
    from truce.node import Node

    out = RunResult(mode)
    node = Node.init(Settings.from_env(env={}, home=home))
    best_report: dict[tuple[str, str], str] = {}  # (article, event key) -> report id
    found: set[tuple[str, str]] = set()
    pending_items: list[tuple[str, str, str]] = []  # article, event key, group
    try:
        for art in articles:
            rec = art.label
            aid = rec["id"]
            out.articles += 1
            published = published_of(rec) if mode == "given" else None
            options = Options(url=rec.get("url"), published=published)
            try:
                outcome = ingest_bytes(node, art.data, f"{aid}.txt", options)
            except TruceError as exc:
                out.refused.append(f"{aid}: {exc.message}")
                for ev in rec["events"]:
                    if ev["main"]:
                        out.score("recall", ev["key"], False, "text refused")
                        pending_items.append((aid, ev["key"], ev["group"]))
                continue
            doc = outcome.document
            claims = [c.to_json(doc.outlet if doc else None) for c in outcome.claims]
            out.claims += len(claims)
            out.not_filed += [f"{aid}: {line}" for line in _not_filed(outcome)]
            out.queued += len(getattr(outcome, "queued", []) or [])
            filed = _filed_indexes(outcome)
            if filed is None:  # Outcome.fates no longer says which claim: say so
                out.unmapped.append(aid)
            report_of = dict(zip(filed, outcome.reports, strict=True)) if filed is not None else {}
            events = rec["events"]
            # assign each claim to its best event
            assigned: dict[str, list[tuple[int, Tests]]] = {}
            for i, claim in enumerate(claims):
                best: tuple[tuple[int, int, int], str, Tests] | None = None
                for order, ev in enumerate(events):
                    t = test_event(claim, ev, places, event_family)
                    if not t.matches:
                        continue
                    rank = (int(ev["main"]), t.score, -order)
                    if best is None or rank > best[0]:
                        best = (rank, ev["key"], t)
                if best is None:
                    trig = _short(claim.get("trigger", ""))
                    out.unmatched.append(
                        f"{aid} claim {i + 1} ({claim['sub_event_type']}: {trig!r})"
                    )
                else:
                    assigned.setdefault(best[1], []).append((i, best[2]))
            for ev in events:
                if not ev["main"]:
                    continue
                key = ev["key"]
                pending_items.append((aid, key, ev["group"]))
                got = assigned.get(key, [])
                out.score("recall", key, bool(got), "" if got else _why_missed(claims, ev, places))
                if not got:
                    continue
                found.add((aid, key))
                i, _ = max(got, key=lambda it: (it[1].score, -it[0]))
                claim = claims[i]
                filed_ids = [report_of[j] for j, _ in sorted(got) if j in report_of]
                if i in report_of:
                    best_report[(aid, key)] = report_of[i]
                elif filed_ids:
                    best_report[(aid, key)] = filed_ids[0]
                ok = claim["sub_event_type"] == ev["sub_event_type"]
                out.score("type", key, ok, "" if ok else f"typed: {claim['sub_event_type']}")
                if ev.get("date") is not None:
                    ok = date_exact(claim, ev)
                    d = claim.get("date")
                    why = "undated" if not d else f"wrong: {d['start']}..{d['end']}"
                    out.score("date", key, ok, "" if ok else why)
                ok = place_right(claim, ev, places)
                out.score("place", key, ok, "" if ok else _why_place(claim, ev, places))
                if ev.get("source"):
                    ok = source_matches(ev["source"], claim.get("attribution"))
                    att = claim.get("attribution") or {}
                    cited, origin = att.get("cited"), att.get("originator")
                    if cited:
                        why = f"cited another: {_short(cited)!r}"
                    elif origin and origin != att.get("source"):
                        why = f"originator another: {_short(origin)!r}"
                    else:
                        why = f"outlet only: {att.get('source')!r}"
                    out.score("attribution", key, ok, "" if ok else why)
                for measure, lab, kind in (
                    ("civilians_killed", "civilians_killed", "killed"),
                    ("civilians_injured", "civilians_injured", "injured"),
                ):
                    if ev.get(lab) is not None:
                        val = figure(claim, kind)
                        ok = val == ev[lab]
                        why = "missing" if val is None else f"wrong: {val} for {ev[lab]}"
                        out.score(measure, key, ok, "" if ok else why)
        with node.store.engine.connect() as conn:
            rows = conn.execute(sql("SELECT id, incident_id FROM reports")).all()
            incident: dict[str, str] = {r[0]: r[1] for r in rows}
    finally:
        node.close()
    for aid, key, group in pending_items:
        rid = best_report.get((aid, key))
        out.items.append((aid, group, incident.get(rid) if rid else None))
        state = incident.get(rid) if rid else "not filed" if (aid, key) in found else "not found"
        out.shown.append(f"{aid}:{state or 'no incident'}")
    return out


def pairwise(items: list[tuple[str, str, str | None]]) -> dict[str, Any]:
    tp = fp = fn = tn = 0
    same_article_merges = 0
    missed: list[str] = []
    wrong: list[str] = []
    for x in range(len(items)):
        for y in range(x + 1, len(items)):
            (a1, g1, i1), (a2, g2, i2) = items[x], items[y]
            merged = i1 is not None and i1 == i2
            if a1 == a2:
                same_article_merges += merged and g1 != g2
                continue
            if g1 == g2 and merged:
                tp += 1
            elif g1 == g2:
                fn += 1
                missed.append(f"{a1}-{a2} {g1}")
            elif merged:
                fp += 1
                wrong.append(f"{a1}({g1})-{a2}({g2})")
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "false_merge_rate": fp / (fp + tn) if fp + tn else 0.0,
        "true_pairs": tp + fn,
        "merged_right": tp,
        "merged_wrong": fp,
        "same_article_wrong_merges": same_article_merges,
        "missed_pairs": missed,
        "wrong_pairs": wrong,
    }


# --------------------------------------------------------------------------- results


def _fraction(rows: list[tuple[str, bool, str]]) -> float:
    return sum(ok for _, ok, _ in rows) / len(rows) if rows else 0.0


def _failures(rows: Iterable[tuple[str, bool, str]]) -> list[str]:
    return [f"{key}: {why}" if why else key for key, ok, why in rows if not ok]


def _classes(rows: Iterable[tuple[str, bool, str]]) -> dict[str, int]:
    """Failures counted by class: the part of each reason before its first colon."""
    out: dict[str, int] = {}
    for _, ok, why in rows:
        if not ok:
            name = why.split(":", 1)[0] or "other"
            out[name] = out.get(name, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _short(text: str, words: int = 3) -> str:
    """A few words of a text, for the committed results: facts and pointers, not sentences."""
    parts = str(text).split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _reasons(lines: list[str]) -> dict[str, int]:
    """Unfiled claims counted by the reason truce gave ("no date", "no place named ...")."""
    out: dict[str, int] = {}
    for line in lines:
        reason = line.split("): ", 1)[-1].split(" (")[0]
        out[reason] = out.get(reason, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _why_place(claim: dict[str, Any], event: dict[str, Any], places: Places) -> str:
    named = claim.get("places", [])
    if not named:
        return "no place"
    if any(_right(p, event, places) for p in named[1:]):
        shown = [p.get("name") or _short(p.get("text") or "") for p in named]
        return f"right place not primary: {shown}"
    first = named[0]
    if not (first.get("resolved") and first.get("lat")):
        return f"primary unresolved: {_short(first.get('text') or '')!r}"
    if _is_area(first):
        return f"admin area only: {first.get('name')!r}"
    return f"other place: {first.get('name')!r}"


def _why_missed(claims: list[dict[str, Any]], event: dict[str, Any], places: Places) -> str:
    if not claims:
        return "no claims from the text"
    from truce.model.vocab import event_family

    tests = [test_event(c, event, places, event_family) for c in claims]
    if all(t.place is False for t in tests):
        return "claims elsewhere"
    if any(t.place is True and not t.family and t.date is False for t in tests):
        return "right place, other type and date"
    if any(t.place is None for t in tests):
        return "claims without place or date"
    return "no claim matched"


def results_for(half: str, run: RunResult, problems: list[str]) -> list[Result]:
    base = {"published": run.mode, "articles": run.articles}
    if problems:
        base["texts_skipped"] = problems
    out = []
    for measure, goal in GOALS.items():
        rows = run.measures.get(measure, [])
        value = _fraction(rows)
        fails = _failures(rows)
        out.append(
            Result(
                f"accuracy.{half}.{measure}",
                round(value, 3),
                "fraction",
                {
                    **base,
                    "scored": len(rows),
                    "right": len(rows) - len(fails),
                    "classes": _classes(rows),
                    "failures": fails,
                },
                goal=f">= {goal}",
                met=bool(rows) and value >= goal,
                notes=(
                    f"{len(fails)} of {len(rows)} wrong; by class: {_classes(rows)}"
                    if rows
                    else "nothing to score"
                ),
            )
        )
    share = len(run.unmatched) / run.claims if run.claims else 0.0
    out.append(
        Result(
            f"accuracy.{half}.unmatched_claims",
            round(share, 3),
            "fraction of claims",
            {**base, "claims": run.claims, "unmatched": run.unmatched},
            goal="<= 0.3 (at least 70% of claims match a labelled event)",
            met=run.claims > 0 and share <= 0.3,
            notes=f"{len(run.unmatched)} of {run.claims} claims match no labelled event",
        )
    )
    out.append(
        Result(
            f"accuracy.{half}.not_filed",
            len(run.not_filed),
            "claims",
            {
                **base,
                "claims": run.claims,
                "queued": run.queued,
                "reasons": _reasons(run.not_filed),
                "not_filed": run.not_filed,
            },
            goal="0 dropped: every extracted claim filed or queued",
            met=len(run.not_filed) == run.queued,
            notes=f"{len(run.not_filed)} of {run.claims} claims extracted but not filed"
            + (f" ({run.queued} queued for review)" if run.queued else ""),
        )
    )
    out.append(
        Result(
            f"accuracy.{half}.refused",
            len(run.refused),
            "texts",
            {**base, "refused": run.refused},
            goal="0 texts refused whole",
            met=not run.refused,
            notes=f"{len(run.refused)} of {run.articles} texts refused whole",
        )
    )
    pw = pairwise(run.items)
    # Extraction limits clustering: an event whose claim was not filed cannot be correlated.
    # The same measure over the items whose best claim was filed says what correlation does.
    filed = pairwise([it for it in run.items if it[2] is not None])
    pw["filed_only"] = {
        "items": sum(1 for it in run.items if it[2] is not None),
        "of_items": len(run.items),
        **{
            k: round(filed[k], 3) if isinstance(filed[k], float) else filed[k]
            for k in ("precision", "recall", "f1", "false_merge_rate", "true_pairs")
        },
    }
    by_group: dict[str, list[str]] = {}
    for (_, group, _), shown in zip(run.items, run.shown, strict=True):
        by_group.setdefault(group, []).append(shown)
    pw["incidents_by_group"] = {g: v for g, v in sorted(by_group.items()) if len(v) > 1}
    if run.unmapped:
        pw["reports_not_tied_to_claims"] = run.unmapped
    out.append(
        Result(
            f"cluster.{half}.f1",
            round(pw["f1"], 3),
            "pairwise F1",
            {**base, **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in pw.items()}},
            goal=">= 0.9, false merges <= 0.02",
            met=pw["f1"] >= 0.9 and pw["false_merge_rate"] <= 0.02,
            notes=(
                f"precision {pw['precision']:.2f}, recall {pw['recall']:.2f}, false merges "
                f"{pw['false_merge_rate']:.3f}; {pw['merged_right']} of {pw['true_pairs']} "
                "same-event article pairs in one incident; over the "
                f"{filed['true_pairs']} pairs whose claims were both filed: F1 {filed['f1']:.2f}, "
                f"false merges {filed['false_merge_rate']:.3f}"
            ),
        )
    )
    return out


def labels_result(half: str, labels: list[dict[str, Any]], places: Places) -> Result:
    """Clustering of the half's labels as a perfect reader would file them (correlation alone;
    see :mod:`benchmarks.cluster_labels`)."""
    from benchmarks.cluster_labels import label_items

    items = label_items(labels, places)
    pw = pairwise(items)
    return Result(
        f"cluster.{half}.labels_f1",
        round(pw["f1"], 3),
        "pairwise F1",
        {
            "articles": len(labels),
            "items": len(items),
            "not_filed": sum(1 for it in items if it[2] is None),
            **{k: (round(v, 3) if isinstance(v, float) else v) for k, v in pw.items()},
        },
        goal=">= 0.9, false merges <= 0.02",
        met=pw["f1"] >= 0.9 and pw["false_merge_rate"] <= 0.02,
        notes=(
            "the labelled events filed as a perfect reader would (no text read): "
            f"precision {pw['precision']:.2f}, recall {pw['recall']:.2f}, false merges "
            f"{pw['false_merge_rate']:.3f}; {pw['merged_right']} of {pw['true_pairs']} pairs"
        ),
    )


def run(quick: bool) -> list[Result]:
    places = Places()
    results: list[Result] = []
    results.extend(run_english(places))
    for lang in LANGUAGES:
        results.extend(run_language(lang, places))
    return results


def run_english(places: Places | None = None, halves: Iterable[str] = "ab") -> list[Result]:
    """The English halves: labels clustered as a perfect reader would file them, then each
    present half ingested twice (publication date given, and none)."""
    places = places or Places()
    results: list[Result] = []
    for letter, half in HALVES:
        if letter not in halves:
            continue
        path = LABELS / f"{letter}.json"
        if path.exists():
            results.append(labels_result(half, json.loads(path.read_text("utf-8")), places))
        articles, problems, skip = load_half(letter)
        if skip is not None:
            print(f"   accuracy: {half} half skipped: {skip}", file=sys.stderr)
            results.append(
                Result(
                    f"accuracy.{half}.skipped",
                    0,
                    "texts",
                    {"problems": problems},
                    goal="texts present",
                    met=None,
                    notes=f"skipped: {skip}",
                )
            )
            continue
        for mode in MODES:
            with tempfile.TemporaryDirectory() as tmp:
                run_ = run_half(articles, mode, places, Path(tmp) / "home")
            results.extend(results_for(half, run_, problems))
    return results


def run_language(
    lang: str, places: Places | None = None, halves: Iterable[str] = "ab"
) -> list[Result]:
    """One language's development set, scored as the English halves are: half A
    (``accuracy.<lang>.dev.<measure>``, tuned on) and half B when its labels exist
    (``accuracy.<lang>.heldout.<measure>``, run only at the end)."""
    places = places or Places()
    out: list[Result] = []
    for letter, half in HALVES:
        if letter not in halves or (letter == "b" and not (REALDATA / lang / "b.json").exists()):
            continue
        name = f"{lang}.{half}"
        articles, problems, skip = load_half(letter, REALDATA / lang, language_texts(lang))
        if skip is not None:
            skip = skip.replace("restore says", f"restore --lang {lang} says")
            print(f"   accuracy: {name} skipped: {skip}", file=sys.stderr)
            out.append(
                Result(
                    f"accuracy.{name}.skipped",
                    0,
                    "texts",
                    {"problems": problems},
                    goal="texts present",
                    met=None,
                    notes=f"skipped: {skip}",
                )
            )
            continue
        for mode in MODES:
            with tempfile.TemporaryDirectory() as tmp:
                run_ = run_half(articles, mode, places, Path(tmp) / "home")
            out.extend(results_for(name, run_, problems))
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.bench_accuracy [--lang ru] [--half a]``: one language's set alone
    (English by default), printed (results.json is written only by ``python -m benchmarks``)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_accuracy")
    parser.add_argument(
        "--lang", choices=("en", *LANGUAGES), action="append", help="default: en; repeatable"
    )
    parser.add_argument("--half", choices=("a", "b"), action="append", help="default: both")
    parser.add_argument("--failures", action="store_true", help="also list what failed")
    args = parser.parse_args(argv)
    places = Places()
    for lang in args.lang or ["en"]:
        halves = args.half or "ab"
        runs = run_english(places, halves) if lang == "en" else run_language(lang, places, halves)
        for r in runs:
            mode = r.params.get("published", "")
            print(f"{r.name} [{mode}] {r.value:.3f}  {r.notes or ''}")
            if args.failures:
                for line in r.params.get("failures", []) or []:
                    print(f"    {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
