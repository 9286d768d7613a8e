"""incidents: without PostGIS, a space-time GiST index over core PostgreSQL types

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

from truce.store.spatial import install_spatial_index

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        install_spatial_index(bind)  # idempotent; the core index only where PostGIS is absent


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_incidents_space_time_core")
