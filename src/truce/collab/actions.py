"""Comment, assign, update and read: checked against the tables first, then signed and appended.

The CLI calls these with a :class:`~truce.node.Node`; the routes check the same things with
:func:`check_incident` and :func:`task_party` and append through the sequencer.
"""

from __future__ import annotations

import re
from typing import Any

from truce.assess.kinds import INCIDENT_ID
from truce.assess.projection import resolve
from truce.collab.kinds import IncidentComment, TaskAssigned, TaskStatus, TaskUpdated
from truce.collab.queries import (
    audiences,
    held,
    list_comments,
    list_tasks,
    notifications_between,
    notifications_for,
    task_party,
)
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
