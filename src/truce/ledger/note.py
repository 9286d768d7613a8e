"""C2SP signed notes and transparency-log checkpoints.

Implements https://c2sp.org/signed-note (Ed25519 signatures, type 0x01) and
https://c2sp.org/tlog-checkpoint, interoperable with Go's ``golang.org/x/mod/sumdb/note``.

A signed note is UTF-8 text without ASCII control characters other than newline: the note text
(ending in a newline; it may contain empty lines), a blank line, then one or more signature lines::

    — <key name> base64(4-byte key ID || signature)

The text is separated from the signatures by the *last* blank line.  Key names are non-empty and
contain neither Unicode spaces nor ``+``.  For Ed25519 the key ID is
``SHA-256(name || 0x0A || 0x01 || public key)[:4]`` (big-endian uint32) and the signature is over
the note text bytes, final newline included.  Key strings follow the Go note package::

    verifier key: <name>+<hex8 key ID>+base64(0x01 || 32-byte public key)
    private key:  PRIVATE+KEY+<name>+<hex8 key ID>+base64(0x01 || 32-byte seed)

Verification follows the spec: signatures from unknown keys (name and key ID not both matching a
known key) are ignored; a signature from a known key that fails to verify rejects the whole note;
a note with no verified signature from a known key is rejected.  :class:`Note` keeps every
signature line it parsed, so notes carrying extra signatures (e.g. witness cosignatures,
c2sp.org/tlog-cosignature) survive ``Note.parse(...).to_text()`` byte for byte.

A checkpoint is a signed note whose text is ``origin``, ``tree size`` (decimal, no leading
zeros), ``base64(root hash)`` and optional non-empty extension lines.  Every error raised here is
:class:`truce.errors.CheckpointError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from truce.errors import CheckpointError, SignatureError
from truce.ledger.keys import PUBLIC_KEY_SIZE, SEED_SIZE, SIGNATURE_SIZE, SigningKey, VerifyKey

__all__ = [
    "ALG_ED25519",
    "MAX_SIGNATURES",
    "Checkpoint",
    "Note",
    "NoteSignature",
    "NoteSigner",
    "NoteVerifier",
    "key_hash",
    "open_checkpoint",
    "sign",
    "sign_checkpoint",
    "verify",
]

#: Signature type identifier byte for Ed25519 (c2sp.org/signed-note, "Signature types").
ALG_ED25519 = 0x01
#: Most signature lines a note may carry (the spec requires accepting at least 16; Go uses 100).
MAX_SIGNATURES = 100
#: Largest tree size accepted in a checkpoint (Go parses it as uint64).
MAX_TREE_SIZE = 2**64 - 1

_SIG_PREFIX = "— "  # U+2014 EM DASH, U+0020 SPACE
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_HEX = frozenset("0123456789abcdef")
_DIGITS = frozenset("0123456789")


def _b64decode(text: str) -> bytes:
    """Standard base64 (RFC 4648 §4), canonical form only, so re-encoding gives ``text`` back."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        raise ValueError("not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("base64 is not in canonical form")
    return raw


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _bad_char(text: str) -> int | None:
    """Index of the first ASCII control character other than newline, or None."""
    for i, ch in enumerate(text):
        if ch < " " and ch != "\n":
            return i
    return None


def _check_name(name: str, what: str = "key name") -> None:
    if not isinstance(name, str) or not name:
        raise CheckpointError(f"{what} is empty")
    for ch in name:
        if ch.isspace() or ch < " ":
            raise CheckpointError(f"{what} {name!r} contains a space or control character")
        if ch == "+":
            raise CheckpointError(f"{what} {name!r} contains '+'")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise CheckpointError(f"{what} {name!r} is not valid UTF-8") from None


def _check_text(text: str) -> bytes:
    """Validate a note text and return its UTF-8 bytes (what the signatures cover)."""
    if not isinstance(text, str):
        raise CheckpointError(f"note text must be str, not {type(text).__name__}")
    if not text or not text.endswith("\n"):
        raise CheckpointError("note text must be non-empty and end with a newline")
    bad = _bad_char(text)
    if bad is not None:
        raise CheckpointError(f"note text contains control character {text[bad]!r} at offset {bad}")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise CheckpointError("note text is not valid UTF-8") from None


