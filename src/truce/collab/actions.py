"""Comment, assign, update and read: checked against the tables first, then signed and appended.

The CLI calls these with a :class:`~truce.node.Node`; the routes check the same things with
:func:`check_incident` and :func:`task_party` and append through the sequencer.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, union_all

from truce.assess.kinds import INCIDENT_ID
from truce.assess.projection import resolve
from truce.assess.tables import incident_aliases
from truce.collab.kinds import TASK_ID, IncidentComment, TaskAssigned, TaskStatus, TaskUpdated
from truce.collab.notices import CHAIR, ensure, violation_notices
from truce.collab.tables import EVERYONE, comments, notifications, task_updates, tasks
from truce.errors import NotFoundError, ValidationError
from truce.node import Node

__all__ = [
    "add_task",
    "audiences",
    "check_incident",
    "comment",
    "held",
    "list_comments",
    "list_tasks",
    "notifications_between",
    "notifications_for",
    "set_status",
    "task_party",
]


def check_incident(conn: Any, incident: str) -> str:
    """The incident ``incident`` is now (after merges); raises if it is not in the record."""
    if not re.match(INCIDENT_ID, incident):
        raise ValidationError(f"{incident!r} is not an incident id (like I-12)", field="incident")
    now = resolve(conn, incident)
    if now is None:
        raise NotFoundError(
            f"no incident {incident}", field="incident", hint="List them: 'truce incidents'."
        )
    return now


def task_party(conn: Any, task: str) -> str:
    """The party task ``task`` is assigned to; raises if there is no such task."""
    if not re.match(TASK_ID, task):
        raise ValidationError(f"{task!r} is not a task id (like T-12)", field="task")
    row = conn.execute(select(tasks.c.party).where(tasks.c.id == task)).first()
    if row is None:
        raise NotFoundError(f"no task {task}", field="task", hint="List them: 'truce task list'.")
    return str(row.party)


def _party(node: Node, party: str) -> None:
    if party not in {p["id"] for p in node.parties()}:
        raise NotFoundError(
            f"no party {party!r}", field="party", hint="List them: 'truce party list'."
        )


def comment(node: Node, incident: str, author: str, text: str) -> str:
    """Sign ``author``'s comment on ``incident``; returns its id (``C-<entry index>``)."""
    with node.store.engine.connect() as conn:
        now = check_incident(conn, incident)
    node.signing_key(author)
    node.append(author, "incident.commented", IncidentComment(incident=now, text=text))
    return f"C-{node.last_index}"


def add_task(
    node: Node, party: str, title: str, author: str, *, incident: str | None = None, text: str = ""
) -> str:
    """Assign a task to ``party``; returns its id (``T-<entry index>``)."""
    _party(node, party)
    now = None
    if incident is not None:
        with node.store.engine.connect() as conn:
            now = check_incident(conn, incident)
    node.signing_key(author)
    body = TaskAssigned(party=party, title=title, incident=now, text=text)
    node.append(author, "task.assigned", body)
    return f"T-{node.last_index}"


def set_status(node: Node, task: str, status: TaskStatus | str, author: str, text: str = "") -> int:
    """Append a status change of ``task``; returns its ledger index."""
    try:
        status = TaskStatus(status)
    except ValueError:
        raise ValidationError(f"a task is open or done, not {status!r}", field="status") from None
    with node.store.engine.connect() as conn:
        party = task_party(conn, task)
    node.signing_key(author)
    node.append(
        author, "task.updated", TaskUpdated(task=task, party=party, status=status, text=text)
    )
    return node.last_index


def held(conn: Any, incident: str) -> list[str]:
    """``incident`` and the incidents merged into it (their comments and tasks are its own)."""
    a = incident_aliases
    merged = conn.execute(select(a.c.id).where(a.c.incident_id == incident).order_by(a.c.id))
    return [incident, *(r[0] for r in merged)]


def list_comments(conn: Any, incident: str) -> list[dict[str, Any]]:
    """The comments on ``incident`` (as it now is, with the incidents merged into it)."""
    c = comments
    ids = held(conn, incident)
    return [
        dict(r)
        for r in conn.execute(
            select(c.c.id, c.c.incident_id, c.c.author, c.c.at, c.c.text)
            .where(c.c.incident_id.in_(ids))
            .order_by(c.c.entry_index)
        ).mappings()
    ]


def list_tasks(
    conn: Any, *, party: str | None = None, incident: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    t = tasks
    q = select(t).order_by(t.c.entry_index)
    if party is not None:
        q = q.where(t.c.party == party)
    if incident is not None:
        q = q.where(t.c.incident_id.in_(held(conn, incident)))
    if status is not None:
        q = q.where(t.c.status == status)
    out = []
    for r in conn.execute(q).mappings():
        row = {k: v for k, v in dict(r).items() if k != "entry_index"}
        u = task_updates
        row["history"] = [
            dict(h)
            for h in conn.execute(
                select(
                    u.c.entry_index, u.c.status, u.c.author, u.c.at, u.c.text, u.c.applied, u.c.note
                )
                .where(u.c.task_id == r["id"])
                .order_by(u.c.entry_index)
            ).mappings()
        ]
        out.append(row)
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


def _heard(conn: Any, where: Any) -> Any:
    """Both kinds of notification (projected, and violation notices), filtered by ``where``."""
    ensure(conn.engine)
    parts = [
        select(*(t.c[c] for c in _COLUMNS)).where(where(t))
        for t in (notifications, violation_notices)
    ]
    return union_all(*parts).subquery()


def audiences(party: str | None, *, chair: bool = False) -> list[str]:
    """Whom a member hears as: everyone, their party, and the chair's own if they are it."""
    return [EVERYONE, *([party] if party else []), *([CHAIR] if chair else [])]


def notifications_for(
    conn: Any, party: str | None, *, chair: bool = False, after: int = -1, limit: int = 100
) -> list[dict[str, Any]]:
    """A member's notifications (their party's, everyone's, and the chair's if ``chair``),
    newest first."""
    heard = audiences(party, chair=chair)
    u = _heard(conn, lambda t: t.c.audience.in_(heard) & (t.c.entry_index > after))
    return [
        dict(r)
        for r in conn.execute(
            select(u).order_by(u.c.entry_index.desc(), u.c.id.desc()).limit(limit)
        ).mappings()
    ]


def notifications_between(conn: Any, start: int, stop: int) -> list[dict[str, Any]]:
    """Every notification of the entries ``[start, stop)``, whoever hears it, in log order."""
    u = _heard(conn, lambda t: (t.c.entry_index >= start) & (t.c.entry_index < stop))
    return [dict(r) for r in conn.execute(select(u).order_by(u.c.entry_index, u.c.id)).mappings()]
