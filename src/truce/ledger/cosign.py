"""Collecting witness cosignatures, and keeping the cosigned checkpoints (log and mirrors alike).

The log does not sign cosignatures; it gathers them. A party's mirror cosigns a checkpoint after
verifying it (:mod:`truce.ledger.mirror`) and hands the cosigned note to the log
(``truce ledger cosign --add FILE``; an HTTP POST later). The log accepts the cosignature only if
the checkpoint is one it signed of its own history and the cosigner is a witness it was told
about (``ledger/witnesses``: one witness verifier key per line), then serves the checkpoint with
every cosignature it holds for it. Nothing here changes the log: cosignatures live beside it.

:class:`CheckpointArchive` is a directory of signed checkpoints, one file per tree size, each
with every signature line collected for it (``checkpoints/<size>``). A second, different
checkpoint for a size already held is refused: that is a split view, not a cosignature.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from truce.errors import CheckpointError, ConflictError
from truce.ledger.files import atomic_write
from truce.ledger.log import Ledger
from truce.ledger.note import Checkpoint, Note, NoteSignature, NoteVerifier, open_checkpoint
from truce.ledger.note import verify as verify_note
from truce.ledger.witness import (
    Cosignature,
    CosignatureVerifier,
    merge_signatures,
    split_signatures,
    verify_cosignatures,
)

__all__ = [
    "AddedCosignatures",
    "CheckpointArchive",
    "WitnessList",
    "add_cosignatures",
    "add_witness",
    "cosigned_checkpoint",
    "cosigned_sizes",
    "describe_signatures",
    "known_witnesses",
]


class CheckpointArchive:
    """Signed checkpoints by tree size, each with every signature collected for it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, size: int) -> Path:
        return self.directory / str(size)

    def sizes(self) -> list[int]:
        if not self.directory.is_dir():
            return []
        return sorted(int(p.name) for p in self.directory.iterdir() if p.name.isdigit())

    def get(self, size: int) -> str | None:
        path = self._path(size)
        return path.read_text(encoding="utf-8") if path.exists() else None

    def put(self, note: Note) -> Note:
        """Store ``note`` (already verified by the caller), merging with what is held for its
        size; returns the merged note. Refuses a different checkpoint text for the same size."""
        size = Checkpoint.parse(note.text).size
        held = self.get(size)
        if held is not None:
            old = Note.parse(held)
            if old.text != note.text:
                raise ConflictError(
                    f"two different checkpoints for tree size {size}: a split view",
                    hint="Keep both notes as evidence; compare them with 'truce mirror compare'.",
                )
            note = merge_signatures(old, note.signatures)
        self.directory.mkdir(parents=True, exist_ok=True)
        atomic_write(self._path(size), note.to_text().encode("utf-8"))
        return note


