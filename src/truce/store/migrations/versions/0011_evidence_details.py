"""evidence details: a video's keyframes, a document's pages and info, XMP, C2PA (JSON)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.Text(), nullable=True))
    # Videos attached before: their keyframes are in the near-duplicate index (band 0 of each
    # frame, keyed E-<n>#<k>), so they are shown without a rebuild.
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT evidence_id, dhash FROM evidence_bands"
            " WHERE band = 0 AND evidence_id LIKE '%#%'"
        )
    ).all()
    frames: dict[str, list[tuple[int, str]]] = {}
    for key, value in rows:
        ident, _, k = str(key).partition("#")
        if k.isdigit():
            frames.setdefault(ident, []).append((int(k), str(value)))
    for ident, found in frames.items():
        conn.execute(
            sa.text("UPDATE evidence SET details = :d WHERE id = :id"),
            {"d": json.dumps({"keyframes": [h for _, h in sorted(found)]}), "id": ident},
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_column("details")
