"""The read side of the store's own tables, for the web pages, the API and the live stream.

Every function takes an open ``Connection`` and returns plain values (TypedDicts, lists and
dataclasses), so a caller never builds SQL: the web layer calls these and renders
(``tests/unit/test_layers.py`` keeps it so). Tables of a capability are read by that capability
(``truce.agreement.queries``, ``truce.assess.queries``, ``truce.collab``).

A row of a table that capabilities extend with columns of their own (incidents: assessment's
grade, attribution and casualties) stays a :data:`Row`, every column by name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict

from sqlalchemy import Connection, RowMapping, and_, func, select
from sqlalchemy import null as sa_null

from truce.store import schema
from truce.store.release import publications, signoffs
from truce.store.spatial import published_clause

__all__ = [
    "MAP_FIELDS",
    "MapIncidents",
    "PartyName",
    "PublicationRow",
    "RecordTable",
    "ReleaseState",
    "ReportBody",
    "ReportSummary",
    "Row",
    "SignoffRow",
    "SiteRow",
    "ZoneRow",
    "incident_exists",
    "incident_of_report",
    "incident_row",
    "incidents_of_reports",
    "is_public",
    "map_incidents",
    "party_ids",
    "party_names",
    "publication_of",
    "published_incident",
    "record",
    "records",
    "release_state",
    "report_bodies",
    "report_summaries",
    "reporters",
    "responses_of",
    "signoff_decisions",
    "signoffs_of",
    "site_rows",
    "stamp",
    "zone_rows",
]

#: A projected row, every column by name (for tables whose columns capabilities extend).
Row = dict[str, Any]
#: The tables ``GET /api/v1/<table>`` lists and reads by id.
RecordTable = Literal["reports", "responses", "zones", "sites"]


class SignoffRow(TypedDict):
    incident_id: str
    party: str
    decision: str
    note: str
    signed_at: str
    entry_index: int


class PublicationRow(TypedDict):
    incident_id: str
    basis: str
    reason: str
    until: str | None
    author: str
    published_at: str
    entry_index: int


class ReleaseState(TypedDict):
    """Where an incident's release stands: its sign-offs (by party), its publication, and
    whether that publication makes it public now."""

    signoffs: list[SignoffRow]
    publication: PublicationRow | None
    public: bool


class PartyName(TypedDict):
    name: str
    kind: str


class ReportSummary(TypedDict):
    id: str
    author: str
    title: str | None
    entry_index: int
    filed_at: str


class ReportBody(TypedDict):
    """A report with its full body (the domain value as filed), as the incident page shows."""

    id: str
    entry_index: int
    author: str
    filed_at: str
    report: Any


class ZoneRow(TypedDict):
    id: str
    name: str
    kind: str
    wkt: str
    valid_from: str | None
    valid_to: str | None
    approximate: bool
    source: str
    version: int


class SiteRow(TypedDict):
    id: str
    name: str
    kind: str
    lon: float
    lat: float
    approximate: bool
    org: str | None
    admin1: str | None
    author: str


def stamp(now: datetime | None = None) -> str:
    """``now`` (default: the clock) as the UTC ISO 8601 second the release columns compare."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- incidents ---------------------------------------------------------------------------------
def incident_row(conn: Connection, incident_id: str) -> Row | None:
    """The incident's row, every column (JSON columns as stored), or None."""
    inc = schema.incidents
    row = conn.execute(select(inc).where(inc.c.id == incident_id)).mappings().first()
    return dict(row) if row is not None else None


def incident_exists(conn: Connection, incident_id: str) -> bool:
    inc = schema.incidents
    return conn.execute(select(inc.c.id).where(inc.c.id == incident_id)).first() is not None


def responses_of(conn: Connection, incident_id: str) -> list[Row]:
    """The responses to an incident, in ledger order."""
    res = schema.responses
    query = select(res).where(res.c.incident_id == incident_id).order_by(res.c.entry_index)
    return [dict(r) for r in conn.execute(query).mappings()]


def report_summaries(conn: Connection, incident_id: str) -> list[ReportSummary]:
    """The incident's reports, in ledger order: id, author, title, index, filing time."""
    rep = schema.reports
    query = (
        select(rep.c.id, rep.c.author, rep.c.title, rep.c.entry_index, rep.c.filed_at)
        .where(rep.c.incident_id == incident_id)
        .order_by(rep.c.entry_index)
    )
    return [
        ReportSummary(
            id=r.id, author=r.author, title=r.title, entry_index=r.entry_index, filed_at=r.filed_at
        )
        for r in conn.execute(query)
    ]


