"""A party's own full copy of the log, which it verifies entry by entry and then cosigns.

A mirror is a data directory laid out like the log's own (so the same tools read it)::

    mirror.json                    source, the log's verifier key, origin, witness name, policy
    keys/witness.key               this party's witness key (0600): cosigns verified checkpoints
    ledger/entries.log, .idx       the leaves (storage.EntryLog)
    ledger/tree/level-NN.bin       every complete subtree hash (merkle.TreeStore)
    ledger/checkpoint              the last checkpoint this mirror verified, with its cosignature
    ledger/checkpoints/<size>      every verified checkpoint, with the cosignatures collected
    ledger/state.json              each author's chain head and key, as of a size (derived)
    conflicts/                     evidence saved when the log was caught misbehaving

:meth:`Mirror.sync` fetches the log's C2SP tlog-tiles (:mod:`truce.ledger.tiles`) and accepts a
new checkpoint only if all of this holds, in this order, refusing with the reason otherwise:

1. the checkpoint carries a valid signature by the pinned log key, its origin is the log's, and it
   has no extension lines this mirror does not understand (by default: none);
2. it does not shrink, and at the same size it has the same root (else: a split view);
3. the hash tiles hash up to its signed root (else: a corrupt tile), and the RFC 9162 consistency
   proof from the last verified checkpoint, computed from those tiles, verifies (else: history was
   rewritten; the first rewritten entry is located and the evidence saved);
4. every new entry parses, its Ed25519 signature verifies under its author's key (registered by a
   ``party.registered`` entry in the log itself), and it continues its author's chain
   (:func:`truce.ledger.sync.fetch_entries`, on every core);
5. the tree recomputed over the stored and the fetched leaves has the checkpoint's root.

Only then are the entries made durable and the checkpoint, cosigned with the witness key
(C2SP tlog-cosignature), written: the checkpoint file is the commit point. Entries beyond the
stored checkpoint's size are never trusted; opening the mirror drops them. The mirror's state is
never advanced past what it verified.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from truce.errors import (
    CheckpointError,
    ConfigError,
    ConflictError,
    LedgerError,
    ProofError,
    StorageError,
)
from truce.ledger.batch import (
    REGISTRATION_KIND,
    ROTATION_KIND,
    recovery_key,
    recovery_slot,
)
from truce.ledger.chain import AuthorHead, Chains
from truce.ledger.cosign import CheckpointArchive
from truce.ledger.entry import Entry
from truce.ledger.files import atomic_write
from truce.ledger.keys import SigningKey
from truce.ledger.merkle import Hash, TreeStore, leaf_hash, verify_consistency
from truce.ledger.note import Checkpoint, Note, NoteVerifier, open_checkpoint
from truce.ledger.policy import Policy, PolicyResult
from truce.ledger.storage import EntryLog, ShortLogError
from truce.ledger.sync import fetch_entries, first_difference
from truce.ledger.tiles import TileReader, TileSource, TilesWritten, write_tiles
from truce.ledger.verify import verify_stored
from truce.ledger.witness import (
    DEFAULT_MAX_SKEW,
    Cosignature,
    CosignatureSigner,
    CosignatureVerifier,
    format_timestamp,
    merge_signatures,
    verify_cosignatures,
)

__all__ = [
    "MIRROR_FILE",
    "Mirror",
    "MirrorConfig",
    "MirrorVerified",
    "SyncResult",
    "is_mirror",
]

MIRROR_FILE = "mirror.json"
_FORMAT = "truce-mirror/v1"
#: Verification chunk size for a full re-verification.


def is_mirror(home: Path) -> bool:
    """Whether ``home`` is a mirror's data directory."""
    return (home / MIRROR_FILE).is_file()


