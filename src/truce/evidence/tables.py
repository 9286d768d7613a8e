"""The evidence locker's projection tables, and the ``evidence.added`` handler that fills them.

- ``evidence``: one row per attachment ``E-<entry index>`` (the same file attached twice is two
  rows with one SHA-256, and one file in the store);
- ``evidence_bands``: the 16-bit bands of each image's perceptual hash (and of each of a video's
  keyframes', keyed ``E-<n>#<k>``), the near-duplicate index
  (multi-index hashing, :mod:`truce.evidence.index`): a lookup probes a few (band, value) pairs
  through the primary key, never scans the table;
- ``evidence_findings``: what the projection found (:mod:`truce.evidence.findings`).

All three are projections, rebuilt from the log like every other table; the findings of an
attachment look only at the record before it, so a rebuild gives them again, row for row.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    and_,
    insert,
    or_,
    select,
)

from truce.assess.projection import resolve
from truce.evidence.findings import (
    document_time_finding,
    duplicate_finding,
    place_finding,
    time_finding,
)
from truce.evidence.index import BANDS, bands, probes
from truce.evidence.kinds import EvidenceAdded
from truce.evidence.phash import NEAR, from_hex, informative
from truce.store import schema
from truce.store.projector import Projection, projects
from truce.store.schema import metadata

__all__ = [
    "details",
    "evidence",
    "evidence_bands",
    "evidence_findings",
    "evidence_id",
    "near_duplicates",
]

evidence = Table(
    "evidence",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("entry_index", Integer, nullable=False, unique=True),
    Column("sha256", String(64), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("filename", String(255), nullable=False),
    Column("report_id", String(32)),
    Column("incident_id", String(32)),  # the incident it was attached to (or its report's)
    Column("author", String(32), nullable=False),
    Column("added_at", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("graphic", Boolean, nullable=False),
    Column("width", Integer),
    Column("height", Integer),
    Column("captured", String(19)),
    Column("lat", Float),
    Column("lon", Float),
    Column("device", String(200)),
    Column("dhash", String(16)),
    Column("problems", Text, nullable=False),  # JSON list
    # JSON object: a video's keyframes, a document's pages and info, XMP, a C2PA manifest
    Column("details", Text),
    Index("ix_evidence_sha256", "sha256"),
    Index("ix_evidence_report", "report_id"),
    Index("ix_evidence_incident", "incident_id"),
)

evidence_bands = Table(
    "evidence_bands",
    metadata,
    Column("band", Integer, nullable=False),
    Column("value", Integer, nullable=False),
    Column("evidence_id", String(32), nullable=False),
    Column("entry_index", Integer, nullable=False),
    Column("dhash", String(16), nullable=False),  # the whole hash: checked without a join
    PrimaryKeyConstraint("band", "value", "evidence_id"),
)

evidence_findings = Table(
    "evidence_findings",
    metadata,
    Column("evidence_id", String(32), nullable=False),
    Column("n", Integer, nullable=False),
    Column("kind", String(16), nullable=False),  # time | place | duplicate | metadata | target
    Column("text", Text, nullable=False),
    Column("other_id", String(32)),  # the earlier evidence, for a duplicate
    PrimaryKeyConstraint("evidence_id", "n"),
)

_MAX_DUPLICATES = 5


def evidence_id(index: int) -> str:
    return f"E-{index}"


def _target(conn: Any, body: EvidenceAdded) -> dict[str, Any] | None:
    """The report or incident attached to: its incident now, dates, place and error (km)."""
    if body.report is not None:
        r = schema.reports
        row = (
            conn.execute(
                select(
                    r.c.incident_id,
                    r.c.date_start,
                    r.c.date_end,
                    r.c.lat,
                    r.c.lon,
                    r.c.error_m,
                    r.c.place,
                ).where(r.c.id == body.report)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        out = dict(row)
        out["error_km"] = (row["error_m"] or 0) / 1000
        return out
    assert body.incident is not None
    now = resolve(conn, body.incident)
    if now is None:
        return None
    i = schema.incidents
    row = (
        conn.execute(
            select(
                i.c.id.label("incident_id"),
                i.c.date_start,
                i.c.date_end,
                i.c.lat,
                i.c.lon,
                i.c.error_km,
                i.c.place,
            ).where(i.c.id == now)
        )
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


def near_duplicates(
    conn: Any, dhash: int, radius: int = NEAR, limit: int = _MAX_DUPLICATES
) -> list[tuple[int, str]]:
    """``(distance, evidence id)`` of the images within ``radius`` of ``dhash``, nearest (then
    oldest) first: the band table's primary key is probed, candidates checked in full."""
    wanted: dict[int, list[int]] = {}
    for band, value in probes(dhash, radius, BANDS):
        wanted.setdefault(band, []).append(value)
    b = evidence_bands
    clause = or_(*(and_(b.c.band == n, b.c.value.in_(vs)) for n, vs in wanted.items()))
    rows = conn.execute(select(b.c.evidence_id, b.c.dhash, b.c.entry_index).where(clause)).all()
    nearest: dict[str, tuple[int, int]] = {}
    for key, text, index in rows:
        d = (int(text, 16) ^ dhash).bit_count()
        if d <= radius:
            ident = key.partition("#")[0]  # a video's frame k is keyed E-<n>#<k>
            if ident not in nearest or d < nearest[ident][0]:
                nearest[ident] = (d, index)
    found = sorted((d, index, ident) for ident, (d, index) in nearest.items())
    return [(d, ident) for d, _, ident in found[:limit]]


