"""Witness cosignatures on checkpoints: C2SP tlog-cosignature, Ed25519 ``cosignature/v1``.

Implements https://c2sp.org/tlog-cosignature (the Ed25519 type). A cosignature is a signed-note
signature line (c2sp.org/signed-note) added to a checkpoint by a *witness*: here, each party's
mirror, which adds its cosignature only to a checkpoint it has fully verified and that extends
every checkpoint it verified before. Its semantics, from the spec: "as of the specified time, the
consistent tree head with the largest size the cosigner has observed for the log identified by
the origin line has the specified root hash".

* key ID: ``SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4]``;
* verifier key string: ``<name>+<hex8 key ID>+base64(0x04 || public key)``;
* signature line: ``— <name> base64(key ID || u64 timestamp || Ed25519 signature)``, the
  timestamp big-endian POSIX seconds, at most 2**63 - 1;
* signed message: ``"cosignature/v1\\n" + "time <timestamp>\\n" + checkpoint note text``.

The message does not commit to the witness's name, so one key must never serve two witness names.
Verification fails closed (:class:`truce.errors.CheckpointError`); a timestamp ahead of the
verifier's clock by more than the allowed skew is rejected (the spec lets verifiers do so), and the
error says by how much, since it means one of the two clocks is wrong.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from truce.errors import CheckpointError, SignatureError
from truce.ledger.keys import PUBLIC_KEY_SIZE, SIGNATURE_SIZE, SigningKey, VerifyKey
from truce.ledger.note import (
    Note,
    NoteSignature,
    NoteVerifier,
    _b64decode,
    _b64encode,
    _check_name,
    _check_text,
    _parse_key_hash,
)

__all__ = [
    "ALG_COSIGNATURE_V1",
    "DEFAULT_MAX_SKEW",
    "MAX_TIMESTAMP",
    "Cosignature",
    "CosignatureSigner",
    "CosignatureVerifier",
    "cosigned_message",
    "format_timestamp",
    "merge_signatures",
    "split_signatures",
    "verify_cosignatures",
]

#: Signature type byte of Ed25519 cosignature/v1 (c2sp.org/tlog-cosignature, "Format").
ALG_COSIGNATURE_V1 = 0x04
#: Largest timestamp the spec allows.
MAX_TIMESTAMP = 2**63 - 1
#: Seconds a cosignature may be dated ahead of this machine's clock before it is refused.
DEFAULT_MAX_SKEW = 300

_TIMESTAMP_SIZE = 8


def cosigned_message(text: str, timestamp: int) -> bytes:
    """The exact bytes a cosigner signs for checkpoint note ``text`` at ``timestamp``."""
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise CheckpointError("cosignature timestamp must be an int")
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CheckpointError(f"cosignature timestamp {timestamp} is outside 0..2**63-1")
    return f"cosignature/v1\ntime {timestamp}\n".encode() + _check_text(text)


def format_timestamp(timestamp: int) -> str:
    """POSIX seconds as RFC 3339 UTC, for messages."""
    try:
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return f"POSIX time {timestamp}"


def _key_hash(name: str, key: VerifyKey) -> int:
    digest = hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([ALG_COSIGNATURE_V1]) + key.raw
    ).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True)
class Cosignature:
    """A verified cosignature: who, when (POSIX seconds), and its signature line."""

    name: str
    key_hash: int
    timestamp: int
    signature: NoteSignature

    @property
    def time(self) -> str:
        return format_timestamp(self.timestamp)


class CosignatureVerifier:
    """A witness's public key under its name: checks cosignature/v1 lines."""

    __slots__ = ("_hash", "key", "name")

    def __init__(self, name: str, key: VerifyKey) -> None:
        _check_name(name, "witness name")
        self.name = name
        self.key = key
        self._hash = _key_hash(name, key)

    @property
    def key_hash(self) -> int:
        return self._hash

    @property
    def vkey(self) -> str:
        """``<name>+<hex8 key ID>+base64(0x04 || public key)``."""
        raw = bytes([ALG_COSIGNATURE_V1]) + self.key.raw
        return f"{self.name}+{self._hash:08x}+{_b64encode(raw)}"

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        """Parse a witness verifier key string; its key ID must match the name and key."""
        if not isinstance(vkey, str):
            raise CheckpointError("witness verifier key must be a string")
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise CheckpointError(
                f"witness key {vkey!r} is not of the form <name>+<hex8 key ID>+<base64 key>"
            )
        name, hash_hex, key_b64 = parts
        _check_name(name, "witness key name")
        claimed = _parse_key_hash(hash_hex, f"witness key {name}")
        try:
            raw = _b64decode(key_b64)
        except ValueError as exc:
            raise CheckpointError(f"witness key {name}: {exc}") from None
        if len(raw) != 1 + PUBLIC_KEY_SIZE:
            raise CheckpointError(f"witness key {name}: not an Ed25519 key")
        if raw[0] != ALG_COSIGNATURE_V1:
            what = "a log (note) key, type 0x01" if raw[0] == 0x01 else f"type 0x{raw[0]:02x}"
            raise CheckpointError(
                f"witness key {name} is {what}, not an Ed25519 cosignature/v1 key (type 0x04)",
                hint="Give the witness key printed by 'truce mirror init' or 'truce mirror vkey'.",
            )
        try:
            verifier = cls(name, VerifyKey.from_bytes(raw[1:]))
        except SignatureError as exc:
            raise CheckpointError(f"witness key {name}: {exc}") from None
        if verifier.key_hash != claimed:
            raise CheckpointError(
                f"witness key {name}: key ID {hash_hex} does not match the key "
                f"({verifier.key_hash:08x})"
            )
        return verifier

    def matches(self, sig: NoteSignature) -> bool:
        """Whether a signature line claims to be by this key (same name and key ID)."""
        return sig.name == self.name and sig.key_hash == self._hash

    def verify(
        self,
        text: str,
        sig: NoteSignature,
        *,
        now: int | None = None,
        max_skew: int | None = DEFAULT_MAX_SKEW,
    ) -> Cosignature:
        """Check ``sig`` is this witness's cosignature of checkpoint note ``text``.

        ``max_skew=None`` accepts any timestamp (for reading history, not for trusting it).
        """
        if not self.matches(sig):
            raise CheckpointError(f"signature by {sig.name} is not from witness {self.name}")
        raw = sig.sig_bytes
        if len(raw) != _TIMESTAMP_SIZE + SIGNATURE_SIZE:
            raise CheckpointError(
                f"cosignature by {self.name} is {len(raw)} bytes, not a timestamped Ed25519 "
                f"signature ({_TIMESTAMP_SIZE + SIGNATURE_SIZE})"
            )
        timestamp = int.from_bytes(raw[:_TIMESTAMP_SIZE], "big")
        if timestamp > MAX_TIMESTAMP:
            raise CheckpointError(f"cosignature by {self.name}: timestamp exceeds 2**63-1")
        try:
            self.key.verify(cosigned_message(text, timestamp), raw[_TIMESTAMP_SIZE:])
        except SignatureError:
            raise CheckpointError(
                f"cosignature by {self.name}+{self._hash:08x} does not verify",
                hint="The checkpoint or the cosignature was altered, or the witness key is wrong.",
            ) from None
        if max_skew is not None:
            clock = int(time.time()) if now is None else now
            if timestamp > clock + max_skew:
                raise CheckpointError(
                    f"cosignature by {self.name} is dated {format_timestamp(timestamp)}, "
                    f"{timestamp - clock} s ahead of this machine's clock "
                    f"({format_timestamp(clock)}; tolerance {max_skew} s)",
                    hint="One of the two clocks is wrong: check NTP on this machine and ask the "
                    "witness to check theirs.",
                )
        return Cosignature(self.name, self._hash, timestamp, sig)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CosignatureVerifier):
            return NotImplemented
        return self.name == other.name and self.key == other.key

    def __hash__(self) -> int:
        return hash((CosignatureVerifier, self.name, self.key))

    def __repr__(self) -> str:
        return f"CosignatureVerifier({self.vkey!r})"


