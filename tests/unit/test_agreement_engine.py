"""The rule engine: geometry, uncertainty, validity, windows; agreement with brute force."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from truce.agreement.aoi import geometry_to_lonlat, geometry_to_metric, to_lonlat, to_metric
from truce.agreement.engine import (
    IncidentColumns,
    MapIndex,
    SiteColumns,
    ZoneColumns,
    match_clause,
)
from truce.model.agreement import Clause

# A 10 km square zone around Ariha, in metres then back to degrees.
CX, CY = (float(v) for v in to_metric(36.61, 35.81))


def square(half_m: float, dx: float = 0.0) -> shapely.Geometry:
    return geometry_to_lonlat(
        shapely.box(CX + dx - half_m, CY - half_m, CX + dx + half_m, CY + half_m)
    )


def incidents(
    offsets_m: list[tuple[float, float]],
    error_m: list[float] | None = None,
    sub: list[str] | None = None,
    dates: list[tuple[str, str]] | None = None,
    tags: list[set[str]] | None = None,
) -> IncidentColumns:
    n = len(offsets_m)
    lon, lat = to_lonlat(
        np.array([CX + dx for dx, _ in offsets_m]), np.array([CY + dy for _, dy in offsets_m])
    )
    sub = sub or ["Air/drone strike"] * n
    dates = dates or [("2019-06-01", "2019-06-01")] * n
    return IncidentColumns(
        ids=np.array([f"I-{i}" for i in range(n)], dtype=object),
        lon=lon,
        lat=lat,
        error_m=np.array(error_m or [0.0] * n),
        start=np.array([d[0] for d in dates], dtype="datetime64[D]"),
        end=np.array([d[1] for d in dates], dtype="datetime64[D]"),
        fields={
            "sub_event_type": np.array(sub, dtype=object),
            "family": np.array(["remote"] * n, dtype=object),
            "event_type": np.array(["Explosions/Remote violence"] * n, dtype=object),
            "occurrence": np.array(["single-source"] * n, dtype=object),
        },
        sets={"tag": [frozenset(t) for t in (tags or [set()] * n)], "modality": [frozenset()] * n},
    )


def index(
    zones: list[shapely.Geometry],
    valid: list[tuple[str | None, str | None]] | None = None,
    sites: list[tuple[float, float, str]] | None = None,
) -> MapIndex:
    valid = valid or [(None, None)] * len(zones)
    zc = ZoneColumns.build(
        [f"z{i}" for i in range(len(zones))],
        ["demilitarized_zone"] * len(zones),
        zones,
        [v[0] for v in valid],
        [v[1] for v in valid],
    )
    sites = sites or []
    lon, lat = to_lonlat(np.array([CX + s[0] for s in sites]), np.array([CY + s[1] for s in sites]))
    sc = SiteColumns.build([f"s{i}" for i in range(len(sites))], [s[2] for s in sites], lon, lat)
    return MapIndex(zc, sc)


INSIDE = Clause(
    id="c",
    text="t",
    when=[{"sub_event_type": ["Air/drone strike"]}],
    where=[{"relation": "inside", "zone_kinds": ["demilitarized_zone"]}],
)


def found(clause: Clause, inc: IncidentColumns, idx: MapIndex) -> dict[str, tuple[bool, float]]:
    m = match_clause(clause, inc, idx).matches
    return {
        str(inc.ids[i]): (bool(c), round(float(d)))
        for i, c, d in zip(m.incident, m.certain, m.distance_m, strict=True)
    }


def test_inside_certain_possible_and_outside() -> None:
    idx = index([square(5000)])
    inc = incidents(
        [(0, 0), (4800, 0), (5300, 0), (9000, 0), (4800, 0)], error_m=[500, 500, 500, 500, 0]
    )
    got = found(INSIDE, inc, idx)
    assert got["I-0"] == (True, 0)  # deep inside
    assert got["I-1"] == (False, 0)  # inside, but the error disc crosses the edge
    assert got["I-2"][0] is False and 290 < got["I-2"][1] < 310  # outside, disc reaches in
    assert "I-3" not in got  # far outside
    assert got["I-4"] == (True, 0)  # no error stated: the point as given


def test_within_sites_uses_distance_and_error() -> None:
    clause = Clause(
        id="s",
        text="t",
        when=[{"family": ["remote"]}],
        where=[{"relation": "within", "metres": 500, "site_kinds": ["protected"]}],
    )
    idx = index([], sites=[(0, 0, "hospital"), (0, 300, "base"), (2000, 0, "school")])
    inc = incidents(
        [(300, 0), (450, 0), (800, 0), (0, 250), (2000, 100)], error_m=[100, 100, 400, 0, 0]
    )
    got = found(clause, inc, idx)
    assert got["I-0"] == (True, 300)
    assert got["I-1"] == (False, 450)  # 450 + 100 > 500: possibly outside
    assert got["I-2"] == (False, 800)  # 800 - 400 <= 500: possibly within
    assert got["I-3"] == (True, 250)  # near the hospital; the base is not protected
    assert got["I-4"] == (True, 100)  # the school


def test_zone_validity_and_clause_window() -> None:
    idx = index([square(5000)], valid=[("2019-01-01", "2019-12-31")])
    inc = incidents(
        [(0, 0)] * 4,
        dates=[
            ("2018-06-01", "2018-06-01"),
            ("2019-06-01", "2019-06-01"),
            ("2018-12-25", "2019-01-05"),
            ("2020-06-01", "2020-06-01"),
        ],
    )
    got = found(INSIDE, inc, idx)
    assert set(got) == {"I-1", "I-2"}
    windowed = Clause.model_validate({**INSIDE.model_dump(), "start": "2019-01-03"})
    got = found(windowed, inc, idx)
    assert got["I-1"] == (True, 0)
    assert got["I-2"] == (False, 0)  # its dates straddle the clause's start


def test_when_alternatives_unless_and_tags() -> None:
    clause = Clause(
        id="h",
        text="t",
        when=[
            {"sub_event_type": ["Shelling/artillery/missile attack"]},
            {"tag": ["heavy-weapons"]},
        ],
        unless=[{"tag": ["exercise"]}],
        where=[{"relation": "inside", "zone_kinds": ["demilitarized_zone"]}],
    )
    idx = index([square(5000)])
    inc = incidents(
        [(0, 0)] * 4,
        sub=[
            "Shelling/artillery/missile attack",
            "Military deployment",
            "Armed clash",
            "Shelling/artillery/missile attack",
        ],
        tags=[set(), {"heavy-weapons"}, set(), {"exercise"}],
    )
    assert set(found(clause, inc, idx)) == {"I-0", "I-1"}


def test_unplaced_incidents_are_counted_not_dropped() -> None:
    inc = incidents([(0, 0), (0, 0)])
    inc.lon[1] = np.nan
    inc = IncidentColumns(
        inc.ids, inc.lon, inc.lat, inc.error_m, inc.start, inc.end, inc.fields, inc.sets
    )
    result = match_clause(INSIDE, inc, index([square(5000)]))
    assert list(result.unplaced) == [1]
    assert list(result.matches.incident) == [0]


def test_overlapping_zones_give_one_violation_per_incident() -> None:
    idx = index([square(5000), square(5000, dx=3000)])
    got = match_clause(INSIDE, incidents([(1000, 0)]), idx).matches
    assert list(got.incident) == [0]


def brute_force(
    clause: Clause,
    inc: IncidentColumns,
    zones: list[shapely.Geometry],
    sites_xy: np.ndarray,
    site_kinds: list[str],
) -> set[int]:
    """Every incident against every zone and site, no index: the reference."""
    place = clause.where[0]
    hits = set()
    pts = shapely.points(inc.x, inc.y)
    if place.relation.value == "inside":
        for zone in zones:
            d = shapely.distance(geometry_to_metric(zone), pts)
            hits |= set(np.flatnonzero(d <= inc.error_m).tolist())
    else:
        protected = [i for i, k in enumerate(site_kinds) if k in place.site_kind_values()]
        for i in protected:
            d = np.hypot(inc.x - sites_xy[i, 0], inc.y - sites_xy[i, 1])
            hits |= set(np.flatnonzero(d <= place.metres + inc.error_m).tolist())
    return hits


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_index_agrees_with_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 3000
    offsets = list(zip(rng.uniform(-30000, 30000, n), rng.uniform(-30000, 30000, n), strict=True))
    inc = incidents(offsets, error_m=list(rng.choice([0.0, 300.0, 2000.0], n)))
    zones = [
        geometry_to_lonlat(shapely.Point(CX + x, CY + y).buffer(r, quad_segs=6))
        for x, y, r in zip(
            rng.uniform(-25000, 25000, 30),
            rng.uniform(-25000, 25000, 30),
            rng.uniform(500, 4000, 30),
            strict=True,
        )
    ]
    sites = [
        (x, y, k)
        for x, y, k in zip(
            rng.uniform(-30000, 30000, 200),
            rng.uniform(-30000, 30000, 200),
            rng.choice(["hospital", "school", "base"], 200),
            strict=True,
        )
    ]
    idx = index(zones, sites=sites)
    within = Clause(
        id="w",
        text="t",
        when=[{"family": ["remote"]}],
        where=[{"relation": "within", "metres": 500, "site_kinds": ["protected"]}],
    )
    for clause in (INSIDE, within):
        got = set(match_clause(clause, inc, idx).matches.incident.tolist())
        expected = brute_force(clause, inc, zones, idx.site_xy, [s[2] for s in sites])
        assert got == expected
        assert got  # the data makes matches, so the comparison means something
