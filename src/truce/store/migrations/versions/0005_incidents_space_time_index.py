"""incidents: one space-time index on PostgreSQL/PostGIS (box and window in one scan)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

from truce.store.spatial import install_spatial_index

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_incidents_geom")
        install_spatial_index(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_incidents_space_time")
