"""The compact summary of a report that correlation works on.

A :class:`Summary` keeps what placing a report needs and nothing else: event family (ACLED
sub-event types grouped in ``model/vocab.EVENT_FAMILIES``), the days it may have happened on
(``date_start``..``date_end`` as day numbers, UCDP GED style intervals), a point with its
uncertainty in km (Cursor-on-Target ``ce``, floored by ACLED ``geo_precision``), place-name keys,
admin areas, perpetrator and target keys. Reports become summaries either from the model
(:func:`summarize`) or from plain values (:func:`make_summary`, the scenario generator's and the
benchmark's fast path); both go through the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from truce.assess.names import actor_key, area_key, place_key
from truce.model import ActorRole, GeoPrecision, Report
from truce.model.vocab import EVENT_FAMILIES

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


def day_number(d: date) -> int:
    """Days since 1970-01-01."""
    return d.toordinal() - _EPOCH


class Summary:
    """What correlation needs of one report (``index`` is its ledger entry index)."""

    __slots__ = (
        "areas",
        "d0",
        "d1",
        "fam",
        "family",
        "index",
        "lat",
        "lon",
        "perps",
        "places",
        "r",
        "sub",
        "targets",
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

    @property
    def vague(self) -> bool:
        """Located by admin area only: no usable point, no place name."""
        return self.lat is None and not self.places

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
) -> Summary:
    """A summary from plain values. ``places`` are town-level names; ``precision`` is the
    primary location's ACLED geo precision (region-level names belong in ``areas``)."""
    r = max(error_m / 1000.0, R_FLOOR[precision])
    if lat is not None and r > R_VAGUE:
        lat = lon = None
    return Summary(
        index,
        family,
        sub,
        d0,
        d1,
        lat,
        lon,
        r,
        _keys(places, place_key),
        _keys(areas, area_key),
        _keys(perps, actor_key),
        _keys(targets, actor_key),
    )


def summarize(report: Report, index: int) -> Summary:
    """The correlation summary of a report filed as ledger entry ``index``."""
    loc = report.location
    point = loc.point
    # A gazetteer id, when a location was resolved, is a better key than the name as written.
    places = [
        x.gazetteer_id or x.place
        for x in report.locations
        if x.precision < GeoPrecision.REGION and (x.gazetteer_id or x.place)
    ]
    areas = [a for x in report.locations for a in (x.area, x.admin1) if a]
    areas += [x.place for x in report.locations if x.precision >= GeoPrecision.REGION and x.place]
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
        places,  # type: ignore[arg-type]
        areas,
        [a.name for a in report.actors_in(ActorRole.PERPETRATOR)],
        [a.name for a in report.actors_in(ActorRole.TARGET)],
    )
