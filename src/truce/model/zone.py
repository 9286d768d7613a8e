"""Zones of the agreement (demilitarized zone, corridors, sectors) and protected sites.

Geometry travels as WKT text (OGC Simple Features), not GeoJSON numbers: the ledger's canonical
JSON carries no floats, and WKT keeps coordinates as written. Geometry is checked with shapely at
construction time: parseable, of the right type, inside valid longitude/latitude ranges, and a
valid polygon (OGC: no self-intersection, closed rings of enough points, holes inside their
shell; GEOS ``is_valid``), refused with a message saying what to fix (:func:`polygon_problem`).
A body parsed from the log itself (``parse_body(..., recorded=True)``: projections) skips the
validity check, so a log written before it still projects; the map layer leaves such a zone
out and names it.
"""

from __future__ import annotations

import re
import warnings
from datetime import date
from enum import StrEnum
from typing import Annotated, Self

import shapely
from pydantic import Field, ValidationInfo, field_validator, model_validator

from truce.model.base import Latitude, Longitude, Model

__all__ = ["Site", "SiteKind", "Zone", "ZoneKind", "polygon_problem", "read_wkt"]

_WHERE = re.compile(r"\[([-0-9.eE+]+) ([-0-9.eE+]+)\]$")
_FIXES = {
    "Self-intersection": "its edges cross{at}; redraw it so that no edge crosses another",
    "Ring Self-intersection": "a ring touches itself{at}; split it into separate polygons",
    "Too few points in geometry component": (
        "a ring has too few distinct points{at}; a ring needs 3 distinct corners and ends "
        "where it starts"
    ),
    "Hole lies outside shell": "a hole lies outside its polygon{at}; move it inside or drop it",
    "Nested holes": "a hole lies inside another hole{at}; drop one of them",
    "Interior is disconnected": "its holes cut it in two{at}; make each part its own polygon",
    "Nested shells": "one polygon lies inside another{at}; make the inner one a hole or drop it",
    "Duplicate Rings": "a ring is given twice{at}; drop the copy",
    "Invalid Coordinate": "a coordinate is not a number{at}",
}


def read_wkt(value: str) -> shapely.Geometry:
    """Parse WKT, raising ``ValueError`` with one line (NaN coordinates parse, with a warning
    that is not ours to show: they are caught by :func:`polygon_problem`)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return shapely.from_wkt(value)
    except shapely.errors.GEOSException as exc:
        text = str(exc).split(": ", 1)[-1]
        raise ValueError(f"geometry is not valid WKT: {text}") from None


def polygon_problem(geom: shapely.Geometry) -> str | None:
    """What is wrong with a polygon, as one line saying what to fix; None if it is valid."""
    if geom.is_valid:
        return None
    reason = str(shapely.is_valid_reason(geom))
    kind, at = reason, ""
    if m := _WHERE.search(reason):
        kind, at = reason[: m.start()], f" at {m.group(1)} {m.group(2)} (lon lat)"
    fix = _FIXES.get(kind)
    what = fix.format(at=at) if fix else f"{reason}; fix the geometry"
    return f"the polygon is not valid ({kind.lower()}): {what}"


Name = Annotated[str, Field(min_length=1, max_length=200)]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


class ZoneKind(StrEnum):
    DMZ = "demilitarized_zone"
    CORRIDOR = "security_corridor"
    SECTOR = "sector"
    RESTRICTED = "restricted"


class Zone(Model):
    id: Ident
    name: Name
    kind: ZoneKind
    wkt: Annotated[str, Field(min_length=1, max_length=60_000)]
    valid_from: date | None = None
    valid_to: date | None = None
    approximate: bool = False
    source: Annotated[str, Field(max_length=1000)] = ""
    #: What the loader did to the geometry (e.g. "repaired with make_valid: Self-intersection").
    notes: Annotated[str, Field(max_length=2000)] = ""

    @field_validator("wkt")
    @classmethod
    def _polygonal(cls, value: str, info: ValidationInfo) -> str:
        geom = read_wkt(value)
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
            raise ValueError(f"a zone is a Polygon or MultiPolygon, got {geom.geom_type}")
        recorded = bool((info.context or {}).get("recorded"))
        problem = None if recorded else polygon_problem(geom)
        if problem:
            raise ValueError(problem)
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ValueError("zone coordinates must be longitude, latitude in degrees")
        return value

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class SiteKind(StrEnum):
    HOSPITAL = "hospital"
    SCHOOL = "school"
    IDP_CAMP = "idp_camp"
    WATER_STATION = "water_station"
    BAKERY = "bakery"
    MARKET = "market"
    OBSERVATION_POST = "observation_post"
    BASE = "base"
    OTHER = "other"

    @property
    def protected(self) -> bool:
        return self not in (SiteKind.OBSERVATION_POST, SiteKind.BASE)


class Site(Model):
    id: Ident
    name: Name
    kind: SiteKind
    lat: Latitude
    lon: Longitude
    names: Annotated[list[Name], Field(max_length=50)] = []
    approximate: bool = False
    source: Annotated[str, Field(max_length=1000)] = ""
    #: The organisation running the site (HXL ``#org``), when not the registering party.
    org: Annotated[str, Field(max_length=200)] = ""
    #: Governorate (admin 1) name or OCHA P-code, as given or as found by the gazetteer.
    admin1: Annotated[str, Field(max_length=100)] = ""
    notes: Annotated[str, Field(max_length=2000)] = ""
