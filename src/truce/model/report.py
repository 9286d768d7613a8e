"""A report: one party's, monitor's or outlet's account of one event.

Fields follow ACLED (event type, sub-event type, actors, precision codes) and UCDP GED
(low/best/high casualty figures, time intervals with precision). A report file is the JSON form
of :class:`Report`; its JSON Schema is generated into ``docs/report.schema.json``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import AnyUrl, Field, field_validator, model_validator

from truce.model.base import Latitude, Longitude, Model, Sha256Hex
from truce.model.vocab import (
    ActorRole,
    CasualtyCategory,
    CasualtyKind,
    Credibility,
    EventType,
    GeoPrecision,
    Inter,
    Modality,
    Reliability,
    SourceKind,
    TimePrecision,
    event_family,
    sub_event_types,
)

__all__ = [
    "Actor",
    "Casualty",
    "Evidence",
    "Location",
    "Point",
    "Report",
    "Source",
    "TimeInterval",
]

Text = Annotated[str, Field(min_length=1, max_length=500)]


class TimeInterval(Model):
    """When it happened: ``start``..``end`` inclusive, with ACLED time precision."""

    start: date
    end: date
    precision: TimePrecision = TimePrecision.DAY

    @model_validator(mode="before")
    @classmethod
    def _single_day(cls, data: object) -> object:
        if isinstance(data, str):  # "2019-03-13" or "2019-03-03/2019-03-04"
            start, _, end = data.partition("/")
            return {"start": start, "end": end or start}
        if isinstance(data, dict) and "start" in data and "end" not in data:
            return {**data, "end": data["start"]}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Point(Model):
    """A position with its circular error in metres (Cursor-on-Target ``ce``)."""

    lat: Latitude
    lon: Longitude
    error_m: int = Field(default=0, ge=0, le=1_000_000)


class Location(Model):
    """Where: a point with an error radius, or a named admin area, or both.

    ``place`` is the name as written in the source; ``area`` is an admin P-code (OCHA COD-AB,
    e.g. ``SY0703``) or area name; ``gazetteer_id`` names the gazetteer entry it resolved to.
    """

    place: Text | None = None
    point: Point | None = None
    area: Text | None = None
    admin1: Text | None = None
    gazetteer_id: Text | None = None
    precision: GeoPrecision = GeoPrecision.TOWN

    @model_validator(mode="after")
    def _somewhere(self) -> Self:
        if self.point is None and self.area is None and self.place is None:
            raise ValueError("a location needs a point, an area or at least a place name")
        return self


class Actor(Model):
    name: Text
    role: ActorRole
    inter: Inter | None = None
    country: Text | None = None


class Casualty(Model):
    """A casualty figure as a range (UCDP low/best/high). ``high`` None: no upper bound known."""

    category: CasualtyCategory
    kind: CasualtyKind
    low: int = Field(ge=0)
    best: int | None = Field(default=None, ge=0)
    high: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.best is not None and self.best < self.low:
            raise ValueError(f"best {self.best} is below low {self.low}")
        top = self.best if self.best is not None else self.low
        if self.high is not None and self.high < top:
            raise ValueError(f"high {self.high} is below best/low {top}")
        return self


class Source(Model):
    """Who said it, graded with the Admiralty code. ``originator`` is whom the source relies on
    (the ministry an outlet quotes): two sources with one originator are not independent."""

    name: Text
    kind: SourceKind
    reliability: Reliability = Reliability.F
    credibility: Credibility = Credibility.CANNOT_BE_JUDGED
    originator: Text | None = None
    url: AnyUrl | None = None


class Evidence(Model):
    """A document, image or video, held by its SHA-256 in the content-addressed store."""

    sha256: Sha256Hex
    media_type: Annotated[str, Field(pattern=r"^[a-z]+/[A-Za-z0-9.+\-]+$", max_length=100)]
    url: AnyUrl | None = None
    description: Text | None = None


class Report(Model):
    """One account of one event, as filed. Validated in full at construction."""

    event_type: EventType
    sub_event_type: Text
    modality: Modality = Modality.OCCURRED
    date: TimeInterval
    locations: Annotated[list[Location], Field(min_length=1, max_length=20)]
    actors: Annotated[list[Actor], Field(max_length=50)] = []
    casualties: Annotated[list[Casualty], Field(max_length=20)] = []
    sources: Annotated[list[Source], Field(min_length=1, max_length=50)]
    evidence: Annotated[list[Evidence], Field(max_length=100)] = []
    title: Text | None = None
    text: Annotated[str, Field(max_length=20_000)] = ""
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] = "en"
    tags: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=50)]], Field(max_length=20)
    ] = []
    #: Why the report is filed although its coordinates contradict its named place or the
    #: monitored area (the filing checks, :mod:`truce.agreement.filing`): part of the signed
    #: entry, so the record shows that the contradiction was seen and by whom it was accepted.
    override_note: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    #: Why the filer files it although the plausibility checks refuse it (a date in the future,
    #: a point outside the area, …: :mod:`truce.model.plausibility`); signed into the entry.
    plausibility_override: Annotated[str, Field(min_length=10, max_length=1000)] | None = None

    @field_validator("sub_event_type")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        allowed = sub_event_types(self.event_type)
        if self.sub_event_type not in allowed:
            raise ValueError(
                f"sub_event_type {self.sub_event_type!r} is not a sub-event type of "
                f"{self.event_type.value!r}; expected one of: {', '.join(allowed)}"
            )
        seen: set[tuple[CasualtyCategory, CasualtyKind]] = set()
        for c in self.casualties:
            key = (c.category, c.kind)
            if key in seen:
                raise ValueError(f"casualties list {c.category.value} {c.kind.value} twice")
            seen.add(key)
        return self

    @property
    def family(self) -> str:
        return event_family(self.sub_event_type)

    @property
    def location(self) -> Location:
        """The primary location (the first)."""
        return self.locations[0]

    def actors_in(self, role: ActorRole) -> list[Actor]:
        return [a for a in self.actors if a.role == role]