class CosignatureSigner:
    """A witness key able to cosign: a name and a :class:`SigningKey`."""

    __slots__ = ("name", "signing_key", "verifier")

    def __init__(self, name: str, signing_key: SigningKey) -> None:
        self.name = name
        self.signing_key = signing_key
        self.verifier = CosignatureVerifier(name, signing_key.public_key)

    @property
    def vkey(self) -> str:
        return self.verifier.vkey

    def cosign(self, text: str, timestamp: int | None = None) -> NoteSignature:
        """The cosignature line (parsed form) over checkpoint note ``text`` at ``timestamp``."""
        when = int(time.time()) if timestamp is None else timestamp
        sig = self.signing_key.sign(cosigned_message(text, when))
        return NoteSignature(self.name, self.verifier.key_hash, when.to_bytes(8, "big") + sig)

    def __repr__(self) -> str:
        return f"CosignatureSigner({self.vkey!r})"


def merge_signatures(note: Note, extra: Iterable[NoteSignature]) -> Note:
    """``note`` with the signatures of ``extra`` added, one per (name, key ID): a later line
    from the same key replaces an earlier one (a witness's newer cosignature of the same
    checkpoint supersedes its older one)."""
    order: list[tuple[str, int]] = []
    latest: dict[tuple[str, int], NoteSignature] = {}
    for sig in [*note.signatures, *extra]:
        slot = (sig.name, sig.key_hash)
        if slot not in latest:
            order.append(slot)
        latest[slot] = sig
    return Note(note.text, [latest[slot] for slot in order])


def verify_cosignatures(
    note: Note,
    witnesses: Sequence[CosignatureVerifier],
    *,
    now: int | None = None,
    max_skew: int | None = DEFAULT_MAX_SKEW,
) -> list[Cosignature]:
    """Every valid cosignature in ``note`` by one of ``witnesses``, in signature order.

    Lines by other keys are ignored (signed-note semantics); a line by a known witness that does
    not verify, or is dated beyond ``max_skew`` ahead of the clock, raises.
    """
    found: dict[tuple[str, int], Cosignature] = {}
    for sig in note.signatures:
        for witness in witnesses:
            if witness.matches(sig):
                found[(sig.name, sig.key_hash)] = witness.verify(
                    note.text, sig, now=now, max_skew=max_skew
                )
    return list(found.values())


def split_signatures(
    note: Note, log: NoteVerifier
) -> tuple[list[NoteSignature], list[NoteSignature]]:
    """The note's signature lines by the log's key, and all the others."""
    mine = [s for s in note.signatures if s.name == log.name and s.key_hash == log.key_hash]
    return mine, [s for s in note.signatures if s not in mine]
