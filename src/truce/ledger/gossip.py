"""Gossip: two parties compare the checkpoints they verified, and prove a split view if any.

A log that shows one history to one party and another to the other (a *split view*) signs two
checkpoints that no consistency proof can join. Each party's mirror only ever cosigns histories
that extend what it verified, so the two views stay apart; comparing them exposes the fork:

* same size: the roots must be equal;
* different sizes: the smaller tree must be a prefix of the larger. The party holding (or able to
  fetch) the larger tree computes the root it has at the smaller size and an RFC 9162
  consistency proof from there (:mod:`truce.ledger.merkle`).

If the roots differ, the two signed checkpoints and that proof are a self-contained, offline
proof of misbehaviour (``truce-split-view/v1``): both carry the log's valid signature, and the
proof shows the larger one commits to a different tree at the smaller size than the smaller one
does. :func:`verify_split_view` checks such a file with nothing but the log's key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from truce import jsonlimits
from truce.errors import CheckpointError, ConfigError, NotFoundError, ProofError, ValidationError
from truce.ledger.merkle import EMPTY_ROOT, Hash, verify_consistency
from truce.ledger.mirror import Mirror
from truce.ledger.note import Checkpoint, Note, NoteVerifier, open_checkpoint
from truce.ledger.tiles import TileReader, TileSource
from truce.ledger.witness import verify_cosignatures

__all__ = [
    "SPLIT_VIEW_FORMAT",
    "Comparison",
    "Seen",
    "compare",
    "split_view_evidence",
    "verify_split_view",
]

SPLIT_VIEW_FORMAT = "truce-split-view/v1"
Verdict = Literal["consistent", "split-view", "undecided"]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass(frozen=True)
class Seen:
    """One party's view: its signed checkpoint and who cosigned it (among known witnesses)."""

    note: str
    checkpoint: Checkpoint
    cosigners: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    verdict: Verdict
    ours: Seen
    theirs: Seen
    detail: str
    evidence: dict[str, Any] | None = None


def split_view_evidence(
    log: NoteVerifier,
    smaller: str,
    larger: str,
    derived: Hash | None,
    proof: list[Hash] | None,
    explanation: str,
) -> dict[str, Any]:
    """A ``truce-split-view/v1`` record: two log-signed checkpoints (smaller size first) and,
    for different sizes, the root the larger tree has at the smaller size with the proof."""
    small_cp = Checkpoint.parse(Note.parse(smaller).text)
    large_cp = Checkpoint.parse(Note.parse(larger).text)
    consistency = None
    if derived is not None and proof is not None:
        consistency = {
            "old_size": small_cp.size,
            "new_size": large_cp.size,
            "derived_old_root": _b64(derived),
            "proof": [_b64(h) for h in proof],
        }
    return {
        "format": SPLIT_VIEW_FORMAT,
        "log_vkey": log.vkey,
        "checkpoints": [smaller, larger],
        "consistency": consistency,
        "explanation": explanation,
    }


def _load_other(location: str) -> tuple[str, TileSource | None]:
    path = Path(location)
    if "://" not in location and path.is_file():
        return path.read_text(encoding="utf-8"), None
    source = TileSource.open(location)
    try:
        return source.fetch("checkpoint").decode("utf-8", errors="replace"), source
    except NotFoundError:
        source.close()
        raise ConfigError(
            f"{location} has no checkpoint",
            hint="Give the other party's checkpoint file, or their published tiles.",
        ) from None


def _seen(mirror: Mirror, note: str, who: str, now: int | None) -> Seen:
    try:
        checkpoint = open_checkpoint(note, mirror.log_verifier, mirror.origin)
    except CheckpointError as exc:
        raise CheckpointError(
            f"{who} checkpoint is refused ({exc}); only checkpoints signed by this log count",
            hint="Check that both mirrors follow the same log (truce mirror status).",
        ) from None
    witnesses = [mirror.witness.verifier, *(mirror.policy.verifiers if mirror.policy else [])]
    cosigs = verify_cosignatures(Note.parse(note), witnesses, now=now)
    return Seen(note, checkpoint, tuple(c.name for c in cosigs))


def compare(mirror: Mirror, other: str, *, now: int | None = None) -> Comparison:
    """Compare this mirror's verified checkpoint with another party's.

    ``other`` is a checkpoint note file (e.g. the other mirror's ``ledger/checkpoint``), or the
    other party's published tiles (directory or URL), which also supply a proof when their tree
    is the larger. With only a note of a larger tree, the log's own tiles are used to decide.
    """
    our_note = mirror.checkpoint_note()
    if our_note is None:
        raise CheckpointError("this mirror has not synced yet", hint="Run 'truce mirror sync'.")
    ours = _seen(mirror, our_note, "our", now)
    their_note, source = _load_other(other)
    try:
        theirs = _seen(mirror, their_note, "the other party's", now)
        return _compare(mirror, ours, theirs, source)
    finally:
        if source is not None:
            source.close()