class WitnessList:
    """The witness keys a log accepts cosignatures from: ``ledger/witnesses``, one per line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[CosignatureVerifier]:
        if not self.path.exists():
            return []
        keys: list[CosignatureVerifier] = []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if line.strip() and not line.lstrip().startswith("#"):
                try:
                    keys.append(CosignatureVerifier.from_vkey(line.strip()))
                except CheckpointError as exc:
                    raise CheckpointError(f"{self.path} line {number}: {exc}") from None
        return keys

    def add(self, vkey: str) -> CosignatureVerifier:
        verifier = CosignatureVerifier.from_vkey(vkey)
        known = self.load()
        for other in known:
            if other == verifier:
                return verifier
            if other.name == verifier.name:
                raise ConflictError(
                    f"witness {verifier.name} is already known with another key",
                    hint=f"Edit {self.path} if the witness really changed its key.",
                )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(verifier.vkey + "\n")
        return verifier


@dataclass(frozen=True)
class AddedCosignatures:
    checkpoint: Checkpoint
    accepted: tuple[Cosignature, ...]
    ignored: tuple[str, ...]  # signature lines by keys this log does not know
    note: str  # the checkpoint as now served, with everything collected


def _archive(ledger: Ledger) -> CheckpointArchive:
    return CheckpointArchive(ledger.directory / "checkpoints")


def _witnesses(ledger: Ledger) -> WitnessList:
    return WitnessList(ledger.directory / "witnesses")


def add_cosignatures(
    ledger: Ledger, note_text: str, *, now: int | None = None
) -> AddedCosignatures:
    """Accept the cosignatures in ``note_text``: a checkpoint of this log, cosigned by witnesses.

    The checkpoint must carry the log's own valid signature and commit to this log's tree at its
    size; each cosignature by a known witness must verify and not be dated in the future; lines
    by unknown keys are reported and dropped. Raises, storing nothing, on any failure.
    """
    note = Note.parse(note_text)
    checkpoint = open_checkpoint(note_text, ledger.verifier, ledger.origin)
    if checkpoint.size > ledger.size:
        raise ConflictError(
            f"the checkpoint is for {checkpoint.size} entries; this log has only {ledger.size}"
        )
    if ledger.root(checkpoint.size) != checkpoint.root:
        raise ConflictError(
            f"the checkpoint's root is not this log's root at size {checkpoint.size}",
            hint="This checkpoint was not signed for this log's history: investigate the key.",
        )
    witnesses = _witnesses(ledger).load()
    accepted = verify_cosignatures(note, witnesses, now=now)
    log_lines, others = split_signatures(note, ledger.verifier)
    known = {(c.name, c.key_hash) for c in accepted}
    ignored = [f"{s.name}+{s.key_hash:08x}" for s in others if (s.name, s.key_hash) not in known]
    kept: list[NoteSignature] = [*log_lines[:1], *(c.signature for c in accepted)]
    merged = _archive(ledger).put(Note(note.text, kept))
    return AddedCosignatures(checkpoint, tuple(accepted), tuple(ignored), merged.to_text())


def cosigned_checkpoint(ledger: Ledger, size: int | None = None) -> str:
    """The checkpoint note of ``size`` (default: the latest) with every cosignature held for it.

    The latest checkpoint is always available (the log signs one per append); an older size is
    available only if it was cosigned.
    """
    current = ledger.checkpoint()
    current_cp = Checkpoint.parse(Note.parse(current).text)
    size = current_cp.size if size is None else size
    held = _archive(ledger).get(size)
    if size == current_cp.size:
        if held is None:
            return current
        return merge_signatures(Note.parse(current), Note.parse(held).signatures).to_text()
    if held is None:
        raise CheckpointError(
            f"no cosigned checkpoint of size {size} is held",
            hint="List the cosigned sizes with 'truce ledger checkpoint --list'.",
        )
    return held


def cosigned_sizes(ledger: Ledger) -> list[int]:
    """Tree sizes for which cosignatures are held."""
    return _archive(ledger).sizes()


def known_witnesses(ledger: Ledger) -> list[CosignatureVerifier]:
    return _witnesses(ledger).load()


def add_witness(ledger: Ledger, vkey: str) -> CosignatureVerifier:
    """Accept cosignatures from the witness with verifier key ``vkey`` from now on."""
    return _witnesses(ledger).add(vkey)


def describe_signatures(
    note_text: str,
    log: NoteVerifier,
    witnesses: list[CosignatureVerifier],
    *,
    now: int | None = None,
) -> list[dict[str, str]]:
    """One row per signature line: who, what kind, when, and whether it verified."""
    note = Note.parse(note_text)
    rows: list[dict[str, str]] = []
    for sig in note.signatures:
        row = {"name": sig.name, "key_id": f"{sig.key_hash:08x}", "kind": "unknown key"}
        if sig.name == log.name and sig.key_hash == log.key_hash:
            row["kind"] = "log"
            try:
                verify_note(Note(note.text, [sig]), [log])
                row["status"] = "ok"
            except CheckpointError as exc:
                row["status"] = f"BAD: {exc}"
        for witness in witnesses:
            if witness.matches(sig):
                row["kind"] = "cosignature/v1"
                try:
                    c = witness.verify(note.text, sig, now=now, max_skew=None)
                    row["time"] = c.time
                    row["status"] = "ok"
                except CheckpointError as exc:
                    row["status"] = f"BAD: {exc}"
        if row["kind"] == "unknown key":
            row["status"] = "not checked (unknown key)"
        rows.append(row)
    return rows
