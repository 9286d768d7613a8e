"""The collaboration read model: comments, tasks and notifications as the projections hold
them (issue 21: the SQL of :mod:`truce.collab.actions` lives here; it re-exports these).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypedDict

from sqlalchemy import Connection, Subquery, Table, func, select, union_all

from truce.assess.tables import incident_aliases
from truce.collab.kinds import TASK_ID
from truce.collab.notices import CHAIR, ensure, violation_notices
from truce.collab.tables import EVERYONE, comments, notifications, task_updates, tasks
from truce.errors import NotFoundError, ValidationError

__all__ = [
    "CommentRow",
    "NotificationRow",
    "TaskRow",
    "TaskUpdateRow",
    "audiences",
    "held",
    "list_comments",
    "list_tasks",
    "notifications_between",
    "notifications_for",
    "task_party",
    "unread",
]


class CommentRow(TypedDict):
    id: str
    incident_id: str
    author: str
    at: str
    text: str


class TaskUpdateRow(TypedDict):
    entry_index: int
    status: str
    author: str
    at: str
    text: str
    applied: bool
    note: str


class TaskRow(TypedDict):
    id: str
    party: str
    incident_id: str | None
    title: str
    text: str
    author: str
    created_at: str
    status: str
    updated_at: str
    updated_by: str
    history: list[TaskUpdateRow]


class NotificationRow(TypedDict):
    id: str
    entry_index: int
    kind: str
    audience: str
    incident_id: str | None
    task_id: str | None
    site_id: str | None
    text: str
    at: str


def task_party(conn: Connection, task: str) -> str:
    """The party task ``task`` is assigned to; raises if there is no such task."""
    if not re.match(TASK_ID, task):
        raise ValidationError(f"{task!r} is not a task id (like T-12)", field="task")
    row = conn.execute(select(tasks.c.party).where(tasks.c.id == task)).first()
    if row is None:
        raise NotFoundError(f"no task {task}", field="task", hint="List them: 'truce task list'.")
    return str(row.party)


def held(conn: Connection, incident: str) -> list[str]:
    """``incident`` and the incidents merged into it (their comments and tasks are its own)."""
    a = incident_aliases
    merged = conn.execute(select(a.c.id).where(a.c.incident_id == incident).order_by(a.c.id))
    return [incident, *(str(r[0]) for r in merged)]


def list_comments(conn: Connection, incident: str) -> list[CommentRow]:
    """The comments on ``incident`` (as it now is, with the incidents merged into it)."""
    c = comments
    ids = held(conn, incident)
    return [
        CommentRow(id=r.id, incident_id=r.incident_id, author=r.author, at=r.at, text=r.text)
        for r in conn.execute(
            select(c.c.id, c.c.incident_id, c.c.author, c.c.at, c.c.text)
            .where(c.c.incident_id.in_(ids))
            .order_by(c.c.entry_index)
        )
    ]


def list_tasks(
    conn: Connection,
    *,
    party: str | None = None,
    incident: str | None = None,
    status: str | None = None,
) -> list[TaskRow]:
    """The tasks (of ``party``, on ``incident`` as it now is, in ``status``), each with its
    history of updates, in log order."""
    t = tasks
    q = select(t).order_by(t.c.entry_index)
    if party is not None:
        q = q.where(t.c.party == party)
    if incident is not None:
        q = q.where(t.c.incident_id.in_(held(conn, incident)))
    if status is not None:
        q = q.where(t.c.status == status)
    out: list[TaskRow] = []
    for r in conn.execute(q):
        u = task_updates
        history = [
            TaskUpdateRow(
                entry_index=h.entry_index,
                status=h.status,
                author=h.author,
                at=h.at,
                text=h.text,
                applied=h.applied,
                note=h.note,
            )
            for h in conn.execute(
                select(
                    u.c.entry_index, u.c.status, u.c.author, u.c.at, u.c.text, u.c.applied, u.c.note
                )
                .where(u.c.task_id == r.id)
                .order_by(u.c.entry_index)
            )
        ]
        out.append(
            TaskRow(
                id=r.id,
                party=r.party,
                incident_id=r.incident_id,
                title=r.title,
                text=r.text,
                author=r.author,
                created_at=r.created_at,
                status=r.status,
                updated_at=r.updated_at,
                updated_by=r.updated_by,
                history=history,
            )
        )
    return out


_COLUMNS = (
    "id",
    "entry_index",
    "kind",
    "audience",
    "incident_id",
    "task_id",
    "site_id",
    "text",
    "at",
)


def _heard(conn: Connection, where: Callable[[Table], Any]) -> Subquery:
    """Both kinds of notification (projected, and violation notices), filtered by ``where``."""
    ensure(conn.engine)
    parts = [
        select(*(t.c[c] for c in _COLUMNS)).where(where(t))
        for t in (notifications, violation_notices)
    ]
    return union_all(*parts).subquery()


def _notification(r: Any) -> NotificationRow:
    return NotificationRow(
        id=r["id"],
        entry_index=r["entry_index"],
        kind=r["kind"],
        audience=r["audience"],
        incident_id=r["incident_id"],
        task_id=r["task_id"],
        site_id=r["site_id"],
        text=r["text"],
        at=r["at"],
    )


def audiences(party: str | None, *, chair: bool = False) -> list[str]:
    """Whom a member hears as: everyone, their party, and the chair's own if they are it."""
    return [EVERYONE, *([party] if party else []), *([CHAIR] if chair else [])]


def notifications_for(
    conn: Connection, party: str | None, *, chair: bool = False, after: int = -1, limit: int = 100
) -> list[NotificationRow]:
    """A member's notifications (their party's, everyone's, and the chair's if ``chair``),
    newest first."""
    heard = audiences(party, chair=chair)
    u = _heard(conn, lambda t: t.c.audience.in_(heard) & (t.c.entry_index > after))
    query = select(u).order_by(u.c.entry_index.desc(), u.c.id.desc()).limit(limit)
    return [_notification(r) for r in conn.execute(query).mappings()]


def notifications_between(conn: Connection, start: int, stop: int) -> list[NotificationRow]:
    """Every notification of the entries ``[start, stop)``, whoever hears it, in log order."""
    u = _heard(conn, lambda t: (t.c.entry_index >= start) & (t.c.entry_index < stop))
    query = select(u).order_by(u.c.entry_index, u.c.id)
    return [_notification(r) for r in conn.execute(query).mappings()]


def unread(conn: Connection, party: str | None, *, chair: bool, through: int) -> int:
    """How many of a member's notifications are after ``through``."""
    heard = audiences(party, chair=chair)
    u = _heard(conn, lambda t: t.c.audience.in_(heard) & (t.c.entry_index > through))
    return int(conn.execute(select(func.count()).select_from(u)).scalar() or 0)
