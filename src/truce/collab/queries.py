"""Reads of the collaboration tables that the live stream needs (the routes' own reads are in
:mod:`truce.collab.actions`): plain values, so the web layer builds no SQL."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import Connection, select

from truce.collab.tables import notifications

__all__ = ["Heard", "notifications_at"]


class Heard(TypedDict):
    """A notification as the live stream sends it (each for a party, or ``"*"``: everyone)."""

    id: str
    kind: str
    audience: str
    incident_id: str | None
    task_id: str | None
    text: str


def notifications_at(conn: Connection, index: int) -> list[Heard]:
    """The notifications that the entry at ledger ``index`` raised, by id."""
    n = notifications
    query = (
        select(n.c.id, n.c.kind, n.c.audience, n.c.incident_id, n.c.task_id, n.c.text)
        .where(n.c.entry_index == index)
        .order_by(n.c.id)
    )
    return [
        Heard(
            id=r.id,
            kind=r.kind,
            audience=r.audience,
            incident_id=r.incident_id,
            task_id=r.task_id,
            text=r.text,
        )
        for r in conn.execute(query)
    ]
