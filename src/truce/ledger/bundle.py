"""Proof bundles: everything a third party needs to check one entry offline, in one JSON file.

``truce-proof-bundle/v1``::

    {"format": "truce-proof-bundle/v1",
     "entry":        {"index": N, "leaf": base64, "inclusion_proof": [base64, ...]},
     "registration": {"index": R, "leaf": base64, "inclusion_proof": [...]},   # the author's key
     "checkpoint":   "<signed checkpoint note with its witness cosignatures>",
     "policy":       {"log": vkey, "witnesses": {label: vkey}, "quorum": ..., "max_skew": ...}}

:func:`check_bundle` verifies, with no data directory and no network: the checkpoint against the
policy (the log's signature and the required witness cosignatures, C2SP signed-note and
tlog-cosignature); the RFC 9162 inclusion proofs of the entry and of its author's
``party.registered`` entry in that checkpoint's tree; that the registration is the author's
self-signed first entry; and the entry's Ed25519 signature under the key it registers. The keys
inside a bundle only show it is self-consistent: a checker who trusts other keys passes its own
policy, and the result says which keys were used.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from truce import jsonlimits
from truce.errors import CheckpointError, LedgerError, NotFoundError, ProofError, ValidationError
from truce.ledger.batch import (
    REGISTRATION_KIND,
    ROTATION_KIND,
    recovered_key,
    recovery_key,
    recovery_slot,
    registration_key,
    rotation_key,
)
from truce.ledger.cosign import cosigned_checkpoint, cosigned_sizes
from truce.ledger.entry import Entry
from truce.ledger.keys import VerifyKey
from truce.ledger.log import Ledger
from truce.ledger.merkle import Hash, verify_inclusion
from truce.ledger.note import Checkpoint, Note, NoteVerifier, open_checkpoint
from truce.ledger.policy import Policy, PolicyResult
from truce.ledger.witness import CosignatureVerifier, verify_cosignatures

__all__ = [
    "BUNDLE_FORMAT",
    "BundleCheck",
    "LedgerSource",
    "ProofSource",
    "check_bundle",
    "find_registration",
    "make_bundle",
]

BUNDLE_FORMAT = "truce-proof-bundle/v1"
_REGISTRATION_MARK = b'"kind":"party.registered"'
_ROTATION_MARK = b'"kind":"party.key_rotated"'


class LeafIter(Protocol):
    def iter(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes]]: ...


class ProofSource(Protocol):
    """A log or a mirror: what a bundle is made from."""

    origin: str
    log_verifier: NoteVerifier

    @property
    def entries(self) -> LeafIter: ...

    def leaf(self, index: int) -> bytes: ...

    def inclusion_proof(self, index: int, size: int) -> list[Hash]: ...

    def checkpoint_notes(self) -> list[str]: ...


class LedgerSource:
    """The log itself as a :class:`ProofSource`: its checkpoints come with cosignatures held."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.origin = ledger.origin
        self.log_verifier = ledger.verifier
        self.entries: LeafIter = ledger.entries

    def leaf(self, index: int) -> bytes:
        return self.ledger.leaf(index)

    def inclusion_proof(self, index: int, size: int) -> list[Hash]:
        return self.ledger.inclusion_proof(index, size)

    def checkpoint_notes(self) -> list[str]:
        notes = [cosigned_checkpoint(self.ledger)]
        for size in reversed(cosigned_sizes(self.ledger)):
            note = cosigned_checkpoint(self.ledger, size)
            if note not in notes:
                notes.append(note)
        return notes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: object, what: str) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise ProofError(f"bundle: {what} is not valid base64") from None


def find_rotations(source: ProofSource, author: str, start: int, before: int) -> list[int]:
    """Indices of ``author``'s ``party.key_rotated`` entries from ``start`` up to ``before``."""
    prefix = b'{"author":' + json.dumps(author).encode() + b","
    found = []
    for index, leaf in source.entries.iter(start, before):
        if leaf.startswith(prefix) and _ROTATION_MARK in leaf:
            entry = Entry.from_leaf(leaf)
            if entry.kind == ROTATION_KIND and entry.author == author:
                found.append(index)
    return found


