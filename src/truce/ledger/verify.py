"""Full verification of a stored log: what ``truce ledger verify`` runs.

Re-reads every record (CRC), re-parses every entry (canonical JSON), re-verifies every Ed25519
signature with the pinned implementation and every author chain, checks that each stored leaf
hash matches its entry and every stored interior hash matches its children, and that the
checkpoint's root is the tree's root at the checkpoint's size, signed by the log's key. The first
problem raises, naming the entry index. Signatures are checked on every core, in chunks, so
memory stays flat however long the log is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from truce.errors import CheckpointError, StorageError
from truce.ledger.batch import PendingCheck, registrations_in, start_check
from truce.ledger.chain import Chains
from truce.ledger.log import Ledger
from truce.ledger.merkle import TreeStore
from truce.ledger.note import Checkpoint, NoteVerifier, open_checkpoint
from truce.ledger.storage import EntryLog

__all__ = ["VerifyResult", "verify_ledger", "verify_stored"]

_CHUNK = 16_384


@dataclass(frozen=True)
class VerifyResult:
    size: int
    authors: int
    checkpoint: Checkpoint


def verify_ledger(
    ledger: Ledger,
    *,
    checkpoint_note: str | None = None,
    verifier: NoteVerifier | None = None,
    progress: Callable[[int], None] | None = None,
) -> VerifyResult:
    """Verify everything stored; return a summary or raise naming the first bad index."""
    verifier = verifier or ledger.verifier
    note = checkpoint_note if checkpoint_note is not None else ledger.checkpoint()
    checkpoint = open_checkpoint(note, verifier, ledger.origin)
    size = ledger.size
    if checkpoint.size > size:
        raise StorageError(
            f"the checkpoint covers {checkpoint.size} entries but only {size} are stored: "
            f"entries from index {size} on are missing",
            index=size,
        )
    authors = verify_stored(
        ledger.entries,
        ledger.tree,
        ledger.origin,
        checkpoint,
        progress=progress,
        hint="The log was rewritten after the checkpoint was signed; compare with a mirror.",
    )
    return VerifyResult(size=size, authors=authors, checkpoint=checkpoint)


def verify_stored(
    entries: EntryLog,
    tree: TreeStore,
    origin: str,
    checkpoint: Checkpoint,
    *,
    progress: Callable[[int], None] | None = None,
    hint: str = "",
) -> int:
    """Re-check every stored entry, chain and hash, and the tree against ``checkpoint``.

    Shared by the log (:func:`verify_ledger`) and its mirrors. Returns the number of authors;
    raises naming the first bad index.
    """
    size = entries.size
    chains = Chains(origin)
    ahead: dict[str, bytes] = {}  # keys registered in chunks submitted so far

    def submit(start: int) -> tuple[int, list[bytes], PendingCheck]:
        leaves = [leaf for _, leaf in entries.iter(start, min(start + _CHUNK, size))]
        pending = start_check(leaves, ahead)
        for author, key in registrations_in(leaves).items():
            ahead.setdefault(author, key)
        return start, leaves, pending

    # Pipelined: the workers check chunk k+1 while this process replays chunk k's chains.
    pending = submit(0) if size else None
    while pending is not None:
        start, leaves, check = pending
        stop = start + len(leaves)
        pending = submit(stop) if stop < size else None
        checked = check.result()
        stored = tree.read_hashes(0, start, stop - start)
        for offset, (leaf, c) in enumerate(zip(leaves, checked, strict=True)):
            index = start + offset
            chains.accept(leaf, c, f"entry {index}", index)
            if stored[offset] != c.hash:
                raise StorageError(
                    f"entry {index}: stored leaf hash does not match the entry", index=index
                )
        if progress is not None:
            progress(stop)
    tree.check()
    if tree.root(checkpoint.size) != checkpoint.root:
        raise CheckpointError(
            f"the checkpoint's root for size {checkpoint.size} does not match the stored tree",
            hint=hint or None,
        )
    return len(chains.heads)
