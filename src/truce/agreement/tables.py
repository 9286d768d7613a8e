"""SQL tables and projection handlers for agreements, violations and patrols.

Projected from the log like every other table (``truce rebuild`` replays them):

- ``agreements``: the latest version of each adopted agreement (``agreement.adopted``);
- ``patrols``, ``patrol_tracks``, ``patrol_observations``: ``patrol.planned`` (versioned by id),
  ``patrol.tracked`` (one row per part), ``patrol.observed``.

``violations`` is derived, not projected entry by entry: it is a deterministic function of the
incidents, zones, sites and agreements, recomputed as a whole at the end of every projection
batch that held an entry affecting it, in the batch's own transaction (a projector finisher,
:func:`truce.store.projector.finishes`), so it is never behind the incidents it cites (issue
22); :func:`truce.agreement.violations.refresh` recomputes it when the log has grown since it was
computed (the size it was computed at is kept in ``violations_state``). It lives in its own
:data:`derived` metadata, outside the projections that ``truce rebuild`` drops and replays: the
same log gives the same violations, so a rebuild leaves them as they are; ``truce rules check``
always recomputes them (after an upgrade of truce, run it once).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)
from sqlalchemy import update as sql_update

from truce.model.agreement import Agreement
from truce.model.patrol import PatrolObservation, PatrolPlan, PatrolTrack
from truce.store.projector import Projection, ProjectionConnection, body_json, finishes, projects
from truce.store.schema import metadata

__all__ = [
    "agreements",
    "derived",
    "patrol_observations",
    "patrol_tracks",
    "patrols",
    "violations",
    "violations_state",
]

agreements = Table(
    "agreements",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", String(500), nullable=False),
    Column("signed", String(10)),
    Column("clauses", Integer, nullable=False),
    Column("text_sha256", String(64)),
    Column("version", Integer, nullable=False),
    Column("author", String(32), nullable=False),
    Column("entry_index", Integer, nullable=False),
    Column("body", Text, nullable=False),
)


#: Tables derived from the projections as a whole (not replayed entry by entry).
derived = MetaData()

violations_state = Table(
    "violations_state",
    derived,
    Column("key", String(32), primary_key=True),
    Column("size", Integer, nullable=False),
)

violations = Table(
    "violations",
    derived,
    Column("id", String(200), primary_key=True),
    Column("agreement_id", String(64), nullable=False),
    Column("agreement_index", Integer, nullable=False),
    Column("clause_id", String(64), nullable=False),
    Column("clause_text", Text, nullable=False),
    Column("incident_id", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("certainty", String(16), nullable=False),
    Column("relation", String(16), nullable=False),
    Column("target_type", String(8), nullable=False),
    Column("target_id", String(64)),
    Column("target_name", String(200)),
    Column("target_kind", String(32)),
    Column("target_approximate", Boolean, nullable=False),
    Column("distance_m", Integer, nullable=False),
    Column("error_m", Integer, nullable=False),
    Column("sub_event_type", String(64), nullable=False),
    Column("date_start", String(10), nullable=False),
    Column("date_end", String(10), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("place", String(500)),
    Column("reports", Text, nullable=False),
    Index("ix_violations_incident", "incident_id"),
    Index("ix_violations_clause", "agreement_id", "clause_id"),
)

patrols = Table(
    "patrols",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("parties", Text, nullable=False),
    Column("route_wkt", Text, nullable=False),
    Column("start", String(32), nullable=False),
    Column("end", String(32), nullable=False),
    Column("approximate", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("author", String(32), nullable=False),
    Column("entry_index", Integer, nullable=False),
)

patrol_tracks = Table(
    "patrol_tracks",
    metadata,
    Column("entry_index", Integer, primary_key=True),
    Column("patrol_id", String(64), nullable=False),
    Column("party", String(32), nullable=False),
    Column("author", String(32), nullable=False),
    Column("start", String(32), nullable=False),
    Column("part", Integer, nullable=False),
    Column("parts", Integer, nullable=False),
    Column("points", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Index("ix_patrol_tracks_patrol", "patrol_id"),
)

patrol_observations = Table(
    "patrol_observations",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("entry_index", Integer, nullable=False, unique=True),
    Column("patrol_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("time", String(32), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("report_id", String(32)),
    Column("denied_by", String(200)),
    Column("text", Text, nullable=False),
    Column("author", String(32), nullable=False),
    Index("ix_patrol_observations_patrol", "patrol_id"),
)


def _iso(value: object) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.replace("+00:00", "Z")


def _upsert(p: Projection, table: Table, values: dict[str, object]) -> None:
    previous = p.conn.execute(select(table.c.version).where(table.c.id == values["id"])).scalar()
    values = {**values, "author": p.entry.author, "entry_index": p.index}
    if previous is None:
        p.conn.execute(insert(table).values(**values, version=1))
    else:
        p.conn.execute(
            sql_update(table)
            .where(table.c.id == values["id"])
            .values(**values, version=previous + 1)
        )


@projects("agreement.adopted")
def project_agreement(p: Projection) -> None:
    a = p.body
    assert isinstance(a, Agreement)
    _upsert(
        p,
        agreements,
        {
            "id": a.id,
            "title": a.title,
            "signed": a.signed.isoformat() if a.signed else None,
            "clauses": len(a.clauses),
            "text_sha256": a.text_sha256,
            "body": body_json(p.entry),
        },
    )


@projects("patrol.planned")
def project_patrol(p: Projection) -> None:
    plan = p.body
    assert isinstance(plan, PatrolPlan)
    _upsert(
        p,
        patrols,
        {
            "id": plan.id,
            "name": plan.name,
            "parties": ",".join(plan.parties),
            "route_wkt": plan.route_wkt,
            "start": _iso(plan.start),
            "end": _iso(plan.end),
            "approximate": plan.approximate,
        },
    )


@projects("patrol.tracked")
def project_track(p: Projection) -> None:
    t = p.body
    assert isinstance(t, PatrolTrack)
    p.conn.execute(
        insert(patrol_tracks).values(
            entry_index=p.index,
            patrol_id=t.patrol,
            party=t.party or p.entry.author,
            author=p.entry.author,
            start=_iso(t.start),
            part=t.part,
            parts=t.parts,
            points=len(t.points),
            body=body_json(p.entry),
        )
    )


@projects("patrol.observed")
def project_observation(p: Projection) -> None:
    o = p.body
    assert isinstance(o, PatrolObservation)
    p.conn.execute(
        insert(patrol_observations).values(
            id=f"O-{p.index}",
            entry_index=p.index,
            patrol_id=o.patrol,
            kind=o.kind.value,
            time=_iso(o.time),
            lat=float(o.lat) if o.lat is not None else None,
            lon=float(o.lon) if o.lon is not None else None,
            report_id=o.report,
            denied_by=o.denied_by,
            text=o.text,
            author=p.entry.author,
        )
    )


@finishes
def _violations(conn: ProjectionConnection, start: int, stop: int, kinds: frozenset[str]) -> None:
    from truce.agreement.violations import recompute_in_projection

    recompute_in_projection(conn, start, stop, kinds)
