"""Restricted records: on the ledger as a commitment only, until their party releases them.

A party may file a record that the other parties must not read yet (a report under
investigation, say). The ledger, which every party mirrors, gets a ``record.sealed`` entry
carrying the record's kind and the SHA-256 of its body's RFC 8785 bytes; the body itself is kept
here, visible to the party's officers and monitors and to the chair. Releasing it appends the
record as an ordinary entry whose body hashes to the commitment, so anyone can check that the
released record is the one sealed then, unchanged (:func:`body_sha256`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Engine, insert, select, update

from truce.access.schema import sealed_records
from truce.errors import ConflictError, NotFoundError
from truce.ledger.canonical import canonicalize

__all__ = ["SealedRecords", "body_sha256"]


def body_sha256(body: dict[str, Any]) -> str:
    """The commitment to an entry body: hex SHA-256 of its RFC 8785 canonical JSON."""
    return hashlib.sha256(canonicalize(body)).hexdigest()


def _row(r: Any) -> dict[str, Any]:
    out = dict(r)
    out["body"] = json.loads(out["body"])
    return out


class SealedRecords:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self, record_id: str, party: str, kind: str, body: dict[str, Any], index: int, by: str
    ) -> dict[str, Any]:
        with self.engine.begin() as conn:
            conn.execute(
                insert(sealed_records).values(
                    id=record_id,
                    party=party,
                    kind=kind,
                    sha256=body_sha256(body),
                    body=json.dumps(body, ensure_ascii=False, sort_keys=True),
                    sealed_index=index,
                    created_by=by,
                )
            )
        return self.get(record_id)

    def get(self, record_id: str) -> dict[str, Any]:
        t = sealed_records
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.id == record_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"no restricted record {record_id!r}")
        return _row(row)

    def list(self, party: str | None = None) -> list[dict[str, Any]]:
        t = sealed_records
        query = select(t).order_by(t.c.sealed_index)
        if party is not None:
            query = query.where(t.c.party == party)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def released(self, record_id: str, index: int) -> None:
        t = sealed_records
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t)
                .where(t.c.id == record_id, t.c.released_index.is_(None))
                .values(released_index=index)
            )
        if done.rowcount == 0:
            raise ConflictError(f"restricted record {record_id} was already released")
