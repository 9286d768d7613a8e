"""A claim as a :class:`truce.model.Report`, filed by the open-sources ingest identity.

The report's source is the outlet (``kind=outlet``, reliability and credibility "cannot be
judged": grading is for analysts), with ``originator`` the institution the outlet cites, so two
outlets quoting one ministry count as one originator; an intermediary outlet ("as quoted by
Anadolu Agency") is a second source with the same originator. The evidence is the document
itself: its SHA-256 (the bytes are in the node's evidence store) and URL. A claim without a date
or a place cannot be a report; :func:`to_report` says why instead, and ingestion queues it for
review (:mod:`truce.ingest.pending`) with the fields it has (:func:`draft_fields`).
"""

from __future__ import annotations

from typing import Any

import pydantic

from truce.errors import ValidationError
from truce.ingest.claims import Claim
from truce.ingest.document import Document
from truce.ingest.pending import guesses_of
from truce.model import Report
from truce.model.kinds import validation_error
from truce.model.report import Actor, Casualty, Evidence, Location, Source, TimeInterval
from truce.model.vocab import GeoPrecision, SourceKind

__all__ = [
    "INGEST_PARTY",
    "INGEST_PARTY_NAME",
    "UNKNOWN_OUTLET",
    "draft_fields",
    "report_problem",
    "to_report",
]

INGEST_PARTY = "osint"
INGEST_PARTY_NAME = "Open-source ingest"
UNKNOWN_OUTLET = "unknown outlet"


def _url(value: str | None) -> str | None:
    if value and value.startswith(("http://", "https://")):
        return value
    return None


def _sources(claim: Claim, doc: Document) -> list[Source]:
    outlet = doc.outlet or UNKNOWN_OUTLET
    attribution = claim.attribution
    originator = attribution.originator if attribution is not None else None
    sources = [
        Source(name=outlet, kind=SourceKind.OUTLET, originator=originator, url=_url(doc.url))
    ]
    if attribution is not None:
        for via in attribution.via:
            if via != outlet:
                sources.append(Source(name=via, kind=SourceKind.OUTLET, originator=originator))
    return sources


def _locations(claim: Claim) -> list[Location]:
    out = []
    for place in claim.places[:20]:
        if place.location is not None:
            out.append(place.location)
        else:
            out.append(Location(place=place.text[:500], precision=GeoPrecision.REGION))
    return out


def _title(claim: Claim, doc: Document) -> str:
    who = next((a.name for a in claim.actors if a.role.value == "perpetrator"), None)
    where = next((p.name or p.text for p in claim.places), None)
    parts = [claim.sub_event_type]
    if claim.modality.value != "occurred":
        parts[0] += f" ({claim.modality.value})"
    if who:
        parts.append(who)
    if where:
        parts.append(where)
    return " · ".join(parts)[:500]


def report_problem(claim: Claim) -> str | None:
    """Why ``claim`` cannot be filed as a report, or None."""
    if claim.date is None:
        return "no date (the text gives none it can resolve; pass --published)"
    if not claim.places:
        return "no place named in the article"
    return None


def draft_fields(claim: Claim, doc: Document) -> dict[str, Any]:
    """The report's fields as far as ``claim`` gives them (``date`` None when it has none)."""
    date = None
    if claim.date is not None:
        date = TimeInterval(
            start=claim.date.start, end=claim.date.end, precision=claim.date.precision
        )
    return {
        "event_type": claim.event_type,
        "sub_event_type": claim.sub_event_type,
        "modality": claim.modality,
        "date": date,
        "locations": _locations(claim),
        "actors": [
            Actor(name=a.name, role=a.role, inter=a.inter, country=a.country)
            for a in claim.actors[:50]
        ],
        "casualties": [
            Casualty(category=c.category, kind=c.kind, low=c.low, best=c.best, high=c.high)
            for c, _ in claim.casualties()
        ],
        "sources": _sources(claim, doc),
        "evidence": [
            Evidence(
                sha256=doc.sha256,
                media_type=doc.media_type,
                url=_url(doc.url),
                description=f"source document: {doc.title or doc.name}"[:500],
            )
        ],
        "title": _title(claim, doc),
        "text": claim.text[:20_000],
        "tags": ["ingest", *(["mode:" + claim.mode] if claim.mode else []), *guesses_of(claim)],
    }


def to_report(claim: Claim, doc: Document) -> Report:
    """The report this claim becomes; raises :class:`ValidationError` if it cannot be one."""
    problem = report_problem(claim)
    if problem is not None:
        raise ValidationError(f"{doc.name}: claim {claim.sub_event_type!r}: {problem}")
    try:
        return Report(**draft_fields(claim, doc), language=claim.language)
    except pydantic.ValidationError as exc:
        raise validation_error(exc, f"{doc.name}: claim {claim.sub_event_type!r}") from None
