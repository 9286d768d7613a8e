"""Checking many leaves at once, on every core: parse, verify the signature, hash.

The sequencer and ``truce ledger verify`` are bound by Ed25519 verification, so leaves are checked
in chunks by worker processes (``fork`` on Linux: nothing to pickle but bytes). Each worker gets a
snapshot of the known keys; a leaf whose author registers in the same batch (a party's first,
self-signed entry) is verified with the key in its own body. The caller then checks the
per-author chains in order, which is cheap and inherently sequential.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import NamedTuple

from truce.errors import LedgerError, SignatureError
from truce.ledger.entry import Entry
from truce.ledger.keys import VerifyKey, worker_pool
from truce.ledger.merkle import Hash

__all__ = [
    "REGISTRATION_KIND",
    "ROTATION_KIND",
    "Checked",
    "PendingCheck",
    "advance_keys",
    "check_leaves",
    "recovered_key",
    "recovery_key",
    "recovery_message",
    "recovery_slot",
    "registration_key",
    "registrations_in",
    "rotation_key",
    "rotation_message",
    "start_check",
]

REGISTRATION_KIND = "party.registered"
ROTATION_KIND = "party.key_rotated"
_ROTATION_CONTEXT = b"truce/key-rotation/v1\n"
_RECOVERY_CONTEXT = b"truce/key-recovery/v1\n"
_CHUNK = 512
_KEY_CACHE: dict[bytes, VerifyKey] = {}  # per process: parsing a public key is not free


class Checked(NamedTuple):
    """What one leaf turned out to be. ``error`` is None when parsing and signature passed.

    A NamedTuple, not a dataclass: millions cross the process boundary, and tuples pickle fast.
    """

    origin: str
    author: str
    seq: int
    prev: str | None
    kind: str
    hash: Hash
    registers: bytes | None  # the public key a party.registered entry brings
    error: str | None
    error_kind: str = ""  # "entry" | "signature" | "unknown-author"
    rotates: bytes | None = None  # the new public key a party.key_rotated entry brings
    #: The recovery key a registration or rotation sets for the party (``recovery_key``).
    recovery: bytes | None = None
    #: A rotation its author's recovery key authorized (signed with the new key, not the old).
    by_recovery: bool = False


def recovery_slot(author: str) -> str:
    """Where a party's recovery key is kept beside its signing keys (``ru#recovery``: never a
    party id, which has no ``#``)."""
    return f"{author}#recovery"


def recovery_message(origin: str, author: str, seq: int, public_key: bytes) -> bytes:
    """What a party's recovery key signs to move the party onto ``public_key`` at ``seq`` of
    its chain (so the signature cannot be replayed at another point of it)."""
    return _RECOVERY_CONTEXT + f"{origin}\n{author}\n{seq}\n".encode() + public_key


