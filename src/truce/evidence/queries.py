"""Reading the locker: attachments of a report or an incident, one file's record, visibility.

Evidence inherits the visibility of what it is attached to: members of the record (officers,
monitors, analysts, the chair) see all of it, as they see every report; the public sees an
attachment only while the incident it belongs to (the report's incident, followed through
merges) is published (:mod:`truce.store.release`), exactly as it sees the incident itself.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select

from truce.assess import tables as assess_tables
from truce.assess.projection import resolve
from truce.errors import NotFoundError
from truce.evidence.tables import evidence, evidence_findings
from truce.store import schema
from truce.store.release import publications

__all__ = [
    "attached_between",
    "current_incident",
    "for_sha",
    "has_report",
    "incident_points",
    "is_public",
    "list_evidence",
    "located_rows",
    "one",
    "report_points",
    "rows_where",
]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_public(conn: Any, incident: str | None) -> bool:
    """Whether ``incident`` is published now (a chair override counts until it expires)."""
    if incident is None:
        return False
    p = publications
    row = conn.execute(select(p.c.basis, p.c.until).where(p.c.incident_id == incident)).first()
    return row is not None and (row[0] == "signoffs" or (row[1] or "") > _now())


def current_incident(conn: Any, row: dict[str, Any]) -> str | None:
    """The incident an attachment belongs to now (its report's, or its own, after merges)."""
    if row.get("report_id"):
        r = schema.reports
        found = conn.execute(select(r.c.incident_id).where(r.c.id == row["report_id"])).first()
        return resolve(conn, found[0]) if found and found[0] else None
    return resolve(conn, row["incident_id"]) if row.get("incident_id") else None


def _rows(conn: Any, query: Any) -> list[dict[str, Any]]:
    out = [dict(r) for r in conn.execute(query.order_by(evidence.c.entry_index)).mappings()]
    if out:
        f = evidence_findings
        found: dict[str, list[dict[str, Any]]] = {}
        for r in conn.execute(
            select(f.c.evidence_id, f.c.kind, f.c.text, f.c.other_id)
            .where(f.c.evidence_id.in_([o["id"] for o in out]))
            .order_by(f.c.evidence_id, f.c.n)
        ).mappings():
            found.setdefault(r["evidence_id"], []).append(
                {"kind": r["kind"], "text": r["text"], "other": r["other_id"]}
            )
        for o in out:
            o["problems"] = json.loads(o["problems"])
            extra = json.loads(o.pop("details", None) or "{}")
            o["keyframes"] = extra.get("keyframes", [])
            o["pages"] = extra.get("pages")
            o["document"] = extra.get("document")
            o["xmp"] = extra.get("xmp")
            o["c2pa"] = extra.get("c2pa")
            o["findings"] = found.get(o["id"], [])
            o["graphic"] = bool(o["graphic"])
            o["incident_now"] = current_incident(conn, o)
    return out


def rows_where(conn: Any, clause: Any) -> list[dict[str, Any]]:
    """Attachments matching a SQL ``clause`` on :data:`evidence`, oldest first, with findings."""
    return _rows(conn, select(evidence).where(clause))


def list_evidence(
    conn: Any,
    *,
    report: str | None = None,
    incident: str | None = None,
    public: bool = False,
) -> list[dict[str, Any]]:
    """Attachments, oldest first: of ``report``, of ``incident`` (attached to it, to an incident
    merged into it, or to its reports), or all; ``public``: only those the public may see."""
    e = evidence
    query = select(e)
    if report is not None:
        query = query.where(e.c.report_id == report)
    if incident is not None:
        now = resolve(conn, incident)
        if now is None:
            raise NotFoundError(f"no incident {incident}", field="incident")
        a = assess_tables.incident_aliases
        names = [now, *(r[0] for r in conn.execute(select(a.c.id).where(a.c.incident_id == now)))]
        r = schema.reports
        query = query.where(
            or_(
                e.c.report_id.in_(select(r.c.id).where(r.c.incident_id == now)),
                e.c.report_id.is_(None) & e.c.incident_id.in_(names),
            )
        )
    rows = _rows(conn, query)
    if public:
        rows = [r for r in rows if is_public(conn, r["incident_now"])]
    return rows


def attached_between(conn: Any, start: date, end: date) -> list[dict[str, Any]]:
    """Attachments added (their entry's time, UTC) from day ``start`` to day ``end`` inclusive,
    oldest first, with their findings."""
    e = evidence
    after = (end + timedelta(days=1)).isoformat()
    return _rows(conn, select(e).where(e.c.added_at >= start.isoformat(), e.c.added_at < after))


def for_sha(conn: Any, sha256: str, *, public: bool = False) -> list[dict[str, Any]]:
    """Every attachment of the file with this SHA-256 (visible ones only, for the public)."""
    rows = _rows(conn, select(evidence).where(evidence.c.sha256 == sha256.lower()))
    if public:
        rows = [r for r in rows if is_public(conn, r["incident_now"])]
    return rows


def one(conn: Any, ident: str) -> dict[str, Any]:
    rows = _rows(conn, select(evidence).where(evidence.c.id == ident))
    if not rows:
        raise NotFoundError(f"no evidence {ident}")
    return rows[0]


def has_report(conn: Any, report: str) -> bool:
    """Whether report ``report`` is in the record."""
    r = schema.reports
    return conn.execute(select(r.c.id).where(r.c.id == report)).first() is not None


def located_rows(conn: Any) -> list[dict[str, Any]]:
    """The attachments whose file carries a position, oldest first, with findings."""
    return rows_where(conn, evidence.c.lat.is_not(None) & evidence.c.lon.is_not(None))


def _points(conn: Any, table: Any, ids: set[str]) -> dict[str, tuple[float, float, str | None]]:
    if not ids:
        return {}
    t = table
    rows = conn.execute(select(t.c.id, t.c.lat, t.c.lon, t.c.place).where(t.c.id.in_(ids)))
    return {r.id: (r.lat, r.lon, r.place) for r in rows if r.lat is not None and r.lon is not None}


def report_points(conn: Any, ids: set[str]) -> dict[str, tuple[float, float, str | None]]:
    """Of the reports ``ids``, those with a point: (lat, lon, place) by id."""
    return _points(conn, schema.reports, ids)


def incident_points(conn: Any, ids: set[str]) -> dict[str, tuple[float, float, str | None]]:
    """Of the incidents ``ids``, those with a point: (lat, lon, place) by id."""
    return _points(conn, schema.incidents, ids)