def _compare(mirror: Mirror, ours: Seen, theirs: Seen, source: TileSource | None) -> Comparison:
    log = mirror.log_verifier
    a, b = ours.checkpoint, theirs.checkpoint
    if a.size == b.size:
        if a.root == b.root:
            return Comparison("consistent", ours, theirs, f"same tree of {a.size} entries")
        text = f"the log signed two different trees of the same size {a.size}"
        return Comparison(
            "split-view",
            ours,
            theirs,
            text,
            split_view_evidence(log, ours.note, theirs.note, None, None, text),
        )
    if b.size < a.size:
        # We hold the larger tree: what does it say at their size?
        derived = mirror.tree.root(b.size) if b.size else EMPTY_ROOT
        proof = mirror.tree.consistency_proof(b.size, a.size) if b.size else []
        return _judge(log, theirs, ours, derived, proof, ours, theirs)
    if source is not None:
        reader = TileReader(source, b)
        reader.verify_root()
        derived = reader.root(a.size) if a.size else EMPTY_ROOT
        proof = reader.consistency_proof(a.size) if a.size else []
        return _judge(log, ours, theirs, derived, proof, ours, theirs)
    return _via_log(mirror, ours, theirs)


def _judge(
    log: NoteVerifier,
    smaller: Seen,
    larger: Seen,
    derived: Hash,
    proof: list[Hash],
    ours: Seen,
    theirs: Seen,
) -> Comparison:
    s, big = smaller.checkpoint, larger.checkpoint
    if derived == s.root:
        if s.size:
            verify_consistency(s.size, big.size, s.root, big.root, proof)
        detail = f"the tree of {big.size} entries extends the tree of {s.size} (proof verified)"
        return Comparison("consistent", ours, theirs, detail)
    text = (
        f"the log's tree of {big.size} entries has a different root at size {s.size} than the "
        f"log's own checkpoint of size {s.size}: the two histories fork"
    )
    if s.size:
        verify_consistency(s.size, big.size, derived, big.root, proof)  # the proof is sound
    return Comparison(
        "split-view",
        ours,
        theirs,
        text,
        split_view_evidence(log, smaller.note, larger.note, derived, proof, text),
    )


def _via_log(mirror: Mirror, ours: Seen, theirs: Seen) -> Comparison:
    """Their tree is larger and we have only their note: ask the log's tiles for both sizes."""
    source = TileSource.open(mirror.config.source)
    try:
        served = source.fetch("checkpoint")
        try:
            current = open_checkpoint(served, mirror.log_verifier, mirror.origin)
        except CheckpointError as exc:
            raise CheckpointError(f"the log's served checkpoint is refused: {exc}") from None
        if current.size < theirs.checkpoint.size:
            detail = (
                f"the log now serves only {current.size} entries, fewer than the other party's "
                f"checkpoint ({theirs.checkpoint.size}): get the other party's tiles to decide"
            )
            return Comparison("undecided", ours, theirs, detail)
        reader = TileReader(source, current)
        reader.verify_root()
        log_seen = Seen(served.decode("utf-8"), current, ())
        for seen in (ours, theirs):
            cp = seen.checkpoint
            derived = reader.root(cp.size) if cp.size else EMPTY_ROOT
            if derived != cp.root:
                proof = reader.consistency_proof(cp.size, current.size)
                return _judge(mirror.log_verifier, seen, log_seen, derived, proof, ours, theirs)
        proof = reader.consistency_proof(ours.checkpoint.size, theirs.checkpoint.size)
        a, b = ours.checkpoint, theirs.checkpoint
        verify_consistency(a.size, b.size, a.root, b.root, proof)
        detail = (
            f"the tree of {b.size} entries extends the tree of {a.size} (proof from the log's "
            "tiles verified)"
        )
        return Comparison("consistent", ours, theirs, detail)
    finally:
        source.close()


def verify_split_view(evidence: dict[str, Any] | str, log_vkey: str | None = None) -> str:
    """Check a ``truce-split-view/v1`` file offline; return its explanation, or raise.

    ``log_vkey`` is the log key the checker trusts; without it the key in the file is used (and
    must be compared with a trusted one by the reader).
    """
    data = _loads(evidence) if isinstance(evidence, str) else evidence
    if not isinstance(data, dict) or data.get("format") != SPLIT_VIEW_FORMAT:
        raise ProofError(f"not a {SPLIT_VIEW_FORMAT} file")
    try:
        log = NoteVerifier.from_vkey(log_vkey or str(data["log_vkey"]))
        small_note, large_note = data["checkpoints"]
        small = open_checkpoint(small_note, log)
        large = open_checkpoint(large_note, log, small.origin)
        consistency = data.get("consistency")
        if small.size == large.size:
            if small.root == large.root:
                raise ProofError("both checkpoints have the same root: no split view")
            return f"the log signed two different roots for tree size {small.size}"
        if small.size > large.size:
            raise ProofError("the checkpoints are not in size order")
        if not consistency:
            raise ProofError("checkpoints of different sizes need a consistency proof")
        if consistency["old_size"] != small.size or consistency["new_size"] != large.size:
            raise ProofError("the consistency proof is for other sizes than the checkpoints")
        derived = base64.b64decode(consistency["derived_old_root"], validate=True)
        proof = [base64.b64decode(h, validate=True) for h in consistency["proof"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ProofError(f"malformed split-view evidence: {exc}") from None
    if derived == small.root:
        raise ProofError("the larger tree agrees with the smaller one: no split view")
    verify_consistency(small.size, large.size, derived, large.root, proof)
    return (
        f"the log's checkpoint of size {large.size} commits to a tree whose root at size "
        f"{small.size} is {_b64(derived)}, but the log also signed root {_b64(small.root)} for "
        f"size {small.size}: two histories"
    )


def _loads(text: str) -> Any:
    try:
        return jsonlimits.loads(text, "the file")
    except ValidationError as exc:
        raise ProofError(exc.message) from None
