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
THRESHOLD = 1.6
KM_PER_DEG = 111.195
SLACK = 0.5  # km added to every distance tolerance
Z_MAX = 1.5  # distance / tolerance beyond which two points are two places

W_TIME_SAME, W_TIME_WEEK, W_TIME_WIDE, W_TIME_NEXT = 1.0, 0.8, 0.6, 0.4
W_PLACE, W_PLACE_CLOSE = 1.0, 0.5
W_AREA, W_SUB, W_PERP, W_TARGET = 0.2, 0.2, 0.3, 0.2


class IncidentState:
    """The correlation state of one incident, built by absorbing its reports in log order."""

    __slots__ = (
        "areas",
        "d0",
        "d1",
        "days",
        "fam",
        "family",
        "first",
        "id",
        "lat",
        "lon",
        "n",
        "perps",
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
                self.d0 = self.d1 = best
        elif not self.days and s.d1 - s.d0 < self.d1 - self.d0:
            self.d0, self.d1 = s.d0, s.d1
        self._add_point(s)
        self.places = _union(self.places, s.places)
        self.areas = _union(self.areas, s.areas)
        self.perps = _union(self.perps, s.perps)
        self.targets = _union(self.targets, s.targets)

    @property
    def vague(self) -> bool:
        return self.lat is None and not self.places

    _STORED = (
        "family", "fam", "subs", "d0", "d1", "days", "w", "wlat", "wlon", "r", "pts", "spread",
        "places", "areas", "perps", "targets", "n",
    )  # fmt: skip

    def to_json(self) -> dict[str, object]:
        """What the SQL projection stores (floats round-trip exactly through JSON)."""
        return {name: getattr(self, name) for name in self._STORED}

    @classmethod
    def from_json(cls, incident_id: str, first: int, data: dict[str, object]) -> IncidentState:
        state = cls.__new__(cls)
        state.id = incident_id
        state.first = first
        for name in cls._STORED:
            value = data[name]
            setattr(state, name, tuple(value) if isinstance(value, list) else value)
        if state.w > 0:
            state.lat = state.wlat / state.w
            state.lon = state.wlon / state.w
        else:
            state.lat = state.lon = None
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
        return state


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


def _close(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return any(keys_close(x, y) for x in a for y in b)


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
        total = W_TIME_NEXT
    else:
        span = s.d1 - s.d0
        if c.d1 - c.d0 > span:
            span = c.d1 - c.d0
        total = W_TIME_SAME if span == 0 else W_TIME_WEEK if span < 7 else W_TIME_WIDE
    evidence = False
    if s.lat is not None and c.lat is not None:
        z = _z(s, c)
        if z > Z_MAX:
            return None
        total += 1.0 if z <= 0.5 else 1.0 - 1.4 * (z - 0.5)
        evidence = True
    if s.places and c.places:
        if _shared(s.places, c.places):
            total += W_PLACE
            evidence = True
        elif _close(s.places, c.places):
            total += W_PLACE_CLOSE
        else:
            return None  # two differently named towns
    vague = (s.lat is None and not s.places) or (c.lat is None and not c.places)
    if vague and s.areas and c.areas:
        if not _shared(s.areas, c.areas):
            return None
        total += W_AREA
        evidence = True
    if not evidence:
        return None
    if s.sub in c.subs:
        total += W_SUB
    if s.perps and _shared(s.perps, c.perps):
        total += W_PERP
    if s.targets and _shared(s.targets, c.targets):
        total += W_TARGET
    return total


def explain(s: Summary, c: IncidentState) -> list[str]:
    """The reasons behind :func:`score` for this report and incident, in words."""
    out: list[str] = []
    gap = max(s.d0 - c.d1, c.d0 - s.d1, 0)
    out.append("dates overlap" if gap == 0 else "dates one day apart")
    if s.lat is not None and c.lat is not None:
        d = distance_km(s.lat, s.lon, c.lat, c.lon)  # type: ignore[arg-type]
        out.append(f"{d:.1f} km apart (tolerance {Z_MAX * (s.r + c.r + SLACK):.1f} km)")
    if s.places and c.places:
        out.append("same place" if _shared(s.places, c.places) else "place names one letter apart")
    if (s.vague or c.vague) and s.areas and _shared(s.areas, c.areas):
        out.append("same admin area")
    if s.sub in c.subs:
        out.append("same sub-event type")
    if s.perps and _shared(s.perps, c.perps):
        out.append("same perpetrator named")
    if s.targets and _shared(s.targets, c.targets):
        out.append("same target named")
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
        return f"score {self.score:.2f}: {why}"


def choose(s: Summary, candidates: Iterable[IncidentState]) -> Decision:
    """The incident ``s`` joins among ``candidates`` (each given once), or a new one."""
    if not s.correlatable:
        days = s.d1 - s.d0 + 1
        return Decision(s, None, 0.0, 0, f"its dates span {days} days: too imprecise to correlate")
    best: IncidentState | None = None
    best_score = -1.0
    passing = 0
    for c in candidates:
        sc = score(s, c)
        if sc is None or sc < THRESHOLD:
            continue
        passing += 1
        if best is None or sc > best_score or (sc == best_score and c.first < best.first):
            best, best_score = c, sc
    if best is None:
        return Decision(s, None, 0.0, 0, "no earlier incident matches")
    if s.vague and passing > 1:
        return Decision(
            s, None, 0.0, passing, f"located only by area, where {passing} incidents qualify"
        )
    return Decision(s, best, best_score, passing)
