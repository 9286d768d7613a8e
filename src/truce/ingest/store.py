"""Ingestion's projections: the documents filed from, and the queue of pending claims.

``ingested_documents``: one row per document SHA-256 (the first evidence item of a report
filed, or of a claim queued, by a party of kind ``ingest``), with the first entry index and
the number of reports. It is how ingestion knows a document was already ingested: a document
whose claims all went to the review queue is ingested too.

``pending_claims``: one row per ``claim.queued`` entry (:mod:`truce.ingest.pending`), named
``C-<index>``, with what it needs and, once an analyst has decided (``claim.reviewed``), who
decided (a party of kind ``center`` or ``monitor``; a decision by any other is kept in the
log only), when, what they changed and, for an accepted claim, the report it became (the
``report.filed`` entry of the ingest identity tagged ``claim:C-<index>``). The first decision
on a claim stands; a later one is kept in the log only. Like every projection, both tables are
rebuilt from the log alone (``truce rebuild``).
"""

from __future__ import annotations

import json

from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
    update,
)

from truce.ingest.pending import REVIEWER_KINDS, ClaimDecision, Decision, PendingClaim, claim_id
from truce.model import Report
from truce.store import Projection, projects, schema

__all__ = ["create_documents_table", "ingested_documents", "is_ingested", "pending_claims"]

ingested_documents = Table(
    "ingested_documents",
    schema.metadata,
    Column("sha256", String(64), primary_key=True),
    Column("url", Text),
    Column("author", String(32), nullable=False),
    Column("first_index", Integer, nullable=False),
    Column("reports", Integer, nullable=False),
)

pending_claims = Table(
    "pending_claims",
    schema.metadata,
    Column("id", String(20), primary_key=True),
    Column("entry_index", Integer, nullable=False),
    Column("author", String(32), nullable=False),
    Column("queued_at", String(32), nullable=False),
    Column("document", String(64), nullable=False),
    Column("number", Integer, nullable=False),
    Column("sub_event_type", String(500), nullable=False),
    Column("title", Text),
    Column("needs", Text, nullable=False),  # JSON: [{"field", "reason"}]
    Column("status", String(16), nullable=False),  # pending | accepted | rejected
    Column("decision_index", Integer),
    Column("decided_by", String(64)),  # the reviewer's user name, else the party
    Column("decided_party", String(32)),
    Column("decided_at", String(32)),
    Column("changes", Text),  # JSON: [{"field", "before", "after"}]
    Column("reason", Text),
    Column("report_id", String(20)),
    Column("body", Text, nullable=False),
    Index("ix_pending_claims_status", "status", "entry_index"),
    Index("ix_pending_claims_report", "report_id"),
)


def _is_ingest(p: Projection) -> bool:
    kind = p.conn.execute(
        select(schema.parties.c.kind).where(schema.parties.c.id == p.entry.author)
    ).scalar()
    return bool(kind == "ingest")


def _document_seen(p: Projection, sha256: str, url: str | None, reports: int) -> None:
    table = ingested_documents
    done = p.conn.execute(
        update(table).where(table.c.sha256 == sha256).values(reports=table.c.reports + reports)
    )
    if done.rowcount == 0:
        p.conn.execute(
            insert(table).values(
                sha256=sha256,
                url=url,
                author=p.entry.author,
                first_index=p.index,
                reports=reports,
            )
        )


@projects("report.filed")
def project_ingested_document(p: Projection) -> None:
    report = p.body
    assert isinstance(report, Report)
    if not report.evidence or "ingest" not in report.tags or not _is_ingest(p):
        return
    evidence = report.evidence[0]
    _document_seen(p, evidence.sha256, str(evidence.url) if evidence.url else None, 1)
    for tag in report.tags:  # a claim accepted in review: the report it became
        if tag.startswith("claim:C-"):
            t = pending_claims
            p.conn.execute(
                update(t)
                .where(t.c.id == tag.removeprefix("claim:"))
                .where(t.c.status == "accepted")
                .where(t.c.report_id.is_(None))
                .values(report_id=f"R-{p.index}")
            )


@projects("claim.queued")
def project_pending_claim(p: Projection) -> None:
    claim = p.body
    assert isinstance(claim, PendingClaim)
    if not _is_ingest(p):  # only the ingest identity queues claims
        return
    _document_seen(p, claim.document, str(claim.url) if claim.url else None, 0)
    p.conn.execute(
        insert(pending_claims).values(
            id=claim_id(p.index),
            entry_index=p.index,
            author=p.entry.author,
            queued_at=p.entry.time,
            document=claim.document,
            number=claim.number,
            sub_event_type=claim.draft.sub_event_type,
            title=claim.draft.title,
            needs=json.dumps([n.to_body() for n in claim.needs], ensure_ascii=False),
            status="pending",
            body=json.dumps(p.entry.body, ensure_ascii=False, sort_keys=True),
        )
    )


@projects("claim.reviewed")
def project_claim_decision(p: Projection) -> None:
    d = p.body
    assert isinstance(d, ClaimDecision)
    kind = p.conn.execute(
        select(schema.parties.c.kind).where(schema.parties.c.id == p.entry.author)
    ).scalar()
    if kind not in REVIEWER_KINDS:  # only the center and the monitors decide (kept in the log)
        return
    t = pending_claims
    p.conn.execute(
        update(t)
        .where(t.c.id == d.claim)
        .where(t.c.status == "pending")
        .values(
            status="accepted" if d.decision == Decision.ACCEPT else "rejected",
            decision_index=p.index,
            decided_by=d.reviewer or p.entry.author,
            decided_party=p.entry.author,
            decided_at=p.entry.time,
            changes=json.dumps([c.to_body() for c in d.changes], ensure_ascii=False),
            reason=d.reason,
        )
    )


def is_ingested(engine: Engine, sha256: str) -> bool:
    """True when a report or a pending claim from the document with this SHA-256 is in the log."""
    query = select(ingested_documents.c.sha256).where(ingested_documents.c.sha256 == sha256)
    with engine.connect() as conn:
        return conn.execute(query).first() is not None


def create_documents_table(engine: Engine) -> bool:
    """Create ``ingested_documents`` where it is missing (a node made before ingestion was
    imported); True when it was created, so the caller fills it from the log."""
    if inspect(engine).has_table(ingested_documents.name):
        return False
    ingested_documents.create(engine)
    return True
