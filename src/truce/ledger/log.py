"""The ledger: the sequencer that appends signed entries to the log and signs checkpoints.

One directory holds it all::

    entries.log, entries.idx   the leaves, append-only (storage.EntryLog)
    tree/level-NN.bin          every complete subtree hash (merkle.TreeStore)
    state.json                 each author's chain head and key, as of a log size (derived)
    checkpoint                 the latest checkpoint, a C2SP signed note
    log.key                    the log operator's note-signing key (0600)

Everything but ``entries.log`` and ``log.key`` is derived and repaired on open. An entry is
accepted only if its origin is this log's, its author is known (or it is the author's own
self-signed ``party.registered`` entry), its Ed25519 signature verifies with the pinned
implementation, and it continues its author's chain (seq + 1, prev = hash of the last one).
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from truce.errors import CheckpointError, ConfigError, ConflictError, LedgerError
from truce.ledger.batch import REGISTRATION_KIND, PendingCheck, registrations_in, start_check
from truce.ledger.chain import AuthorHead, Chains
from truce.ledger.entry import Entry
from truce.ledger.files import atomic_write
from truce.ledger.keys import SigningKey, VerifyKey
from truce.ledger.merkle import Hash, TreeStore, leaf_hash
from truce.ledger.note import Checkpoint, NoteSigner, NoteVerifier, open_checkpoint, sign_checkpoint
from truce.ledger.storage import EntryLog

__all__ = ["AuthorHead", "Ledger"]


class Ledger:
    """An open log. Not thread-safe: one sequencer appends; use one Ledger per process."""

    def __init__(self, directory: Path, origin: str, signer: NoteSigner) -> None:
        self.directory = directory
        self.origin = origin
        self.signer = signer
        self.entries = EntryLog(directory)
        self.tree = TreeStore.open(directory / "tree")
        self.heads: dict[str, AuthorHead] = {}
        self.keys: dict[str, bytes] = {}
        self._state_size = 0
        self._saved_at = 0.0
        try:
            self._repair()
        except BaseException:
            self.close()
            raise

    # -- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def create(cls, directory: Path, origin: str) -> Ledger:
        """Create a new, empty log with a fresh operator key named after ``origin``."""
        directory.mkdir(parents=True, exist_ok=True)
        key_path = directory / "log.key"
        if key_path.exists():
            raise ConflictError(
                f"a ledger already exists in {directory}",
                hint="Use it, or choose another TRUCE_HOME.",
            )
        NoteSigner(origin, SigningKey.generate())  # validates the name before anything is written
        signer_key = SigningKey.generate()
        signer_key.save(key_path)
        (directory / "origin").write_text(origin + "\n", encoding="utf-8")
        return cls(directory, origin, NoteSigner(origin, signer_key))

    @classmethod
    def open(cls, directory: Path) -> Ledger:
        key_path = directory / "log.key"
        if not key_path.exists():
            raise ConfigError(f"no ledger in {directory}", hint="Run 'truce init' first.")
        origin = (directory / "origin").read_text(encoding="utf-8").strip()
        return cls(directory, origin, NoteSigner(origin, SigningKey.load(key_path)))

    def close(self) -> None:
        if self.entries.size != self._state_size and self.entries.size > 0:
            self._save_state()
        self.entries.close()
        self.tree.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _repair(self) -> None:
        size = self.entries.size
        if self.tree.size > size:
            self.tree.truncate(size)
            self.tree.flush()
        if self.tree.size < size:
            missing = [leaf_hash(leaf) for _, leaf in self.entries.iter(self.tree.size, size)]
            self.tree.append_leaf_hashes(missing)
            self.tree.flush()
        self._load_state()
        if self._state_size < size:
            for _, leaf in self.entries.iter(self._state_size, size):
                self._advance(Entry.from_leaf(leaf))
            self._save_state()
        cp = self._read_checkpoint()
        if cp is None or cp.size != size:
            self._write_checkpoint()

    # -- state ---------------------------------------------------------------------------------
    def _load_state(self) -> None:
        path = self.directory / "state.json"
        self.heads, self.keys, self._state_size = {}, {}, 0
        if not path.exists():
            return
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            if state["size"] > self.entries.size:
                return  # ahead of the log (cannot happen after an fsync'd append): rebuild
            self.heads = {a: AuthorHead(h[0], h[1]) for a, h in state["heads"].items()}
            self.keys = {a: base64.b64decode(k) for a, k in state["keys"].items()}
            self._state_size = int(state["size"])
        except (ValueError, KeyError, TypeError):
            self.heads, self.keys, self._state_size = {}, {}, 0

    def _save_state(self) -> None:
        state = {
            "size": self.entries.size,
            "heads": {a: [h.seq, h.hash] for a, h in sorted(self.heads.items())},
            "keys": {a: base64.b64encode(k).decode() for a, k in sorted(self.keys.items())},
        }
        atomic_write(self.directory / "state.json", json.dumps(state).encode(), durable=False)
        self._state_size = self.entries.size
        self._saved_at = time.monotonic()

    def _advance(self, entry: Entry) -> None:
        self.heads[entry.author] = AuthorHead(entry.seq, entry.hash.hex())
        if entry.kind == REGISTRATION_KIND and entry.seq == 1:
            self.keys[entry.author] = base64.b64decode(str(entry.body["public_key"]))

    # -- reading -------------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return self.entries.size

    def root(self, size: int | None = None) -> Hash:
        return self.tree.root(self.size if size is None else size)

    def leaf(self, index: int) -> bytes:
        self._check_index(index)
        return self.entries.read(index)

    def entry(self, index: int) -> Entry:
        return Entry.from_leaf(self.leaf(index))

    def iter_entries(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, Entry]]:
        for index, leaf in self.entries.iter(start, stop):
            yield index, Entry.from_leaf(leaf)

    def key(self, author: str) -> VerifyKey | None:
        raw = self.keys.get(author)
        return VerifyKey.from_bytes(raw) if raw is not None else None

    def _check_index(self, index: int, size: int | None = None) -> None:
        size = self.size if size is None else size
        if not 0 <= index < size:
            raise LedgerError(
                f"entry {index} does not exist; the log has {size} entries",
                hint="Indices count from 0.",
            )

    # -- proofs --------------------------------------------------------------------------------
    def inclusion_proof(self, index: int, size: int | None = None) -> list[Hash]:
        size = self.size if size is None else size
        self._check_size(size)
        self._check_index(index, size)
        return self.tree.inclusion_proof(index, size)

    def consistency_proof(self, old: int, new: int | None = None) -> list[Hash]:
        new = self.size if new is None else new
        self._check_size(new)
        if not 1 <= old <= new:
            raise LedgerError(
                f"old size {old} must be between 1 and the new size {new}",
                hint="An empty tree proves nothing: start from the first checkpoint you trust.",
            )
        return self.tree.consistency_proof(old, new)

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise LedgerError(f"tree size {size} is beyond the log's {self.size} entries")

    # -- checkpoints ---------------------------------------------------------------------------
    @property
    def verifier(self) -> NoteVerifier:
        return NoteVerifier.from_vkey(self.signer.vkey)

    def checkpoint(self) -> str:
        """The latest signed checkpoint note (with any cosignatures stored beside it)."""
        return (self.directory / "checkpoint").read_text(encoding="utf-8")

    def _read_checkpoint(self) -> Checkpoint | None:
        path = self.directory / "checkpoint"
        if not path.exists():
            return None
        try:
            return open_checkpoint(path.read_text(encoding="utf-8"), self.verifier, self.origin)
        except CheckpointError:
            return None

    def _write_checkpoint(self) -> None:
        cp = Checkpoint(origin=self.origin, size=self.size, root=self.root(), extensions=())
        note = sign_checkpoint(cp, self.signer)
        # Not fsync'd: the checkpoint is derived. After a crash, opening re-signs one for the
        # durable log, which only ever extends what any earlier checkpoint committed to.
        atomic_write(self.directory / "checkpoint", note.encode("utf-8"), durable=False)

    # -- appending -----------------------------------------------------------------------------
    def append(self, entries: Sequence[Entry | bytes]) -> int:
        """Verify and append a batch, all or nothing; returns the first new index.

        On return the batch is durable (one fsync for the whole batch) and a new checkpoint
        covering it is signed.
        """
        leaves = [e.leaf if isinstance(e, Entry) else bytes(e) for e in entries]
        if not leaves:
            return self.size
        return self._commit(leaves, start_check(leaves, self.keys))

    def append_batches(self, batches: Iterable[Sequence[bytes]]) -> int:
        """Append many batches (a bulk import), each all or nothing; returns how many entries.

        Pipelined: the workers verify batch k+1 while this process writes batch k. A batch that
        fails raises; the batches before it stay appended.
        """
        count = 0
        pending: tuple[list[bytes], PendingCheck] | None = None
        ahead = dict(self.keys)  # keys registered in batches submitted so far
        for batch in batches:
            leaves = [bytes(leaf) for leaf in batch]
            if not leaves:
                continue
            upcoming = (leaves, start_check(leaves, ahead))
            for author, key in registrations_in(leaves).items():
                ahead.setdefault(author, key)
            if pending is not None:
                self._commit(*pending)
                count += len(pending[0])
            pending = upcoming
        if pending is not None:
            self._commit(*pending)
            count += len(pending[0])
        return count

    def _commit(self, leaves: list[bytes], check: PendingCheck) -> int:
        checked = check.result()
        chains = Chains(self.origin, dict(self.heads), dict(self.keys))
        for i, (leaf, c) in enumerate(zip(leaves, checked, strict=True)):
            checked[i] = chains.accept(leaf, c, f"entry {i} of the batch", i)
        first = self.entries.append(leaves)
        self.tree.append_leaf_hashes([c.hash for c in checked])
        self.tree.flush(fsync=False)
        self.heads, self.keys = chains.heads, chains.keys
        # state.json is derived (replayed from its recorded size on open): save it now and
        # then, not on every append.
        if self.size - self._state_size >= 4096 or time.monotonic() - self._saved_at > 2:
            self._save_state()
        self._write_checkpoint()
        return first

    def next_position(self, author: str) -> tuple[int, str | None]:
        """The seq and prev an author's next entry must carry."""
        head = self.heads.get(author)
        return (1, None) if head is None else (head.seq + 1, head.hash)
