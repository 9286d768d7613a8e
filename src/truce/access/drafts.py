"""Drafts: a party's unfinished records, kept off the ledger until the party files them.

A draft is operational data, not an entry: it may be incomplete, it is visible only to its own
party's officers and monitors and to the chair, and it changes in place. Filing a draft
validates its body as its kind, signs it with the party's key and appends it; from then on it
is on the shared record like any entry. The draft stays behind as a tombstone holding the index
it was filed as (hidden from lists, refused by every change), so filing it again is a 409, not a
second report: :func:`file_draft` reads, appends and marks it on the node's one writer (the
server's sequencer thread), so ten parallel filings of one draft append one entry.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, delete, insert, select, update

from truce.access.schema import drafts
from truce.errors import ConflictError, NotFoundError, ValidationError
from truce.ledger.entry import Entry
from truce.model.kinds import KINDS, parse_body

if TYPE_CHECKING:
    from truce.node import Node

__all__ = ["MAX_DRAFT_BYTES", "Drafts", "file_draft"]

MAX_DRAFT_BYTES = 256 * 1024


def _encode(body: dict[str, Any]) -> str:
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)
    if len(text.encode()) > MAX_DRAFT_BYTES:
        raise ValidationError(f"a draft is at most {MAX_DRAFT_BYTES} bytes of JSON", field="body")
    return text


def _row(r: Any) -> dict[str, Any]:
    out = dict(r)
    out["body"] = json.loads(out["body"])
    return out


class Drafts:
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock

    def create(self, party: str, kind: str, body: dict[str, Any], by: str) -> dict[str, Any]:
        if kind not in KINDS:
            raise ValidationError(f"unknown entry kind {kind!r}", field="kind")
        now = self.clock()
        draft_id = "D-" + secrets.token_hex(8)
        with self.engine.begin() as conn:
            conn.execute(
                insert(drafts).values(
                    id=draft_id,
                    party=party,
                    kind=kind,
                    body=_encode(body),
                    created_by=by,
                    created_at=now,
                    updated_at=now,
                )
            )
        return self.get(draft_id)

    def get(self, draft_id: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(drafts).where(drafts.c.id == draft_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"no draft {draft_id!r}")
        return _row(row)

    def list(self, party: str | None = None) -> list[dict[str, Any]]:
        """The drafts not yet filed."""
        query = select(drafts).where(drafts.c.filed_index.is_(None)).order_by(drafts.c.created_at)
        if party is not None:
            query = query.where(drafts.c.party == party)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]

    def update(self, draft_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(drafts)
                .where(drafts.c.id == draft_id, drafts.c.filed_index.is_(None))
                .values(body=_encode(body), updated_at=self.clock())
            )
        if done.rowcount == 0:
            _refuse_filed(self.get(draft_id))
        return self.get(draft_id)

    def delete(self, draft_id: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                delete(drafts).where(drafts.c.id == draft_id, drafts.c.filed_index.is_(None))
            )
        if done.rowcount == 0:
            _refuse_filed(self.get(draft_id))

    def mark_filed(self, draft_id: str, index: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(drafts)
                .where(drafts.c.id == draft_id)
                .values(filed_index=index, updated_at=self.clock())
            )


def _refuse_filed(draft: dict[str, Any]) -> None:
    if draft.get("filed_index") is not None:
        raise ConflictError(
            f"draft {draft['id']} was filed as entry {draft['filed_index']}",
            hint="It is on the record now; file a correction as a new entry.",
        )


def file_draft(node: Node, draft_id: str) -> tuple[int, Entry]:
    """Append ``draft_id``'s body as its kind, signed by its party; refuse a draft already filed.

    Run on the node's one writer (the server's sequencer thread: ``sequencer.call``), so the
    check, the append and the mark are not interleaved with another filing of the same draft.
    """
    book = Drafts(node.store.engine)
    draft = book.get(draft_id)
    _refuse_filed(draft)
    model = parse_body(draft["kind"], draft["body"], f"draft {draft_id}")
    entry = node.append(draft["party"], draft["kind"], model)
    index = node.last_index
    book.mark_filed(draft_id, index)
    return index, entry
