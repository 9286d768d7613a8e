"""Projections of the release workflow: sign-offs on incidents and their publication.

``incident.signoff`` entries (one party's or the chair's decision, the latest per author wins)
project into ``signoffs``; ``incident.published`` into ``publications`` (the latest per incident
wins; a chair override carries its expiry in ``until``, compared with the clock when read, so
the projection stays a pure function of the log). See :mod:`truce.model.access`.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, PrimaryKeyConstraint, String, Table, Text, delete, insert

from truce.model.access import Publication, SignOff
from truce.store.projector import Projection, projects
from truce.store.schema import metadata

__all__ = ["publications", "signoffs"]

signoffs = Table(
    "signoffs",
    metadata,
    Column("incident_id", String(64), nullable=False),
    Column("party", String(32), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("signed_at", String(32), nullable=False),
    Column("entry_index", Integer, nullable=False),
    PrimaryKeyConstraint("incident_id", "party"),
)

publications = Table(
    "publications",
    metadata,
    Column("incident_id", String(64), primary_key=True),
    Column("basis", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("until", String(40)),  # ISO 8601 UTC, only for a chair override
    Column("author", String(32), nullable=False),
    Column("published_at", String(32), nullable=False),
    Column("entry_index", Integer, nullable=False),
)


@projects("incident.signoff")
def project_signoff(p: Projection) -> None:
    s = p.body
    assert isinstance(s, SignOff)
    t = signoffs
    p.conn.execute(delete(t).where(t.c.incident_id == s.incident, t.c.party == p.entry.author))
    p.conn.execute(
        insert(t).values(
            incident_id=s.incident,
            party=p.entry.author,
            decision=s.decision.value,
            note=s.note,
            signed_at=p.entry.time,
            entry_index=p.index,
        )
    )


@projects("incident.published")
def project_publication(p: Projection) -> None:
    pub = p.body
    assert isinstance(pub, Publication)
    t = publications
    p.conn.execute(delete(t).where(t.c.incident_id == pub.incident))
    p.conn.execute(
        insert(t).values(
            incident_id=pub.incident,
            basis=pub.basis.value,
            reason=pub.reason,
            until=pub.until.isoformat().replace("+00:00", "Z") if pub.until else None,
            author=p.entry.author,
            published_at=p.entry.time,
            entry_index=p.index,
        )
    )
