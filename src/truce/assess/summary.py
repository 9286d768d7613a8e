"""The compact summary of a report that correlation works on.

A :class:`Summary` keeps what placing a report needs and nothing else: event family (ACLED
sub-event types grouped in ``model/vocab.EVENT_FAMILIES``), the days it may have happened on
(``date_start``..``date_end`` as day numbers, UCDP GED style intervals), a point with its
uncertainty in km (Cursor-on-Target ``ce``, floored by ACLED ``geo_precision``), place-name keys
(a resolved place's gazetteer id, marked ``#``, else the name's consonant skeleton), admin areas,
perpetrator and target keys, the killed figure as a range and the source documents.

Admin areas are hierarchical: an OCHA P-code (``SY070500``) stands for itself and every unit
containing it (``sy07``, ``sy0705``, ``sy070500``), so "inside Idlib governorate" is a shared key.
A report located only by an admin area — no town-level place, and no point or only a region's
(ACLED precision 3) — is *vague*; its ``area`` is its most precise P-code, the unit it is
compatible with every place inside of.

Reports become summaries either from the model (:func:`summarize`) or from plain values
(:func:`make_summary`, the scenario generator's and the benchmark's fast path); both go through
the same code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Final

from truce.assess.names import actor_key, area_key, place_key
from truce.model import ActorRole, GeoPrecision, Report
from truce.model.vocab import EVENT_FAMILIES, CasualtyKind

__all__ = [
    "FAMILY_CODES",
    "MAX_SPAN_DAYS",
    "R_FLOOR",
    "R_VAGUE",
    "Summary",
    "day_number",
    "make_summary",
    "summarize",
]

#: Days an interval may span and still be correlated (longer: its own incident).
MAX_SPAN_DAYS: Final = 62
#: Uncertainty floors by ACLED geo precision, km: a named town, near a town, a region.
R_FLOOR: Final = {
    int(GeoPrecision.TOWN): 0.5,
    int(GeoPrecision.NEAR_TOWN): 3.0,
    int(GeoPrecision.REGION): 15.0,
}
#: Points less certain than this (km) are not points: they are compared by area only.
R_VAGUE: Final = 50.0

#: Small integer codes of the event families, for the candidate index's keys.
FAMILY_CODES: Final[dict[str, int]] = {
    f: i for i, f in enumerate(sorted({*EVENT_FAMILIES.values(), "other"}))
}

_EPOCH = date(1970, 1, 1).toordinal()
_PCODE = re.compile(r"^[A-Za-z]{2}[0-9]{2,}$")  # OCHA COD-AB: country letters, 2 digits a level


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return d.toordinal() - _EPOCH


class Summary:
    """What correlation needs of one report (``index`` is its ledger entry index)."""

    __slots__ = (
        "area",
        "areas",
        "d0",
        "d1",
        "docs",
        "fam",
        "family",
        "index",
        "killed",
        "lat",
        "lon",
        "perps",
        "places",
        "r",
        "sub",
        "targets",
        "vague",
    )

    def __init__(
        self,
        index: int,
        family: str,
        sub: str,
        d0: int,
        d1: int,
        lat: float | None,
        lon: float | None,
        r: float,
        places: tuple[str, ...],
        areas: tuple[str, ...],
        perps: tuple[str, ...],
        targets: tuple[str, ...],
        killed: tuple[int, int] | None = None,
        docs: tuple[str, ...] = (),
        vague: bool | None = None,
        area: str = "",
    ) -> None:
        self.index = index
        self.family = family
        self.fam = FAMILY_CODES.get(family, FAMILY_CODES["other"])
        self.sub = sub
        self.d0 = d0
        self.d1 = d1
        self.lat = lat
        self.lon = lon
        self.r = r
        self.places = places
        self.areas = areas
        self.perps = perps
        self.targets = targets
        self.killed = killed  # (low, high) killed, all categories; high == -1: no upper bound
        self.docs = docs
        # Located by admin area only: no place name, and no usable point (or a region's).
        self.vague = (lat is None and not places) if vague is None else vague
        self.area = area  # the most precise P-code of a vague report ("" when none)

    @property
    def correlatable(self) -> bool:
        return self.d1 - self.d0 < MAX_SPAN_DAYS

    def __repr__(self) -> str:
        where = f"{self.lat:.4f},{self.lon:.4f}±{self.r:g}km" if self.lat is not None else "-"
        return (
            f"Summary({self.index}, {self.family}, days {self.d0}-{self.d1}, {where}, "
            f"places={self.places}, areas={self.areas})"
        )


def _keys(items: Sequence[str], key: object) -> tuple[str, ...]:
    if not items:
        return ()
    if len(items) == 1:  # the common case, kept cheap
        k = key(items[0])  # type: ignore[operator]
        return (k,) if k else ()
    out: list[str] = []
    for item in items:
        k = key(item)  # type: ignore[operator]
        if k and k not in out:
            out.append(k)
    return tuple(out)


def _areas(items: Sequence[str]) -> tuple[tuple[str, ...], str]:
    """Area keys, P-codes expanded to every containing unit; and the most precise P-code."""
    out: list[str] = []
    best = ""
    for item in items:
        if _PCODE.match(item):
            code = item.lower()
            if len(code) > len(best):
                best = code
            for n in range(4, len(code) + 1, 2):
                if code[:n] not in out:
                    out.append(code[:n])
        else:
            k = area_key(item)
            if k and k not in out:
                out.append(k)
    return tuple(out), best


def make_summary(
    index: int,
    family: str,
    sub: str,
    d0: int,
    d1: int,
    lat: float | None,
    lon: float | None,
    error_m: int,
    precision: int,
    places: Sequence[str],
    areas: Sequence[str],
    perps: Sequence[str],
    targets: Sequence[str],
    killed: tuple[int, int] | None = None,
    docs: Sequence[str] = (),
    place_ids: Sequence[str] = (),
) -> Summary:
    """A summary from plain values. ``places`` are town-level names and ``place_ids`` the
    gazetteer ids of resolved ones (compared as they are); ``precision`` is the primary
    location's ACLED geo precision (region-level names belong in ``areas``, with P-codes)."""
    r = max(error_m / 1000.0, R_FLOOR[precision])
    if lat is not None and r > R_VAGUE:
        lat = lon = None
    keys = _keys(places, place_key)
    if place_ids:
        keys = tuple(dict.fromkeys((*(f"#{p}" for p in place_ids), *keys)))
    if len(areas) == 1 and not _PCODE.match(areas[0]):  # the common case, kept cheap
        area_keys, pcode = _keys(areas, area_key), ""
    else:
        area_keys, pcode = _areas(areas)
    vague = not keys and (lat is None or precision >= int(GeoPrecision.REGION))
    return Summary(
        index,
        family,
        sub,
        d0,
        d1,
        lat,
        lon,
        r,
        keys,
        area_keys,
        _keys(perps, actor_key),
        _keys(targets, actor_key),
        killed,
        tuple(docs),
        vague,
        pcode if vague else "",
    )


