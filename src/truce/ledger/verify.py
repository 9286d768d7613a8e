"""Full verification of a stored log: what ``truce ledger verify`` runs.

Re-reads every record (CRC), re-parses every entry (canonical JSON), re-verifies every Ed25519
signature with the pinned implementation and every author chain, checks that each stored leaf
hash matches its entry, every index offset its record, and every stored interior hash its
children, and that the checkpoint's root — and that of every cosigned checkpoint held beside the
log — is the tree's root at the checkpoint's size, signed by the log's key. The first
problem raises, naming the entry index. Signatures are checked on every core, in chunks, so
memory stays flat however long the log is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from truce.errors import CheckpointError, StorageError
from truce.ledger.chain import Chains
from truce.ledger.log import Ledger
from truce.ledger.merkle import TreeStore
from truce.ledger.note import Checkpoint, NoteVerifier, open_checkpoint
from truce.ledger.replay import replay
from truce.ledger.storage import EntryLog

__all__ = ["VerifyResult", "held_checkpoints", "verify_ledger", "verify_stored"]


def held_checkpoints(ledger: Ledger) -> list[Checkpoint]:
    """The cosigned checkpoints kept beside the log (``checkpoints/<size>``), each of which must
    carry the log's own valid signature."""
    archive = ledger.directory / "checkpoints"
    if not archive.is_dir():
        return []
    held = []
    for path in sorted(archive.iterdir()):
        if path.name.isdigit():
            try:
                held.append(
                    open_checkpoint(path.read_text("utf-8"), ledger.verifier, ledger.origin)
                )
            except CheckpointError as exc:
                raise CheckpointError(
                    f"checkpoints/{path.name}: {exc}",
                    hint="A held checkpoint must be one this log signed; compare with a mirror.",
                ) from None
    return held


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
        held=held_checkpoints(ledger),
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
    held: Sequence[Checkpoint] = (),
) -> int:
    """Re-check every stored entry, chain, hash and index offset, and the tree against
    ``checkpoint`` and every checkpoint in ``held`` (cosigned ones kept beside the log).

    Shared by the log (:func:`verify_ledger`) and its mirrors. Returns the number of authors;
    raises naming the first bad index.
    """
    chains = Chains(origin)
    replay(entries, tree, chains, 0, entries.size, check_index=True, progress=progress)
    tree.check()
    for cp in (checkpoint, *held):
        if cp.size > entries.size:
            raise StorageError(
                f"a checkpoint covers {cp.size} entries but only {entries.size} are stored: "
                f"entries from index {entries.size} on are missing",
                index=entries.size,
            )
        if tree.root(cp.size) != cp.root:
            raise CheckpointError(
                f"the checkpoint's root for size {cp.size} does not match the stored tree",
                hint=hint or None,
            )
    return len(chains.heads)
