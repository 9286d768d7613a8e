"""A ledger entry: canonical JSON of the envelope, signed by its author with Ed25519.

The envelope (all keys required unless marked)::

    {"origin": ledger origin, "kind": "report.filed", "author": party id,
     "seq": the author's own sequence number (1, 2, ...),
     "prev": hex SHA-256 leaf hash of the author's previous entry, or null for seq 1,
     "time": RFC 3339 UTC time, "body": {...},
     "mode": "client" | "custodial" (optional: who held the key when it was signed)}

The leaf, the bytes that enter the RFC 6962 tree, is ``signed_bytes ‖ signature`` (64 bytes):
kept as received and never re-serialised. The entry's hash is its RFC 6962 leaf hash, which is
also what the author's next entry names as ``prev``: one hash for both the tree and the chain.
A leaf is at most 65,535 bytes so that C2SP tlog-tiles entry bundles (uint16 lengths) carry it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from truce.errors import EntryError
from truce.ledger.canonical import canonicalize, parse_canonical
from truce.ledger.keys import SigningKey, VerifyKey
from truce.ledger.merkle import Hash, leaf_hash

__all__ = ["MAX_LEAF_BYTES", "SIGNATURE_BYTES", "Entry", "format_time"]

SIGNATURE_BYTES = 64
MAX_LEAF_BYTES = 65_535
_REQUIRED = ("author", "body", "kind", "origin", "prev", "seq", "time")
_OPTIONAL = ("mode",)
_KIND = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")
_AUTHOR = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
MODES = ("client", "custodial")


def format_time(moment: datetime | None = None) -> str:
    """RFC 3339 UTC with millisecond precision, the form entries carry."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class Entry:
    """A parsed, structurally valid entry. Its signature is checked by :meth:`verify`."""

    leaf: bytes
    origin: str
    kind: str
    author: str
    seq: int
    prev: str | None
    time: str
    body: dict[str, Any]
    mode: str | None = None
    hash: Hash = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "hash", leaf_hash(self.leaf))

    @property
    def signed_bytes(self) -> bytes:
        return self.leaf[:-SIGNATURE_BYTES]

    @property
    def signature(self) -> bytes:
        return self.leaf[-SIGNATURE_BYTES:]

    @property
    def timestamp(self) -> datetime:
        return datetime.fromisoformat(self.time.replace("Z", "+00:00"))

    @classmethod
    def from_leaf(cls, leaf: bytes) -> Entry:
        """Parse and check a leaf's structure. Raises :class:`EntryError` naming the problem."""
        if len(leaf) > MAX_LEAF_BYTES:
            raise EntryError(f"entry is {len(leaf)} bytes; the limit is {MAX_LEAF_BYTES}")
        if len(leaf) <= SIGNATURE_BYTES + 2:
            raise EntryError("entry is too short to hold a signed envelope")
        envelope = parse_canonical(leaf[:-SIGNATURE_BYTES])
        if not isinstance(envelope, dict):
            raise EntryError("entry envelope is not a JSON object")
        missing = [k for k in _REQUIRED if k not in envelope]
        if missing:
            raise EntryError(f"entry envelope lacks {', '.join(missing)}")
        unknown = sorted(set(envelope) - set(_REQUIRED) - set(_OPTIONAL))
        if unknown:
            raise EntryError(f"entry envelope has unknown field(s) {', '.join(unknown)}")
        return cls(leaf=leaf, **_checked_fields(envelope))

    @classmethod
    def sign(
        cls,
        key: SigningKey,
        *,
        origin: str,
        kind: str,
        author: str,
        seq: int,
        prev: str | None,
        body: dict[str, Any],
        time: str | None = None,
        mode: str | None = None,
    ) -> Entry:
        envelope: dict[str, Any] = {
            "origin": origin,
            "kind": kind,
            "author": author,
            "seq": seq,
            "prev": prev,
            "time": time or format_time(),
            "body": body,
        }
        if mode is not None:
            envelope["mode"] = mode
        fields = _checked_fields(envelope)
        signed = canonicalize(envelope)
        leaf = signed + key.sign(signed)
        if len(leaf) > MAX_LEAF_BYTES:
            raise EntryError(
                f"entry would be {len(leaf)} bytes; the limit is {MAX_LEAF_BYTES}",
                hint="Put large documents in the evidence store and cite their SHA-256.",
            )
        return cls(leaf=leaf, **fields)

    def verify(self, key: VerifyKey) -> None:
        """Raise :class:`truce.errors.SignatureError` unless ``key`` signed this entry."""
        key.verify(self.signed_bytes, self.signature)


def _checked_fields(envelope: dict[str, Any]) -> dict[str, Any]:
    origin, kind, author = envelope["origin"], envelope["kind"], envelope["author"]
    seq, prev, time, body = envelope["seq"], envelope["prev"], envelope["time"], envelope["body"]
    mode = envelope.get("mode")
    if not isinstance(origin, str) or not origin or "\n" in origin:
        raise EntryError("entry origin must be a one-line string")
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise EntryError(f"entry kind {kind!r} must look like 'area.verb'")
    if not isinstance(author, str) or not _AUTHOR.match(author):
        raise EntryError(f"entry author {author!r} is not a party id")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise EntryError(f"entry seq {seq!r} must be a positive integer")
    if seq == 1 and prev is not None:
        raise EntryError("an author's first entry (seq 1) has prev null")
    if seq > 1 and not (isinstance(prev, str) and _HEX64.match(prev)):
        raise EntryError("entry prev must be the hex SHA-256 of the author's previous entry")
    if not isinstance(time, str) or not _TIME.match(time):
        raise EntryError(f"entry time {time!r} must be RFC 3339 UTC, like 2019-03-14T09:00:00Z")
    if not isinstance(body, dict):
        raise EntryError("entry body must be a JSON object")
    if mode is not None and mode not in MODES:
        raise EntryError(f"entry mode {mode!r} must be one of {', '.join(MODES)}")
    return {
        "origin": origin,
        "kind": kind,
        "author": author,
        "seq": seq,
        "prev": prev,
        "time": time,
        "body": body,
        "mode": mode,
    }