def summarize(report: Report, index: int) -> Summary:
    """The correlation summary of a report filed as ledger entry ``index``."""
    loc = report.location
    point = loc.point
    # A gazetteer id, when a location was resolved, is a better key than the name as written.
    towns = [x for x in report.locations if x.precision < GeoPrecision.REGION]
    ids = [x.gazetteer_id for x in towns if x.gazetteer_id]
    places = [x.place for x in towns if x.place and not x.gazetteer_id]
    areas = [a for x in report.locations for a in (x.area, x.admin1) if a]
    areas += [x.place for x in report.locations if x.precision >= GeoPrecision.REGION and x.place]
    killed = _killed(report)
    return make_summary(
        index,
        report.family,
        report.sub_event_type,
        day_number(report.date.start),
        day_number(report.date.end),
        float(point.lat) if point else None,
        float(point.lon) if point else None,
        point.error_m if point else 0,
        int(loc.precision),
        places,
        areas,
        [a.name for a in report.actors_in(ActorRole.PERPETRATOR)],
        [a.name for a in report.actors_in(ActorRole.TARGET)],
        killed,
        sorted({e.sha256 for e in report.evidence}),
        ids,
    )


def _killed(report: Report) -> tuple[int, int] | None:
    """The killed figure as a range over all categories: the largest category's (low, high),
    high -1 when open-ended."""
    best: tuple[int, int] | None = None
    for c in report.casualties:
        if c.kind != CasualtyKind.KILLED:
            continue
        top = c.high if c.high is not None else c.best if c.best is not None else -1
        if best is None or c.low > best[0]:
            best = (c.low, top)
    return best
