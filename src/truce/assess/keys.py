"""The candidate index: the hash keys under which incidents are found for a new report.

Placing a report must not compare it with every incident. Incidents are registered under keys
built from (day, grid cell, event family), (day, family, place key) and (day, family, admin
area); a report looks up the keys that any incident able to accept it must be registered under.
The index is *conservative*: :func:`truce.assess.correlate.score` rejects every incident not
found this way (an incident is registered one day either side of its core date, in the cell of
its current centroid, under every place and area it has — P-codes with every unit containing
them, so a report located by a governorate finds every incident inside it in its days, and a
precise report finds the vague incidents whose area contains it), so the index changes the speed of
correlation, never its result. Stale keys left by an incident's earlier states only add
candidates that the score rejects.

Grid: fine cells of ``CELL0`` degrees hold incidents located within ``R0`` km; coarse cells of
``CELL1`` degrees hold the rest (up to ``R_VAGUE``). A report within half a cell of reach looks
at the 2 × 2 block of cells around it; a less certain one at every cell its reach touches.
Keys are integers (grid) and (integer, name) pairs; :func:`key_text` gives the text form the SQL
projection stores.
"""

from __future__ import annotations

import math
from typing import cast

from truce.assess.correlate import KM_PER_DEG, SLACK, Z_MAX, IncidentState
from truce.assess.summary import R_VAGUE, Summary

__all__ = ["CELL0", "CELL1", "R0", "incident_keys", "key_text", "report_keys"]

R0 = 4.0  # km: incidents located at least this well live in the fine grid
CELL0 = 0.25  # degrees
CELL1 = 2.0
_DAY_OFFSET = 1 << 20  # keeps keys non-negative for any date after 900 BCE
_TAG_PLACE, _TAG_AREA, _TAG_VAGUE_AREA = 0, 1, 2


def _cellpart(level: int, cy: int, cx: int, fam: int) -> int:
    # level 1 bit | cy 12 bits | cx 13 bits | family 5 bits = 31 bits below the day.
    return (((level << 12 | cy) << 13 | cx) << 5) | fam


def _axis(value: float, reach_deg: float, size: float) -> range:
    f = value / size
    if reach_deg <= size * 0.5:
        # Within half a cell: the two cells nearest the point cover the reach.
        c = math.floor(f)
        return range(c - 1, c + 1) if f - c < 0.5 else range(c, c + 2)
    return range(math.floor((value - reach_deg) / size), math.floor((value + reach_deg) / size) + 1)


def _cells(s: Summary, level: int, size: float, r_max: float) -> list[int]:
    lat, lon = s.lat + 90.0, s.lon + 180.0  # type: ignore[operator]
    reach = Z_MAX * (s.r + r_max + SLACK) / KM_PER_DEG
    reach_lon = reach / max(math.cos(math.radians(s.lat)), 0.01)  # type: ignore[arg-type]
    base = level << 12
    fam = s.fam
    xs = _axis(lon, reach_lon, size)
    return [(((base | cy) << 13 | cx) << 5) | fam for cy in _axis(lat, reach, size) for cx in xs]


def report_keys(s: Summary, coarse: bool = True) -> list[object]:
    """Every key under which an incident that could accept ``s`` is registered.

    ``coarse=False`` leaves out the coarse grid (an index that holds no coarse incident).
    """
    keys: list[object] = []
    days = range(s.d0 + _DAY_OFFSET, s.d1 + _DAY_OFFSET + 1)
    vague = s.vague
    # A vague report is compared by admin area alone (containment), so its point, a region's,
    # needs no grid lookup.
    if s.lat is not None and not vague:
        cells = _cells(s, 0, CELL0, R0)
        if coarse:
            cells += _cells(s, 1, CELL1, R_VAGUE)
        for d in days:
            prefix = d << 31
            keys += [prefix | c for c in cells]
    fam = s.fam
    # Vague incidents are found by area by every report; vague reports look at all incidents.
    tag = _TAG_AREA if vague else _TAG_VAGUE_AREA
    for d in days:
        prefix = d << 5 | fam
        for p in s.places:
            keys.append((prefix << 2 | _TAG_PLACE, p))
        for a in s.areas:
            keys.append((prefix << 2 | tag, a))
    return keys


def _point_cell(lat: float, lon: float, r: float, fam: int) -> int:
    if r <= R0:
        return _cellpart(
            0, math.floor((lat + 90.0) / CELL0), math.floor((lon + 180.0) / CELL0), fam
        )
    return _cellpart(1, math.floor((lat + 90.0) / CELL1), math.floor((lon + 180.0) / CELL1), fam)


def incident_cell(c: IncidentState) -> int | None:
    """The grid cell (with level and family) an incident's centroid is registered in."""
    if c.lat is None or c.lon is None:
        return None
    return _point_cell(c.lat, c.lon, c.r, c.fam)


def incident_cells(c: IncidentState) -> list[int]:
    """The cells of its centroid and of each of its reports' points (distinct, in order)."""
    cell = incident_cell(c)
    if cell is None:
        return []
    cells = [cell]
    pts = c.pts
    if c.spread:
        for i in range(0, len(pts), 3):
            other = _point_cell(pts[i], pts[i + 1], pts[i + 2], c.fam)
            if other not in cells:
                cells.append(other)
    return cells


def is_coarse(cell: int) -> bool:
    return bool(cell >> 30 & 1)


def signature(c: IncidentState) -> tuple[object, ...]:
    """What the keys of an incident depend on: unchanged signature, unchanged keys."""
    return (tuple(incident_cells(c)), c.d0, c.d1, c.places, c.areas, c.vague)


def incident_keys(c: IncidentState) -> list[object]:
    """The keys an incident is registered under in its current state."""
    keys: list[object] = []
    # One day either side: reports dated one day apart may join.
    days = range(c.d0 - 1 + _DAY_OFFSET, c.d1 + 2 + _DAY_OFFSET)
    vague = c.vague
    # A vague incident is found by its areas (every report looks there), not by its point.
    cells = [] if vague else incident_cells(c)
    fam = c.fam
    for d in days:
        for cell in cells:
            keys.append(d << 31 | cell)
        prefix = d << 5 | fam
        for p in c.places:
            keys.append((prefix << 2 | _TAG_PLACE, p))
        for a in c.areas:
            keys.append((prefix << 2 | _TAG_AREA, a))
            if vague:
                keys.append((prefix << 2 | _TAG_VAGUE_AREA, a))
    return keys


def key_text(key: object) -> str:
    """The text form of a key, as the SQL projection stores it."""
    if isinstance(key, int):
        return str(key)
    prefix, name = cast(tuple[int, str], key)
    return f"{prefix}:{name}"
