"""Projections of the release workflow: sign-offs on incidents and their publication.

``incident.signoff`` entries (one party's or the chair's decision, the latest per author wins)
project into ``signoffs``; ``incident.published`` into ``publications`` (the latest per incident
wins; a chair override carries its expiry in ``until``, compared with the clock when read, so
the projection stays a pure function of the log). A publication on the basis of sign-offs is
re-checked here against the sign-offs in the log: without every signatory party's approval it is
kept with basis ``refused`` and the reason, and is not public. A signatory party that withholds
after a publication on sign-offs withdraws it (basis ``withdrawn``, the reason naming the party
and its entry): the quorum it rested on is gone. A chair override is not renewable: while the
incident's publication is an override (running or expired), a later override entry is left out
(the first stays, with its expiry), so the chair cannot keep an incident public alone by
renewing it; the parties' sign-offs are the way to keep it public. See
:mod:`truce.model.access`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from truce.model.access import Publication, PublicationBasis, SignOff
from truce.store import schema
from truce.store.projector import Projection, projects
from truce.store.schema import metadata

__all__ = ["REFUSED", "WITHDRAWN", "publications", "signoffs", "unmet_quorum"]

#: ``publications.basis`` of an ``incident.published`` entry whose quorum the log does not hold.
REFUSED = "refused"
#: ``publications.basis`` once a signatory party withholds after a publication on sign-offs.
WITHDRAWN = "withdrawn"

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
    if s.decision.value != "withhold":
        return
    kind = p.conn.execute(
        select(schema.parties.c.kind).where(schema.parties.c.id == p.entry.author)
    ).scalar()
    if kind != "party":
        return
    pub = publications
    p.conn.execute(
        update(pub)
        .where(pub.c.incident_id == s.incident, pub.c.basis == PublicationBasis.SIGNOFFS.value)
        .values(basis=WITHDRAWN, reason=f"withheld by {p.entry.author} in entry {p.index}")
    )


def unmet_quorum(conn: Any, incident: str, author: str) -> str | None:
    """Why a publication on the basis of sign-offs is not backed by the log, or None.

    Re-checked by the projection itself, never trusted from the request that made it: the
    author must be the center, and every signatory party (kind ``party``) registered so far
    must have approved, by an ``incident.signoff`` entry it signed itself.
    """
    kinds = dict(conn.execute(select(schema.parties.c.id, schema.parties.c.kind)).all())
    if kinds.get(author) != "center":
        return f"{author!r} is not the center: only the chair publishes"
    approved = {
        r.party
        for r in conn.execute(
            select(signoffs.c.party).where(
                signoffs.c.incident_id == incident, signoffs.c.decision == "approve"
            )
        )
    }
    missing = sorted(
        party for party, kind in kinds.items() if kind == "party" and party not in approved
    )
    if missing:
        return f"lacks the approval of {', '.join(missing)}"
    return None


@projects("incident.published")
def project_publication(p: Projection) -> None:
    pub = p.body
    assert isinstance(pub, Publication)
    t = publications
    basis, reason = pub.basis.value, pub.reason
    if pub.basis == PublicationBasis.OVERRIDE:
        latest = p.conn.execute(select(t.c.basis).where(t.c.incident_id == pub.incident)).scalar()
        if latest == PublicationBasis.OVERRIDE.value:
            return  # not renewable: the first override stands, with its expiry
    if pub.basis == PublicationBasis.SIGNOFFS:
        unmet = unmet_quorum(p.conn, pub.incident, p.entry.author)
        if unmet is not None:
            # On the record, but not public: the log does not back it.
            basis, reason = REFUSED, unmet
    p.conn.execute(delete(t).where(t.c.incident_id == pub.incident))
    p.conn.execute(
        insert(t).values(
            incident_id=pub.incident,
            basis=basis,
            reason=reason,
            until=pub.until.isoformat().replace("+00:00", "Z") if pub.until else None,
            author=p.entry.author,
            published_at=p.entry.time,
            entry_index=p.index,
        )
    )
