"""The ``ingested_documents`` projection: which documents the ingest identity has filed from.

One row per document SHA-256 (the first evidence item of a report filed by a party of kind
``ingest``), with the first entry index and the number of reports. It is how ingestion knows a
document was already ingested, and like every projection it is rebuilt from the log alone:
a report entry is the only record that a document was ingested.
"""

from __future__ import annotations

from sqlalchemy import Column, Engine, Integer, String, Table, Text, insert, select, update

from truce.model import Report
from truce.store import Projection, projects, schema

__all__ = ["ingested_documents", "is_ingested"]

ingested_documents = Table(
    "ingested_documents",
    schema.metadata,
    Column("sha256", String(64), primary_key=True),
    Column("url", Text),
    Column("author", String(32), nullable=False),
    Column("first_index", Integer, nullable=False),
    Column("reports", Integer, nullable=False),
)


@projects("report.filed")
def project_ingested_document(p: Projection) -> None:
    report = p.body
    assert isinstance(report, Report)
    if not report.evidence or "ingest" not in report.tags:
        return
    kind = p.conn.execute(
        select(schema.parties.c.kind).where(schema.parties.c.id == p.entry.author)
    ).scalar()
    if kind != "ingest":
        return
    evidence = report.evidence[0]
    table = ingested_documents
    done = p.conn.execute(
        update(table).where(table.c.sha256 == evidence.sha256).values(reports=table.c.reports + 1)
    )
    if done.rowcount == 0:
        p.conn.execute(
            insert(table).values(
                sha256=evidence.sha256,
                url=str(evidence.url) if evidence.url else None,
                author=p.entry.author,
                first_index=p.index,
                reports=1,
            )
        )


def is_ingested(engine: Engine, sha256: str) -> bool:
    """True when a report from the document with this SHA-256 is in the log."""
    query = select(ingested_documents.c.sha256).where(ingested_documents.c.sha256 == sha256)
    with engine.connect() as conn:
        return conn.execute(query).first() is not None
