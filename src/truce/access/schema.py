"""Operational tables: users, API tokens, sessions, failed sign-ins, drafts, restricted records.

These are not projections of the ledger and are never dropped by ``truce rebuild`` (they live in
their own :data:`metadata`); they are covered by the same Alembic migrations as the projections
(``truce.store.migrations``). Secrets are never stored: tokens and session ids by SHA-256, and
passwords by scrypt (RFC 7914).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table, Text

__all__ = [
    "api_tokens",
    "drafts",
    "metadata",
    "sealed_records",
    "sessions",
    "signin_attempts",
    "users",
]

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("party", String(32)),  # None for the public role
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200)),  # None: API tokens only, no sign-in
    Column("disabled", Integer, nullable=False, default=0),
    Column("created_at", Float, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("user_id", Integer, nullable=False, index=True),
    Column("name", String(200), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float),
    Column("revoked_at", Float),
    Column("last_used_at", Float),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_seen_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

signin_attempts = Table(
    "signin_attempts",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_at", Float, nullable=False),
    Column("locked_until", Float, nullable=False),
)

drafts = Table(
    "drafts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("party", String(32), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    # The index of the entry it was filed as: a filed draft stays as a tombstone, so a second
    # filing of it is refused (409) rather than appended again.
    Column("filed_index", Integer),
    Index("ix_drafts_party", "party"),
)

#: Restricted records: the body, held here; the ledger holds its ``record.sealed`` commitment.
sealed_records = Table(
    "sealed_records",
    metadata,
    Column("id", String(40), primary_key=True),  # "X-<index of the record.sealed entry>"
    Column("party", String(32), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("sealed_index", Integer, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("released_index", Integer),
    Index("ix_sealed_party", "party"),
)
