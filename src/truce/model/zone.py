"""Zones of the agreement (demilitarized zone, corridors, sectors) and protected sites.

Geometry travels as WKT text (OGC Simple Features), not GeoJSON numbers: the ledger's canonical
JSON carries no floats, and WKT keeps coordinates as written. Geometry is checked with shapely at
construction time: parseable, of the right type, inside valid longitude/latitude ranges.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

import shapely
from pydantic import Field, field_validator, model_validator

from truce.model.base import Latitude, Longitude, Model

__all__ = ["Site", "SiteKind", "Zone", "ZoneKind"]

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
    def _polygonal(cls, value: str) -> str:
        try:
            geom = shapely.from_wkt(value)
        except shapely.errors.GEOSException as exc:
            raise ValueError(f"geometry is not valid WKT: {exc}") from None
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
            raise ValueError(f"a zone is a Polygon or MultiPolygon, got {geom.geom_type}")
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
