"""Which notifications each user has read: per-user state on this server, not on the ledger.

A mark-as-read is not an event about the world: it says what one person has looked at, not
what happened, was reported or was decided. The ledger is the record every party mirrors and
signs as a party, so a read mark signed there would grow the log at every glance, tell the
other parties when each officer looked at what, and make a party sign for a person's reading.
It is kept instead like a session: one row per user of this server (``notification_reads``),
a high-water mark — every notification at a ledger index up to ``through`` is read — that only
moves forward. It is not a projection: a rebuild from the log neither drops nor replays it, and
a mirror of the ledger elsewhere has its own users and their own marks.

Every browser of a user reads the same mark (``GET /api/v1/notifications/unread``), and a mark
moved in one is sent to the user's other live streams (:mod:`truce.web.live`, ``read``).
"""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from truce.collab.queries import unread
from truce.errors import ValidationError

__all__ = ["mark_read", "notification_reads", "read_through", "unread"]

#: Per-user state of this server (not projected from the log).
private = MetaData()

notification_reads = Table(
    "notification_reads",
    private,
    Column("username", String(64), primary_key=True),
    Column("through", Integer, nullable=False),
    Column("at", String(32), nullable=False),
)

_CREATED: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def _ensure(engine: Any) -> None:
    if not _CREATED.get(engine):
        with engine.begin() as conn:
            private.create_all(conn)  # checkfirst: a no-op where it exists
        _CREATED[engine] = True


def read_through(engine: Any, username: str) -> int:
    """The ledger index up to which ``username`` has read their notifications (-1: none)."""
    _ensure(engine)
    with engine.connect() as conn:
        value = conn.execute(
            select(notification_reads.c.through).where(notification_reads.c.username == username)
        ).scalar()
    return -1 if value is None else int(value)


def mark_read(engine: Any, username: str, through: int, size: int) -> int:
    """Mark ``username``'s notifications up to ledger index ``through`` read; returns the mark,
    which never moves back (a stale browser marking less changes nothing)."""
    if through >= size:
        raise ValidationError(
            f"through={through} is past the end of the log (its last index is {size - 1})",
            field="through",
            hint="Mark read up to the newest notification's entry_index.",
        )
    _ensure(engine)
    r = notification_reads
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for attempt in (1, 2):
        try:
            with engine.begin() as conn:
                moved = conn.execute(
                    update(r)
                    .where(r.c.username == username, r.c.through < through)
                    .values(through=through, at=now)
                )
                mark = conn.execute(select(r.c.through).where(r.c.username == username)).scalar()
                if moved.rowcount == 0 and mark is None:
                    conn.execute(insert(r).values(username=username, through=through, at=now))
                    mark = through
            return int(mark)
        except IntegrityError:  # another browser of the user inserted the row meanwhile
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
