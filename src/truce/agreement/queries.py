"""The read side of the agreement's tables (violations, patrols), for the web pages and the live
stream: each function takes an open ``Connection`` and returns plain values, so its callers
build no SQL (see :mod:`truce.store.queries` for the store's own tables)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypedDict

from sqlalchemy import Connection, Engine, select

from truce.agreement.tables import agreements, patrol_tracks, patrols, violations

__all__ = [
    "PatrolRoute",
    "PatrolTrackRow",
    "agreement_start",
    "patrol_routes",
    "patrol_track_rows",
    "violations_of",
]


class PatrolRoute(TypedDict):
    id: str
    name: str
    parties: list[str]
    route_wkt: str
    start: str
    end: str
    approximate: bool


class PatrolTrackRow(TypedDict):
    entry_index: int
    patrol_id: str
    party: str
    start: str
    part: int
    parts: int
    #: The track's points as filed: ``[time, lat, lon]`` each.
    points: list[Any]


def violations_of(conn: Connection, incident_id: str) -> list[dict[str, Any]]:
    """The incident's violations (every column; ``reports`` decoded), by clause."""
    v = violations
    query = select(v).where(v.c.incident_id == incident_id).order_by(v.c.clause_id)
    out = []
    for r in conn.execute(query).mappings():
        item = dict(r)
        item["reports"] = json.loads(item["reports"])
        out.append(item)
    return out


def patrol_routes(conn: Connection) -> list[PatrolRoute]:
    """The planned patrols' routes, by start."""
    return [
        PatrolRoute(
            id=r.id,
            name=r.name,
            parties=[x for x in r.parties.split(",") if x],  # stored comma-separated
            route_wkt=r.route_wkt,
            start=r.start,
            end=r.end,
            approximate=bool(r.approximate),
        )
        for r in conn.execute(select(patrols).order_by(patrols.c.start))
    ]


def patrol_track_rows(conn: Connection) -> list[PatrolTrackRow]:
    """The recorded tracks, one per part, in ledger order."""
    t = patrol_tracks
    return [
        PatrolTrackRow(
            entry_index=r.entry_index,
            patrol_id=r.patrol_id,
            party=r.party,
            start=r.start,
            part=r.part,
            parts=r.parts,
            points=json.loads(r.body).get("points", []),
        )
        for r in conn.execute(select(t).order_by(t.c.entry_index))
    ]


def agreement_start(engine: Engine) -> tuple[date, str] | None:
    """The day the earliest adopted agreement was signed, and its id; None if no agreement
    says when it was signed.

    Plausibility (:mod:`truce.model.plausibility`) refuses a report of an event before it
    unless the filer says why it belongs on the record.
    """
    query = (
        select(agreements.c.signed, agreements.c.id)
        .where(agreements.c.signed.is_not(None))
        .order_by(agreements.c.signed, agreements.c.id)
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return (date.fromisoformat(row[0]), str(row[1])) if row is not None else None