def find_registration(source: ProofSource, author: str, before: int) -> int:
    """Index of ``author``'s ``party.registered`` entry (its seq 1), searched up to ``before``.

    A byte pre-filter (canonical JSON puts ``author`` first) keeps this to one pass of reads.
    """
    prefix = b'{"author":' + json.dumps(author).encode() + b","
    for index, leaf in source.entries.iter(0, before + 1):
        if leaf.startswith(prefix) and _REGISTRATION_MARK in leaf:
            entry = Entry.from_leaf(leaf)
            if entry.kind == REGISTRATION_KIND and entry.seq == 1 and entry.author == author:
                return index
    raise NotFoundError(f"no party.registered entry for {author!r} before entry {before}")


def _choose(
    notes: Sequence[str],
    index: int,
    log: NoteVerifier,
    origin: str,
    policy: Policy | None,
    witnesses: Sequence[CosignatureVerifier],
    now: int | None,
) -> tuple[str, Checkpoint, Policy]:
    covering = [n for n in notes if open_checkpoint(n, log, origin).size > index]
    if not covering:
        raise CheckpointError(f"no checkpoint covers entry {index} yet")
    if policy is not None:
        result: PolicyResult = policy.best(covering, origin=origin, now=now)
        return result.note, result.checkpoint, policy
    # No policy given: the checkpoint with the most cosignatures, then the largest; the bundle's
    # policy names exactly the witnesses that cosigned it.
    ranked = []
    for note in covering:
        cosigs = verify_cosignatures(Note.parse(note), list(witnesses), now=now)
        ranked.append((len(cosigs), open_checkpoint(note, log, origin).size, note, cosigs))
    count, _, note, cosigs = max(ranked, key=lambda r: (r[0], r[1]))
    by_name = {w.name: w for w in witnesses}
    chosen = Policy(log, tuple((c.name, by_name[c.name]) for c in cosigs), count)
    return note, open_checkpoint(note, log, origin), chosen


def make_bundle(
    source: ProofSource,
    index: int,
    *,
    policy: Policy | None = None,
    witnesses: Sequence[CosignatureVerifier] = (),
    now: int | None = None,
) -> dict[str, Any]:
    """A proof bundle for entry ``index``.

    With ``policy``, the newest checkpoint covering the entry that satisfies it is used (or an
    error says what is missing); without, the most-cosigned one among ``witnesses``.
    """
    note, checkpoint, used = _choose(
        source.checkpoint_notes(),
        index,
        source.log_verifier,
        source.origin,
        policy,
        witnesses,
        now,
    )
    leaf = source.leaf(index)
    entry = Entry.from_leaf(leaf)
    bundle: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "entry": {
            "index": index,
            "leaf": _b64(leaf),
            "inclusion_proof": [_b64(h) for h in source.inclusion_proof(index, checkpoint.size)],
        },
        "checkpoint": note,
        "policy": used.to_dict(),
    }
    if not (entry.kind == REGISTRATION_KIND and entry.seq == 1):
        reg = find_registration(source, entry.author, index)
        bundle["registration"] = {
            "index": reg,
            "leaf": _b64(source.leaf(reg)),
            "inclusion_proof": [_b64(h) for h in source.inclusion_proof(reg, checkpoint.size)],
        }
        rotations = find_rotations(source, entry.author, reg + 1, index)
        if rotations:  # the author's key history up to the entry, oldest first
            bundle["rotations"] = [
                {
                    "index": r,
                    "leaf": _b64(source.leaf(r)),
                    "inclusion_proof": [
                        _b64(h) for h in source.inclusion_proof(r, checkpoint.size)
                    ],
                }
                for r in rotations
            ]
    return bundle


def _rotated_key(
    parts: Any,
    entry: Entry,
    after: int,
    before: int,
    key: bytes,
    checkpoint: Checkpoint,
    recovery: bytes | None = None,
) -> bytes:
    """The author's key at ``before``, following the bundle's key rotations in log order (a
    rotation its recovery key authorized is checked against the recovery key the registration
    or an earlier rotation set)."""
    if parts is None:
        return key
    if not isinstance(parts, list):
        raise ProofError("bundle: rotations must be a list")
    for part in parts:
        r_index, r_leaf, r_proof = _leaf_part(part, "rotation")
        rot = Entry.from_leaf(r_leaf)
        if rot.kind != ROTATION_KIND or rot.author != entry.author:
            raise ProofError(f"bundle: entry {r_index} is not a key rotation of {entry.author!r}")
        if not after < r_index < before:
            raise ProofError("bundle: the key rotations are not in order before the entry")
        try:
            verify_inclusion(rot.hash, r_index, checkpoint.size, r_proof, checkpoint.root)
            if "recovery_signature" in rot.body:
                known = {} if recovery is None else {recovery_slot(rot.author): recovery}
                key = recovered_key(rot, known)
                rot.verify(VerifyKey.from_bytes(key))
            else:
                rot.verify(VerifyKey.from_bytes(key))
                key = rotation_key(rot)
            recovery = recovery_key(rot) or recovery
        except LedgerError as exc:
            raise ProofError(f"bundle: key rotation {r_index} does not hold: {exc}") from None
        after = r_index
    return key


