"""Reading incidents: the list with its filters, and one incident in full.

:func:`list_incidents` filters by a date window (an incident whose interval overlaps it), a
bounding box (west, south, east, north: GeoJSON ``bbox`` order; incidents with no point are
outside every box), occurrence grades, and types (an ACLED event type, sub-event type or event
family). :func:`show_incident` gathers an incident's row (JSON columns parsed), its reports with
why each is there, its responses with their evidence, the disagreement view and the merges and
splits that concern it. An id merged away is followed to the incident holding its reports.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from truce.assess import tables
from truce.assess.disagreement import disagreement
from truce.assess.projection import load_incident, resolve
from truce.errors import NotFoundError, ValidationError
from truce.model import OccurrenceGrade
from truce.store import schema

__all__ = [
    "ActionOutcome",
    "BBox",
    "action_outcome",
    "incident_of_report",
    "list_incidents",
    "parse_bbox",
    "reports_of",
    "show_incident",
]

_JSON_COLUMNS = ("reasons", "attribution", "casualties")
_HIDDEN = ("state",)


@dataclass(frozen=True)
class BBox:
    """West, south, east, north in degrees (GeoJSON ``bbox`` order)."""

    west: float
    south: float
    east: float
    north: float


def parse_bbox(text: str) -> BBox:
    """``"36.5,35.3,36.9,35.7"`` (west,south,east,north) as a :class:`BBox`, checked."""
    parts = [p.strip() for p in text.split(",")]
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ValidationError(
            f"bbox {text!r} must be four numbers: west,south,east,north (e.g. 36.5,35.3,36.9,35.7)",
            field="bbox",
        ) from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise ValidationError(
            f"bbox {text!r}: longitudes must be within ±180 and south ≤ north within ±90",
            field="bbox",
        )
    if west > east:
        raise ValidationError(f"bbox {text!r}: west {west} is east of east {east}", field="bbox")
    return BBox(west, south, east, north)


def _row(row: Any) -> dict[str, Any]:
    out = {k: v for k, v in dict(row).items() if k not in _HIDDEN}
    for key in _JSON_COLUMNS:
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out


def list_incidents(
    conn: Connection,
    *,
    since: date | None = None,
    until: date | None = None,
    bbox: BBox | None = None,
    grades: Sequence[str] = (),
    types: Sequence[str] = (),
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Incidents matching every filter given, in the order they were first reported."""
    inc = schema.incidents
    query = select(inc)
    if since is not None and until is not None and until < since:
        raise ValidationError(f"--until {until} is before --since {since}", field="until")
    if since is not None:
        query = query.where(inc.c.date_end >= since.isoformat())
    if until is not None:
        query = query.where(inc.c.date_start <= until.isoformat())
    if bbox is not None:
        query = query.where(
            and_(
                inc.c.lon >= bbox.west,
                inc.c.lon <= bbox.east,
                inc.c.lat >= bbox.south,
                inc.c.lat <= bbox.north,
            )
        )
    if grades:
        known = {g.value for g in OccurrenceGrade}
        for g in grades:
            if g not in known:
                raise ValidationError(
                    f"unknown grade {g!r}; use one of: {', '.join(sorted(known))}", field="grade"
                )
        query = query.where(inc.c.occurrence.in_(list(grades)))
    if types:
        wanted = [t.casefold() for t in types]
        query = query.where(
            or_(
                func.lower(inc.c.event_type).in_(wanted),
                func.lower(inc.c.sub_event_type).in_(wanted),
                func.lower(inc.c.family).in_(wanted),
            )
        )
    query = query.order_by(inc.c.first_index)
    if limit is not None:
        query = query.limit(limit)
    return [_row(r) for r in conn.execute(query).mappings()]


def show_incident(conn: Connection, incident_id: str) -> dict[str, Any]:
    """One incident in full (see the module docstring)."""
    current = resolve(conn, incident_id)
    if current is None:
        raise NotFoundError(
            f"no incident {incident_id}", hint="List incidents with 'truce incidents'."
        )
    inc = schema.incidents
    out = _row(conn.execute(select(inc).where(inc.c.id == current)).mappings().one())
    if current != incident_id:
        out["requested"] = incident_id
        out["merged_into"] = current
    members, replies, parties = load_incident(conn, current)
    links = {
        r["report_id"]: r
        for r in conn.execute(
            select(tables.incident_links).where(tables.incident_links.c.incident_id == current)
        ).mappings()
    }
    out["reports"] = [
        {
            "id": m.report_id,
            "author": m.author,
            "title": m.report.title,
            "modality": m.report.modality.value,
            "sources": [
                {"name": s.name, "originator": s.originator, "admiralty": f"{s.reliability.value}"
                 f"{int(s.credibility)}"}
                for s in m.report.sources
            ],
            "how": links[m.report_id]["how"] if m.report_id in links else None,
            "score": links[m.report_id]["score"] if m.report_id in links else None,
            "reason": links[m.report_id]["reason"] if m.report_id in links else None,
        }
        for m in members
    ]  # fmt: skip
    out["responses"] = [
        {
            "id": r.response_id,
            "party": r.author,
            "party_name": parties[r.author].name if r.author in parties else r.author,
            "kind": r.kind.value,
            "field": r.field,
            "value": r.value,
            "text": r.text,
            "evidence": list(r.evidence),
        }
        for r in replies
    ]
    out["disagreement"] = disagreement(members, replies)
    aliases = tables.incident_aliases
    out["aliases"] = [
        r[0]
        for r in conn.execute(
            select(aliases.c.id).where(aliases.c.incident_id == current).order_by(aliases.c.id)
        )
    ]
    acts = tables.incident_actions
    concerned = [current, *out["aliases"]]
    out["actions"] = [
        {**dict(a), "incidents": json.loads(a["incidents"]), "reports": json.loads(a["reports"])}
        for a in conn.execute(select(acts).order_by(acts.c.entry_index)).mappings()
        if a["result"] in concerned or set(json.loads(a["incidents"])) & set(concerned)
    ]
    return out


@dataclass(frozen=True)
class ActionOutcome:
    """What the projection made of a merge or split entry (``incident_actions``)."""

    status: str  # applied | ignored
    result: str | None  # the incident kept (a merge) or made (a split)
    note: str | None


def action_outcome(conn: Connection, entry_index: int) -> ActionOutcome | None:
    """The outcome of the merge or split at ``entry_index``; None if it was not projected."""
    a = tables.incident_actions
    row = conn.execute(select(a).where(a.c.entry_index == entry_index)).mappings().first()
    if row is None:
        return None
    return ActionOutcome(str(row["status"]), row["result"], row["note"])


def reports_of(conn: Connection, incident_id: str) -> list[str]:
    """The ids of the reports in ``incident_id``, in log order."""
    rep = schema.reports
    query = select(rep.c.id).where(rep.c.incident_id == incident_id).order_by(rep.c.entry_index)
    return [str(row[0]) for row in conn.execute(query)]


def incident_of_report(conn: Connection, report_id: str) -> str | None:
    """The incident holding ``report_id``; None if there is no such report."""
    rep = schema.reports
    row = conn.execute(select(rep.c.incident_id).where(rep.c.id == report_id)).first()
    return None if row is None else str(row[0])
