"""Agreement rules: incidents checked against zones and sites (issue 6).

Goal: 1,000,000 incidents against 1,000 zones and 10,000 sites at >= 100,000 incidents/s, with a
spatial index, compared with a brute-force pass (every incident against every zone and site,
vectorised over incidents but without an index) measured in the same run.

Synthetic but shaped like the field: incidents cluster around 600 "towns" (σ ≈ 3 km) with
ACLED-like location errors (0 m 30 %, 500 m 30 %, 1 km 20 %, 2 km 15 %, 5 km 5 %); zones are
1,000 Voronoi cells tiling the Idlib area (≈ 90 vertices each after densifying), of four kinds;
sites are 10,000 points around the same towns. The agreement is the demo's three clauses
(air strikes inside the DMZ; attacks within 500 m of a protected site; heavy weapons inside the
DMZ or the corridor). The timed pass includes projecting the incidents to metres and building
the index; reading them from SQL is not included.

The brute-force pass is run on a subsample (it is quadratic) and its rate extrapolated; both
passes must find the same incidents on that subsample, or the benchmark fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import shapely

from benchmarks.harness import Baseline, Result
from truce.agreement.engine import (
    IncidentColumns,
    MapIndex,
    SiteColumns,
    ZoneColumns,
    attribute_mask,
    match_clause,
)
from truce.model.agreement import Clause, Relation

BOX = (36.0, 35.2, 37.3, 36.4)  # lon/lat of the synthetic area (Idlib and surroundings)

CLAUSES = [
    Clause(
        id="no-air-strikes-in-dmz",
        text="No air or drone strikes inside the demilitarized zone.",
        when=[{"sub_event_type": ["Air/drone strike"]}],
        where=[{"relation": "inside", "zone_kinds": ["demilitarized_zone"]}],
    ),
    Clause(
        id="no-attack-near-protected-site",
        text="No attack within 500 m of a protected site.",
        when=[{"family": ["remote", "battle", "civilians"]}],
        where=[{"relation": "within", "metres": 500, "site_kinds": ["protected"]}],
    ),
    Clause(
        id="no-heavy-weapons-in-zone",
        text="No heavy weapons in the zone.",
        when=[{"sub_event_type": ["Shelling/artillery/missile attack"]}],
        where=[
            {"relation": "inside", "zone_kinds": ["demilitarized_zone"]},
            {"relation": "inside", "zone_kinds": ["security_corridor"]},
        ],
    ),
]

SUBS = np.array(
    ["Air/drone strike", "Shelling/artillery/missile attack", "Armed clash", "Attack", "Other"],
    dtype=object,
)
FAMILY = {
    "Air/drone strike": "remote",
    "Shelling/artillery/missile attack": "remote",
    "Armed clash": "battle",
    "Attack": "civilians",
    "Other": "other",
}


def make_world(
    n: int, n_zones: int, n_sites: int, seed: int = 6
) -> tuple[dict[str, np.ndarray], ZoneColumns, SiteColumns, list[shapely.Geometry]]:
    rng = np.random.default_rng(seed)
    towns = rng.uniform(BOX[:2], BOX[2:], (600, 2))
    at = rng.integers(0, 600, n)
    raw = {
        "lon": towns[at, 0] + rng.normal(0, 0.03, n),
        "lat": towns[at, 1] + rng.normal(0, 0.03, n),
        "error_m": rng.choice([0, 500, 1000, 2000, 5000], n, p=[0.3, 0.3, 0.2, 0.15, 0.05]).astype(
            float
        ),
        "sub": rng.choice(SUBS, n, p=[0.3, 0.3, 0.2, 0.1, 0.1]),
    }
    seeds = shapely.multipoints(rng.uniform(BOX[:2], BOX[2:], (n_zones, 2)))
    frame = shapely.box(BOX[0] - 0.1, BOX[1] - 0.1, BOX[2] + 0.1, BOX[3] + 0.1)
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    cells = shapely.segmentize(shapely.intersection(cells, frame), 0.002)
    kinds = rng.choice(["demilitarized_zone", "security_corridor", "sector", "restricted"], n_zones)
    zones = ZoneColumns.build([f"z{i}" for i in range(len(cells))], list(kinds), list(cells))
    spots = towns[rng.integers(0, 600, n_sites)] + rng.normal(0, 0.02, (n_sites, 2))
    site_kinds = rng.choice(["hospital", "school", "market", "bakery", "base"], n_sites)
    sites = SiteColumns.build(
        [f"s{i}" for i in range(n_sites)],
        list(site_kinds),
        spots[:, 0].tolist(),
        spots[:, 1].tolist(),
    )
    return raw, zones, sites, list(cells)


def columns(raw: dict[str, np.ndarray], rows: slice | np.ndarray = slice(None)) -> IncidentColumns:
    sub = raw["sub"][rows]
    n = len(sub)
    day = np.full(n, np.datetime64("2019-06-01", "D"))
    return IncidentColumns(
        ids=np.arange(n).astype(object),
        lon=raw["lon"][rows],
        lat=raw["lat"][rows],
        error_m=raw["error_m"][rows],
        start=day,
        end=day,
        fields={
            "sub_event_type": sub,
            "family": np.array([FAMILY[s] for s in sub], dtype=object),
            "event_type": np.full(n, "", dtype=object),
            "occurrence": np.full(n, "single-source", dtype=object),
        },
    )


def indexed(raw: dict[str, np.ndarray], zones: ZoneColumns, sites: SiteColumns) -> list[set[int]]:
    incidents = columns(raw)
    index = MapIndex(zones, sites)
    return [set(match_clause(c, incidents, index).matches.incident.tolist()) for c in CLAUSES]


def brute(
    raw: dict[str, np.ndarray], rows: np.ndarray, zones: ZoneColumns, sites: SiteColumns
) -> list[set[int]]:
    """Every incident against every zone and site: no index, vectorised over incidents only."""
    incidents = columns(raw, rows)
    pts = shapely.points(incidents.x, incidents.y)
    site_xy = shapely.get_coordinates(sites.points)
    out = []
    for clause in CLAUSES:
        candidates = np.flatnonzero(attribute_mask(clause, incidents))
        hits: set[int] = set()
        for place in clause.where:
            if place.relation == Relation.INSIDE:
                kinds = [k.value for k in place.zone_kinds]
                for z in np.flatnonzero(np.isin(zones.kinds, kinds)):
                    ok = shapely.dwithin(
                        zones.metric[z], pts[candidates], incidents.error_m[candidates]
                    )
                    hits |= set(candidates[ok].tolist())
            else:
                wanted = sorted(place.site_kind_values())
                for s in np.flatnonzero(np.isin(sites.kinds, wanted)):
                    d = np.hypot(
                        incidents.x[candidates] - site_xy[s, 0],
                        incidents.y[candidates] - site_xy[s, 1],
                    )
                    hits |= set(candidates[d <= place.metres + incidents.error_m[candidates]])
        out.append({int(h) for h in hits})
    return out


def run(quick: bool) -> list[Result]:
    n = 100_000 if quick else 1_000_000
    sample = 2_000 if quick else 10_000
    repeat = 2 if quick else 3
    raw, zones, sites, _cells = make_world(n, 1_000, 10_000)
    best = min(_timed(lambda: indexed(raw, zones, sites)) for _ in range(repeat))
    rate = n / best
    rows = np.random.default_rng(1).choice(n, sample, replace=False)
    sub = {k: v[rows] for k, v in raw.items()}
    started = time.perf_counter()
    expected = brute(sub, np.arange(sample), zones, sites)
    brute_rate = sample / (time.perf_counter() - started)
    got = indexed(sub, zones, sites)
    agree = got == expected
    if not agree:
        raise AssertionError("indexed and brute-force rule checks disagree on the subsample")
    params = {
        "incidents": n,
        "zones": len(zones.ids),
        "zone_vertices_mean": round(float(shapely.get_num_coordinates(zones.geoms).mean()), 1),
        "sites": len(sites.ids),
        "clauses": len(CLAUSES),
        "brute_force_sample": sample,
        "agree_on_sample": agree,
        "violations_on_sample": sum(len(s) for s in got),
    }
    return [
        Result(
            name="rules.check",
            value=rate,
            unit="incidents/s",
            params=params,
            baseline=Baseline("rules.brute_force", brute_rate, "incidents/s"),
            ratio=rate / brute_rate,
            goal=">= 100,000 incidents/s (1M incidents, 1,000 zones, 10,000 sites)",
            met=rate >= 100_000,
            notes=f"best of {repeat}; brute force on a {sample}-incident subsample",
        )
    ]


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started
