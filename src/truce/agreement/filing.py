"""The filing checks: a report's coordinates against the place it names and the monitored area.

A report is signed into a record that cannot be edited, so a point that contradicts the report's
own words must stop the filing, not be found later on the map (issue 22: a report "at Saraqib,
Idlib" filed at 48.85, 2.35, which is Paris). Every location of a report with a point is checked:

- **against the named place**: the place (``gazetteer_id``, else ``place`` with ``admin1``) is
  looked up in the gazetteer (:mod:`truce.geo.gazetteer`, as tolerant of spellings and
  transliterations as ingestion is); the point must lie within the report's own error radius
  plus the reach of its ACLED ``geo_precision`` (5 km for a named town, 25 km near a town or part
  of a region, 100 km for a larger region) of one of the places the name can mean. A name the
  gazetteer does not know is not a contradiction (it cannot be checked);
- **against the monitored area** (:mod:`truce.agreement.aoi`, ``TRUCE_AOI``): the point must be
  inside it (a point whose latitude and longitude are swapped is said to be).

A contradiction is one :class:`~truce.errors.ValidationError` line (422 in the API) naming it,
unless the report carries ``override_note``: then it is filed, and the note is in the signed
entry. Distances are great-circle (haversine) kilometres.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from truce.agreement.aoi import Aoi, aoi_from_setting, default_aoi
from truce.errors import ValidationError
from truce.geo.gazetteer import Gazetteer
from truce.geo.place import Place
from truce.model import GeoPrecision, Location, Report
from truce.model.base import Model
from truce.model.kinds import parse_body

__all__ = [
    "REACH_KM",
    "Contradiction",
    "check_body",
    "check_report",
    "contradictions",
    "great_circle_km",
    "settings_aoi",
]

#: How far from the named place a point may be, beyond its own error radius, by precision.
REACH_KM = {GeoPrecision.TOWN: 5.0, GeoPrecision.NEAR_TOWN: 25.0, GeoPrecision.REGION: 100.0}
EARTH_KM = 6371.0088


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Contradiction:
    """What is wrong with one location: the point, and what it contradicts."""

    index: int  # which of the report's locations (0: the primary)
    lat: float
    lon: float
    place: Place | None = None  # the named place it is far from
    km: float | None = None
    outside: str | None = None  # the monitored area it is outside of
    swapped: bool = False

    def sentence(self) -> str:
        where = f"location {self.lat:g},{self.lon:g}"
        parts = []
        if self.place is not None and self.km is not None:
            admin = f" ({self.place.admin1})" if self.place.admin1 else ""
            parts.append(f"is {self.km:,.0f} km from {self.place.name}{admin}")
        if self.outside is not None:
            parts.append(
                "is outside the monitored area"
                + (" (latitude and longitude look swapped)" if self.swapped else "")
            )
        text = " and ".join(parts)
        if len(parts) == 2:  # "is … km from X and outside the monitored area"
            text = text.replace(" and is outside", " and outside")
        return f"{where} {text}"


def _named(loc: Location, gazetteer: Gazetteer) -> list[Place]:
    if loc.gazetteer_id:
        try:
            return [gazetteer.get(loc.gazetteer_id)]
        except Exception:  # an id from another gazetteer: fall back on the name
            pass
    if not loc.place:
        return []
    try:
        matches = gazetteer.lookup(loc.place, admin1=loc.admin1)
    except ValidationError:  # an admin1 this gazetteer does not know: the name alone
        matches = gazetteer.lookup(loc.place)
    if not matches:
        return []
    best = matches[0].confidence
    return [m.place for m in matches if m.confidence >= best - 0.2]


def contradictions(
    report: Report, *, aoi: Aoi | None = None, gazetteer: Gazetteer | None = None
) -> list[Contradiction]:
    """Each location whose point contradicts its named place or the monitored area."""
    area = aoi or default_aoi()
    gaz = gazetteer or Gazetteer.default()
    found = []
    for i, loc in enumerate(report.locations):
        if loc.point is None:
            continue
        lat, lon = float(loc.point.lat), float(loc.point.lon)
        far: tuple[Place, float] | None = None
        places = _named(loc, gaz)
        if places:
            reach = loc.point.error_m / 1000 + REACH_KM.get(loc.precision, 100.0)
            nearest = min(
                ((p, great_circle_km(lat, lon, float(p.lat), float(p.lon))) for p in places),
                key=lambda pk: pk[1],
            )
            if nearest[1] > reach:
                far = nearest
        outside = None
        swapped = False
        if area.geometry is not None and not area.contains(np.array([lon]), np.array([lat]))[0]:
            outside = area.name
            swapped = bool(area.contains(np.array([lat]), np.array([lon]))[0])
        if far is not None or outside is not None:
            found.append(
                Contradiction(
                    i,
                    lat,
                    lon,
                    place=far[0] if far else None,
                    km=far[1] if far else None,
                    outside=outside,
                    swapped=swapped,
                )
            )
    return found


def check_report(
    report: Report, *, aoi: Aoi | None = None, gazetteer: Gazetteer | None = None
) -> Sequence[Contradiction]:
    """Raise :class:`ValidationError` naming the first contradiction, unless the report carries
    ``override_note`` or a ``plausibility_override`` (then return them: the caller may say
    what was overridden)."""
    found = contradictions(report, aoi=aoi, gazetteer=gazetteer)
    if found and report.override_note is None and not report.plausibility_override:
        first = found[0]
        more = f" (and {len(found) - 1} more location(s))" if len(found) > 1 else ""
        field = f"locations.{first.index}.point"
        raise ValidationError(
            f"{first.sentence()}{more}; fix the coordinates or set override_note to file anyway",
            field=field,
            hint="override_note is recorded in the signed entry, saying why it is filed as is.",
        )
    return found


@lru_cache(maxsize=8)
def _aoi(value: str) -> Aoi:
    return aoi_from_setting(value or None)


def settings_aoi(extra: Mapping[str, str]) -> Aoi:
    """The monitored area a node's settings name (``TRUCE_AOI``; the default if unset)."""
    return _aoi(extra.get("TRUCE_AOI", "") or "")


def check_body(kind: str, body: Model | Mapping[str, Any], extra: Mapping[str, str]) -> None:
    """:func:`check_report` for an entry about to be filed, when it is a report."""
    if kind != "report.filed":
        return
    report = body if isinstance(body, Report) else parse_body(kind, dict(_mapping(body)))
    if isinstance(report, Report):
        check_report(report, aoi=settings_aoi(extra))


def _mapping(body: Model | Mapping[str, Any]) -> Mapping[str, Any]:
    return body.to_body() if isinstance(body, Model) else body
