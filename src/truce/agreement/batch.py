"""Appending several entries by one author all or nothing.

``Node.append`` signs and appends one entry; a file of zones or sites must not be half-loaded, so
this signs the whole chain (consecutive ``seq``, each ``prev`` naming the one before) and hands it
to ``Node.append_signed``, which appends every entry or none (the ledger's batch append).
"""

from __future__ import annotations

from collections.abc import Sequence

from truce.ledger.entry import Entry
from truce.model.base import Model
from truce.node import Node

__all__ = ["append_batch"]


def append_batch(node: Node, author: str, items: Sequence[tuple[str, Model]]) -> list[Entry]:
    """Sign ``(kind, body)`` items as ``author`` with its custodial key; append them at once."""
    if not items:
        return []
    key = node.signing_key(author)
    seq, prev = node.ledger.next_position(author)
    entries: list[Entry] = []
    for offset, (kind, body) in enumerate(items):
        entry = Entry.sign(
            key,
            origin=node.ledger.origin,
            kind=kind,
            author=author,
            seq=seq + offset,
            prev=prev,
            body=body.to_body(),
            mode="custodial",
        )
        entries.append(entry)
        prev = entry.hash.hex()
    node.append_signed(entries)
    return entries
