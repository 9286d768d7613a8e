"""Proofs of logging in the C2SP tlog-proof format (https://c2sp.org/tlog-proof), both ways.

A tlog-proof is text: ``c2sp.org/tlog-proof@v1``, an optional ``extra <base64>`` line, ``index
<n>``, the RFC 6962 inclusion proof (one base64 hash per line, from the leaf's sibling up), an
empty line, then the checkpoint verbatim with its cosignatures. truce puts the entry itself
(its leaf: envelope and signature) in ``extra``: the format leaves extra data unauthenticated,
but here it is what the inclusion proof authenticates, because the leaf hash is computed from
it. The result is a detached, offline-verifiable proof any tlog tool can check given the log's
key and a witness policy (tlog-proof carries no keys: :func:`check_tlog_proof` needs a policy).

truce's own JSON bundle (:mod:`truce.ledger.bundle`) carries more: the author's registration and
key rotations, so the entry's signature can be checked too. A tlog-proof proves the entry is in
the log; who signed it is checked against the author's key if one is given.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from truce.errors import LedgerError, ProofError
from truce.ledger.entry import Entry
from truce.ledger.keys import VerifyKey
from truce.ledger.merkle import leaf_hash, verify_inclusion
from truce.ledger.note import Checkpoint
from truce.ledger.policy import Policy, PolicyResult

__all__ = [
    "HEADER",
    "TlogProof",
    "TlogProofCheck",
    "check_tlog_proof",
    "parse_tlog_proof",
    "tlog_proof",
]

HEADER = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class TlogProof:
    index: int
    proof: tuple[bytes, ...]
    checkpoint_note: str
    extra: bytes | None = None


def tlog_proof(index: int, proof: Sequence[bytes], checkpoint_note: str, leaf: bytes) -> str:
    """The tlog-proof text for entry ``index`` whose leaf is ``leaf`` (carried as extra)."""
    lines = [HEADER, "extra " + base64.b64encode(leaf).decode("ascii"), f"index {index}"]
    lines += [base64.b64encode(h).decode("ascii") for h in proof]
    return "\n".join(lines) + "\n\n" + checkpoint_note


def parse_tlog_proof(text: str) -> TlogProof:
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise ProofError("a tlog-proof needs an empty line before its checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise ProofError(f"not a tlog-proof: the first line must be {HEADER!r}")
    rest = lines[1:]
    extra = None
    if rest and rest[0].startswith("extra "):
        try:
            extra = base64.b64decode(rest[0][6:], validate=True)
        except (binascii.Error, ValueError):
            raise ProofError("tlog-proof line 2: extra is not base64") from None
        rest = rest[1:]
    if not rest or not rest[0].startswith("index "):
        raise ProofError("a tlog-proof needs an 'index <n>' line")
    number = rest[0][6:]
    if not number.isdigit() or (number != "0" and number.startswith("0")):
        raise ProofError("tlog-proof index must be decimal with no leading zeroes")
    proof: list[bytes] = []
    for line in rest[1:]:
        try:
            raw = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raise ProofError(f"tlog-proof: {line[:20]!r} is not a base64 hash") from None
        if len(raw) != 32:
            raise ProofError("tlog-proof: a proof line is not a 32-byte hash")
        proof.append(raw)
    return TlogProof(int(number), tuple(proof), note, extra)


@dataclass(frozen=True)
class TlogProofCheck:
    index: int
    entry: Entry | None
    checkpoint: Checkpoint
    policy: PolicyResult
    author_checked: bool


def check_tlog_proof(
    text: str,
    policy: Policy,
    *,
    leaf: bytes | None = None,
    author_key: VerifyKey | None = None,
    now: int | None = None,
) -> TlogProofCheck:
    """Check a tlog-proof against ``policy``: the checkpoint's signatures and quorum, then the
    inclusion of ``leaf`` (or the proof's extra data) at its index. Raises on any failure."""
    parsed = parse_tlog_proof(text)
    result = policy.check(parsed.checkpoint_note, now=now)
    data = leaf if leaf is not None else parsed.extra
    if data is None:
        raise ProofError(
            "the tlog-proof carries no entry (no extra line)",
            hint="Give the entry's bytes with --leaf FILE.",
        )
    cp = result.checkpoint
    verify_inclusion(leaf_hash(data), parsed.index, cp.size, list(parsed.proof), cp.root)
    entry: Entry | None
    try:
        entry = Entry.from_leaf(data)
    except LedgerError:  # not a truce entry: the inclusion still holds for these bytes
        entry = None
    checked = False
    if entry is not None and author_key is not None:
        entry.verify(author_key)
        checked = True
    return TlogProofCheck(parsed.index, entry, cp, result, checked)
