"""Correlation: which reports describe one event. Incremental, deterministic, explainable.

An incident keeps an :class:`IncidentState`, built by absorbing its reports' summaries
(:mod:`truce.assess.summary`) in log order: its *core* date (the day most of its day-precise
reports give, or else its most precise interval), a weighted centroid (weights 1/r², so its
uncertainty shrinks as reports agree), and the union of its place, area and actor keys.

A new report is scored against the candidate incidents the index finds
(:mod:`truce.assess.keys`) and joins the best one scoring at least :data:`THRESHOLD`, ties going
to the oldest incident; otherwise it starts a new incident (:func:`choose`). Reports are never
moved automatically once placed, so a manual split or merge is never undone by a later report.

The score, in words (weights are the constants below):

- the event families must match (air strike and shelling reports of one event still meet);
- the dates must overlap, or be one day apart (a report may date an evening strike to the next
  day) — but a second report of the next day, against a day two reports agree on, is the next
  day's event;
- there must be *locational evidence*: both have points within tolerance
  (distance ≤ 1.5 × (r_report + r_incident + 0.5 km)), or a place key is shared, or — when the
  report or the incident has neither point nor place — an admin area is shared;
- two town-level place names that are neither equal nor one letter apart are two places;
- the score adds agreement in time, in distance relative to the uncertainty, in place names,
  sub-event type, perpetrators and targets. Casualty figures never count: conflicting tolls are
  the normal state of one event's reports;
- a *vague* report (only an admin area) needs more than the area, the day and the type (an
  actor named by both), and joins only when exactly one incident qualifies.

ACLED codes one event per type, location and day; UCDP GED's ``event_clarity`` separates clear
events from aggregates. Dates spanning more than ``MAX_SPAN_DAYS`` are not correlated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from truce.assess.names import keys_close
from truce.assess.summary import Summary

__all__ = [
    "THRESHOLD",
    "Decision",
    "IncidentState",
    "choose",
    "distance_km",
    "explain",
    "score",
]

#: A report joins the best incident scoring at least this much.
THRESHOLD = 1.8
KM_PER_DEG = 111.195
SLACK = 0.5  # km added to every distance tolerance
Z_MAX = 1.5  # distance / tolerance beyond which two points are two places

W_TIME_SAME, W_TIME_WEEK, W_TIME_WIDE, W_TIME_NEXT = 1.0, 0.8, 0.6, 0.4
W_PLACE, W_PLACE_CLOSE = 1.0, 0.5
W_AREA, W_SUB, W_PERP, W_TARGET = 0.2, 0.4, 0.3, 0.2
# Containment in a governorate, a district, a sub-district (by P-code). A governorate holds
# many events a day: inside it is no evidence by itself, only not a contradiction.
W_AREA1, W_AREA2, W_AREA3 = 0.0, 0.2, 0.4
W_TOLL = 0.2  # killed figures within each other's ranges
P_PERP = 0.3  # both name perpetrators, none the same
P_TOLL = 0.0  # killed figures far apart (tolls_conflict)


class IncidentState:
    """The correlation state of one incident, built by absorbing its reports in log order.

    It keeps the most precise consistent place and date and which report gave them
    (``place_from``, ``date_from``: ledger indexes): while every report is vague (an admin area
    only) its place is the narrowest area they give (``area``); the first report with a
    town-level place or point makes it precise, and its centroid then holds only such points.
    """

    __slots__ = (
        "area",
        "area_only",
        "areas",
        "d0",
        "d1",
        "date_from",
        "days",
        "docs",
        "fam",
        "family",
        "first",
        "id",
        "killed",
        "lat",
        "lon",
        "n",
        "perps",
        "place_from",
        "places",
        "pts",
        "r",
        "spread",
        "subs",
        "targets",
        "w",
        "wlat",
        "wlon",
    )

    def __init__(self, incident_id: str, s: Summary) -> None:
        self.id = incident_id
        self.first = s.index
        self.family = s.family
        self.fam = s.fam
        self.subs: tuple[str, ...] = (s.sub,)
        self.d0 = s.d0
        self.d1 = s.d1
        # The exact day of each day-precise report, repeated: the core is the most reported.
        self.days: tuple[int, ...] = (s.d0,) if s.d0 == s.d1 else ()
        self.w = self.wlat = self.wlon = 0.0
        self.pts: tuple[float, ...] = ()  # each report's point: lat, lon, r, lat, lon, r...
        # Points that disagree with the centroid (possible only after a manual merge): then
        # reports are compared with each point too, not only with the centroid.
        self.spread = False
        self.lat: float | None = None
        self.lon: float | None = None
        self.r = s.r
        self.places = s.places
        self.areas = s.areas
        self.perps = s.perps
        self.targets = s.targets
        self.area_only = s.vague
        self.area = s.area
        self.killed = s.killed
        self.docs = s.docs
        self.place_from = s.index
        self.date_from = s.index
        self.n = 1
        self._add_point(s)

    def _add_point(self, s: Summary) -> None:
        if s.lat is None or s.lon is None:
            return
        self.pts = (*self.pts, s.lat, s.lon, s.r)
        w = 1.0 / (s.r * s.r)
        self.w += w
        self.wlat += w * s.lat
        self.wlon += w * s.lon
        self.lat = self.wlat / self.w
        self.lon = self.wlon / self.w
        self.r = 1.0 / math.sqrt(self.w)

    def absorb(self, s: Summary) -> None:
        self.n += 1
        if s.sub not in self.subs:
            self.subs = (*self.subs, s.sub)
        if s.d0 == s.d1:
            days = self.days = (*self.days, s.d0)
            if s.d0 != self.d0 or self.d0 != self.d1:
                # The most reported day; on a tie, the day reported first.
                best, count = days[0], days.count(days[0])
                for d in days[1:]:
                    n = days.count(d)
                    if n > count:
                        best, count = d, n
                if best != self.d0 or self.d0 != self.d1:
                    self.date_from = s.index  # only this report's day gained a count
                self.d0 = self.d1 = best
        elif not self.days and s.d1 - s.d0 < self.d1 - self.d0:
            self.d0, self.d1 = s.d0, s.d1
            self.date_from = s.index
        if not s.vague:
            if self.area_only:  # the first precise place: the area was only a bound
                self.area_only = False
                self.area = ""
                self.w = self.wlat = self.wlon = 0.0
                self.pts = ()
                self.lat = self.lon = None
                self.place_from = s.index
            elif s.lat is not None and s.r < self.r:
                self.place_from = s.index
            self._add_point(s)
        elif self.area_only and len(s.area) > len(self.area):
            self.area = s.area  # a narrower area inside the incident's (containment checked)
            self.place_from = s.index
            if s.lat is not None:
                self.w = self.wlat = self.wlon = 0.0
                self.pts = ()
                self._add_point(s)
        self.places = _union(self.places, s.places)
        self.areas = _union(self.areas, s.areas)
        self.perps = _union(self.perps, s.perps)
        self.targets = _union(self.targets, s.targets)
        if s.killed is not None:
            self.killed = _hull(self.killed, s.killed)
        if s.docs:
            self.docs = _union(self.docs, s.docs)

    @property
    def vague(self) -> bool:
        return self.area_only

    _STORED = (
        "family", "fam", "subs", "d0", "d1", "days", "w", "wlat", "wlon", "r", "pts", "spread",
        "places", "areas", "perps", "targets", "n", "area_only", "area", "killed", "docs",
        "place_from", "date_from",
    )  # fmt: skip

    def to_json(self) -> dict[str, object]:
        """What the SQL projection stores (floats round-trip exactly through JSON)."""
        return {name: getattr(self, name) for name in self._STORED}

    @classmethod
    def from_json(cls, incident_id: str, first: int, data: dict[str, object]) -> IncidentState:
        state = cls.__new__(cls)
        state.id = incident_id
        state.first = first
        # States stored before containment (no area_only ... date_from): their defaults.
        defaults: dict[str, object] = {
            "area_only": None, "area": "", "killed": None, "docs": (),
            "place_from": first, "date_from": first,
        }  # fmt: skip
        for name in cls._STORED:
            value = data[name] if name in data else defaults[name]
            setattr(state, name, tuple(value) if isinstance(value, list) else value)
        if state.w > 0:
            state.lat = state.wlat / state.w
            state.lon = state.wlon / state.w
        else:
            state.lat = state.lon = None
        if state.area_only is None:
            state.area_only = state.lat is None and not state.places
        return state

    @classmethod
    def from_members(cls, incident_id: str, members: Sequence[Summary]) -> IncidentState:
        """Rebuild a state from its reports, absorbed in log order (after a merge or split)."""
        ordered = sorted(members, key=lambda m: m.index)
        state = cls(incident_id, ordered[0])
        for s in ordered[1:]:
            state.absorb(s)
        pts = state.pts
        if state.lat is not None and state.lon is not None:
            state.spread = any(
                distance_km(state.lat, state.lon, pts[i], pts[i + 1]) > state.r + pts[i + 2] + SLACK
                for i in range(0, len(pts), 3)
            )
            if state.spread:
                state._anchor(ordered)
        return state

    def _anchor(self, members: Sequence[Summary]) -> None:
        """Reports that disagree beyond their error radii (a manual merge of distant places):
        the place is not their average — a point between two towns that no report gives — but
        the most precise report's (the smallest error radius; on a tie, the first filed),
        combined only with the points consistent with it (within both radii). The others stay
        in ``pts`` and ``spread`` stays set: the disagreement view names them."""
        pts = self.pts
        triples = [(pts[i], pts[i + 1], pts[i + 2]) for i in range(0, len(pts), 3)]
        alat, alon, ar = min(triples, key=lambda t: t[2])  # min keeps the first of equals
        self.w = self.wlat = self.wlon = 0.0
        for lat, lon, r in triples:
            if distance_km(alat, alon, lat, lon) <= ar + r + SLACK:
                w = 1.0 / (r * r)
                self.w += w
                self.wlat += w * lat
                self.wlon += w * lon
        self.lat = self.wlat / self.w
        self.lon = self.wlon / self.w
        self.r = 1.0 / math.sqrt(self.w)
        for m in members:
            if m.lat == alat and m.lon == alon and m.r == ar and not m.vague:
                self.place_from = m.index
                break


def _hull(a: tuple[int, int] | None, b: tuple[int, int]) -> tuple[int, int]:
    if a is None:
        return b
    high = -1 if a[1] < 0 or b[1] < 0 else max(a[1], b[1])
    return (min(a[0], b[0]), high)


def tolls_conflict(a: tuple[int, int], b: tuple[int, int] | None) -> bool:
    """Killed figures too far apart to be one count revised: more than twice and 2 apart."""
    if b is None:
        return False
    lo_a, hi_a = a
    lo_b, hi_b = b
    return (hi_b >= 0 and lo_a > 2 * hi_b + 2) or (hi_a >= 0 and lo_b > 2 * hi_a + 2)


def tolls_agree(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Killed figures within each other's ranges (high -1: open-ended)."""
    if a is None or b is None:
        return False
    return (b[1] < 0 or a[0] <= b[1]) and (a[1] < 0 or b[0] <= a[1])


