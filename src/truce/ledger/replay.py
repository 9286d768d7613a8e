"""Replaying stored entries: signatures, author keys and chains checked before anything trusts them.

Shared by opening a log (:class:`truce.ledger.log.Ledger` checks every entry it has not verified
itself before it projects or signs over them), by ``truce ledger verify`` and by mirrors. Leaves
are read in chunks and their Ed25519 signatures checked on every core while this process replays
the previous chunk's chains, so memory stays flat however long the log is. Each recomputed leaf
hash is compared with the one stored in the tree, and each stored index offset with where the
record really starts (a swapped index entry would otherwise serve one entry's bytes under
another's proof).
"""

from __future__ import annotations

from collections.abc import Callable

from truce.errors import StorageError
from truce.ledger.batch import PendingCheck, advance_keys, start_check
from truce.ledger.chain import Chains
from truce.ledger.merkle import Hash, TreeStore
from truce.ledger.storage import EntryLog

__all__ = ["replay"]

_CHUNK = 16_384


def replay(
    entries: EntryLog,
    tree: TreeStore,
    chains: Chains,
    start: int = 0,
    stop: int | None = None,
    *,
    check_index: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[Hash]:
    """Check entries ``start``..``stop``, advancing ``chains`` over them; raise at the first bad.

    ``chains`` holds every author's head and key as of ``start`` (empty for a full replay). Each
    entry's leaf hash is compared with the tree's where the tree holds one; the hashes of the
    checked entries past the tree's size are returned, for the caller to add to it.
    """
    beyond: list[Hash] = []
    stop = entries.size if stop is None else stop
    ahead = dict(chains.keys)  # keys registered in chunks submitted so far

    def submit(at: int) -> tuple[int, list[bytes], PendingCheck]:
        leaves = [leaf for _, leaf in entries.iter(at, min(at + _CHUNK, stop))]
        pending = start_check(leaves, ahead)
        advance_keys(ahead, leaves)
        return at, leaves, pending

    pending = submit(start) if start < stop else None
    while pending is not None:
        at, leaves, check = pending
        end = at + len(leaves)
        pending = submit(end) if end < stop else None
        checked = check.result()
        known = max(0, min(end, tree.size) - at)
        stored = tree.read_hashes(0, at, known) if known else []
        offsets = entries.offsets(at, end) if check_index else None
        position = offsets[0] if offsets else 0
        for i, (leaf, c) in enumerate(zip(leaves, checked, strict=True)):
            index = at + i
            if offsets is not None:
                if offsets[i] != position:
                    raise StorageError(
                        f"entry {index}: the index points at byte {offsets[i]}, but the record "
                        f"starts at byte {position} (entries.idx was altered)",
                        index=index,
                        hint="entries.idx is derived: delete it and open the log to rebuild it.",
                    )
                position += EntryLog.record_size(leaf)
            chains.accept(leaf, c, f"entry {index}", index)
            if i >= known:
                beyond.append(c.hash)
            elif stored[i] != c.hash:
                raise StorageError(
                    f"entry {index}: stored leaf hash does not match the entry", index=index
                )
        if progress is not None:
            progress(end)
    return beyond