def report_bodies(conn: Connection, incident_id: str) -> list[ReportBody]:
    """The incident's reports with their full bodies, in ledger order."""
    rep = schema.reports
    query = (
        select(rep.c.id, rep.c.entry_index, rep.c.author, rep.c.filed_at, rep.c.body)
        .where(rep.c.incident_id == incident_id)
        .order_by(rep.c.entry_index)
    )
    return [
        ReportBody(
            id=r.id,
            entry_index=r.entry_index,
            author=r.author,
            filed_at=r.filed_at,
            report=json.loads(r.body),
        )
        for r in conn.execute(query)
    ]


def incident_of_report(conn: Connection, report_id: str) -> str | None:
    """The incident a report is now in (None: unknown report, or in none yet)."""
    rep = schema.reports
    found = conn.execute(select(rep.c.incident_id).where(rep.c.id == report_id)).first()
    return found.incident_id if found is not None and found.incident_id else None


def incidents_of_reports(conn: Connection, report_ids: Sequence[str]) -> set[str]:
    """The incidents these reports are now in."""
    rep = schema.reports
    query = select(rep.c.incident_id).where(rep.c.id.in_(list(report_ids)))
    return {r.incident_id for r in conn.execute(query) if r.incident_id}


# -- release -----------------------------------------------------------------------------------
def signoffs_of(conn: Connection, incident_id: str) -> list[SignoffRow]:
    """Each party's latest sign-off on the incident, by party."""
    query = select(signoffs).where(signoffs.c.incident_id == incident_id).order_by(signoffs.c.party)
    return [
        SignoffRow(
            incident_id=r.incident_id,
            party=r.party,
            decision=r.decision,
            note=r.note,
            signed_at=r.signed_at,
            entry_index=r.entry_index,
        )
        for r in conn.execute(query)
    ]


def signoff_decisions(conn: Connection, incident_id: str) -> dict[str, str]:
    """party -> its latest decision on the incident."""
    return {s["party"]: s["decision"] for s in signoffs_of(conn, incident_id)}


def publication_of(conn: Connection, incident_id: str) -> PublicationRow | None:
    """The incident's publication (the latest ``incident.published`` that counts), or None."""
    pub = publications
    r = conn.execute(select(pub).where(pub.c.incident_id == incident_id)).first()
    if r is None:
        return None
    return PublicationRow(
        incident_id=r.incident_id,
        basis=r.basis,
        reason=r.reason,
        until=r.until,
        author=r.author,
        published_at=r.published_at,
        entry_index=r.entry_index,
    )


def is_public(publication: PublicationRow | None, now: str) -> bool:
    """Whether ``publication`` makes its incident public at ``now`` (:func:`stamp`): on the
    parties' sign-offs, or by a chair override that has not expired."""
    if publication is None:
        return False
    return publication["basis"] == "signoffs" or (publication["until"] or "") > now


def release_state(conn: Connection, incident_id: str, now: str) -> ReleaseState:
    pub = publication_of(conn, incident_id)
    return ReleaseState(
        signoffs=signoffs_of(conn, incident_id), publication=pub, public=is_public(pub, now)
    )


def published_incident(conn: Connection, incident_id: str, now: str) -> bool:
    """Whether the incident is public at ``now``: the rule :func:`truce.store.spatial.
    published_clause` applies in SQL to lists and the map."""
    pub = publications
    query = select(pub.c.incident_id).where(pub.c.incident_id == incident_id, published_clause(now))
    return conn.execute(query).first() is not None


# -- parties -----------------------------------------------------------------------------------
def party_names(conn: Connection) -> dict[str, PartyName]:
    """party id -> its name and kind."""
    query = select(schema.parties.c.id, schema.parties.c.name, schema.parties.c.kind)
    return {p.id: PartyName(name=p.name, kind=p.kind) for p in conn.execute(query)}


def party_ids(conn: Connection) -> list[str]:
    """The registered parties' ids, in the order they were registered."""
    parties = schema.parties
    return [p for (p,) in conn.execute(select(parties.c.id).order_by(parties.c.entry_index))]


def reporters(conn: Connection, incident_ids: Sequence[str] | None = None) -> dict[str, set[str]]:
    """incident id -> the parties that filed its reports (``incident_ids``: only those)."""
    rep = schema.reports
    by = select(rep.c.incident_id, rep.c.author).where(rep.c.incident_id.is_not(None))
    if incident_ids is not None:
        by = by.where(rep.c.incident_id.in_(list(incident_ids)))
    out: dict[str, set[str]] = {}
    for incident_id, author in conn.execute(by.distinct()):
        out.setdefault(incident_id, set()).add(author)
    return out