def recovery_key(entry: Entry) -> bytes | None:
    """The recovery key a ``party.registered`` or ``party.key_rotated`` body sets, if any."""
    import base64

    value = entry.body.get("recovery_key")
    if value is None:
        return None
    try:
        raw = base64.b64decode(str(value), validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise LedgerError(f"{entry.kind} body: recovery_key must be a 32-byte base64 key")
    return raw


def recovered_key(entry: Entry, keys: Mapping[str, bytes]) -> bytes:
    """The key a recovery rotation's entry must be signed with (its new key), once the party's
    recovery key has authorized it; raises SignatureError otherwise."""
    import base64

    new = rotation_key(entry)
    recovery = keys.get(recovery_slot(entry.author))
    if recovery is None:
        raise SignatureError(f"party {entry.author!r} has no recovery key to authorize this")
    try:
        sig = base64.b64decode(str(entry.body.get("recovery_signature", "")), validate=True)
    except ValueError:
        sig = b""
    message = recovery_message(entry.origin, entry.author, entry.seq, new)
    try:
        verifier = VerifyKey.from_bytes(recovery)
        verifier.verify(message, sig)
    except SignatureError:
        raise SignatureError(
            f"the recovery signature is not {entry.author}'s recovery key's for this key at "
            f"seq {entry.seq}"
        ) from None
    return new


def registration_key(entry: Entry) -> bytes:
    """The 32-byte key that a party.registered entry's body names for its author."""
    import base64

    body = entry.body
    if body.get("id") != entry.author:
        raise LedgerError(f"party.registered body id {body.get('id')!r} is not its author")
    try:
        raw = base64.b64decode(str(body.get("public_key", "")), validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise LedgerError("party.registered body needs a 32-byte base64 public_key")
    return raw


def rotation_message(origin: str, author: str, public_key: bytes) -> bytes:
    """What the new key signs in a ``party.key_rotated`` entry (its proof of possession)."""
    return _ROTATION_CONTEXT + f"{origin}\n{author}\n".encode() + public_key


def rotation_key(entry: Entry) -> bytes:
    """The new key of a ``party.key_rotated`` entry, once its proof of possession verifies."""
    import base64

    try:
        raw = base64.b64decode(str(entry.body.get("public_key", "")), validate=True)
        proof = base64.b64decode(str(entry.body.get("proof", "")), validate=True)
    except ValueError:
        raw = proof = b""
    if len(raw) != 32 or len(proof) != 64:
        raise LedgerError("party.key_rotated body needs a 32-byte public_key and a 64-byte proof")
    try:
        VerifyKey.from_bytes(raw).verify(rotation_message(entry.origin, entry.author, raw), proof)
    except SignatureError:
        raise LedgerError("party.key_rotated: the new key's proof does not verify") from None
    return raw


def _check_one(leaf: bytes, keys: Mapping[str, bytes]) -> Checked:
    try:
        entry = Entry.from_leaf(leaf)
    except LedgerError as exc:
        from truce.ledger.merkle import leaf_hash

        return Checked("", "", 0, None, "", leaf_hash(leaf), None, str(exc), "entry")
    registers: bytes | None = None
    by_recovery = entry.kind == ROTATION_KIND and "recovery_signature" in entry.body
    try:
        if entry.kind == REGISTRATION_KIND and entry.seq == 1:
            registers = registration_key(entry)
            key = registers
        elif by_recovery:
            key = recovered_key(entry, keys)
        elif entry.author in keys:
            key = keys[entry.author]
        else:
            return Checked(
                entry.origin, entry.author, entry.seq, entry.prev, entry.kind, entry.hash, None,
                f"unknown author {entry.author!r}", "unknown-author",
            )  # fmt: skip
        verifier = _KEY_CACHE.get(key)
        if verifier is None:
            verifier = _KEY_CACHE[key] = VerifyKey.from_bytes(key)
        verifier.verify(entry.signed_bytes, entry.signature)
        rotates = rotation_key(entry) if entry.kind == ROTATION_KIND else None
        recovery = recovery_key(entry) if entry.kind in (REGISTRATION_KIND, ROTATION_KIND) else None
    except SignatureError as exc:
        return Checked(
            entry.origin, entry.author, entry.seq, entry.prev, entry.kind, entry.hash, registers,
            f"signature: {exc}", "signature",
        )  # fmt: skip
    except LedgerError as exc:
        return Checked(
            entry.origin, entry.author, entry.seq, entry.prev, entry.kind, entry.hash, None,
            str(exc), "entry",
        )  # fmt: skip
    return Checked(
        entry.origin, entry.author, entry.seq, entry.prev, entry.kind, entry.hash, registers, None,
        "", rotates, recovery, by_recovery,
    )  # fmt: skip


def _check_chunk(leaves: Sequence[bytes], keys: Mapping[str, bytes]) -> list[Checked]:
    known = dict(keys)
    results = []
    for leaf in leaves:
        checked = _check_one(leaf, known)
        if checked.registers is not None and checked.error is None:
            known.setdefault(checked.author, checked.registers)  # for later leaves of the chunk
        if checked.rotates is not None and checked.error is None:
            known[checked.author] = checked.rotates
        if checked.recovery is not None and checked.error is None:
            known[recovery_slot(checked.author)] = checked.recovery
        results.append(checked)
    return results


_REGISTRATION_MARK = b'"kind":"party.registered"'


def registrations_in(leaves: Sequence[bytes]) -> dict[str, bytes]:
    """The keys that the registrations among ``leaves`` bring, first one per author.

    A cheap pre-scan so that workers checking the *next* chunk already know these authors.
    Nothing is trusted from it: each registration's own signature and place in its chain are
    still checked in order, and a later leaf verified with a bogus key fails its check.
    """
    found: dict[str, bytes] = {}
    for leaf in leaves:
        if _REGISTRATION_MARK not in leaf:
            continue
        try:
            entry = Entry.from_leaf(leaf)
            if entry.kind == REGISTRATION_KIND and entry.seq == 1:
                found.setdefault(entry.author, registration_key(entry))
        except LedgerError:
            continue
    return found


_ROTATION_MARK = b'"kind":"party.key_rotated"'


def advance_keys(ahead: dict[str, bytes], leaves: Sequence[bytes]) -> None:
    """Update ``ahead`` with the keys ``leaves`` register or rotate to, in order.

    The same cheap pre-scan as :func:`registrations_in`, for the workers of the next chunk; a
    rotation replaces the key. Nothing is trusted from it: each entry is still checked in order.
    """
    for author, key in registrations_in(leaves).items():
        ahead.setdefault(author, key)
    for leaf in leaves:
        if _ROTATION_MARK not in leaf:
            continue
        try:
            entry = Entry.from_leaf(leaf)
            if entry.kind == ROTATION_KIND:
                ahead[entry.author] = rotation_key(entry)
        except LedgerError:
            continue


class PendingCheck:
    """A check under way in the worker processes (or already done inline)."""

    def __init__(
        self,
        done: list[Checked] | None = None,
        futures: Sequence[Future[list[Checked]]] = (),
        args: Sequence[tuple[Sequence[bytes], Mapping[str, bytes]]] = (),
    ) -> None:
        self._done = done
        self._futures = futures
        self._args = args

    def result(self) -> list[Checked]:
        if self._done is not None:
            return self._done
        results: list[Checked] = []
        for future in self._futures:
            try:
                results.extend(future.result())
            except BrokenProcessPool:
                # A worker died (killed, out of memory): check this part here instead. Same
                # code, so the same verdicts; the pool is recreated on next use.
                results.extend(_check_chunk(*self._args[len(results) // _CHUNK]))
        return results


def start_check(
    leaves: Sequence[bytes], keys: Mapping[str, bytes], *, parallel: bool | None = None
) -> PendingCheck:
    """Start checking ``leaves``; the caller can do other work before :meth:`result`."""
    if parallel is None:
        parallel = len(leaves) >= 4 * _CHUNK and (os.cpu_count() or 1) > 1
    if not parallel:
        return PendingCheck(done=_check_chunk(leaves, keys))
    snapshot = dict(keys)
    pool = worker_pool()
    args = [(leaves[i : i + _CHUNK], snapshot) for i in range(0, len(leaves), _CHUNK)]
    try:
        futures = [pool.submit(_check_chunk, *a) for a in args]
    except BrokenProcessPool:
        return PendingCheck(done=_check_chunk(leaves, keys))
    return PendingCheck(futures=futures, args=args)


def check_leaves(
    leaves: Sequence[bytes], keys: Mapping[str, bytes], *, parallel: bool | None = None
) -> list[Checked]:
    """Check every leaf; in worker processes when the batch is large enough to pay for it."""
    return start_check(leaves, keys, parallel=parallel).result()
