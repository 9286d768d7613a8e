"""Custodial party keys, encrypted at rest with a key-encryption key (AES-256-GCM).

In custodial mode the node signs for an authenticated officer with the party's Ed25519 key. The
key's 32-byte seed is stored in ``$TRUCE_HOME/keys/<party>.key`` as one line::

    truce-key-v1:<base64(12-byte nonce || AES-256-GCM ciphertext and tag of the seed)>

with the party id as associated data, so a key file renamed to another party does not decrypt.
The key-encryption key (KEK) is 32 bytes, taken from, in order: ``TRUCE_SECRET_KEY`` (base64),
the file named by ``TRUCE_SECRET_KEY_FILE``, or ``$TRUCE_HOME/secret.key``, created on first use
(mode 0600). Keep it off the data directory in production (a secrets manager, another disk), so
that a copy of the data directory alone does not yield the parties' keys. Key files written by
earlier versions (a plain base64 seed) still load.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from truce.errors import ConfigError
from truce.ledger.keys import SigningKey

__all__ = ["KeyCustody", "load_kek"]

_MAGIC = "truce-key-v1:"
_AAD = b"truce-key-v1\x00"


def _decode_kek(text: str, where: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"{where} is not base64") from None
    if len(raw) != 32:
        raise ConfigError(
            f"{where} must be 32 bytes (base64), got {len(raw)}",
            hint="Make one with: openssl rand -base64 32",
        )
    return raw


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600, never overwriting (a lost key cannot be recovered)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise ConfigError(f"{path} already exists; not overwriting it") from None
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_private(path: Path) -> str:
    try:
        st = path.stat()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise ConfigError(f"{path} is accessible by group or others", hint=f"Run: chmod 600 {path}")
    return path.read_text(encoding="ascii", errors="replace")


def load_kek(home: Path, env: Mapping[str, str]) -> bytes:
    """The key-encryption key, from the environment, a file, or ``$TRUCE_HOME/secret.key``."""
    if env.get("TRUCE_SECRET_KEY"):
        return _decode_kek(env["TRUCE_SECRET_KEY"], "TRUCE_SECRET_KEY")
    if env.get("TRUCE_SECRET_KEY_FILE"):
        path = Path(env["TRUCE_SECRET_KEY_FILE"])
        return _decode_kek(_read_private(path), str(path))
    path = home / "secret.key"
    if not path.exists():
        with contextlib.suppress(ConfigError):  # another process created it first
            _write_private(path, base64.b64encode(secrets.token_bytes(32)) + b"\n")
    return _decode_kek(_read_private(path), str(path))


class KeyCustody:
    """Reads and writes the encrypted party keys of one data directory."""

    def __init__(self, keys_dir: Path, kek: bytes) -> None:
        self.keys_dir = keys_dir
        self._aead = AESGCM(kek)

    def path(self, party: str) -> Path:
        return self.keys_dir / f"{party}.key"

    def exists(self, party: str) -> bool:
        return self.path(party).exists()

    def save(self, party: str, key: SigningKey) -> Path:
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, key.seed, _AAD + party.encode())
        line = _MAGIC + base64.b64encode(nonce + sealed).decode() + "\n"
        path = self.path(party)
        _write_private(path, line.encode("ascii"))
        return path

    def retire(self, party: str) -> None:
        """Move ``party``'s key out of use (after a rotation the log no longer accepts it)."""
        path = self.path(party)
        if path.exists():
            retired = self.keys_dir / "retired"
            retired.mkdir(mode=0o700, exist_ok=True)
            n = sum(1 for p in retired.iterdir() if p.name.startswith(f"{party}."))
            path.rename(retired / f"{party}.{n + 1}.key")

    def load(self, party: str) -> SigningKey:
        path = self.path(party)
        text = _read_private(path).strip()
        if not text.startswith(_MAGIC):
            return SigningKey.load(path)  # a plain seed written before keys were encrypted
        try:
            raw = base64.b64decode(text[len(_MAGIC) :], validate=True)
            seed = self._aead.decrypt(raw[:12], raw[12:], _AAD + party.encode())
        except (binascii.Error, ValueError, InvalidTag):
            raise ConfigError(
                f"key file {path} does not decrypt with this node's secret key",
                hint="Set TRUCE_SECRET_KEY or TRUCE_SECRET_KEY_FILE to the key it was sealed with.",
            ) from None
        return SigningKey.from_seed(seed)
