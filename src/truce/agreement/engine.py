"""The rule engine: which incidents break which clause, computed over column arrays.

Incidents, zones and sites are held as numpy columns; geometry is projected once into UTM 37N
metres (:mod:`truce.agreement.aoi`). Each clause is evaluated in three vectorised steps:

1. attributes: ``when`` / ``unless`` (``numpy.isin`` per field) and the time window;
2. geometry: one STRtree query per place (shapely 2, GEOS) over the candidates' points — bounding
   boxes, then exact tests on the candidate pairs only (``contains_xy`` against prepared zones,
   ``dwithin``/``distance`` for "within N m"). This is what makes a million incidents against a
   thousand zones and ten thousand sites take seconds (``benchmarks/bench_rules.py`` compares it
   with a brute-force pass over every zone and site);
3. validity: a zone counts only for incidents that overlap its ``valid_from``..``valid_to``.

**Uncertainty.** A report's point carries a circular error (``error_m``). A match is *certain* when
the whole error disc satisfies the clause (inside the zone and at least ``error_m`` from its edge;
within N m even at the far side of the disc) and the incident's dates lie inside the clause's
window; it is *possible* when only part of the disc or of the dates does. Incidents without a
point (an area only) are not placed and are counted as such, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import shapely
from numpy.typing import NDArray

from truce.agreement.aoi import geometry_to_metric, to_metric
from truce.model.agreement import Clause, Place, Relation

__all__ = ["IncidentColumns", "MapIndex", "Match", "SiteColumns", "ZoneColumns", "match_clause"]

_NO_START = np.datetime64("0001-01-01", "D")
_NO_END = np.datetime64("9999-12-31", "D")


def _days(values: Sequence[date | str | None], missing: np.datetime64) -> NDArray[np.datetime64]:
    out = np.array([missing if v in (None, "") else v for v in values], dtype="datetime64[D]")
    return out if len(values) else np.empty(0, dtype="datetime64[D]")


@dataclass
class IncidentColumns:
    """One row per incident. ``lon``/``lat`` NaN when the incident has no point."""

    ids: NDArray[np.object_]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    error_m: NDArray[np.float64]
    start: NDArray[np.datetime64]
    end: NDArray[np.datetime64]
    #: Single-valued fields: family, event_type, sub_event_type, occurrence.
    fields: dict[str, NDArray[np.object_]]
    #: Set-valued fields (any report of the incident): modality, tag.
    sets: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    x: NDArray[np.float64] = field(init=False)
    y: NDArray[np.float64] = field(init=False)
    located: NDArray[np.bool_] = field(init=False)

    def __post_init__(self) -> None:
        self.located = ~(np.isnan(self.lon) | np.isnan(self.lat))
        x = np.full(len(self.lon), np.nan)
        y = np.full(len(self.lon), np.nan)
        if self.located.any():
            x[self.located], y[self.located] = to_metric(
                self.lon[self.located], self.lat[self.located]
            )
        self.x, self.y = x, y
        self.error_m = np.nan_to_num(self.error_m, nan=0.0)
        self._points: NDArray[np.object_] | None = None

    def points(self) -> NDArray[np.object_]:
        """Shapely points in metres (None where not located), built once on first use."""
        if self._points is None:
            self._points = shapely.points(self.x, self.y)
        return self._points

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class ZoneColumns:
    ids: NDArray[np.object_]
    kinds: NDArray[np.object_]
    geoms: NDArray[np.object_]  # longitude/latitude polygons
    valid_from: NDArray[np.datetime64]
    valid_to: NDArray[np.datetime64]
    approximate: NDArray[np.bool_]
    metric: NDArray[np.object_] = field(init=False)

    def __post_init__(self) -> None:
        self.metric = np.array([geometry_to_metric(g) for g in self.geoms], dtype=object)
        if len(self.metric):
            shapely.prepare(self.metric)

    @classmethod
    def build(
        cls,
        ids: Sequence[str],
        kinds: Sequence[str],
        geoms: Sequence[shapely.Geometry],
        valid_from: Sequence[date | str | None] | None = None,
        valid_to: Sequence[date | str | None] | None = None,
        approximate: Sequence[bool] | None = None,
    ) -> ZoneColumns:
        n = len(ids)
        return cls(
            ids=np.array(ids, dtype=object),
            kinds=np.array(kinds, dtype=object),
            geoms=np.array(geoms, dtype=object),
            valid_from=_days(valid_from or [None] * n, _NO_START),
            valid_to=_days(valid_to or [None] * n, _NO_END),
            approximate=np.array(approximate or [False] * n, dtype=bool),
        )


@dataclass
class SiteColumns:
    ids: NDArray[np.object_]
    kinds: NDArray[np.object_]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    approximate: NDArray[np.bool_]
    points: NDArray[np.object_] = field(init=False)

    def __post_init__(self) -> None:
        x, y = to_metric(self.lon, self.lat)
        self.points = shapely.points(x, y) if len(x) else np.empty(0, dtype=object)

    @classmethod
    def build(
        cls,
        ids: Sequence[str],
        kinds: Sequence[str],
        lon: Sequence[float],
        lat: Sequence[float],
        approximate: Sequence[bool] | None = None,
    ) -> SiteColumns:
        return cls(
            ids=np.array(ids, dtype=object),
            kinds=np.array(kinds, dtype=object),
            lon=np.asarray(lon, dtype=np.float64),
            lat=np.asarray(lat, dtype=np.float64),
            approximate=np.array(approximate or [False] * len(ids), dtype=bool),
        )


class MapIndex:
    """Zones and sites with their STRtrees (built once, shared by every clause)."""

    def __init__(self, zones: ZoneColumns, sites: SiteColumns) -> None:
        self.zones = zones
        self.sites = sites
        self.zone_tree = shapely.STRtree(zones.metric)
        self.site_tree = shapely.STRtree(sites.points)
        self.site_xy = shapely.get_coordinates(sites.points).reshape(-1, 2)
        self.zone_boundaries = (
            shapely.boundary(zones.metric) if len(zones.metric) else np.empty(0, dtype=object)
        )
        if len(self.zone_boundaries):
            shapely.prepare(self.zone_boundaries)
        self._bounds: dict[str, NDArray[np.float64]] = {
            "zone": shapely.bounds(zones.metric).reshape(-1, 4),
            "site": shapely.bounds(sites.points).reshape(-1, 4),
        }
        self._grown: dict[tuple[str, float], shapely.STRtree] = {
            ("zone", 0.0): self.zone_tree,
            ("site", 0.0): self.site_tree,
        }

    def bounds(self, which: str) -> NDArray[np.float64]:
        """Bounding boxes (minx, miny, maxx, maxy) in metres of the zones or the sites."""
        return self._bounds[which]

    def grown_tree(self, which: str, grow: float) -> shapely.STRtree:
        """An STRtree of the targets' bounding boxes grown by ``grow`` metres (cached)."""
        tree = self._grown.get((which, grow))
        if tree is None:
            b = self._bounds[which]
            tree = shapely.STRtree(
                shapely.box(b[:, 0] - grow, b[:, 1] - grow, b[:, 2] + grow, b[:, 3] + grow)
            )
            self._grown[(which, grow)] = tree
        return tree

    def zone_mask(self, place: Place) -> NDArray[np.bool_]:
        mask = np.zeros(len(self.zones.ids), dtype=bool)
        if place.zones:
            mask |= np.isin(self.zones.ids, place.zones)
        if place.zone_kinds:
            mask |= np.isin(self.zones.kinds, [k.value for k in place.zone_kinds])
        return mask

    def site_mask(self, place: Place) -> NDArray[np.bool_]:
        mask = np.zeros(len(self.sites.ids), dtype=bool)
        if place.sites:
            mask |= np.isin(self.sites.ids, place.sites)
        kinds = place.site_kind_values()
        if kinds:
            mask |= np.isin(self.sites.kinds, sorted(kinds))
        return mask


