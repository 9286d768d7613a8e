"""The read side of the agreement's tables (violations, patrols), for the web pages and the live
stream: each function takes an open ``Connection`` and returns plain values, so its callers
build no SQL (see :mod:`truce.store.queries` for the store's own tables)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypedDict

from sqlalchemy import Connection, Engine, select

from truce.agreement.tables import (
    agreements,
    patrol_observations,
    patrol_tracks,
    patrols,
    violations,
)

__all__ = [
    "PatrolRoute",
    "PatrolTrackRow",
    "agreement_start",
    "observations_of_kind",
    "observations_per_patrol",
    "patrol_plans",
    "patrol_routes",
    "patrol_track_rows",
    "points_per_patrol",
    "track_bodies",
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


def patrol_plans(conn: Connection) -> list[dict[str, Any]]:
    """The planned patrols (``patrols`` rows, latest version), by start time."""
    return [dict(r) for r in conn.execute(select(patrols).order_by(patrols.c.start)).mappings()]


def points_per_patrol(conn: Connection) -> dict[str, int]:
    """How many track points each patrol has recorded (patrols without a track are absent)."""
    out: dict[str, int] = {}
    for r in conn.execute(select(patrol_tracks.c.patrol_id, patrol_tracks.c.points)):
        out[r.patrol_id] = out.get(r.patrol_id, 0) + r.points
    return out


def observations_per_patrol(conn: Connection) -> dict[str, int]:
    """How many observations each patrol has recorded (patrols without one are absent)."""
    out: dict[str, int] = {}
    for r in conn.execute(select(patrol_observations.c.patrol_id)):
        out[r.patrol_id] = out.get(r.patrol_id, 0) + 1
    return out


def track_bodies(conn: Connection) -> list[tuple[str, str, str]]:
    """Each recorded track part as (patrol id, party, the entry's JSON body), in ledger order."""
    t = patrol_tracks
    query = select(t.c.patrol_id, t.c.party, t.c.body).order_by(t.c.entry_index)
    return [(r.patrol_id, r.party, r.body) for r in conn.execute(query)]


def observations_of_kind(conn: Connection, kind: str) -> list[dict[str, Any]]:
    """The patrol observations of one kind (``patrol_observations`` rows), in ledger order."""
    o = patrol_observations
    query = select(o).where(o.c.kind == kind).order_by(o.c.entry_index)
    return [dict(r) for r in conn.execute(query).mappings()]
