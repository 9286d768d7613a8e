"""Password hashing with scrypt (RFC 7914) from the standard library.

Stored form: ``scrypt$<log2 N>$<r>$<p>$<base64 salt>$<base64 hash>``, so the cost can be raised
later and old hashes still verify. N = 2**14, r = 8, p = 1 (16 MiB, tens of milliseconds) follows
the OWASP password storage guidance for scrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["hash_password", "verify_password"]

_LOG_N, _R, _P, _LEN = 14, 8, 1, 32
MIN_LENGTH = 8


def _scrypt(password: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=1 << log_n, r=r, p=p, dklen=_LEN, maxmem=1 << 26
    )


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _LOG_N, _R, _P)
    b64 = base64.b64encode
    return f"scrypt${_LOG_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str | None) -> bool:
    """True if ``password`` matches; a missing or malformed hash never matches.

    A missing hash still costs one scrypt, so a wrong user name takes as long as a wrong password.
    """
    try:
        scheme, log_n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            raise ValueError(scheme)
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(log_n), int(r), int(p))
    except ValueError:
        _scrypt(password, b"\0" * 16, _LOG_N, _R, _P)
        return False
    return hmac.compare_digest(expected, actual)
