"""The one read module of reports and exports: the projections as of a ledger size.

Everything truce publishes cites the ledger state it was built from (origin, size and root hash,
as in a C2SP tlog-checkpoint), so anyone holding the log can rebuild it and get the same figures.
:func:`open_snapshot` gives that state: at the log's current size it reads the live projection
tables inside one transaction (a consistent view while others append); at an earlier size it
replays the log's first ``size`` entries into a private in-memory SQLite database through the same
projection handlers ``truce rebuild`` uses (projections are deterministic, so the two agree).

The views (dataclasses) and the merge of an incident's reports are here; :class:`Snapshot` and
:func:`open_snapshot`, which read the tables, are in :mod:`truce.report.queries` (issue 21).
Reads go through :class:`Snapshot` only: incidents with their reports and the parties'
responses, reports, zones, sites, and -- when a capability projects them -- patrols and
violations (``None`` when this build has no such table: the report says "not available").
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import shapely

from truce.errors import ValidationError
from truce.ledger.log import Ledger
from truce.model import Report, TimeInterval
from truce.model.report import Casualty, Location, Point

__all__ = [
    "Event",
    "EventFilter",
    "IncidentView",
    "LedgerState",
    "ReportView",
    "ResponseView",
    "ZoneView",
    "ledger_state",
    "merge_reports",
]


@dataclass(frozen=True)
class LedgerState:
    """The ledger state a publication cites: origin, size, root hash, time of the last entry."""

    origin: str
    size: int
    root: bytes
    time: str = ""

    @property
    def root_b64(self) -> str:
        """The root as a C2SP checkpoint writes it (standard base64)."""
        return base64.b64encode(self.root).decode()

    @property
    def root_hex(self) -> str:
        return self.root.hex()

    @property
    def date(self) -> date | None:
        return date.fromisoformat(self.time[:10]) if self.time else None

    def cite(self) -> str:
        return f"{self.origin} at size {self.size}, root {self.root_b64}"


@dataclass(frozen=True)
class ReportView:
    id: str
    index: int
    author: str
    filed_at: str
    incident_id: str | None
    report: Report


@dataclass(frozen=True)
class ResponseView:
    id: str
    index: int
    author: str
    incident_id: str
    kind: str
    field: str | None
    value: str | None
    text: str
    filed_at: str


@dataclass(frozen=True)
class IncidentView:
    """An incident as projected, with its reports (filing order) and responses."""

    id: str
    event_type: str
    sub_event_type: str
    date_start: str
    date_end: str
    lat: float | None
    lon: float | None
    place: str | None
    occurrence: str
    reports: tuple[ReportView, ...]
    responses: tuple[ResponseView, ...]
    zones: tuple[str, ...]
    #: Columns of the incidents table beyond the core ones (grades, attribution, ranges...).
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ZoneView:
    id: str
    name: str
    kind: str
    wkt: str
    valid_from: str | None
    valid_to: str | None
    approximate: bool
    source: str = ""
    notes: str = ""

    @property
    def geometry(self) -> shapely.Geometry:
        return shapely.from_wkt(self.wkt)


@dataclass(frozen=True)
class Event:
    """One exported row: an incident (the center's view) or one report (as filed).

    ``report`` carries the event's fields in the shape of a :class:`Report`; for an incident it
    is :func:`merge_reports` of its reports with the incident's type, dates and position.
    """

    id: str
    unit: str
    report: Report
    report_ids: tuple[str, ...]
    authors: tuple[str, ...]
    first_filed: str
    last_filed: str
    occurrence: str | None = None
    zones: tuple[str, ...] = ()
    responses: tuple[ResponseView, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EventFilter:
    """Which events: dates overlapping ``start``..``end`` (inclusive), inside a zone, of types."""

    start: date | None = None
    end: date | None = None
    zone: str | None = None
    event_types: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError(
                f"the end date {self.end} is before the start date {self.start}", field="to"
            )


def ledger_state(ledger: Ledger, size: int | None = None) -> LedgerState:
    current = ledger.size
    size = current if size is None else size
    if not 0 < size <= current:
        raise ValidationError(
            f"checkpoint size {size} is not between 1 and the log's {current} entries",
            hint="Give a size from a checkpoint of this log (truce ledger checkpoint).",
        )
    return LedgerState(
        origin=ledger.origin,
        size=size,
        root=bytes(ledger.root(size)),
        time=ledger.entry(size - 1).time,
    )


def _point(report: Report) -> tuple[Any, Any] | None:
    point = report.location.point
    return (point.lat, point.lon) if point else None


def _merge_casualties(reports: Sequence[Report]) -> list[Casualty]:
    """Per category and kind, the range over the reports that give a figure: lowest low,
    highest high (unbounded if any report is), and best only where every report agrees."""
    merged: dict[tuple[Any, Any], list[Casualty]] = {}
    for report in reports:
        for c in report.casualties:
            merged.setdefault((c.category, c.kind), []).append(c)
    out = []
    for (category, kind), figures in merged.items():
        bests = {c.best for c in figures}
        highs = [c.high for c in figures]
        out.append(
            Casualty(
                category=category,
                kind=kind,
                low=min(c.low for c in figures),
                best=bests.pop() if len(bests) == 1 else None,
                high=None
                if any(h is None for h in highs)
                else max(h for h in highs if h is not None),
            )
        )
    return out


def merge_reports(incident: IncidentView) -> Report:
    """The incident as one report: its type, dates and position; the lead report's text and
    place; every report's actors, sources, evidence and tags; casualty figures as ranges."""
    reports = [v.report for v in incident.reports]
    lead = reports[0]
    location = lead.location
    if incident.lat is not None and incident.lon is not None:
        error = min((r.location.point.error_m for r in reports if r.location.point), default=0)
        location = Location(
            place=location.place,
            point=Point(lat=f"{incident.lat:.7f}", lon=f"{incident.lon:.7f}", error_m=error),
            area=location.area,
            admin1=location.admin1,
            gazetteer_id=location.gazetteer_id,
            precision=min(r.location.precision for r in reports),
        )

    def union(items: Any, key: Any, limit: int) -> list[Any]:
        seen: dict[Any, Any] = {}
        for item in items:
            seen.setdefault(key(item), item)
        return list(seen.values())[:limit]

    return Report(
        event_type=incident.event_type,
        sub_event_type=incident.sub_event_type,
        modality=lead.modality,
        date=TimeInterval(
            start=incident.date_start,
            end=incident.date_end,
            precision=min(r.date.precision for r in reports),
        ),
        locations=[location, *lead.locations[1:]],
        actors=union((a for r in reports for a in r.actors), lambda a: (a.name, a.role), 50),
        casualties=_merge_casualties(reports),
        sources=union((s for r in reports for s in r.sources), lambda s: (s.name, s.url), 50),
        evidence=union((e for r in reports for e in r.evidence), lambda e: e.sha256, 100),
        title=lead.title,
        text=lead.text,
        language=lead.language,
        tags=union((t for r in reports for t in r.tags), lambda t: t, 20),
    )