@dataclass
class Match:
    """Candidate (incident, target) pairs that satisfy one clause, as parallel arrays."""

    incident: NDArray[np.intp]
    target_type: NDArray[np.object_]  # "zone" | "site" | "" (a clause with no 'where')
    target: NDArray[np.intp]
    distance_m: NDArray[np.float64]
    certain: NDArray[np.bool_]

    @classmethod
    def empty(cls) -> Match:
        return cls(
            np.empty(0, np.intp),
            np.empty(0, object),
            np.empty(0, np.intp),
            np.empty(0, np.float64),
            np.empty(0, bool),
        )

    @classmethod
    def concat(cls, parts: Sequence[Match]) -> Match:
        if not parts:
            return cls.empty()
        return cls(
            np.concatenate([p.incident for p in parts]),
            np.concatenate([p.target_type for p in parts]),
            np.concatenate([p.target for p in parts]),
            np.concatenate([p.distance_m for p in parts]),
            np.concatenate([p.certain for p in parts]),
        )

    def best(self) -> Match:
        """One row per incident: a certain match first, then the nearest target."""
        if len(self.incident) == 0:
            return self
        # Uncertain matches rank after every certain one (distances are far below 1e12 m).
        keep = _first_minimum(self.incident, self.distance_m + (~self.certain) * 1e12)
        return Match(
            self.incident[keep],
            self.target_type[keep],
            self.target[keep],
            self.distance_m[keep],
            self.certain[keep],
        )