@dataclass(frozen=True)
class BundleCheck:
    index: int
    entry: Entry
    checkpoint: Checkpoint
    cosigners: tuple[str, ...]
    policy: Policy
    keys_from_bundle: bool


def _leaf_part(data: object, what: str) -> tuple[int, bytes, list[bytes]]:
    if not isinstance(data, dict):
        raise ProofError(f"bundle: {what} is missing")
    index = data.get("index")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ProofError(f"bundle: {what}.index must be a non-negative integer")
    proof = data.get("inclusion_proof")
    if not isinstance(proof, list):
        raise ProofError(f"bundle: {what}.inclusion_proof must be a list")
    return (
        index,
        _unb64(data.get("leaf"), f"{what}.leaf"),
        [_unb64(h, f"{what}.inclusion_proof[{i}]") for i, h in enumerate(proof)],
    )


def check_bundle(
    bundle: dict[str, Any] | str, *, policy: Policy | None = None, now: int | None = None
) -> BundleCheck:
    """Verify a proof bundle offline; return what it proves, or raise naming what failed."""
    data = _loads(bundle) if isinstance(bundle, str) else bundle
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise ProofError(f"not a {BUNDLE_FORMAT} file")
    keys_from_bundle = policy is None
    if policy is None:
        policy = Policy.from_dict(data.get("policy"), "bundle policy")
    note = data.get("checkpoint")
    if not isinstance(note, str):
        raise ProofError("bundle: checkpoint must be the signed note text")
    result = policy.check(note, now=now)
    checkpoint = result.checkpoint
    index, leaf, proof = _leaf_part(data.get("entry"), "entry")
    entry = Entry.from_leaf(leaf)
    if entry.origin != checkpoint.origin:
        raise ProofError(f"bundle: the entry's origin {entry.origin!r} is not the checkpoint's")
    try:
        verify_inclusion(entry.hash, index, checkpoint.size, proof, checkpoint.root)
    except ProofError as exc:
        raise ProofError(f"bundle: entry {index} is not in the checkpoint's tree: {exc}") from None
    if entry.kind == REGISTRATION_KIND and entry.seq == 1:
        key = registration_key(entry)
    else:
        reg_index, reg_leaf, reg_proof = _leaf_part(data.get("registration"), "registration")
        reg = Entry.from_leaf(reg_leaf)
        if not (reg.kind == REGISTRATION_KIND and reg.seq == 1 and reg.author == entry.author):
            raise ProofError(f"bundle: the registration is not {entry.author!r}'s first entry")
        if reg_index >= index:
            raise ProofError("bundle: the registration does not precede the entry")
        try:
            verify_inclusion(reg.hash, reg_index, checkpoint.size, reg_proof, checkpoint.root)
        except ProofError as exc:
            raise ProofError(
                f"bundle: registration {reg_index} is not in the checkpoint's tree: {exc}"
            ) from None
        key = registration_key(reg)
        try:
            reg.verify(VerifyKey.from_bytes(key))
        except LedgerError as exc:
            raise ProofError(f"bundle: the registration's self-signature fails: {exc}") from None
        try:
            recovery = recovery_key(reg)
        except LedgerError as exc:
            raise ProofError(f"bundle: the registration does not hold: {exc}") from None
        key = _rotated_key(
            data.get("rotations"), entry, reg_index, index, key, checkpoint, recovery
        )
    try:
        entry.verify(VerifyKey.from_bytes(key))
    except LedgerError as exc:
        raise ProofError(
            f"bundle: entry {index} is not signed by {entry.author}'s registered key: {exc}"
        ) from None
    return BundleCheck(index, entry, checkpoint, tuple(result.signers), policy, keys_from_bundle)


def _loads(text: str) -> Any:
    try:
        return jsonlimits.loads(text, "the file")
    except ValidationError as exc:
        raise ProofError(exc.message) from None