@dataclass(frozen=True)
class MirrorConfig:
    source: str
    log_vkey: str
    origin: str
    witness_name: str
    policy: dict[str, Any] | None = None
    extensions: tuple[str, ...] = ()  # prefixes of checkpoint extension lines understood

    def to_json(self) -> str:
        data = {
            "format": _FORMAT,
            "source": self.source,
            "log_vkey": self.log_vkey,
            "origin": self.origin,
            "witness_name": self.witness_name,
            "policy": self.policy,
            "extensions": list(self.extensions),
        }
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> MirrorConfig:
        try:
            data = json.loads(text)
            if data.get("format") != _FORMAT:
                raise ValueError(f"format is {data.get('format')!r}, not {_FORMAT!r}")
            return cls(
                source=str(data["source"]),
                log_vkey=str(data["log_vkey"]),
                origin=str(data["origin"]),
                witness_name=str(data["witness_name"]),
                policy=data.get("policy"),
                extensions=tuple(data.get("extensions") or ()),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{where} is not a valid mirror configuration: {exc}") from None


@dataclass(frozen=True)
class SyncResult:
    previous_size: int
    size: int
    checkpoint: Checkpoint
    note: str  # the stored checkpoint, with this mirror's cosignature
    cosignature: Cosignature | None
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def fetched(self) -> int:
        return self.size - self.previous_size


@dataclass(frozen=True)
class MirrorVerified:
    size: int
    authors: int
    checkpoint: Checkpoint
    policy: PolicyResult | None = None


def _log_verifier(vkey: str) -> NoteVerifier:
    """The log's note key from a vkey string; a witness key given by mistake is named as such."""
    try:
        return NoteVerifier.from_vkey(vkey.strip())
    except CheckpointError as exc:
        try:
            CosignatureVerifier.from_vkey(vkey.strip())
        except CheckpointError:
            raise exc from None
        raise CheckpointError(
            "the key given for the log is a witness key (cosignature/v1, type 0x04)",
            hint="Give the log's verifier key: the operator prints it with 'truce ledger vkey'.",
        ) from None


class Mirror:
    """An open mirror. One process at a time syncs it (a lock file enforces that)."""

    def __init__(self, home: Path, config: MirrorConfig) -> None:
        """Use :meth:`init` or :meth:`open`."""
        self.home = home
        self.config = config
        self.log_verifier = NoteVerifier.from_vkey(config.log_vkey)
        self.origin = config.origin
        self.policy = Policy.from_dict(config.policy, "mirror policy") if config.policy else None
        self.directory = home / "ledger"
        self.witness = CosignatureSigner(
            config.witness_name, SigningKey.load(home / "keys" / "witness.key")
        )
        self.archive = CheckpointArchive(self.directory / "checkpoints")
        # Never let opening cut entries this mirror verified and cosigned (its checkpoint).
        floor = max([self.checkpoint().size, *self.archive.sizes()])
        try:
            self.entries = EntryLog(self.directory, floor=floor)
        except ShortLogError as exc:
            raise StorageError(
                f"the mirror's checkpoint covers {floor} entries but only {exc.intact} are "
                "stored intact. Nothing was changed.",
                hint="The mirror's disk lost data: make a new mirror with 'truce mirror init'.",
                index=exc.intact,
            ) from None
        try:
            self.tree = TreeStore.open(self.directory / "tree")
        except BaseException:
            self.entries.close()
            raise
        self.heads: dict[str, AuthorHead] = {}
        self.keys: dict[str, bytes] = {}
        try:
            self._repair()
        except BaseException:
            self.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------------
    @classmethod
    def init(
        cls,
        home: Path,
        source: str,
        log_vkey: str | None = None,
        *,
        witness_name: str | None = None,
        policy: Policy | None = None,
    ) -> Mirror:
        """Create a mirror of the log at ``source`` (a tiles directory or URL).

        The log's key comes from ``log_vkey`` or the policy; the source's checkpoint must verify
        under it before anything is written. A fresh witness key is created.
        """
        if (home / "ledger" / "log.key").exists():
            raise ConflictError(
                f"{home} holds a log, not a mirror", hint="Choose another --home for the mirror."
            )
        if is_mirror(home):
            raise ConflictError(
                f"{home} is already a mirror",
                hint="Run 'truce mirror sync' to bring it up to date.",
            )
        if log_vkey is None:
            if policy is None:
                raise ConfigError(
                    "the log's verifier key is needed", hint="Pass --vkey or --policy."
                )
            verifier = policy.log
        else:
            verifier = _log_verifier(log_vkey)
            if policy is not None and policy.log != verifier:
                raise ConflictError("--vkey and the policy's log key differ")
        tiles = TileSource.open(source)
        try:
            note = tiles.fetch("checkpoint")
        finally:
            tiles.close()
        try:
            checkpoint = open_checkpoint(note, verifier)
        except CheckpointError as exc:
            raise CheckpointError(
                f"the checkpoint at {tiles} does not verify with the log key "
                f"{verifier.name}+{verifier.key_hash:08x}: {exc}",
                hint="Check the verifier key (the log operator prints it with 'truce ledger "
                "vkey') and the source URL. Nothing was created.",
            ) from None
        name = witness_name or f"{socket.gethostname().split('.')[0] or 'party'}.witness"
        config = MirrorConfig(
            source=str(source) if "://" in str(source) else str(Path(source).absolute()),
            log_vkey=verifier.vkey,
            origin=checkpoint.origin,
            witness_name=name,
            policy=policy.to_dict() if policy is not None else None,
        )
        witness_key = SigningKey.generate()
        CosignatureSigner(name, witness_key)  # validates the name before anything is written
        (home / "keys").mkdir(parents=True, mode=0o700, exist_ok=True)
        (home / "ledger").mkdir(parents=True, exist_ok=True)
        witness_key.save(home / "keys" / "witness.key")
        (home / "ledger" / "origin").write_text(checkpoint.origin + "\n", encoding="utf-8")
        atomic_write(home / MIRROR_FILE, config.to_json().encode())
        return cls(home, config)

    @classmethod
    def open(cls, home: Path) -> Mirror:
        path = home / MIRROR_FILE
        if not path.is_file():
            raise ConfigError(
                f"{home} is not a mirror", hint="Create one with 'truce mirror init --from URL'."
            )
        return cls(home, MirrorConfig.from_json(path.read_text(encoding="utf-8"), str(path)))

    def set_policy(self, policy: Policy) -> None:
        """Adopt a witness policy (its log key must be the one this mirror pins)."""
        if policy.log != self.log_verifier:
            raise ConflictError(
                f"the policy's log key {policy.log.vkey} is not the key this mirror pins "
                f"({self.log_verifier.vkey})",
                hint="A mirror follows one log; make a new mirror for another.",
            )
        config = replace(self.config, policy=policy.to_dict())
        atomic_write(self.home / MIRROR_FILE, config.to_json().encode())
        self.config, self.policy = config, policy

    def close(self) -> None:
        self.entries.close()
        self.tree.close()

    def __enter__(self) -> Mirror:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _repair(self) -> None:
        """Drop anything beyond the last verified checkpoint; rebuild derived state."""
        size = self.checkpoint().size
        if self.entries.size < size:
            raise StorageError(
                f"the mirror's checkpoint covers {size} entries but only {self.entries.size} are "
                "stored",
                hint="The mirror's disk lost data: make a new mirror with 'truce mirror init'.",
                index=self.entries.size,
            )
        if self.entries.size > size:
            self.entries.truncate(size)  # fetched but never verified in full: not ours yet
        if self.tree.size > size:
            self.tree.truncate(size)
        if self.tree.size < size:
            missing = [leaf_hash(leaf) for _, leaf in self.entries.iter(self.tree.size, size)]
            self.tree.append_leaf_hashes(missing)
        self.tree.flush()
        self._load_state(size)

    def _load_state(self, size: int) -> None:
        path = self.directory / "state.json"
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            if state["size"] == size:
                self.heads = {a: AuthorHead(h[0], h[1]) for a, h in state["heads"].items()}
                self.keys = {a: base64.b64decode(k) for a, k in state["keys"].items()}
                return
        except (OSError, ValueError, KeyError, TypeError):
            pass
        # Derived data: replay the stored (already verified) entries.
        self.heads, self.keys = {}, {}
        for _, leaf in self.entries.iter(0, size):
            entry = Entry.from_leaf(leaf)
            self.heads[entry.author] = AuthorHead(entry.seq, entry.hash.hex())
            registers = entry.kind == REGISTRATION_KIND and entry.seq == 1
            if registers or entry.kind == ROTATION_KIND:  # the party's key from here on
                self.keys[entry.author] = base64.b64decode(str(entry.body["public_key"]))
                if (recovery := recovery_key(entry)) is not None:
                    self.keys[recovery_slot(entry.author)] = recovery
        self._save_state(size)

    def _save_state(self, size: int) -> None:
        state = {
            "size": size,
            "heads": {a: [h.seq, h.hash] for a, h in sorted(self.heads.items())},
            "keys": {a: base64.b64encode(k).decode() for a, k in sorted(self.keys.items())},
        }
        atomic_write(self.directory / "state.json", json.dumps(state).encode())

    # -- reading ---------------------------------------------------------------------------------
    def checkpoint_note(self) -> str | None:
        """The last verified checkpoint, with the cosignatures kept for it (None before a sync)."""
        path = self.directory / "checkpoint"
        return path.read_text(encoding="utf-8") if path.exists() else None

    def checkpoint(self) -> Checkpoint:
        """The last verified checkpoint (size 0 and the empty root before the first sync)."""
        note = self.checkpoint_note()
        if note is None:
            from truce.ledger.merkle import EMPTY_ROOT

            return Checkpoint(self.origin, 0, EMPTY_ROOT)
        return open_checkpoint(note, self.log_verifier, self.origin)

    @property
    def size(self) -> int:
        return self.checkpoint().size

    def leaf(self, index: int) -> bytes:
        if not 0 <= index < self.entries.size:
            raise LedgerError(f"entry {index} does not exist; the mirror has {self.entries.size}")
        return self.entries.read(index)

    def inclusion_proof(self, index: int, size: int) -> list[Hash]:
        return self.tree.inclusion_proof(index, size)

    def checkpoint_notes(self) -> list[str]:
        """Every verified checkpoint held, newest first."""
        notes = [n for n in (self.archive.get(s) for s in reversed(self.archive.sizes())) if n]
        current = self.checkpoint_note()
        if current is not None and current not in notes:
            notes.insert(0, current)
        return notes

    def _last_cosigned(self) -> int | None:
        """The time of this witness's latest cosignature (its clock must not go back past it)."""
        note = self.checkpoint_note()
        if note is None:
            return None
        found = verify_cosignatures(Note.parse(note), [self.witness.verifier], max_skew=None)
        return found[0].timestamp if found else None

    # -- syncing ---------------------------------------------------------------------------------
    def sync(
        self,
        *,
        now: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        parallel: bool | None = None,
    ) -> SyncResult:
        """Fetch, verify and store what the log added since the last sync; then cosign.

        ``now`` overrides the clock (POSIX seconds). Raises, leaving the mirror as it was, on
        anything that does not verify.
        """
        started = time.perf_counter()
        lock_fd = os.open(self.home / "mirror.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ConflictError(
                    f"another 'truce mirror sync' is running on {self.home}",
                    hint="Wait for it to finish.",
                ) from None
            clock = int(time.time()) if now is None else now
            self._check_clock(clock)
            source = TileSource.open(self.config.source)
            try:
                result = self._sync(source, clock, progress, parallel)
            finally:
                source.close()
        finally:
            os.close(lock_fd)
        return replace(result, seconds=time.perf_counter() - started)

    def _check_clock(self, clock: int) -> None:
        last = self._last_cosigned()
        if last is not None and clock < last - DEFAULT_MAX_SKEW:
            raise CheckpointError(
                f"this machine's clock reads {format_timestamp(clock)}, {last - clock} s before "
                f"this witness's last cosignature ({format_timestamp(last)}); refusing to sync "
                "and cosign with a clock that went back",
                hint="Fix the clock (check NTP), then sync again. Nothing was fetched.",
            )

    def _open_served(self, note_bytes: bytes, source: TileSource) -> tuple[Checkpoint, Note]:
        try:
            checkpoint = open_checkpoint(note_bytes, self.log_verifier, self.origin)
        except CheckpointError as exc:
            raise CheckpointError(
                f"the checkpoint served at {source}/checkpoint is refused: {exc}",
                hint="Either the log key pinned in mirror.json is wrong or the checkpoint was "
                "altered. The mirror stays at its last verified checkpoint.",
            ) from None
        for number, line in enumerate(checkpoint.extensions, 4):
            if not line.startswith(self.config.extensions) or not self.config.extensions:
                raise CheckpointError(
                    f"the checkpoint served at {source}/checkpoint has an unknown extension "
                    f"line {number}: {line!r}; this mirror does not know what it asserts and "
                    "cannot check it",
                    hint="Extension lines are not auditable (c2sp.org/tlog-checkpoint). Ask the "
                    "operator why it was added. The mirror stays at its last verified checkpoint.",
                )
        return checkpoint, Note.parse(note_bytes)

    def _sync(
        self,
        source: TileSource,
        clock: int,
        progress: Callable[[int, int], None] | None,
        parallel: bool | None,
    ) -> SyncResult:
        old = self.checkpoint()
        old_note = self.checkpoint_note()
        served = source.fetch("checkpoint")
        new, note = self._open_served(served, source)
        warnings: list[str] = []
        if new.size < old.size:
            derived = self.tree.root(new.size) if new.size else None
            if derived is not None and derived != new.root:
                proof = self.tree.consistency_proof(new.size, old.size)
                text = f"the log rolled back to a different tree of {new.size} entries"
                path = self._save_conflict(note.to_text(), old_note or "", derived, proof, text)
                raise ProofError(
                    f"split view: the log now serves a checkpoint of {new.size} entries that is "
                    f"not a prefix of the {old.size} entries verified here (evidence: {path})",
                    hint="Keep the evidence; the mirror stays at its last verified checkpoint.",
                )
            raise ConflictError(
                f"the log's checkpoint shrank from {old.size} to {new.size} entries: a log never "
                "loses entries (a rollback, or a stale copy of the log is being served)",
                hint="The mirror stays at its last verified checkpoint; sync again later, and "
                "compare with the other party ('truce mirror compare').",
            )
        if new.size == old.size and new.root != old.root:
            text = f"the log signed two different trees of size {new.size}"
            path = self._save_conflict(old_note or "", note.to_text(), None, None, text)
            raise ProofError(
                f"split view: {text} (evidence: {path})",
                hint="Keep the evidence; the mirror stays at its last verified checkpoint.",
            )
        reader = TileReader(source, new)
        if new.size > old.size:
            reader.verify_root()
            if old.size > 0:
                self._check_consistency(reader, old, new, old_note, note)
            self._fetch_entries(reader, old.size, new.size, progress, parallel)
        try:
            stored, cosig = self._cosign(note, old, new, old_note, clock, warnings)
            if new.size > old.size:
                self._save_state(new.size)
            # The commit point: from here on the new entries are the mirror's verified state.
            atomic_write(self.directory / "checkpoint", stored.to_text().encode())
        except BaseException:
            self._roll_back(old.size)
            raise
        self.archive.put(stored)
        return SyncResult(old.size, new.size, new, stored.to_text(), cosig, tuple(warnings))

    def _roll_back(self, size: int) -> None:
        """Forget everything beyond ``size`` (fetched and verified, but never committed)."""
        self.entries.truncate(size)
        self.tree.truncate(size)
        self.tree.flush()
        self._load_state(size)

    def _cosign(
        self,
        note: Note,
        old: Checkpoint,
        new: Checkpoint,
        old_note: str | None,
        clock: int,
        warnings: list[str],
    ) -> tuple[Note, Cosignature]:
        """The note to store: the log's signature, the known witnesses' valid cosignatures, any
        held for the same checkpoint, and this witness's own (made now unless already there)."""
        kept = [s for s in note.signatures if self._is_log_line(s)]
        if self.policy is not None:
            for sig in note.signatures:
                for witness in self.policy.verifiers:
                    if witness.matches(sig) and witness != self.witness.verifier:
                        try:
                            valid = witness.verify(
                                note.text, sig, now=clock, max_skew=self.policy.max_skew
                            )
                            kept.append(valid.signature)
                        except CheckpointError as exc:
                            warnings.append(f"ignored a cosignature: {exc}")
        held = [] if old_note is None or new.size != old.size else Note.parse(old_note).signatures
        mine = verify_cosignatures(Note(note.text, held), [self.witness.verifier], max_skew=None)
        if mine:
            cosig = mine[0]
        else:
            last = self._last_cosigned() or 0
            signature = self.witness.cosign(note.text, max(clock, last))
            cosig = self.witness.verifier.verify(note.text, signature, max_skew=None)
        return merge_signatures(Note(note.text, [*held, *kept]), [cosig.signature]), cosig

    def _is_log_line(self, sig: Any) -> bool:
        v = self.log_verifier
        return bool(sig.name == v.name and sig.key_hash == v.key_hash)

    def _check_consistency(
        self, reader: TileReader, old: Checkpoint, new: Checkpoint, old_note: str | None, note: Note
    ) -> None:
        """The RFC 9162 proof from the old checkpoint to the new one, computed from the tiles.

        The proof and the old root derived from the same tiles are first checked against the new
        signed root alone: if that fails, the tiles are corrupt (the log's own data contradicts
        its signature). If it holds, the tiles are the signed tree's, and a derived old root that
        differs from the one verified here proves the history was rewritten.
        """
        proof = reader.consistency_proof(old.size)
        derived = reader.root(old.size)
        try:
            verify_consistency(old.size, new.size, derived, new.root, proof)
        except ProofError as exc:
            raise ProofError(
                f"the hash tiles at {reader.source} are corrupt: the consistency proof from size "
                f"{old.size} computed from them does not reach the signed root ({exc})",
                hint="Nothing was stored. Tell the log operator; try again later.",
            ) from None
        if derived == old.root:
            verify_consistency(old.size, new.size, old.root, new.root, proof)
            return
        index = first_difference(self.tree.node, reader.node, old.size)
        where = "" if index is None else f"; entry {index} differs from the copy verified here"
        text = f"the log rewrote its history from entry {index} on"
        path = self._save_conflict(old_note or "", note.to_text(), derived, proof, text)
        raise ProofError(
            f"the log rewrote its history: the checkpoint of size {new.size} does not extend "
            f"the one of size {old.size} this mirror verified{where} (evidence: {path})",
            hint="The mirror stays at its last verified checkpoint and will not cosign. Show the "
            "evidence to the other parties ('truce mirror compare').",
            index=index,
        )

    def _save_conflict(
        self,
        smaller: str,
        larger: str,
        derived: Hash | None,
        proof: list[Hash] | None,
        explanation: str,
    ) -> Path:
        """Save a ``truce-split-view/v1`` proof (checkable offline) under ``conflicts/``."""
        from truce.ledger.gossip import split_view_evidence  # gossip builds on this module

        log = self.log_verifier
        record = split_view_evidence(log, smaller, larger, derived, proof, explanation)
        record["source"] = self.config.source
        record["detected"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        directory = self.home / "conflicts"
        directory.mkdir(exist_ok=True)
        path = directory / f"{stamp}-split-view.json"
        atomic_write(path, (json.dumps(record, indent=2) + "\n").encode())
        return path

    def _fetch_entries(
        self,
        reader: TileReader,
        start: int,
        stop: int,
        progress: Callable[[int, int], None] | None,
        parallel: bool | None,
    ) -> None:
        """Fetch, verify and append entries ``[start, stop)`` (:func:`sync.fetch_entries`)."""
        chains = Chains(self.origin, dict(self.heads), dict(self.keys))
        fetch_entries(
            reader,
            start,
            stop,
            entries=self.entries,
            tree=self.tree,
            chains=chains,
            progress=progress,
            parallel=parallel,
        )
        self.heads, self.keys = chains.heads, chains.keys

    # -- verifying what is stored ----------------------------------------------------------------
    def verify(
        self,
        *,
        policy: Policy | None = None,
        now: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> MirrorVerified:
        """Re-check everything stored, as ``truce ledger verify`` does for the log itself."""
        note = self.checkpoint_note()
        if note is None:
            raise CheckpointError(
                "this mirror has not synced yet", hint="Run 'truce mirror sync' first."
            )
        checkpoint = open_checkpoint(note, self.log_verifier, self.origin)
        size = self.entries.size
        if size != checkpoint.size:
            raise StorageError(
                f"the mirror stores {size} entries; its checkpoint covers {checkpoint.size}",
                index=min(size, checkpoint.size),
            )
        authors = verify_stored(
            self.entries,
            self.tree,
            self.origin,
            checkpoint,
            progress=progress,
            hint="The mirror's files were altered: make a new mirror and compare.",
        )
        result = None
        if policy is not None:
            result = policy.best(self.checkpoint_notes(), origin=self.origin, now=now)
        return MirrorVerified(size, authors, checkpoint, result)

    def write_tiles(self, out: Path) -> TilesWritten:
        """Publish this mirror's verified copy as tlog-tiles (others may sync or compare)."""
        note = self.checkpoint_note()
        if note is None:
            raise CheckpointError("this mirror has not synced yet; nothing to publish")
        return write_tiles(
            out,
            tree=self.tree,
            entries=self.entries,
            checkpoint_note=note,
            verifier=self.log_verifier,
            origin=self.origin,
        )
