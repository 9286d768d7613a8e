"""assessment: incident grades, correlation index, merges and splits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 16:16:03.737153

Adds the grading and correlation columns to ``incidents`` and the assessment's own tables
(``truce.assess.tables``). Incidents projected before this revision were one per report and
have no correlation state: the assessment rebuilds an incident's state from its reports when it
meets one, and ``truce rebuild`` correlates the earlier reports too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_actions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("entry_index", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=32), nullable=False),
        sa.Column("filed_at", sa.String(length=32), nullable=False),
        sa.Column("incidents", sa.Text(), nullable=False),
        sa.Column("reports", sa.Text(), nullable=False),
        sa.Column("result", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_index"),
    )
    op.create_table(
        "incident_aliases",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("incident_id", sa.String(length=32), nullable=False),
        sa.Column("entry_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "incident_keys",
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("incident_id", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("key", "incident_id"),
    )
    with op.batch_alter_table("incident_keys", schema=None) as batch_op:
        batch_op.create_index("ix_incident_keys_incident", ["incident_id"], unique=False)

    op.create_table(
        "incident_links",
        sa.Column("report_id", sa.String(length=32), nullable=False),
        sa.Column("incident_id", sa.String(length=32), nullable=False),
        sa.Column("entry_index", sa.Integer(), nullable=False),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("report_id"),
    )
    with op.batch_alter_table("incident_links", schema=None) as batch_op:
        batch_op.create_index("ix_incident_links_incident", ["incident_id"], unique=False)

    op.create_table(
        "response_evidence",
        sa.Column("response_id", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("response_id", "sha256"),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error_km", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("area", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("min_lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("min_lon", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("max_lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("max_lon", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("originators", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("attribution_state", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("responsible", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("responsible_party", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("airwars", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("admiralty", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("killed_low", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("killed_high", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("killed", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reasons", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attribution", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("casualties", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("state", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_index", sa.Integer(), nullable=True))
        batch_op.create_index("ix_incidents_occurrence", ["occurrence"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_occurrence")
        batch_op.drop_column("last_index")
        batch_op.drop_column("state")
        batch_op.drop_column("casualties")
        batch_op.drop_column("attribution")
        batch_op.drop_column("reasons")
        batch_op.drop_column("killed")
        batch_op.drop_column("killed_high")
        batch_op.drop_column("killed_low")
        batch_op.drop_column("admiralty")
        batch_op.drop_column("airwars")
        batch_op.drop_column("responsible_party")
        batch_op.drop_column("responsible")
        batch_op.drop_column("attribution_state")
        batch_op.drop_column("originators")
        batch_op.drop_column("max_lon")
        batch_op.drop_column("max_lat")
        batch_op.drop_column("min_lon")
        batch_op.drop_column("min_lat")
        batch_op.drop_column("area")
        batch_op.drop_column("error_km")

    op.drop_table("response_evidence")
    with op.batch_alter_table("incident_links", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_links_incident")

    op.drop_table("incident_links")
    with op.batch_alter_table("incident_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_keys_incident")

    op.drop_table("incident_keys")
    op.drop_table("incident_aliases")
    op.drop_table("incident_actions")