def key_hash(name: str, public_key: VerifyKey) -> int:
    """The Ed25519 key ID: ``SHA-256(name || 0x0A || 0x01 || public key)[:4]`` as a uint32."""
    digest = hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key.raw
    ).digest()
    return int.from_bytes(digest[:4], "big")


def _parse_key_hash(text: str, what: str) -> int:
    if len(text) != 8 or not set(text) <= _HEX:
        raise CheckpointError(f"{what}: key ID {text!r} is not 8 lowercase hex digits")
    return int(text, 16)


class NoteVerifier:
    """A known Ed25519 note key: name, key ID and public key."""

    __slots__ = ("_hash", "key", "name")

    def __init__(self, name: str, key: VerifyKey) -> None:
        _check_name(name)
        self.name = name
        self.key = key
        self._hash = key_hash(name, key)

    @property
    def key_hash(self) -> int:
        return self._hash

    @property
    def vkey(self) -> str:
        """The verifier key string ``<name>+<hex8 key ID>+base64(0x01 || public key)``."""
        return f"{self.name}+{self._hash:08x}+{_b64encode(bytes([ALG_ED25519]) + self.key.raw)}"

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        """Parse a verifier key string; its key ID must match the name and key."""
        if not isinstance(vkey, str):
            raise CheckpointError("verifier key must be a string")
        parts = vkey.split("+", 2)  # the base64 key may itself contain '+'
        if len(parts) != 3:
            raise CheckpointError(
                "verifier key is not of the form <name>+<hex8 key ID>+<base64 key>"
            )
        name, hash_hex, key_b64 = parts
        _check_name(name, "verifier key name")
        claimed = _parse_key_hash(hash_hex, "verifier key")
        try:
            raw = _b64decode(key_b64)
        except ValueError as exc:
            raise CheckpointError(f"verifier key {name}: {exc}") from None
        if len(raw) != 1 + PUBLIC_KEY_SIZE or raw[0] != ALG_ED25519:
            raise CheckpointError(f"verifier key {name}: not an Ed25519 (type 0x01) key")
        try:
            verifier = cls(name, VerifyKey.from_bytes(raw[1:]))
        except SignatureError as exc:
            raise CheckpointError(f"verifier key {name}: {exc}") from None
        if verifier.key_hash != claimed:
            raise CheckpointError(
                f"verifier key {name}: key ID {hash_hex} does not match the key "
                f"({verifier.key_hash:08x})"
            )
        return verifier

    def _verify_raw(self, text: bytes, sig: bytes) -> None:
        try:
            self.key.verify(text, sig)
        except SignatureError:
            raise CheckpointError(
                f"signature by {self.name}+{self._hash:08x} does not verify"
            ) from None

    def verify(self, text: str, sig_b64: str) -> None:
        """Check ``sig_b64`` (the base64 of a signature line: key ID || signature) over ``text``.

        Raises CheckpointError if it is malformed, names another key ID, or does not verify.
        """
        text_bytes = _check_text(text)
        try:
            raw = _b64decode(sig_b64)
        except (ValueError, AttributeError):
            raise CheckpointError(f"signature by {self.name}: not valid base64") from None
        if len(raw) != 4 + SIGNATURE_SIZE:
            raise CheckpointError(f"signature by {self.name}: wrong length for Ed25519")
        if int.from_bytes(raw[:4], "big") != self._hash:
            raise CheckpointError(f"signature by {self.name}: key ID does not match")
        self._verify_raw(text_bytes, raw[4:])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NoteVerifier):
            return NotImplemented
        return self.name == other.name and self.key == other.key

    def __hash__(self) -> int:
        return hash((NoteVerifier, self.name, self.key))

    def __repr__(self) -> str:
        return f"NoteVerifier({self.vkey!r})"