def details(body: EvidenceAdded) -> dict[str, Any]:
    """What the entry holds beyond the table's columns, for showing: a video's ``keyframes``,
    a document's ``pages`` and ``document`` info, the ``xmp`` properties, the ``c2pa`` summary."""
    out: dict[str, Any] = {}
    if body.keyframes:
        out["keyframes"] = list(body.keyframes)
    if body.pages is not None:
        out["pages"] = body.pages
    if body.document:
        out["document"] = dict(body.document)
    if body.xmp:
        out["xmp"] = dict(body.xmp)
    if body.c2pa is not None:
        out["c2pa"] = body.c2pa.model_dump(mode="json", exclude_none=True)
    return out


def _hashes(body: EvidenceAdded) -> list[str]:
    """The perceptual hashes of an attachment: an image's, or a video's keyframes'."""
    return [body.dhash] if body.dhash is not None else list(body.keyframes or ())


def _band_rows(ident: str, index: int, body: EvidenceAdded) -> list[dict[str, Any]]:
    """The near-duplicate index's rows: an image's four bands keyed by its id, each keyframe's
    by ``<id>#<k>`` (the primary key stays unique when two frames share a band value)."""
    keyed = (
        [(ident, body.dhash)]
        if body.dhash is not None
        else [(f"{ident}#{k}", h) for k, h in enumerate(body.keyframes or ())]
    )
    return [
        dict(band=n, value=v, evidence_id=key, entry_index=index, dhash=h)
        for key, h in keyed
        for n, v in enumerate(bands(from_hex(h), BANDS))
    ]


def _incident_date(conn: Any, incident: str | None) -> tuple[str | None, str | None]:
    if incident is None:
        return None, None
    now = resolve(conn, incident)
    if now is None:
        return incident, None
    i = schema.incidents
    row = conn.execute(select(i.c.date_start).where(i.c.id == now)).first()
    return now, (row[0] if row else None)


