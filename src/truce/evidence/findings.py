"""Findings: where what a file says contradicts what it is attached to, in one sentence each.

- *time*: the photo was taken long before the event it is attached to (a photo cannot show an
  event that had not happened: more than :data:`BEFORE_DAYS` before its first day), or long
  after it (more than :data:`AFTER_DAYS` after its last day: an aftermath, or a mislabelled
  picture): "photo taken 2017-04-04, 2 years before the event (2019-03-13)";
- *place*: the photo's GPS position is far from where the report or incident places the event
  (more than :data:`FAR_KM`, or twice the stated error radius if larger): "photo taken 400 km
  from the claimed place (Jarjanaz)";
- *duplicate*: the same file, or a near-duplicate image (perceptual hash within
  :data:`truce.evidence.phash.NEAR`), was attached before: "this image was already attached to
  incident I-12 (2019-03-13)";
- *metadata*: a problem reading the file's own metadata (kept from the entry).

Each is a pure function of the entry and the record before it, computed by the projection.
"""

from __future__ import annotations

from datetime import date

from truce.geo.distance import haversine_km

__all__ = [
    "AFTER_DAYS",
    "BEFORE_DAYS",
    "FAR_KM",
    "document_time_finding",
    "duplicate_finding",
    "place_finding",
    "span",
    "time_finding",
]

BEFORE_DAYS = 1
AFTER_DAYS = 30
FAR_KM = 10.0


def span(days: int) -> str:
    """A whole-unit duration in words: "3 days", "5 weeks", "4 months", "2 years"."""
    for unit, size, below in (("day", 1, 14), ("week", 7, 61), ("month", 30.44, 365)):
        if days < below:
            n = max(1, round(days / size))
            return f"{n} {unit}{'s' if n != 1 else ''}"
    n = max(1, round(days / 365.25))
    return f"{n} year{'s' if n != 1 else ''}"


def time_finding(captured: str, start: str, end: str, what: str = "photo") -> str | None:
    taken = date.fromisoformat(captured[:10])
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    when = start if start == end else f"{start}/{end}"
    if (first - taken).days > BEFORE_DAYS:
        return (
            f"{what} taken {taken.isoformat()}, {span((first - taken).days)} before the event "
            f"({when})"
        )
    if (taken - last).days > AFTER_DAYS:
        return (
            f"{what} taken {taken.isoformat()}, {span((taken - last).days)} after the event "
            f"({when})"
        )
    return None


def document_time_finding(document: dict[str, str], start: str, end: str) -> str | None:
    """A document cannot report an event that came after its last change: the PDF's
    modification date (else its creation date) more than :data:`BEFORE_DAYS` before the event.
    (A document made long after is usual: a casualty list, a ministry's summary.)"""
    stated = document.get("modified") or document.get("created")
    if not stated:
        return None
    day = date.fromisoformat(stated[:10])
    first = date.fromisoformat(start)
    if (first - day).days <= BEFORE_DAYS:
        return None
    how = "last modified" if "modified" in document else "created"
    when = start if start == end else f"{start}/{end}"
    return f"document {how} {day.isoformat()}, {span((first - day).days)} before the event ({when})"


def place_finding(
    lat: float,
    lon: float,
    claimed_lat: float,
    claimed_lon: float,
    error_km: float = 0.0,
    place: str | None = None,
    what: str = "photo",
) -> str | None:
    km = haversine_km(lat, lon, claimed_lat, claimed_lon)
    if km <= max(FAR_KM, 2 * error_km):
        return None
    distance = f"{km:.0f} km" if km >= 10 else f"{km:.1f} km"
    named = f" ({place})" if place else ""
    return f"{what} taken {distance} from the claimed place{named}"


def duplicate_finding(
    *,
    exact: bool,
    distance: int,
    other_id: str,
    other_name: str,
    other_incident: str | None,
    other_date: str | None,
    other_report: str | None,
    same_incident: bool,
    subject: str = "this image",
) -> str:
    thing = "this file" if exact else subject
    how = (
        "the same file"
        if exact
        else f"a near-duplicate: perceptual hashes {distance} of 64 bits apart"
    )
    if same_incident:
        return f"{thing} was already attached to this incident as {other_id} ({other_name}; {how})"
    if other_incident:
        when = f" ({other_date})" if other_date else ""
        return (
            f"{thing} was already attached to incident {other_incident}{when} as {other_id} "
            f"({other_name}; {how})"
        )
    return f"{thing} was already attached to report {other_report} as {other_id} ({how})"
