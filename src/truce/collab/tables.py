"""The collaboration projections: comments, tasks (and each status change), notifications.

- ``comments``: ``C-<entry index>``, on the incident it was made on (as it was then resolved);
- ``tasks``: ``T-<entry index>``, its party and its status now (the latest applied
  ``task.updated``); ``task_updates``: every status change, applied or refused with a note (an
  update naming another party than the task's, or an unknown task, is on the record, and
  changes nothing);
- ``notifications``: ``N-<entry index>-<n>``, for one party (``audience``) or every member
  (``*``): a task for the party, an incident within reach of a protected site (the site within
  :data:`NEAR_KM` plus the incident's error radius). ``key`` makes each (incident, site) heard
  once, however many reports the incident gets.

All are rebuilt from the log like every other table: the handlers read only what the log
before the entry projected (this capability's handlers run after the assessment's and the
agreement's), so a rebuild gives the same rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text, insert, select, update

from truce.assess.projection import resolve
from truce.collab.kinds import IncidentComment, TaskAssigned, TaskUpdated
from truce.geo.distance import haversine_km
from truce.model.zone import SiteKind
from truce.store import schema
from truce.store.projector import Projection, projects
from truce.store.schema import metadata

__all__ = ["NEAR_KM", "comments", "notifications", "task_updates", "tasks"]

#: An incident this close to a protected site (beyond its own error radius) is heard about.
NEAR_KM = 1.0
EVERYONE = "*"

comments = Table(
    "comments",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("entry_index", Integer, nullable=False, unique=True),
    Column("incident_id", String(32), nullable=False),
    Column("author", String(32), nullable=False),
    Column("at", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Index("ix_comments_incident", "incident_id"),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("entry_index", Integer, nullable=False, unique=True),
    Column("party", String(32), nullable=False),
    Column("incident_id", String(32)),
    Column("title", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", String(32), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("status", String(8), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("updated_by", String(32), nullable=False),
    Index("ix_tasks_party", "party"),
    Index("ix_tasks_incident", "incident_id"),
)

task_updates = Table(
    "task_updates",
    metadata,
    Column("entry_index", Integer, primary_key=True, autoincrement=False),
    Column("task_id", String(32), nullable=False),
    Column("status", String(8), nullable=False),
    Column("author", String(32), nullable=False),
    Column("at", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("applied", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    Index("ix_task_updates_task", "task_id"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("entry_index", Integer, nullable=False),
    Column("audience", String(32), nullable=False),  # a party id, or "*" for every member
    Column("kind", String(16), nullable=False),  # site | task
    Column("key", String(200), nullable=False, unique=True),
    Column("incident_id", String(32)),
    Column("task_id", String(32)),
    Column("site_id", String(64)),
    Column("text", Text, nullable=False),
    Column("at", String(32), nullable=False),
    Index("ix_notifications_audience", "audience", "entry_index"),
    Index("ix_notifications_entry", "entry_index"),
)

_PROTECTED = sorted(k.value for k in SiteKind if k.protected)


def _notify(p: Projection, n: int, **row: Any) -> None:
    found = p.conn.execute(
        select(notifications.c.id).where(notifications.c.key == row["key"])
    ).first()
    if found is None:
        p.conn.execute(
            insert(notifications),
            dict(id=f"N-{p.index}-{n}", entry_index=p.index, at=p.entry.time, **row),
        )


@projects("incident.commented")
def project_comment(p: Projection) -> None:
    body = p.body
    assert isinstance(body, IncidentComment)
    incident = resolve(p.conn, body.incident) or body.incident
    p.conn.execute(
        insert(comments),
        dict(
            id=f"C-{p.index}",
            entry_index=p.index,
            incident_id=incident,
            author=p.entry.author,
            at=p.entry.time,
            text=body.text,
        ),
    )


@projects("task.assigned")
def project_task(p: Projection) -> None:
    body = p.body
    assert isinstance(body, TaskAssigned)
    incident = (resolve(p.conn, body.incident) or body.incident) if body.incident else None
    ident = f"T-{p.index}"
    p.conn.execute(
        insert(tasks),
        dict(
            id=ident,
            entry_index=p.index,
            party=body.party,
            incident_id=incident,
            title=body.title,
            text=body.text,
            author=p.entry.author,
            created_at=p.entry.time,
            status="open",
            updated_at=p.entry.time,
            updated_by=p.entry.author,
        ),
    )
    about = f" about {incident}" if incident else ""
    _notify(
        p,
        0,
        audience=body.party,
        kind="task",
        key=f"task:{ident}",
        incident_id=incident,
        task_id=ident,
        site_id=None,
        text=f"task {ident} for {body.party}{about}: {body.title} (from {p.entry.author})",
    )


@projects("task.updated")
def project_task_update(p: Projection) -> None:
    body = p.body
    assert isinstance(body, TaskUpdated)
    row = p.conn.execute(select(tasks.c.party).where(tasks.c.id == body.task)).first()
    note = ""
    if row is None:
        note = f"no task {body.task}"
    elif row.party != body.party:
        note = f"{body.task} is {row.party}'s task, not {body.party}'s"
    p.conn.execute(
        insert(task_updates),
        dict(
            entry_index=p.index,
            task_id=body.task,
            status=body.status.value,
            author=p.entry.author,
            at=p.entry.time,
            text=body.text,
            applied=not note,
            note=note,
        ),
    )
    if not note:
        p.conn.execute(
            update(tasks)
            .where(tasks.c.id == body.task)
            .values(status=body.status.value, updated_at=p.entry.time, updated_by=p.entry.author)
        )


_PROTECTED_KEY = "truce.collab.protected"  # ProjectionConnection.scratch: any protected site?


@projects("site.registered")
def forget_protected(p: Projection) -> None:
    """A site registered in this batch: the next report asks again whether any is protected."""
    scratch = getattr(p.conn, "scratch", None)
    if scratch is not None:
        scratch.pop(_PROTECTED_KEY, None)


@projects("report.filed")
def project_near_site(p: Projection) -> None:
    """A report's incident within reach of a protected site: every member hears, once."""
    rep, inc, s = schema.reports, schema.incidents, schema.sites
    # Whether the agreement protects any site at all, asked once a batch: a batch of reports
    # where none is protected costs no statement per report (their rows stay deferred). A site
    # registered in the batch makes the next report ask again (:func:`forget_protected`).
    scratch = getattr(p.conn, "scratch", None)
    protected = scratch.get(_PROTECTED_KEY) if scratch is not None else None
    if protected is None:
        raw = getattr(p.conn, "conn", p.conn)  # sites are never deferred: read without a flush
        protected = (
            raw.execute(select(s.c.id).where(s.c.kind.in_(_PROTECTED)).limit(1)).first() is not None
        )
        if scratch is not None:
            scratch[_PROTECTED_KEY] = protected
    if not protected:
        return
    found = p.conn.execute(select(rep.c.incident_id).where(rep.c.id == f"R-{p.index}")).first()
    if found is None or not found.incident_id:
        return
    incident = (
        p.conn.execute(
            select(inc.c.id, inc.c.lat, inc.c.lon, inc.c.error_km, inc.c.sub_event_type).where(
                inc.c.id == found.incident_id
            )
        )
        .mappings()
        .first()
    )
    if incident is None or incident["lat"] is None or incident["lon"] is None:
        return
    lat, lon = float(incident["lat"]), float(incident["lon"])
    reach = NEAR_KM + float(incident["error_km"] or 0.0)
    dlat = reach / 111.0 + 0.01
    rows = p.conn.execute(
        select(s.c.id, s.c.name, s.c.kind, s.c.lat, s.c.lon)
        .where(s.c.kind.in_(_PROTECTED))
        .where(s.c.lat.between(lat - dlat, lat + dlat))
        .order_by(s.c.id)
    ).all()
    n = 0
    for site in rows:
        d = haversine_km(lat, lon, float(site.lat), float(site.lon))
        if d > reach:
            continue
        _notify(
            p,
            n,
            audience=EVERYONE,
            kind="site",
            key=f"site:{incident['id']}:{site.id}",
            incident_id=incident["id"],
            task_id=None,
            site_id=site.id,
            text=(
                f"{incident['id']} ({incident['sub_event_type']}) is {d * 1000:.0f} m from "
                f"{site.name} ({site.kind}, {site.id}), a protected site"
            ),
        )
        n += 1


# The violations' notices: a finisher, which a projector process imports with these handlers.
from truce.collab import notices as _notices  # noqa: E402, F401