def _duplicates(conn: Any, body: EvidenceAdded, incident: str | None) -> list[tuple[str, str]]:
    """(text, other evidence id) of the earlier attachments of this file or image."""
    e = evidence
    hits: dict[str, tuple[bool, int]] = {}
    for (ident,) in conn.execute(
        select(e.c.id).where(e.c.sha256 == body.sha256).order_by(e.c.entry_index)
    ).all()[:_MAX_DUPLICATES]:
        hits[ident] = (True, 0)
    for value in _hashes(body):
        if informative(from_hex(value)):
            for d, ident in near_duplicates(conn, from_hex(value)):
                if ident not in hits or (not hits[ident][0] and d < hits[ident][1]):
                    hits[ident] = (False, d)
    if not hits:
        return []
    rows = {
        r["id"]: r
        for r in conn.execute(
            select(e.c.id, e.c.filename, e.c.incident_id, e.c.report_id, e.c.entry_index).where(
                e.c.id.in_(list(hits))
            )
        ).mappings()
    }
    here = resolve(conn, incident) if incident else None
    out: list[tuple[str, str]] = []
    for ident in sorted(hits, key=lambda k: (not hits[k][0], hits[k][1], rows[k]["entry_index"])):
        exact, d = hits[ident]
        row = rows[ident]
        other, day = _incident_date(conn, row["incident_id"])
        out.append(
            (
                duplicate_finding(
                    exact=exact,
                    distance=d,
                    other_id=ident,
                    other_name=row["filename"],
                    other_incident=other,
                    other_date=day,
                    other_report=row["report_id"],
                    same_incident=here is not None and other == here,
                    subject="a frame of this video" if body.keyframes else "this image",
                ),
                ident,
            )
        )
    return out[:_MAX_DUPLICATES]


def findings_for(
    conn: Connection | Any, body: EvidenceAdded, target: dict[str, Any] | None
) -> list[tuple[str, str, str | None]]:
    """``(kind, text, other id)`` of everything found about ``body``, in a fixed order."""
    out: list[tuple[str, str, str | None]] = []
    what = {"image": "photo", "video": "video"}.get(body.media_type.partition("/")[0], "file")
    if target is None:
        named = body.report or body.incident
        out.append(("target", f"attached to {named}, which is not in the record", None))
    else:
        if body.captured is not None:
            text = time_finding(body.captured, target["date_start"], target["date_end"], what)
            if text:
                out.append(("time", text, None))
        if body.document:
            text = document_time_finding(
                dict(body.document), target["date_start"], target["date_end"]
            )
            if text:
                out.append(("time", text, None))
        if body.lat is not None and body.lon is not None and target["lat"] is not None:
            text = place_finding(
                float(body.lat),
                float(body.lon),
                target["lat"],
                target["lon"],
                target.get("error_km") or 0.0,
                target.get("place"),
                what,
            )
            if text:
                out.append(("place", text, None))
    incident = target["incident_id"] if target else None
    out.extend(("duplicate", text, other) for text, other in _duplicates(conn, body, incident))
    out.extend(("metadata", problem, None) for problem in body.problems)
    return out


@projects("evidence.added")
def project_evidence(p: Projection) -> None:
    body = p.body
    assert isinstance(body, EvidenceAdded)
    ident = evidence_id(p.index)
    conn = p.conn
    target = _target(conn, body)
    found = findings_for(conn, body, target)
    extra = details(body)
    conn.execute(
        insert(evidence),
        dict(
            id=ident,
            entry_index=p.index,
            sha256=body.sha256,
            media_type=body.media_type,
            size=body.size,
            filename=body.filename,
            report_id=body.report,
            incident_id=target["incident_id"] if target else body.incident,
            author=p.entry.author,
            added_at=p.entry.time,
            description=body.description,
            graphic=body.graphic,
            width=body.width,
            height=body.height,
            captured=body.captured,
            lat=float(body.lat) if body.lat is not None else None,
            lon=float(body.lon) if body.lon is not None else None,
            device=body.device,
            dhash=body.dhash,
            problems=json.dumps(body.problems),
            details=json.dumps(extra) if extra else None,
        ),
    )
    band_rows = _band_rows(ident, p.index, body)
    if band_rows:
        conn.execute(insert(evidence_bands), band_rows)
    if found:
        conn.execute(
            insert(evidence_findings),
            [
                dict(evidence_id=ident, n=n, kind=kind, text=text, other_id=other)
                for n, (kind, text, other) in enumerate(found)
            ],
        )
