"""Violation notices: a new violation of a clause is heard by the parties it involves and the chair.

A violation (:mod:`truce.agreement.violations`) is derived at the end of each projection batch,
not entry by entry; so is its notice, by a finisher that runs after the violations' own, in the
same transaction. Each (violation, audience) is heard once, whatever its later grades:

- the party it is held against (the incident's ``responsible_party``), when one is known;
- the parties whose reports it cites (they are involved: they reported it);
- the chair (audience :data:`CHAIR`), who hears every violation.

A notice's ``entry_index`` is the entry of the batch that last changed the incident (else the
batch's last entry), so it rides the live stream with that entry's event and is sent by the
webhook like any other notification.

Like the violations they follow, notices live in the :data:`~truce.agreement.tables.derived`
tables, outside the projections that ``truce rebuild`` drops and replays: a violation heard
stays heard (a rebuild, whose batches are larger, would otherwise hear it again at another
entry). :func:`truce.collab.actions.notifications_for` lists them with the others.
"""

from __future__ import annotations

import json
import weakref
from typing import Any

from sqlalchemy import Column, Connection, Index, Integer, String, Table, Text, func, insert, select

from truce.agreement.tables import derived, violations
from truce.agreement.violations import _EVERYTHING, _HAS_AGREEMENTS, AFFECTING
from truce.store import schema
from truce.store.projector import ProjectionConnection, finishes

__all__ = ["CHAIR", "ensure", "violation_notices"]

#: The audience of what the chair hears (not a party id: those start with a letter).
CHAIR = "@chair"

violation_notices = Table(
    "violation_notices",
    derived,
    Column("id", String(40), primary_key=True),
    Column("entry_index", Integer, nullable=False),
    Column("audience", String(32), nullable=False),
    Column("kind", String(16), nullable=False),  # violation
    Column("key", String(300), nullable=False, unique=True),
    Column("violation_id", String(200), nullable=False),
    Column("incident_id", String(32)),
    Column("task_id", String(32)),
    Column("site_id", String(64)),
    Column("text", Text, nullable=False),
    Column("at", String(32), nullable=False),
    Index("ix_violation_notices_audience", "audience", "entry_index"),
    Index("ix_violation_notices_entry", "entry_index"),
)

_CREATED: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def ensure(engine: Any) -> None:
    """Create the derived tables on this database once per process, for a reader (checkfirst:
    a no-op where they exist)."""
    if not _CREATED.get(engine):
        with engine.begin() as conn:
            derived.create_all(conn)
        _CREATED[engine] = True


@finishes
def hear_violations(
    conn: ProjectionConnection, start: int, stop: int, kinds: frozenset[str]
) -> None:
    """The batch's new violations, heard by their parties and the chair (after the violations'
    own finisher: this module is imported after :mod:`truce.agreement.tables`)."""
    raw: Connection = conn.conn
    if not kinds & AFFECTING or not _HAS_AGREEMENTS.get(raw.engine):
        return  # no agreement adopted: no violation to hear, and no statement spent
    inc = schema.incidents
    v = violations
    query = select(
        v.c.id, v.c.incident_id, v.c.agreement_id, v.c.clause_id, v.c.status, v.c.reports
    ).order_by(v.c.id)
    if not kinds & _EVERYTHING:
        touched = select(inc.c.id).where(inc.c.last_index >= start, inc.c.last_index < stop)
        query = query.where(v.c.incident_id.in_(touched))
    found = raw.execute(query).all()
    if not found:
        return
    # On the batch's own connection (it holds the writer's lock), and committed with it.
    derived.create_all(raw)
    ids = sorted({r.incident_id for r in found})
    about = {
        r.id: r
        for r in raw.execute(
            select(inc.c.id, inc.c.responsible_party, inc.c.last_index, inc.c.sub_event_type).where(
                inc.c.id.in_(ids)
            )
        )
    }
    parties = {
        r.id
        for r in raw.execute(select(schema.parties.c.id).where(schema.parties.c.kind == "party"))
    }
    rep = schema.reports
    reporters: dict[str, set[str]] = {}
    for rr in raw.execute(
        select(rep.c.incident_id, rep.c.author).where(rep.c.incident_id.in_(ids))
    ):
        reporters.setdefault(rr.incident_id, set()).add(rr.author)
    # When: the latest report's filing time (a finisher sees tables, not entries).
    at = {
        r.incident_id: r.at
        for r in raw.execute(
            select(rep.c.incident_id, func.max(rep.c.filed_at).label("at"))
            .where(rep.c.incident_id.in_(ids))
            .group_by(rep.c.incident_id)
        )
    }
    n = violation_notices
    vids = sorted({v.id for v in found})
    heard = {
        str(k) for k in raw.execute(select(n.c.key).where(n.c.violation_id.in_(vids))).scalars()
    }
    rows: list[dict[str, Any]] = []
    for r in found:
        incident = about.get(r.incident_id)
        against: str | None = incident.responsible_party if incident is not None else None
        audiences = [CHAIR]
        if against is not None and against in parties:
            audiences.append(against)
        audiences += sorted((reporters.get(r.incident_id, set()) & parties) - {against})
        last = incident.last_index if incident is not None else None
        index = last if last is not None and start <= last < stop else stop - 1
        cited = ", ".join(json.loads(r.reports))
        for audience in audiences:
            key = f"violation:{r.id}:{audience}"
            if key in heard:
                continue
            heard.add(key)
            if audience == CHAIR:
                whom = ""
            elif audience == against:
                whom = f"; held against {audience}"
            else:
                whom = f"; {audience} reported it"
            rows.append(
                dict(
                    id=f"N-{index}-V{len(rows)}",
                    entry_index=index,
                    audience=audience,
                    kind="violation",
                    key=key,
                    violation_id=r.id,
                    incident_id=r.incident_id,
                    task_id=None,
                    site_id=None,
                    text=(
                        f"{r.incident_id} is a {r.status} violation of {r.agreement_id} § "
                        f"{r.clause_id} (based on {cited}){whom}"
                    ),
                    at=at.get(r.incident_id) or "",
                )
            )
    if rows:
        raw.execute(insert(n), rows)
