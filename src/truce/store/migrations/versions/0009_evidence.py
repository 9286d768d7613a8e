"""evidence locker: attachments, their perceptual-hash bands and findings

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("entry_index", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("report_id", sa.String(length=32), nullable=True),
        sa.Column("incident_id", sa.String(length=32), nullable=True),
        sa.Column("author", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("graphic", sa.Boolean(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("captured", sa.String(length=19), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("device", sa.String(length=200), nullable=True),
        sa.Column("dhash", sa.String(length=16), nullable=True),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_index"),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_incident", ["incident_id"], unique=False)
        batch_op.create_index("ix_evidence_report", ["report_id"], unique=False)
        batch_op.create_index("ix_evidence_sha256", ["sha256"], unique=False)
    op.create_table(
        "evidence_bands",
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.String(length=32), nullable=False),
        sa.Column("entry_index", sa.Integer(), nullable=False),
        sa.Column("dhash", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("band", "value", "evidence_id"),
    )
    op.create_table(
        "evidence_findings",
        sa.Column("evidence_id", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("other_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("evidence_id", "n"),
    )


def downgrade() -> None:
    op.drop_table("evidence_findings")
    op.drop_table("evidence_bands")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_sha256")
        batch_op.drop_index("ix_evidence_report")
        batch_op.drop_index("ix_evidence_incident")
    op.drop_table("evidence")
