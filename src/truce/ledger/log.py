"""The ledger: the sequencer that appends signed entries to the log and signs checkpoints.

One directory holds it all::

    entries.log, entries.idx   the leaves, append-only (storage.EntryLog)
    tree/level-NN.bin          every complete subtree hash (merkle.TreeStore)
    state.json                 each author's chain head and key, as of a log size (derived)
    checkpoint                 the latest checkpoint, a C2SP signed note
    log.key                    the log operator's note-signing key (0600)

Everything but ``entries.log`` and ``log.key`` is derived and repaired on open — never by
shrinking the log or signing over what was not verified (see :class:`Ledger`). An entry is
accepted only if its origin is this log's, its author is known (or it is the author's own
self-signed ``party.registered`` entry), its Ed25519 signature verifies with the pinned
implementation, and it continues its author's chain (seq + 1, prev = hash of the last one).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from truce.errors import (
    CheckpointError,
    ConfigError,
    ConflictError,
    LedgerError,
    StorageError,
    TruceError,
)
from truce.ledger.batch import PendingCheck, advance_keys, start_check
from truce.ledger.chain import AuthorHead, Chains
from truce.ledger.entry import Entry
from truce.ledger.files import atomic_write
from truce.ledger.keys import SigningKey, VerifyKey
from truce.ledger.merkle import Hash, TreeStore, leaf_hash
from truce.ledger.note import Checkpoint, NoteSigner, NoteVerifier, open_checkpoint, sign_checkpoint
from truce.ledger.replay import replay
from truce.ledger.storage import EntryLog, ShortLogError

__all__ = ["AuthorHead", "Ledger"]

#: What the log's key signs in ``state.json`` (never a note or an entry: another context).
_STATE_CONTEXT = b"truce/ledger-state/v1\n"


@dataclass(frozen=True)
class _State:
    size: int
    root: bytes
    heads: dict[str, AuthorHead]
    keys: dict[str, bytes]


class Ledger:
    """An open log. Not thread-safe: one sequencer appends; use one Ledger per process.

    Opening never shrinks the log and never signs what it has not verified:

    * the *floor* is the largest tree size the log has signed (its checkpoint, the cosigned
      checkpoints it holds under ``checkpoints/``, and its signed ``state.json``); a store that
      no longer holds that many intact entries is refused, naming the first missing index, and
      nothing is written;
    * the stored tree must give each of those checkpoints' roots at its size;
    * every entry past the verified prefix recorded in ``state.json`` (signed with the log's key
      and bound to the tree's root at its size) has its signature, author key and chain checked
      before the log serves, projects or covers it with a new checkpoint;
    * a new checkpoint is signed only for a larger tree than any signed before.
    """

    def __init__(self, directory: Path, origin: str, signer: NoteSigner) -> None:
        self.directory = directory
        self.origin = origin
        self.signer = signer
        self.heads: dict[str, AuthorHead] = {}
        self.keys: dict[str, bytes] = {}
        self._state_size = 0
        self._saved_at = 0.0
        self._verified = False  # heads and keys cover every stored entry, all checked
        self._follower_note: str | None = None
        #: Static tlog-tiles kept up to date on every append (:meth:`publish_tiles`), and why
        #: the last write of them failed, if it did.
        self.tiles_dir: Path | None = None
        self.tiles_error: str | None = None
        #: What opening had to repair (derived files rebuilt, a torn unacknowledged tail cut).
        self.repairs: list[str] = []
        signed = self._signed_checkpoints()
        state = self._read_state()
        floor = max([cp.size for _, cp in signed] + [state.size if state else 0], default=0)
        self.tree = TreeStore.open(directory / "tree")
        try:
            try:
                self.entries = EntryLog(directory, floor=floor)
            except ShortLogError as exc:
                raise self._short_log(exc, signed, state) from None
            self._open(signed, state)
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

    @classmethod
    def follower(cls, directory: Path) -> Ledger:
        """A read-only view of a log another process writes (a server), as of its checkpoint.

        Nothing is repaired, written or signed; the view holds the entries and tree of the
        latest checkpoint the writer signed, and refuses to append.
        """
        key_path = directory / "log.key"
        if not key_path.exists():
            raise ConfigError(f"no ledger in {directory}", hint="Run 'truce init' first.")
        self = cls.__new__(cls)
        self.directory = directory
        self.origin = (directory / "origin").read_text(encoding="utf-8").strip()
        self.signer = NoteSigner(self.origin, SigningKey.load(key_path))
        self.heads, self.keys = {}, {}
        self._state_size, self._saved_at, self._verified = 0, 0.0, False
        self.repairs = []
        note = (directory / "checkpoint").read_text(encoding="utf-8")
        cp = open_checkpoint(note, self.verifier, self.origin)
        self._follower_note = note
        self.tree = TreeStore.reader(directory / "tree", cp.size)
        try:
            self.entries = EntryLog.follower(directory)
            self.entries.follow(cp.size)
            if self.tree.root(cp.size) != cp.root:
                raise CheckpointError(
                    f"{directory}: the stored tree does not give the checkpoint's root",
                    hint="Run 'truce ledger verify' once the writer has stopped.",
                )
            self._follow_chains(cp.size)
        except BaseException:
            self.close()
            raise
        return self

    def _follow_chains(self, size: int) -> None:
        """Each author's head and key as of ``size`` (a follower signs entries to hand to the
        writer, so it needs them): from the writer's signed ``state.json`` when it covers a
        prefix of this view, then the entries after it, checked as on open. Nothing is
        written."""
        state = self._read_state()
        start, chains = 0, Chains(self.origin)
        if state is not None and state.size <= size and self.tree.root(state.size) == state.root:
            start = state.size
            chains = Chains(self.origin, dict(state.heads), dict(state.keys))
        replay(self.entries, self.tree, chains, start, size)
        self.heads, self.keys = chains.heads, chains.keys

    @property
    def is_follower(self) -> bool:
        return getattr(self, "_follower_note", None) is not None

    def changed_on_disk(self) -> bool:
        """Whether another process appended since this one opened the log (then it must not)."""
        return os.stat(self.directory / "entries.log").st_size != self.entries.end

    def close(self) -> None:
        entries = getattr(self, "entries", None)
        if entries is not None:
            if self._verified and entries.size != self._state_size and entries.size > 0:
                self._save_state()
            entries.close()
        self.tree.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- opening -------------------------------------------------------------------------------
    def _signed_checkpoints(self) -> list[tuple[str, Checkpoint]]:
        """Every checkpoint of this log kept here that carries the log's valid signature."""
        found: list[tuple[str, Checkpoint]] = []
        paths = [self.directory / "checkpoint"]
        archive = self.directory / "checkpoints"
        if archive.is_dir():
            paths += sorted(p for p in archive.iterdir() if p.name.isdigit())
        for path in paths:
            if not path.is_file():
                continue
            try:
                cp = open_checkpoint(path.read_text(encoding="utf-8"), self.verifier, self.origin)
            except (CheckpointError, UnicodeDecodeError, OSError):
                self.repairs.append(f"ignored {path.name}: not a checkpoint signed by this log")
                continue
            found.append((str(path.relative_to(self.directory)), cp))
        return found

    def _short_log(
        self, exc: ShortLogError, signed: list[tuple[str, Checkpoint]], state: _State | None
    ) -> StorageError:
        """The refusal of a log shorter than its floor, naming the first entry that differs."""
        first = exc.intact
        stored = self.tree.size
        for index, leaf in enumerate(EntryLog.scan(self.directory)):
            if index >= min(stored, exc.intact):
                break
            if self.tree.read_hashes(0, index, 1)[0] != leaf_hash(leaf):
                first = index
                break
        by = [name for name, cp in signed if cp.size > exc.intact]
        if state is not None and state.size > exc.intact:
            by.append("state.json")
        return StorageError(
            f"{self.directory}: entries from index {first} on are missing or damaged: the log "
            f"holds {exc.intact} intact entries, but it signed a tree of {exc.floor} "
            f"({', '.join(by)}). Nothing was changed.",
            index=first,
            hint="Restore ledger/entries.log from a party's mirror (its ledger/entries.log) and "
            "run 'truce ledger verify'; never re-sign a shorter log.",
        )

    def _open(self, signed: list[tuple[str, Checkpoint]], state: _State | None) -> None:
        size = self.entries.size
        if self.entries.repaired:
            self.repairs.append(self.entries.repaired)
        # The tree is derived: cut what no entry backs; hash what a signed checkpoint covers
        # (its root then checks those entries), the rest only once replay has checked them.
        if self.tree.size > size:
            self.tree.truncate(size)
            self.tree.flush()
        had = self.tree.size
        largest = max((cp.size for _, cp in signed), default=0)
        if had < largest:
            missing = [leaf_hash(leaf) for _, leaf in self.entries.iter(had, largest)]
            self.tree.append_leaf_hashes(missing)
            self.repairs.append(f"hashed {len(missing)} signed entries into the tree")
        for name, cp in signed:
            if self.tree.root(cp.size) != cp.root:
                self.tree.truncate(had)
                self.tree.flush()
                raise CheckpointError(
                    f"{self.directory}: the stored log's root at size {cp.size} is not the root "
                    f"of the checkpoint it signed for that size ({name}): the log was rewritten "
                    "or damaged. Nothing was changed.",
                    hint="Restore ledger/ from a party's mirror and run 'truce ledger verify'.",
                )
        start = 0
        chains = Chains(self.origin)
        if state is not None and state.size <= size:  # (larger is refused as below the floor)
            if self.tree.size < state.size:  # entries the log verified when it saved the state
                gap = [leaf_hash(leaf) for _, leaf in self.entries.iter(self.tree.size, state.size)]
                self.tree.append_leaf_hashes(gap)
            if self.tree.root(state.size) != state.root:
                self.tree.truncate(had)
                self.tree.flush()
                raise CheckpointError(
                    f"{self.directory}: the log's root at size {state.size} is not the one its "
                    "signed state.json records: the log was rewritten or damaged. Nothing was "
                    "changed.",
                    hint="Restore ledger/ from a party's mirror and run 'truce ledger verify'.",
                )
            start = state.size
            chains = Chains(self.origin, dict(state.heads), dict(state.keys))
        elif self.entries.size:
            self.repairs.append("state.json missing or stale: verified every entry")
        checked = replay(self.entries, self.tree, chains, start, size)
        if checked:
            self.tree.append_leaf_hashes(checked)
        self.tree.flush()
        self.heads, self.keys = chains.heads, chains.keys
        self._state_size = start
        if size != start:
            self._save_state()
        self._verified = True
        # size >= every signed size (the floor): a new checkpoint only ever extends them.
        own = self._read_checkpoint()
        if own is None or own.size != size:
            self._write_checkpoint()

    # -- state ---------------------------------------------------------------------------------
    def _state_message(self, fields: dict[str, Any]) -> bytes:
        return _STATE_CONTEXT + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def _read_state(self) -> _State | None:
        """The verified prefix recorded in ``state.json``, if its log signature verifies."""
        path = self.directory / "state.json"
        if not path.exists():
            return None
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            sig = base64.b64decode(state.pop("sig"), validate=True)
            self.signer.verifier.key.verify(self._state_message(state), sig)
            return _State(
                size=int(state["size"]),
                root=base64.b64decode(state["root"], validate=True),
                heads={a: AuthorHead(int(h[0]), str(h[1])) for a, h in state["heads"].items()},
                keys={a: base64.b64decode(k, validate=True) for a, k in state["keys"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError, LedgerError):
            self.repairs.append("ignored state.json: not signed by this log")
            return None

    def _save_state(self) -> None:
        size = self.entries.size
        fields = {
            "size": size,
            "root": base64.b64encode(self.tree.root(size)).decode(),
            "heads": {a: [h.seq, h.hash] for a, h in sorted(self.heads.items())},
            "keys": {a: base64.b64encode(k).decode() for a, k in sorted(self.keys.items())},
        }
        sig = self.signer.signing_key.sign(self._state_message(fields))
        fields["sig"] = base64.b64encode(sig).decode()
        atomic_write(self.directory / "state.json", json.dumps(fields).encode(), durable=False)
        self._state_size = size
        self._saved_at = time.monotonic()

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
        if self._follower_note is not None:
            return self._follower_note
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
        if self.is_follower:
            raise ConflictError(
                f"another process is writing to the ledger in {self.directory}",
                hint="Send the entry to its server's API instead.",
            )
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
            advance_keys(ahead, leaves)
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
        try:
            self.tree.append_leaf_hashes([c.hash for c in checked])
            self.tree.flush(fsync=False)
            self._write_checkpoint()  # from here on the batch is signed: it stays
        except OSError as exc:
            # Nothing of the batch was acknowledged or signed: take it back whole, so that
            # the log, the tree and the checkpoint agree again.
            with contextlib.suppress(OSError, LedgerError):
                self.tree.truncate(first)
                self.tree.flush(fsync=False)
                self.entries.truncate(first)
            raise StorageError(
                f"the disk refused the append ({exc.strerror or exc}): nothing was appended",
                hint="Free space on the disk or make it writable, then send the entries again.",
            ) from None
        self.heads, self.keys = chains.heads, chains.keys
        if self.tiles_dir is not None:
            self._write_tiles()
        # state.json is derived (replayed from its recorded size on open): save it now and
        # then, not on every append; a disk that refuses it only costs a longer replay.
        if self.size - self._state_size >= 4096 or time.monotonic() - self._saved_at > 2:
            with contextlib.suppress(OSError):
                self._save_state()
        return first

    def publish_tiles(self, directory: Path) -> None:
        """Keep the static tlog-tiles in ``directory`` for every checkpoint this log signs from
        now on (each append writes its partial tiles), starting with the current one."""
        from truce.ledger.tiles import publish

        publish(self, directory)
        self.tiles_dir = directory

    def _write_tiles(self) -> None:
        """After an append: its checkpoint's tiles. The batch is already signed and stays; a
        write that fails is reported and made good by the next one (or 'truce ledger tiles')."""
        from truce.ledger.tiles import publish

        assert self.tiles_dir is not None
        try:
            publish(self, self.tiles_dir, durable=False)
            self.tiles_error = None
        except (OSError, TruceError) as exc:
            self.tiles_error = f"tiles in {self.tiles_dir} not written at size {self.size}: {exc}"

    def next_position(self, author: str) -> tuple[int, str | None]:
        """The seq and prev an author's next entry must carry."""
        head = self.heads.get(author)
        return (1, None) if head is None else (head.seq + 1, head.hash)
