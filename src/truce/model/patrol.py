"""Joint patrols: the plan, the tracks the units recorded, and what they observed.

- ``patrol.planned`` (:class:`PatrolPlan`): a route (WKT LineString, longitude latitude), a time
  window and the participating parties; planning the same id again makes a new version.
- ``patrol.tracked`` (:class:`PatrolTrack`): a recorded track (from GPX or GeoJSON), as points
  ``[seconds after start, lat, lon]``. A ledger entry holds at most 65,535 bytes, so a long track
  is recorded as consecutive parts (``part`` of ``parts``), each with its own start time.
- ``patrol.observed`` (:class:`PatrolObservation`): nothing observed, an incident observed (the
  incident itself is filed as a monitor's report, which the observation cites), or freedom of
  movement denied (where, by whom).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

import shapely
from pydantic import Field, field_validator, model_validator

from truce.model.base import Latitude, Longitude, Model

__all__ = [
    "MAX_TRACK_POINTS",
    "ObservationKind",
    "PatrolObservation",
    "PatrolPlan",
    "PatrolTrack",
]

Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
PartyRef = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,31}$")]

#: Points per ``patrol.tracked`` entry: about 30 bytes each keeps an entry under 64 KiB.
MAX_TRACK_POINTS = 1500


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a time needs its UTC offset, like 2020-03-15T09:00:00Z")
    return value


class PatrolPlan(Model):
    id: Ident
    name: Annotated[str, Field(min_length=1, max_length=200)]
    parties: Annotated[list[PartyRef], Field(min_length=1, max_length=10)]
    route_wkt: Annotated[str, Field(min_length=1, max_length=60_000)]
    start: datetime
    end: datetime
    approximate: bool = False
    notes: Annotated[str, Field(max_length=2000)] = ""

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _utc(value)

    @field_validator("route_wkt")
    @classmethod
    def _line(cls, value: str) -> str:
        try:
            geom = shapely.from_wkt(value)
        except shapely.errors.GEOSException as exc:
            raise ValueError(f"route is not valid WKT: {exc}") from None
        if geom.geom_type not in ("LineString", "MultiLineString") or geom.is_empty:
            raise ValueError(f"a route is a LineString or MultiLineString, got {geom.geom_type}")
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ValueError("route coordinates must be longitude, latitude in degrees")
        return value

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"end {self.end.isoformat()} is not after start")
        if len(set(self.parties)) != len(self.parties):
            raise ValueError("a party is listed twice")
        return self


TrackPoint = tuple[Annotated[int, Field(ge=0, le=30 * 86_400)], Latitude, Longitude]


class PatrolTrack(Model):
    patrol: Ident
    #: The party whose unit recorded the track (default: the entry's author).
    party: PartyRef | None = None
    start: datetime
    part: Annotated[int, Field(ge=1)] = 1
    parts: Annotated[int, Field(ge=1, le=1000)] = 1
    points: Annotated[list[TrackPoint], Field(min_length=2, max_length=MAX_TRACK_POINTS)]
    source: Annotated[str, Field(max_length=500)] = ""

    @field_validator("start")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _utc(value)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.part > self.parts:
            raise ValueError(f"part {self.part} of {self.parts}")
        last = -1
        for i, (offset, _lat, _lon) in enumerate(self.points):
            if offset < last:
                raise ValueError(f"point {i} is earlier than the point before it")
            last = offset
        return self

    def times(self) -> list[datetime]:
        return [self.start + timedelta(seconds=p[0]) for p in self.points]

    def coordinates(self) -> list[tuple[Decimal, Decimal]]:
        """(lon, lat) pairs, the order of WKT and GeoJSON."""
        return [(p[2], p[1]) for p in self.points]


class ObservationKind(StrEnum):
    NOTHING_OBSERVED = "nothing_observed"
    INCIDENT_OBSERVED = "incident_observed"
    MOVEMENT_DENIED = "movement_denied"


class PatrolObservation(Model):
    patrol: Ident
    kind: ObservationKind
    time: datetime
    lat: Latitude | None = None
    lon: Longitude | None = None
    #: The monitor's report (``R-<index>``) filed for an observed incident.
    report: Annotated[str, Field(pattern=r"^R-\d+$")] | None = None
    #: Who stopped the patrol (a party id or a description), for ``movement_denied``.
    denied_by: Annotated[str, Field(max_length=200)] | None = None
    text: Annotated[str, Field(max_length=5000)] = ""

    @field_validator("time")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return _utc(value)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if self.kind == ObservationKind.INCIDENT_OBSERVED and self.report is None:
            raise ValueError("an observed incident cites the monitor's report (report: R-<index>)")
        if self.kind != ObservationKind.INCIDENT_OBSERVED and self.report is not None:
            raise ValueError("only an incident_observed observation cites a report")
        if self.kind == ObservationKind.MOVEMENT_DENIED and self.lat is None:
            raise ValueError("a denial of movement says where (lat, lon)")
        return self