def _union(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    for item in b:
        if item not in a:
            a = (*a, item)
    return a


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: exact enough over the tens of km that matter here."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) * 0.5))
    y = lat2 - lat1
    return math.sqrt(x * x + y * y) * KM_PER_DEG


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return any(x in b for x in a)


def _shared_id(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return any(x in b for x in a if x[:1] == "#")


def _close(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    # Gazetteer ids (``#…``) are one place or two: never "one letter apart".
    return any(keys_close(x, y) for x in a if x[:1] != "#" for y in b if y[:1] != "#")


def _z(s: Summary, c: IncidentState) -> float:
    """Distance over tolerance to the incident's centroid, or to the nearest of its reports'
    points when that is nearer (after a merge, an incident may hold far-apart reports)."""
    z = distance_km(s.lat, s.lon, c.lat, c.lon) / (s.r + c.r + SLACK)  # type: ignore[arg-type]
    pts = c.pts
    if z > 0.5 and c.spread:
        for i in range(0, len(pts), 3):
            zi = distance_km(s.lat, s.lon, pts[i], pts[i + 1]) / (s.r + pts[i + 2] + SLACK)  # type: ignore[arg-type]
            if zi < z:
                z = zi
    return z


def _has_pcode(areas: tuple[str, ...]) -> bool:
    return any(len(a) >= 4 and a[2:4].isdigit() for a in areas)


def _level_weight(code: str) -> float:
    """The weight of containment in an admin unit: governorate, district, sub-district."""
    return W_AREA1 if len(code) <= 4 else W_AREA2 if len(code) <= 6 else W_AREA3


def _contains(s: Summary, c: IncidentState) -> float | None:
    """When one side is located only by an admin area: the weight of its containing the other
    (or of either containing the other, when both are vague); None when it does not."""
    if s.vague and c.area_only:
        a, b = s.area, c.area
        if a and b:
            if a.startswith(b) or b.startswith(a):
                return _level_weight(a if len(a) > len(b) else b)
            return None
    elif s.vague:
        if s.area and s.area in c.areas:
            return _level_weight(s.area)
        if s.area and _has_pcode(c.areas):
            return None  # the incident's places are outside the report's area
    elif c.area:
        if c.area in s.areas:
            return _level_weight(c.area)
        if _has_pcode(s.areas):
            return None
    # No P-codes on one side: admin areas by name (the governorate as written).
    if s.areas and c.areas and _shared(s.areas, c.areas):
        return W_AREA
    return None


def score(s: Summary, c: IncidentState) -> float | None:
    """How well report ``s`` fits incident ``c``; None when it cannot be the same event."""
    if s.fam != c.fam:
        return None
    gap = s.d0 - c.d1 if s.d0 > c.d1 else c.d0 - s.d1 if c.d0 > s.d1 else 0
    if gap > 1:
        return None
    if gap == 1:
        # A second report of the next day, against a day two or more reports agree on,
        # describes the next day's event rather than another slip of the date.
        if s.d0 == s.d1 and s.d0 in c.days and c.days.count(c.d0) >= 2:
            return None
        # ... and so is one whose killed figure is far from the incident's.
        if s.killed is not None and tolls_conflict(s.killed, c.killed):
            return None
        total = W_TIME_NEXT
    else:
        span = s.d1 - s.d0
        if c.d1 - c.d0 > span:
            span = c.d1 - c.d0
        total = W_TIME_SAME if span == 0 else W_TIME_WEEK if span < 7 else W_TIME_WIDE
    if s.vague or c.area_only:
        # One side is an admin area: compatible with every place inside it. A document that
        # named an event's place and also an area names two events there, not one twice.
        if s.docs and c.docs and _shared(s.docs, c.docs):
            return None
        inside = _contains(s, c)
        if inside is None:
            return None
        # A region's point ("southern Idlib") bounds it: farther than both radii is outside.
        if (
            s.lat is not None
            and c.lat is not None
            and distance_km(s.lat, s.lon, c.lat, c.lon) > s.r + c.r + SLACK  # type: ignore[arg-type]
        ):
            return None
        total += inside
    else:
        evidence = False
        same_id = False
        if s.places and c.places:
            if _shared(s.places, c.places):
                total += W_PLACE
                evidence = True
                same_id = _shared_id(s.places, c.places)
            elif _close(s.places, c.places):
                total += W_PLACE_CLOSE
            else:
                return None  # two differently named towns
        if s.lat is not None and c.lat is not None:
            z = _z(s, c)
            if z <= Z_MAX:
                total += 1.0 if z <= 0.5 else 1.0 - 1.4 * (z - 0.5)
                evidence = True
            elif not same_id:
                return None
            # else one gazetteer place, its reports' points spread (another place named first)
        if not evidence:
            return None
    if s.sub in c.subs:
        total += W_SUB
    if s.perps and c.perps:
        total += W_PERP if _shared(s.perps, c.perps) else -P_PERP
    if s.targets and _shared(s.targets, c.targets):
        total += W_TARGET
    if s.killed is not None and c.killed is not None:
        if tolls_agree(s.killed, c.killed):
            total += W_TOLL
        elif tolls_conflict(s.killed, c.killed):
            total -= P_TOLL
    return total


def _toll(k: tuple[int, int]) -> str:
    lo, hi = k
    return f"{lo}+" if hi < 0 else str(lo) if hi == lo else f"{lo}-{hi}"


def explain(s: Summary, c: IncidentState) -> list[str]:
    """The reasons behind :func:`score` for this report and incident, in words."""
    out: list[str] = []
    gap = max(s.d0 - c.d1, c.d0 - s.d1, 0)
    if gap:
        out.append("dates one day apart")
    elif s.d0 == s.d1 and c.d0 == c.d1:
        out.append("same day")
    elif s.d0 <= c.d0 and c.d1 <= s.d1:
        out.append(f"the incident's date is inside the report's {s.d1 - s.d0 + 1} days")
    elif c.d0 <= s.d0 and s.d1 <= c.d1:
        out.append(f"the report's date is inside the incident's {c.d1 - c.d0 + 1} days")
    else:
        out.append("dates overlap")
    if s.vague or c.area_only:
        if s.vague and c.area_only:
            a = s.area if len(s.area) >= len(c.area) else c.area
            out.append(
                f"both located by admin area only (inside {a.upper()})"
                if a
                else "both located by admin area only (same area)"
            )
        elif s.vague:
            out.append(
                f"the report's admin area {s.area.upper()} contains the incident's place"
                if s.area
                else "same admin area"
            )
        else:
            out.append(
                f"the place is inside the incident's admin area {c.area.upper()}"
                if c.area
                else "same admin area"
            )
    else:
        if s.places and c.places:
            if _shared_id(s.places, c.places):
                out.append("same gazetteer place")
            elif _shared(s.places, c.places):
                out.append("same place name")
            else:
                out.append("place names one letter apart")
        if s.lat is not None and c.lat is not None:
            d = distance_km(s.lat, s.lon, c.lat, c.lon)  # type: ignore[arg-type]
            out.append(f"{d:.1f} km apart (tolerance {Z_MAX * (s.r + c.r + SLACK):.1f} km)")
    if s.sub in c.subs:
        out.append("same sub-event type")
    if s.perps and _shared(s.perps, c.perps):
        out.append("same perpetrator named")
    if s.targets and _shared(s.targets, c.targets):
        out.append("same target named")
    if s.killed is not None and tolls_agree(s.killed, c.killed):
        out.append(f"killed figures agree ({_toll(s.killed)} and {_toll(c.killed)})")  # type: ignore[arg-type]
    return out


@dataclass(frozen=True)
class Decision:
    """Where a report goes: ``incident`` None means a new incident; ``reason`` says why."""

    report: Summary
    incident: IncidentState | None
    score: float
    candidates: int  # incidents that qualified
    note: str = ""

    @property
    def reason(self) -> str:
        """In words. Computed on demand (the engine places millions without reading them), so
        read it before the incident absorbs the report: it compares with the incident as is."""
        if self.incident is None:
            return self.note
        why = ", ".join(explain(self.report, self.incident))
        return f"score {self.score:.2f} (threshold {THRESHOLD:.2f}): {why}"


def choose(s: Summary, candidates: Iterable[IncidentState]) -> Decision:
    """The incident ``s`` joins among ``candidates`` (each given once), or a new one."""
    if not s.correlatable:
        days = s.d1 - s.d0 + 1
        return Decision(s, None, 0.0, 0, f"its dates span {days} days: too imprecise to correlate")
    best: IncidentState | None = None
    best_score = -1.0
    near: IncidentState | None = None  # the best below the threshold, to say why not
    near_score = -1.0
    passing = 0
    for c in candidates:
        sc = score(s, c)
        if sc is None:
            continue
        if sc < THRESHOLD:
            if sc > near_score or (sc == near_score and near is not None and c.first < near.first):
                near, near_score = c, sc
            continue
        passing += 1
        if best is None or sc > best_score or (sc == best_score and c.first < best.first):
            best, best_score = c, sc
    if best is None:
        if near is not None:
            return Decision(
                s, None, 0.0, 0,
                f"no earlier incident matches (nearest: {near.id}, score {near_score:.2f} "
                f"below {THRESHOLD:.2f})",
            )  # fmt: skip
        return Decision(s, None, 0.0, 0, "no earlier incident matches")
    if s.vague and passing > 1:
        return Decision(
            s, None, 0.0, passing, f"located only by area, where {passing} incidents qualify"
        )
    return Decision(s, best, best_score, passing)
