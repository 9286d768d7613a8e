"""The assessment's own projection tables, beside ``incidents`` (in ``store/schema.py``).

- ``incident_keys``: the candidate index of correlation (:mod:`truce.assess.keys`), key → incident;
- ``incident_links``: why each report is in its incident (joined with a score and reasons, started
  a new incident, moved by a merge or a split);
- ``incident_aliases``: incidents merged away, and the incident that now holds their reports;
- ``incident_actions``: the merges and splits on the record, applied or ignored (with why);
- ``response_evidence``: the evidence a response cites (the ``responses`` table keeps the rest).

All are projections, rebuilt from the log like every other table.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, String, Table, Text

from truce.store.schema import metadata

__all__ = [
    "incident_actions",
    "incident_aliases",
    "incident_keys",
    "incident_links",
    "response_evidence",
]

incident_keys = Table(
    "incident_keys",
    metadata,
    Column("key", String(600), primary_key=True),
    Column("incident_id", String(32), primary_key=True),
    Index("ix_incident_keys_incident", "incident_id"),
)

incident_links = Table(
    "incident_links",
    metadata,
    Column("report_id", String(32), primary_key=True),
    Column("incident_id", String(32), nullable=False),
    Column("entry_index", Integer, nullable=False),
    Column("how", String(16), nullable=False),  # joined | new | merged | split
    Column("score", Float),
    Column("reason", Text, nullable=False),
    Index("ix_incident_links_incident", "incident_id"),
)

incident_aliases = Table(
    "incident_aliases",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("incident_id", String(32), nullable=False),
    Column("entry_index", Integer, nullable=False),
)

incident_actions = Table(
    "incident_actions",
    metadata,
    Column("id", String(32), primary_key=True),  # A-<entry index>
    Column("entry_index", Integer, nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # merge | split
    Column("author", String(32), nullable=False),
    Column("filed_at", String(32), nullable=False),
    Column("incidents", Text, nullable=False),  # JSON list, as filed
    Column("reports", Text, nullable=False),  # JSON list, as filed
    Column("result", String(32)),  # the surviving or the new incident
    Column("status", String(16), nullable=False),  # applied | ignored
    Column("note", Text, nullable=False),
    Column("text", Text, nullable=False),
)

response_evidence = Table(
    "response_evidence",
    metadata,
    Column("response_id", String(32), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("media_type", String(100), nullable=False),
    Column("description", Text),
)