def _first_minimum(group: NDArray[np.intp], key: NDArray[np.float64]) -> NDArray[np.intp]:
    """Positions of the smallest ``key`` in each ``group`` (the first, on ties), in group order.

    ``ufunc.at`` and one sort of the (few) winners: much faster than sorting every pair.
    """
    if len(group) == 0:
        return np.empty(0, np.intp)
    size = int(group.max()) + 1
    smallest = np.full(size, np.inf)
    np.minimum.at(smallest, group, key)
    winners = np.flatnonzero(key == smallest[group])
    _, first = np.unique(group[winners], return_index=True)
    return winners[first]


def _condition_mask(
    incidents: IncidentColumns, condition: dict[str, list[str]]
) -> NDArray[np.bool_]:
    mask = np.ones(len(incidents), dtype=bool)
    for name, values in condition.items():
        if name in incidents.fields:
            mask &= np.isin(incidents.fields[name], values)
        else:
            wanted = set(values)
            sets = incidents.sets.get(name)
            if sets is None:
                mask &= False
            else:
                mask &= np.fromiter((bool(s & wanted) for s in sets), dtype=bool, count=len(sets))
    return mask


def attribute_mask(clause: Clause, incidents: IncidentColumns) -> NDArray[np.bool_]:
    """Incidents whose fields and dates can break ``clause`` (before any geometry)."""
    n = len(incidents)
    if clause.when:
        mask = np.zeros(n, dtype=bool)
        for condition in clause.when:
            mask |= _condition_mask(incidents, condition)
    else:
        mask = np.ones(n, dtype=bool)
    for condition in clause.unless:
        mask &= ~_condition_mask(incidents, condition)
    if clause.start is not None:
        mask &= incidents.end >= np.datetime64(clause.start, "D")
    if clause.end is not None:
        mask &= incidents.start <= np.datetime64(clause.end, "D")
    return mask


def _time_certain(
    clause: Clause, incidents: IncidentColumns, rows: NDArray[np.intp]
) -> NDArray[np.bool_]:
    certain = np.ones(len(rows), dtype=bool)
    if clause.start is not None:
        certain &= incidents.start[rows] >= np.datetime64(clause.start, "D")
    if clause.end is not None:
        certain &= incidents.end[rows] <= np.datetime64(clause.end, "D")
    return certain