class NoteSigner:
    """An Ed25519 note key able to sign: a name and a :class:`SigningKey`."""

    __slots__ = ("_verifier", "name", "signing_key")

    def __init__(self, name: str, signing_key: SigningKey) -> None:
        _check_name(name)
        self.name = name
        self.signing_key = signing_key
        self._verifier = NoteVerifier(name, signing_key.public_key)

    @property
    def key_hash(self) -> int:
        return self._verifier.key_hash

    @property
    def verifier(self) -> NoteVerifier:
        return self._verifier

    @property
    def vkey(self) -> str:
        """The verifier key string to hand to every party."""
        return self._verifier.vkey

    def private_key_string(self) -> str:
        """``PRIVATE+KEY+<name>+<hex8 key ID>+base64(0x01 || seed)`` (Go note format). Secret."""
        encoded = _b64encode(bytes([ALG_ED25519]) + self.signing_key.seed)
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_hash:08x}+{encoded}"

    @classmethod
    def from_private_key_string(cls, skey: str) -> NoteSigner:
        """Parse a private key string; its key ID must match the derived public key."""
        if not isinstance(skey, str) or not skey.startswith(_PRIVATE_PREFIX):
            raise CheckpointError("private key string does not start with PRIVATE+KEY+")
        parts = skey[len(_PRIVATE_PREFIX) :].split("+", 2)  # base64 may contain '+'
        if len(parts) != 3:
            raise CheckpointError(
                "private key is not of the form PRIVATE+KEY+<name>+<hex8 key ID>+<base64 key>"
            )
        name, hash_hex, key_b64 = parts
        _check_name(name, "private key name")
        claimed = _parse_key_hash(hash_hex, "private key")
        try:
            raw = _b64decode(key_b64)
        except ValueError as exc:
            raise CheckpointError(f"private key {name}: {exc}") from None
        if len(raw) != 1 + SEED_SIZE or raw[0] != ALG_ED25519:
            raise CheckpointError(f"private key {name}: not an Ed25519 (type 0x01) key")
        signer = cls(name, SigningKey.from_seed(raw[1:]))
        if signer.key_hash != claimed:
            raise CheckpointError(
                f"private key {name}: key ID {hash_hex} does not match the key "
                f"({signer.key_hash:08x})"
            )
        return signer

    def sign_bytes(self, text: str) -> NoteSignature:
        """Sign ``text`` and return the parsed form of the signature."""
        text_bytes = _check_text(text)
        return NoteSignature(self.name, self.key_hash, self.signing_key.sign(text_bytes))

    def sign(self, text: str) -> str:
        """The signature line for ``text``: ``— <name> <base64>``, without its final newline."""
        return self.sign_bytes(text).to_line()

    def __repr__(self) -> str:
        return f"NoteSigner({self.vkey!r})"


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, key ID (uint32) and signature bytes (after the key ID)."""

    name: str
    key_hash: int
    sig_bytes: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if isinstance(self.key_hash, bool) or not isinstance(self.key_hash, int):
            raise CheckpointError("signature key ID must be an int")
        if not 0 <= self.key_hash < 2**32:
            raise CheckpointError(f"signature key ID {self.key_hash} is not a uint32")
        if not isinstance(self.sig_bytes, bytes) or not self.sig_bytes:
            raise CheckpointError("signature bytes must be non-empty bytes")

    def to_line(self) -> str:
        """``— <name> base64(key ID || signature)``, without the final newline."""
        encoded = _b64encode(self.key_hash.to_bytes(4, "big") + self.sig_bytes)
        return f"{_SIG_PREFIX}{self.name} {encoded}"

    @classmethod
    def parse_line(cls, line: str, number: int = 1) -> NoteSignature:
        """Parse one signature line (without its newline); ``number`` is used in errors."""
        where = f"signature line {number}"
        if not line.startswith(_SIG_PREFIX):
            raise CheckpointError(f"{where} does not start with an em dash and a space")
        name, space, encoded = line[len(_SIG_PREFIX) :].partition(" ")
        if not space or not encoded:
            raise CheckpointError(f"{where} has no signature after the key name")
        _check_name(name, f"{where}: key name")
        try:
            raw = _b64decode(encoded)
        except ValueError as exc:
            raise CheckpointError(f"{where}: {exc}") from None
        if len(raw) < 5:
            raise CheckpointError(f"{where}: signature is too short")
        return cls(name, int.from_bytes(raw[:4], "big"), raw[4:])


@dataclass
class Note:
    """A parsed signed note: its text and every signature line, in order."""

    text: str
    signatures: list[NoteSignature] = field(default_factory=list)

    @classmethod
    def parse(cls, data: str | bytes) -> Note:
        """Parse a signed note strictly (c2sp.org/signed-note, "Format").

        Rejects non-UTF-8 input, ASCII control characters other than newline (including CR), a
        missing blank line, a note not ending in a newline, malformed signature lines (including
        non-canonical base64), and more than ``MAX_SIGNATURES`` signatures.
        """
        if isinstance(data, bytes | bytearray | memoryview):
            try:
                data = bytes(data).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CheckpointError(f"note is not valid UTF-8 (byte {exc.start})") from None
        elif not isinstance(data, str):
            raise CheckpointError(f"note must be str or bytes, not {type(data).__name__}")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            raise CheckpointError("note is not valid UTF-8 (lone surrogate)") from None
        bad = _bad_char(data)
        if bad is not None:
            what = "carriage return" if data[bad] == "\r" else f"control character {data[bad]!r}"
            raise CheckpointError(f"note contains a {what} at offset {bad}")
        if not data.endswith("\n"):
            raise CheckpointError("note does not end with a newline")
        split = data.rfind("\n\n")
        if split < 0:
            raise CheckpointError("note has no blank line between text and signatures")
        text, sig_block = data[: split + 1], data[split + 2 :]
        if not sig_block:
            raise CheckpointError("note has no signature lines")
        lines = sig_block[:-1].split("\n")
        if len(lines) > MAX_SIGNATURES:
            raise CheckpointError(f"note has more than {MAX_SIGNATURES} signatures")
        signatures = [NoteSignature.parse_line(line, i) for i, line in enumerate(lines, 1)]
        return cls(text, signatures)

    def to_text(self) -> str:
        """The note as text: ``text``, a blank line, one line per signature."""
        _check_text(self.text)
        if not self.signatures:
            raise CheckpointError("a note needs at least one signature")
        if len(self.signatures) > MAX_SIGNATURES:
            raise CheckpointError(f"note has more than {MAX_SIGNATURES} signatures")
        lines = "".join(sig.to_line() + "\n" for sig in self.signatures)
        return f"{self.text}\n{lines}"

    def verify(self, verifiers: Sequence[NoteVerifier], required: int = 1) -> list[NoteVerifier]:
        """See :func:`verify`."""
        return verify(self, verifiers, required)


def sign(text: str, signers: Iterable[NoteSigner]) -> str:
    """The full signed note: ``text`` signed by each of ``signers``, in order."""
    _check_text(text)
    signatures = [signer.sign_bytes(text) for signer in signers]
    seen: set[tuple[str, int]] = set()
    for sig in signatures:
        if (sig.name, sig.key_hash) in seen:
            raise CheckpointError(f"key {sig.name}+{sig.key_hash:08x} would sign twice")
        seen.add((sig.name, sig.key_hash))
    return Note(text, signatures).to_text()


def verify(
    note: Note | str | bytes, verifiers: Sequence[NoteVerifier], required: int = 1
) -> list[NoteVerifier]:
    """Verify a signed note against known keys; return the verifiers whose signatures verified.

    Signatures whose (key name, key ID) matches no verifier are ignored.  A signature from a known
    key that does not verify raises CheckpointError, as does having fewer than ``required``
    distinct known keys with valid signatures.  The result is in signature order.
    """
    if required < 1:
        raise ValueError("required must be at least 1: an unverified note must be rejected")
    if not isinstance(note, Note):
        note = Note.parse(note)
    text_bytes = _check_text(note.text)
    known: dict[tuple[str, int], NoteVerifier] = {}
    for verifier in verifiers:
        slot = (verifier.name, verifier.key_hash)
        other = known.setdefault(slot, verifier)
        if other != verifier:
            raise CheckpointError(
                f"two different verifier keys share the name and key ID {slot[0]}+{slot[1]:08x}"
            )
    verified: list[NoteVerifier] = []
    for sig in note.signatures:
        match = known.get((sig.name, sig.key_hash))
        if match is None:
            continue
        match._verify_raw(text_bytes, sig.sig_bytes)
        if match not in verified:
            verified.append(match)
    if len(verified) < required:
        names = ", ".join(v.name for v in known.values()) or "none given"
        raise CheckpointError(
            f"note has {len(verified)} valid signature(s) from known keys, {required} required "
            f"(known keys: {names})"
        )
    return verified


@dataclass(frozen=True)
class Checkpoint:
    """A tlog checkpoint (c2sp.org/tlog-checkpoint): origin, tree size, root hash, extensions."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin:
            raise CheckpointError("checkpoint origin is empty")
        if "\n" in self.origin or _bad_char(self.origin) is not None:
            raise CheckpointError("checkpoint origin contains a newline or control character")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise CheckpointError("checkpoint tree size must be an int")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(f"checkpoint tree size {self.size} is out of range")
        if not isinstance(self.root, bytes) or len(self.root) != 32:
            raise CheckpointError("checkpoint root hash must be 32 bytes")
        if not isinstance(self.extensions, tuple):
            object.__setattr__(self, "extensions", tuple(self.extensions))
        for ext in self.extensions:
            if not isinstance(ext, str) or not ext:
                raise CheckpointError("checkpoint extension lines must be non-empty strings")
            if "\n" in ext or _bad_char(ext) is not None:
                raise CheckpointError("checkpoint extension line contains a control character")
        try:
            self.to_text().encode("utf-8")
        except UnicodeEncodeError:
            raise CheckpointError("checkpoint is not valid UTF-8") from None

    def to_text(self) -> str:
        """The note text: origin, size, base64(root) and extension lines, each ending in newline."""
        head = f"{self.origin}\n{self.size}\n{_b64encode(self.root)}\n"
        return head + "".join(ext + "\n" for ext in self.extensions)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint note text strictly; errors name the offending line."""
        if not isinstance(text, str):
            raise CheckpointError(f"checkpoint must be str, not {type(text).__name__}")
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint does not end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError(
                f"checkpoint has {len(lines)} line(s); origin, tree size and root hash are required"
            )
        for number, line in enumerate(lines, 1):
            if not line:
                raise CheckpointError(f"checkpoint line {number} is empty")
            bad = _bad_char(line)
            if bad is not None:
                raise CheckpointError(f"checkpoint line {number}: control character {line[bad]!r}")
        origin, size_text, root_text, *extensions = lines
        if not set(size_text) <= _DIGITS:
            raise CheckpointError(
                f"checkpoint line 2: tree size {size_text!r} is not a decimal number"
            )
        if len(size_text) > 1 and size_text[0] == "0":
            raise CheckpointError(f"checkpoint line 2: tree size {size_text!r} has a leading zero")
        size = int(size_text)
        if size > MAX_TREE_SIZE:
            raise CheckpointError(f"checkpoint line 2: tree size {size_text!r} is too large")
        try:
            root = _b64decode(root_text)
        except ValueError as exc:
            raise CheckpointError(f"checkpoint line 3: root hash {root_text!r}: {exc}") from None
        if len(root) != 32:
            raise CheckpointError(f"checkpoint line 3: root hash is {len(root)} bytes, not 32")
        return cls(origin, size, root, tuple(extensions))


def sign_checkpoint(cp: Checkpoint, signer: NoteSigner) -> str:
    """The checkpoint as a signed note, signed by the log's key."""
    return sign(cp.to_text(), [signer])


def open_checkpoint(
    note_text: str | bytes,
    log_verifier: NoteVerifier,
    expected_origin: str | None = None,
) -> Checkpoint:
    """Verify the log's signature on a signed checkpoint, parse it, and check its origin.

    Other signatures (e.g. witness cosignatures) are ignored unless they claim the log's key.
    """
    note = Note.parse(note_text)
    verify(note, [log_verifier])
    cp = Checkpoint.parse(note.text)
    if expected_origin is not None and cp.origin != expected_origin:
        raise CheckpointError(
            f"checkpoint origin {cp.origin!r} is not the expected {expected_origin!r}"
        )
    return cp
