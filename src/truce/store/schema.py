"""The projection tables: SQL views of the ledger, rebuilt from it at any time.

Nothing here is authoritative: ``truce rebuild`` drops every table and replays the log. Columns
that the ledger keeps as decimal strings (coordinates) are plain floating-point numbers here,
for spatial queries; the exact values stay in each row's ``body`` (the entry's JSON body).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = ["incidents", "meta", "metadata", "parties", "reports", "responses", "sites", "zones"]

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

parties = Table(
    "parties",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("entry_index", Integer, nullable=False, unique=True),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("event_type", String(64), nullable=False),
    Column("sub_event_type", String(64), nullable=False),
    Column("family", String(32), nullable=False),
    Column("date_start", String(10), nullable=False),
    Column("date_end", String(10), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("place", String(500)),
    Column("report_count", Integer, nullable=False),
    Column("occurrence", String(32), nullable=False),
    Column("first_index", Integer, nullable=False),
    # Correlation and grading (truce.assess): lat/lon above are the reports' weighted centroid.
    Column("error_km", Float),  # the centroid's uncertainty
    Column("area", String(500)),  # admin area most reports give
    Column("min_lat", Float),  # bounding box of the reports' points
    Column("min_lon", Float),
    Column("max_lat", Float),
    Column("max_lon", Float),
    Column("originators", Integer),  # independent originators counted
    Column("attribution_state", String(32)),  # acknowledged | denied | disputed | ...
    Column("responsible", String(500)),  # the perpetrator held responsible, as named
    Column("responsible_party", String(32)),  # the registered party matched to it
    Column("airwars", String(16)),  # Airwars civilian-harm grade
    Column("admiralty", String(2)),  # Admiralty code of the information, e.g. "B1"
    Column("killed_low", Integer),  # everyone reported killed: range and conservative figure
    Column("killed_high", Integer),
    Column("killed", Integer),
    Column("reasons", Text),  # JSON: {"occurrence": [...], "attribution": [...], ...}
    Column("attribution", Text),  # JSON: held responsible, by whom, claims, state
    Column("casualties", Text),  # JSON: ranges per category and kind
    Column("state", Text),  # JSON: the correlation state (truce.assess.correlate)
    Column("last_index", Integer),  # the entry that last changed it
    Index("ix_incidents_date", "date_start", "date_end"),
    Index("ix_incidents_lat_lon", "lat", "lon"),
    Index("ix_incidents_occurrence", "occurrence"),
)

reports = Table(
    "reports",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("entry_index", Integer, nullable=False, unique=True),
    Column("author", String(32), ForeignKey("parties.id"), nullable=False),
    Column("filed_at", String(32), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("sub_event_type", String(64), nullable=False),
    Column("family", String(32), nullable=False),
    Column("modality", String(16), nullable=False),
    Column("date_start", String(10), nullable=False),
    Column("date_end", String(10), nullable=False),
    Column("time_precision", Integer, nullable=False),
    Column("place", String(500)),
    Column("area", String(500)),
    Column("lat", Float),
    Column("lon", Float),
    Column("error_m", Integer),
    Column("geo_precision", Integer, nullable=False),
    Column("title", String(500)),
    Column("incident_id", String(32), ForeignKey("incidents.id")),
    Column("body", Text, nullable=False),
    Index("ix_reports_incident", "incident_id"),
    Index("ix_reports_date", "date_start", "date_end"),
)

responses = Table(
    "responses",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("entry_index", Integer, nullable=False, unique=True),
    Column("author", String(32), ForeignKey("parties.id"), nullable=False),
    Column("incident_id", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("field", String(64)),
    Column("value", Text),
    Column("text", Text, nullable=False),
    Column("filed_at", String(32), nullable=False),
    Index("ix_responses_incident", "incident_id"),
)

zones = Table(
    "zones",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("wkt", Text, nullable=False),
    Column("valid_from", String(10)),
    Column("valid_to", String(10)),
    Column("approximate", Boolean, nullable=False),
    Column("source", Text, nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("version", Integer, nullable=False),
    Column("author", String(32), nullable=False),
    Column("entry_index", Integer, nullable=False),
)

sites = Table(
    "sites",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("approximate", Boolean, nullable=False),
    Column("org", String(200), nullable=False, default=""),
    Column("admin1", String(100), nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("body", Text, nullable=False, default="{}"),
    Column("version", Integer, nullable=False),
    Column("author", String(32), nullable=False),
    Column("entry_index", Integer, nullable=False),
)