#: Padding buckets (metres): a query pads each point up to the next bucket, then filters exactly.
#: Steps of about 25 % keep the boxes tight (a 5.5 km pad is queried at 6 km, not 10 km).
_BUCKETS = np.array(
    [
        *(0, 100, 200, 300, 400, 500, 600, 800, 1_000, 1_250, 1_500, 2_000, 2_500, 3_000),
        *(4_000, 5_000, 6_000, 8_000, 10_000, 12_500, 15_000, 20_000, 25_000, 30_000, 40_000),
        *(50_000, 60_000, 80_000, 100_000, 125_000, 150_000, 200_000, 250_000, 300_000),
    ]
)


def _candidates(
    index: MapIndex,
    which: str,
    incidents: IncidentColumns,
    rows: NDArray[np.intp],
    pad: NDArray[np.float64],
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Candidate pairs (position in ``rows``, target index) whose bounding boxes, the target's
    grown by the point's ``pad``, contain the point.

    Points are grouped by padding bucket and each group is queried as points against a tree of
    the targets' boxes grown by that bucket (built once per bucket and cached): building a
    million boxes around the points would cost more than the whole query.
    """
    bucket = np.searchsorted(_BUCKETS, pad, side="left")
    found_in: list[NDArray[np.intp]] = []
    found_tree: list[NDArray[np.intp]] = []
    points = incidents.points()
    bounds = index.bounds(which)
    for b in np.unique(bucket):
        where = np.flatnonzero(bucket == b)
        grow = float(_BUCKETS[b]) if b < len(_BUCKETS) else float(pad[where].max())
        a, t = index.grown_tree(which, grow).query(points[rows[where]])
        a = where[a]
        if grow > 0:  # exact box test with each point's own padding
            px, py, d = incidents.x[rows[a]], incidents.y[rows[a]], pad[a]
            ok = (
                (px >= bounds[t, 0] - d)
                & (px <= bounds[t, 2] + d)
                & (py >= bounds[t, 1] - d)
                & (py <= bounds[t, 3] + d)
            )
            a, t = a[ok], t[ok]
        found_in.append(a)
        found_tree.append(t)
    if not found_in:
        return np.empty(0, np.intp), np.empty(0, np.intp)
    return np.concatenate(found_in), np.concatenate(found_tree)


def _zone_pairs(
    index: MapIndex, place: Place, incidents: IncidentColumns, rows: NDArray[np.intp]
) -> Match:
    targets = index.zone_mask(place)
    if not targets.any() or len(rows) == 0:
        return Match.empty()
    zones = index.zones
    reach = float(place.metres) if place.relation == Relation.WITHIN else 0.0
    err = incidents.error_m[rows]
    pair_in, pair_zone = _candidates(index, "zone", incidents, rows, reach + err)
    keep = targets[pair_zone]
    inc = rows[pair_in[keep]]
    pair_zone = pair_zone[keep]
    # Validity: the zone must be in force during the incident.
    valid = (zones.valid_from[pair_zone] <= incidents.end[inc]) & (
        zones.valid_to[pair_zone] >= incidents.start[inc]
    )
    inc, pair_zone = inc[valid], pair_zone[valid]
    if len(inc) == 0:
        return Match.empty()
    geoms = zones.metric[pair_zone]
    inside = shapely.contains_xy(geoms, incidents.x[inc], incidents.y[inc])
    possible = inside.copy()
    reach_pair = reach + incidents.error_m[inc]
    # Near-misses matter only for incidents inside none of the target zones.
    inside_any = np.zeros(len(incidents), dtype=bool)
    inside_any[inc[inside]] = True
    outside = np.flatnonzero(~inside & (reach_pair > 0) & ~inside_any[inc])
    if len(outside):
        pts = incidents.points()[inc[outside]]
        possible[outside] = shapely.dwithin(geoms[outside], pts, reach_pair[outside])
    inc, pair_zone, inside = inc[possible], pair_zone[possible], inside[possible]
    # One target per incident (one it is inside, if any), then the exact tests on those only.
    order = np.lexsort((~inside, inc))
    first = np.ones(len(order), dtype=bool)
    first[1:] = inc[order][1:] != inc[order][:-1]
    pick = order[first]
    inc, pair_zone, inside = inc[pick], pair_zone[pick], inside[pick]
    perr = incidents.error_m[inc]
    pts = incidents.points()[inc]
    distance = np.zeros(len(inc))
    if (~inside).any():
        distance[~inside] = shapely.distance(zones.metric[pair_zone[~inside]], pts[~inside])
    edge = np.full(len(inc), np.inf)
    needs_edge = inside & (perr > reach)
    if needs_edge.any():
        edge[needs_edge] = shapely.distance(
            index.zone_boundaries[pair_zone[needs_edge]], pts[needs_edge]
        )
    # Certain: every point of the error disc satisfies the relation.
    certain = (inside & (edge + reach >= perr)) | (~inside & (distance + perr <= reach))
    return Match(inc, np.full(len(inc), "zone", dtype=object), pair_zone, distance, certain)


def _site_pairs(
    index: MapIndex, place: Place, incidents: IncidentColumns, rows: NDArray[np.intp]
) -> Match:
    targets = index.site_mask(place)
    if not targets.any() or len(rows) == 0:
        return Match.empty()
    reach = float(place.metres)
    pair_in, pair_site = _candidates(
        index, "site", incidents, rows, reach + incidents.error_m[rows]
    )
    keep = targets[pair_site]
    inc, pair_site = rows[pair_in[keep]], pair_site[keep]
    if len(inc) == 0:
        return Match.empty()
    dx = index.site_xy[pair_site, 0] - incidents.x[inc]
    dy = index.site_xy[pair_site, 1] - incidents.y[inc]
    distance = np.hypot(dx, dy)
    perr = incidents.error_m[inc]
    possible = np.flatnonzero(distance <= reach + perr)
    # The nearest site decides certainty (certain is monotone in distance).
    near = possible[_first_minimum(inc[possible], distance[possible])]
    return Match(
        inc[near],
        np.full(len(near), "site", dtype=object),
        pair_site[near],
        distance[near],
        distance[near] + perr[near] <= reach,
    )


def _merged(places: Sequence[Place]) -> list[Place]:
    """Places with the same relation and distance, merged: one index query instead of several."""
    groups: dict[tuple[Relation, int], list[Place]] = {}
    for place in places:
        groups.setdefault((place.relation, place.metres), []).append(place)
    merged = []
    for (relation, metres), group in groups.items():
        merged.append(
            Place(
                relation=relation,
                metres=metres,
                zones=sorted({z for p in group for z in p.zones}),
                zone_kinds=sorted({k for p in group for k in p.zone_kinds}),
                sites=sorted({s for p in group for s in p.sites}),
                site_kinds=sorted({k for p in group for k in p.site_kinds}),
            )
        )
    return merged


@dataclass
class ClauseResult:
    matches: Match
    #: Incidents that met the clause's fields and dates but have no point to place.
    unplaced: NDArray[np.intp]


def match_clause(clause: Clause, incidents: IncidentColumns, index: MapIndex) -> ClauseResult:
    """Every incident that breaks (certainly or possibly) ``clause``, with its best target."""
    mask = attribute_mask(clause, incidents)
    if not clause.where:
        rows = np.flatnonzero(mask)
        n = len(rows)
        return ClauseResult(
            Match(
                rows,
                np.full(n, "", dtype=object),
                np.full(n, -1, dtype=np.intp),
                np.zeros(n),
                _time_certain(clause, incidents, rows),
            ),
            np.empty(0, np.intp),
        )
    unplaced = np.flatnonzero(mask & ~incidents.located)
    rows = np.flatnonzero(mask & incidents.located)
    parts = []
    for place in _merged(clause.where):
        if place.zones or place.zone_kinds:
            parts.append(_zone_pairs(index, place, incidents, rows))
        if place.sites or place.site_kinds:
            parts.append(_site_pairs(index, place, incidents, rows))
    found = Match.concat(parts)
    if len(found.incident):
        found.certain &= _time_certain(clause, incidents, found.incident)
    return ClauseResult(found.best(), unplaced)