# -- records (reports, responses, zones, sites) --------------------------------------------------
def _decoded(row: RowMapping) -> Row:
    out = dict(row)
    if isinstance(out.get("body"), str):
        out["body"] = json.loads(out["body"])
    return out


def records(
    conn: Connection,
    table: RecordTable,
    *,
    after: int,
    limit: int,
    where: Mapping[str, str | None] | None = None,
) -> list[Row]:
    """Rows of ``table`` after ledger index ``after``, in ledger order, at most ``limit``;
    ``where``: column -> value to match (None: any). A ``body`` column comes decoded."""
    t = schema.metadata.tables[table]
    order = t.c.entry_index
    query = select(t).where(order > after).order_by(order).limit(limit)
    for column, value in (where or {}).items():
        if value is not None:
            query = query.where(t.c[column] == value)
    return [_decoded(r) for r in conn.execute(query).mappings()]


def record(conn: Connection, table: RecordTable, ident: str) -> Row | None:
    """One row of ``table`` by id (a ``body`` column decoded), or None."""
    t = schema.metadata.tables[table]
    row = conn.execute(select(t).where(t.c.id == ident)).mappings().first()
    return _decoded(row) if row is not None else None


# -- map layers --------------------------------------------------------------------------------
def zone_rows(conn: Connection) -> list[ZoneRow]:
    """The zones' current versions, by id."""
    z = schema.zones
    return [
        ZoneRow(
            id=r.id,
            name=r.name,
            kind=r.kind,
            wkt=r.wkt,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            approximate=bool(r.approximate),
            source=r.source,
            version=r.version,
        )
        for r in conn.execute(select(z).order_by(z.c.id))
    ]


def site_rows(conn: Connection) -> list[SiteRow]:
    """The protected sites and posts, by id."""
    s = schema.sites
    return [
        SiteRow(
            id=r.id,
            name=r.name,
            kind=r.kind,
            lon=r.lon,
            lat=r.lat,
            approximate=bool(r.approximate),
            org=r.org,
            admin1=r.admin1,
            author=r.author,
        )
        for r in conn.execute(select(s).order_by(s.c.id))
    ]


#: The columns the map draws an incident with, in the order of :attr:`MapIncidents.rows`.
MAP_FIELDS = (
    "id",
    "lon",
    "lat",
    "date_start",
    "date_end",
    "occurrence",
    "family",
    "sub_event_type",
    "report_count",
    "place",
    "responsible_party",  # the party held responsible, when truce.assess has attributed it
)


@dataclass(frozen=True)
class MapIncidents:
    """Incidents for the map, newest first: ``rows`` are sequences of :data:`MAP_FIELDS` (kept
    as the driver's rows: 100,000 of them are transposed in one pass); ``total`` counts every
    incident that matched (more than ``len(rows)`` when the limit cut the list)."""

    rows: Sequence[Sequence[Any]]
    total: int


def map_incidents(
    conn: Connection,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    since: str | None = None,
    until: str | None = None,
    published_at: str | None = None,
    limit: int = 250_000,
) -> MapIncidents:
    """Incidents whose point is in ``bbox`` (west, south, east, north) and whose interval
    overlaps ``[since, until]`` (ISO days), newest first; only public ones at ``published_at``
    when given. Incidents with no point are kept only when no bbox is given."""
    inc = schema.incidents
    where: list[Any] = []
    if bbox is not None:
        west, south, east, north = bbox
        where += [inc.c.lon >= west, inc.c.lon <= east, inc.c.lat >= south, inc.c.lat <= north]
    if since is not None:
        where.append(inc.c.date_end >= since)
    if until is not None:
        where.append(inc.c.date_start <= until)
    if published_at is not None:
        pub = publications
        where.append(inc.c.id.in_(select(pub.c.incident_id).where(published_clause(published_at))))
    cols = [inc.c[name] if name in inc.c else sa_null().label("rp") for name in MAP_FIELDS]
    query = select(*cols).where(and_(*where)) if where else select(*cols)
    ordered = query.order_by(inc.c.date_start.desc(), inc.c.first_index.desc()).limit(limit)
    rows = conn.execute(ordered).all()
    total = len(rows)
    if total == limit:  # only a full page needs counting
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    return MapIncidents(rows=rows, total=total)
