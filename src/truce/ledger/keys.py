"""Ed25519 signing and verifying keys, pinned to one implementation.

Signatures follow RFC 8032 (Ed25519, pure mode).  RFC 8032 leaves some edge cases open
(non-canonical encodings, small-order points, cofactored versus cofactorless verification), and
libraries disagree on them; see the Ed25519 edge-case vectors of C2SP CCTV
(https://github.com/C2SP/CCTV/tree/main/ed25519) and "Taming the many EdDSAs" (Chalkias et al.,
2020).  A ledger kept by several parties must judge every signature alike, so one implementation,
the ``cryptography`` package (OpenSSL), is the judge, and ``ed25519_accepted.json`` records which
of the 914 CCTV vectors it accepts.  ``ED25519_IMPLEMENTATION`` names the library and OpenSSL
build in use; the unit test ``tests/unit/test_ed25519_pin.py`` fails if the installed build
accepts a different set.  Regenerate the record with::

    python -m truce.ledger.keys --record-vectors tests/data/ed25519/ed25519vectors.json

Every verification goes through one seam, :func:`_verify_raw`.  When PyNaCl is installed it
first asks libsodium (``crypto_sign_open``), about twice as fast as OpenSSL here
(``benchmarks/bench_ledger.py`` measures both in the same run).  libsodium is stricter than the
judge, never looser: both verify cofactorless with a byte-wise comparison of R and require a
canonical S, and libsodium additionally rejects a small-order or non-canonical public key and a
small-order R.  So a signature libsodium accepts is one OpenSSL accepts, and every signature
libsodium rejects goes to OpenSSL for the verdict: the accepted set is the judge's exactly
(``tests/unit/test_ed25519_backends.py`` runs every vector through both libraries and the seam).
A forged signature costs both checks, about 1.5 times what the judge alone costs.
``ED25519_HOT_PATH`` names the fast path in use, or says there is none.

Verification fails closed: any malformed key, signature or message raises
:class:`truce.errors.SignatureError`, never another exception type.

Signing keys are stored as their 32-byte RFC 8032 seed, base64-encoded on one line, in a file of
mode 0600 that :meth:`SigningKey.load` refuses to read if group or others have any access.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import binascii
import json
import multiprocessing
import os
import secrets
import stat
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Final

import cryptography
from cryptography.hazmat.backends.openssl import backend as _openssl_backend
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from truce.errors import ConfigError, SignatureError

try:  # the optional fast path; the judge below is cryptography either way
    import nacl as _nacl
    from nacl.bindings import crypto_sign_open as _sodium_open
except ImportError:  # pragma: no cover - PyNaCl is a dependency, but the seam works without it
    _nacl = None  # type: ignore[assignment]
    _sodium_open = None  # type: ignore[assignment]

__all__ = [
    "ED25519_HOT_PATH",
    "ED25519_IMPLEMENTATION",
    "MIN_CHUNK",
    "PUBLIC_KEY_SIZE",
    "SEED_SIZE",
    "SIGNATURE_SIZE",
    "SigningKey",
    "VerifyKey",
    "accepted_vectors",
    "record_vectors",
    "shutdown_pool",
    "start_pool",
    "verify_batch",
]

#: Library and OpenSSL build that verify every signature, e.g.
#: ``"cryptography 50.0.2 (OpenSSL 4.0.3 29 Sep 2026)"``.
ED25519_IMPLEMENTATION: Final[str] = (
    f"cryptography {cryptography.__version__} ({_openssl_backend.openssl_version_text()})"
)

#: The fast path tried first, e.g. ``"PyNaCl 1.6.2 (libsodium)"``, or ``"none"``.
ED25519_HOT_PATH: Final[str] = (
    f"PyNaCl {_nacl.__version__} (libsodium)" if _sodium_open is not None else "none"
)

SEED_SIZE: Final = 32
PUBLIC_KEY_SIZE: Final = 32
SIGNATURE_SIZE: Final = 64

#: Smallest number of signatures sent to a worker process in one piece; smaller batches are
#: verified inline because pickling and the round trip cost more than they save.
MIN_CHUNK: Final = 256
# Chunks handed to each worker per batch: more than one evens out uneven workers.
_CHUNKS_PER_WORKER: Final = 4

_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw
_NO_ENC = serialization.NoEncryption()

#: Where the record of accepted CCTV vectors lives (committed next to this module).
ACCEPTED_VECTORS_FILE: Final = Path(__file__).with_name("ed25519_accepted.json")


def _verify_raw(key_raw: bytes, key: Ed25519PublicKey | None, msg: bytes, sig: bytes) -> bool:
    """Whether ``sig`` is a valid signature of ``msg`` by the key ``key_raw``: the one seam.

    ``key`` is the judge's object for ``key_raw`` (None if the judge could not load it).  The
    caller has checked that all three are bytes and ``sig`` is 64 bytes long.  libsodium's yes
    is final (it accepts a subset of what OpenSSL accepts, see the module docstring); its no,
    or any error from it, is re-judged by OpenSSL.
    """
    if key is None:  # the judge cannot load this key: nothing verifies against it
        return False
    if _sodium_open is not None:
        try:
            _sodium_open(sig + msg, key_raw)
        except Exception:  # BadSignatureError, or anything odd: the judge decides
            pass
        else:
            return True
    try:
        key.verify(sig, msg)
    except Exception:  # InvalidSignature, or anything else: fail closed
        return False
    return True


def _b64decode_strict(text: str) -> bytes:
    """Decode standard base64 (RFC 4648 §4), rejecting anything but its canonical form."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError) as exc:
        raise ValueError(f"not valid base64: {exc}") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise ValueError("base64 is not in canonical form")
    return raw


class VerifyKey:
    """An Ed25519 public key (RFC 8032, 32 bytes); equal and hashed by its raw bytes."""

    __slots__ = ("_key", "_raw")

    def __init__(self, key: Ed25519PublicKey) -> None:
        self._key = key
        self._raw = key.public_bytes(_RAW, _RAW_PUB)

    @classmethod
    def from_bytes(cls, raw: bytes) -> VerifyKey:
        """Load a 32-byte public key.

        The point is not decoded here: a 32-byte string that is not a valid point loads, and every
        signature checked against it fails with :class:`SignatureError`.
        """
        if not isinstance(raw, bytes | bytearray | memoryview):
            raise SignatureError(f"Ed25519 public key must be bytes, not {type(raw).__name__}")
        raw = bytes(raw)
        if len(raw) != PUBLIC_KEY_SIZE:
            raise SignatureError(
                f"Ed25519 public key must be {PUBLIC_KEY_SIZE} bytes, got {len(raw)}"
            )
        try:
            return cls(Ed25519PublicKey.from_public_bytes(raw))
        except Exception as exc:  # fail closed whatever the library raises
            raise SignatureError(f"invalid Ed25519 public key: {exc}") from None

    @classmethod
    def from_b64(cls, text: str) -> VerifyKey:
        """Load a public key from standard base64 of its 32 raw bytes."""
        try:
            raw = _b64decode_strict(text)
        except (ValueError, AttributeError) as exc:
            raise SignatureError(f"Ed25519 public key: {exc}") from None
        return cls.from_bytes(raw)

    @property
    def raw(self) -> bytes:
        """The 32-byte RFC 8032 encoding."""
        return self._raw

    def to_b64(self) -> str:
        """Standard base64 of the 32 raw bytes."""
        return base64.b64encode(self._raw).decode("ascii")

    def verify(self, msg: bytes, sig: bytes) -> None:
        """Return if ``sig`` is a valid signature of ``msg``; raise SignatureError otherwise."""
        if not isinstance(msg, bytes | bytearray | memoryview) or not isinstance(
            sig, bytes | bytearray | memoryview
        ):
            raise SignatureError("Ed25519 message and signature must be bytes")
        if len(sig) != SIGNATURE_SIZE:
            raise SignatureError(
                f"Ed25519 signature must be {SIGNATURE_SIZE} bytes, got {len(sig)}"
            )
        if not _verify_raw(self._raw, self._key, bytes(msg), bytes(sig)):
            raise SignatureError("Ed25519 signature does not verify")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VerifyKey):
            return NotImplemented
        return self._raw == other._raw

    def __hash__(self) -> int:
        return hash((VerifyKey, self._raw))

    def __repr__(self) -> str:
        return f"VerifyKey({self.to_b64()!r})"


class SigningKey:
    """An Ed25519 private key, kept as its 32-byte seed (RFC 8032 §5.1.5)."""

    __slots__ = ("_key", "_public", "_seed")

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self._seed = key.private_bytes(_RAW, _RAW_PRIV, _NO_ENC)
        self._public = VerifyKey(key.public_key())

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh key from the operating system's random source."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        """The key for a 32-byte seed; raises SignatureError for any other length."""
        if not isinstance(seed, bytes | bytearray | memoryview):
            raise SignatureError(f"Ed25519 seed must be bytes, not {type(seed).__name__}")
        if len(seed) != SEED_SIZE:
            raise SignatureError(f"Ed25519 seed must be {SEED_SIZE} bytes, got {len(seed)}")
        return cls(Ed25519PrivateKey.from_private_bytes(bytes(seed)))

    @property
    def seed(self) -> bytes:
        """The 32-byte seed: the secret itself."""
        return self._seed

    @property
    def public_key(self) -> VerifyKey:
        return self._public

    def sign(self, msg: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``msg`` (deterministic, RFC 8032)."""
        return self._key.sign(bytes(msg))

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write the seed, base64 on one line, to ``path`` with mode 0600, atomically.

        The seed goes to a temporary file in the same directory created with mode 0600, is
        fsynced, then renamed into place.  An existing file is replaced only with
        ``overwrite=True``: losing a party's key is not recoverable.
        """
        target = Path(path)
        directory = target.parent
        tmp = directory / f".{target.name}.{secrets.token_hex(8)}.tmp"
        data = base64.b64encode(self._seed) + b"\n"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            raise ConfigError(
                f"cannot create key file in {directory}: {exc.strerror or exc}",
                hint="Check that the directory exists and is writable.",
            ) from None
        try:
            try:
                os.fchmod(fd, 0o600)  # the umask can only remove bits, but be explicit
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            if overwrite:
                os.replace(tmp, target)
            else:
                _link_no_clobber(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_dir(directory)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SigningKey:
        """Read a key written by :meth:`save`; refuse one that group or others may access."""
        target = Path(path)
        try:
            fd = os.open(target, os.O_RDONLY)
        except OSError as exc:
            raise ConfigError(
                f"cannot open key file {target}: {exc.strerror or exc}",
                hint="Check the path, or create a key first.",
            ) from None
        try:
            st = os.fstat(fd)
            mode = stat.S_IMODE(st.st_mode)
            if not stat.S_ISREG(st.st_mode):
                raise ConfigError(f"key file {target} is not a regular file")
            if mode & 0o077:
                raise ConfigError(
                    f"key file {target} is accessible by group or others (mode {mode:04o})",
                    hint=f"Run: chmod 600 {target}",
                )
            with os.fdopen(fd, "rb", closefd=False) as fh:
                data = fh.read(1024)
        finally:
            os.close(fd)
        text = data.decode("ascii", errors="replace")
        if text.endswith("\n"):
            text = text[:-1]
        try:
            seed = _b64decode_strict(text)
        except ValueError as exc:
            raise ConfigError(f"key file {target} is malformed: {exc}") from None
        if len(seed) != SEED_SIZE:
            raise ConfigError(
                f"key file {target} holds {len(seed)} bytes, not a {SEED_SIZE}-byte Ed25519 seed"
            )
        return cls.from_seed(seed)

    def __repr__(self) -> str:
        return f"SigningKey(public_key={self._public.to_b64()!r})"


def _link_no_clobber(tmp: Path, target: Path) -> None:
    """Move ``tmp`` to ``target`` atomically, failing if ``target`` exists."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise ConfigError(
            f"key file {target} already exists; not overwriting it",
            hint="Move the old key away first if you really mean to replace it.",
        ) from None
    except OSError:
        # A filesystem without hard links: fall back to check-then-rename.
        if target.exists():
            raise ConfigError(f"key file {target} already exists; not overwriting it") from None
        os.replace(tmp, target)
        return
    tmp.unlink()


def _fsync_dir(directory: Path) -> None:
    try:
        dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


# --- batch verification -------------------------------------------------------------------------


def _verify_chunk(raw_items: Sequence[tuple[bytes, bytes, bytes]], offset: int) -> list[int]:
    """Indices (plus ``offset``) of the items in ``raw_items`` that do not verify.

    Runs in worker processes, so it takes raw bytes only.  Keys are decoded once per chunk.
    """
    failed: list[int] = []
    cache: dict[bytes, Ed25519PublicKey | None] = {}
    for i, (key_raw, msg, sig) in enumerate(raw_items):
        try:
            key = cache[key_raw]
        except KeyError:
            try:
                key = Ed25519PublicKey.from_public_bytes(key_raw)
            except Exception:
                key = None
            cache[key_raw] = key
        sizes_ok = len(key_raw) == PUBLIC_KEY_SIZE and len(sig) == SIGNATURE_SIZE
        if not (sizes_ok and _verify_raw(key_raw, key, msg, sig)):
            failed.append(offset + i)
    return failed


_pool_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_workers = 0
_pool_pid = 0
_atexit_registered = False


def _mp_context() -> Any:
    """Fork on Linux (fast start, nothing to re-import); the platform default elsewhere.

    Forking a process that already runs other threads can deadlock the child (a lock held by
    another thread at fork time is never released) and warns from Python 3.12, so such a process
    gets the forkserver instead.  Call :func:`start_pool` early, before starting threads, to get
    forked workers in a threaded server.
    """
    if sys.platform != "linux":
        return multiprocessing.get_context()
    if threading.active_count() > 1:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("fork")


def _get_pool(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_workers, _pool_pid, _atexit_registered
    with _pool_lock:
        if _pool is not None and _pool_pid != os.getpid():
            _pool = None  # inherited across a fork: the workers belong to the parent
        if _pool is not None and _pool_workers != workers:
            _pool.shutdown(wait=True)
            _pool = None
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context())
            _pool_workers = workers
            _pool_pid = os.getpid()
            if not _atexit_registered:
                atexit.register(shutdown_pool)
                _atexit_registered = True
        return _pool


def worker_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """The ledger's one pool of worker processes (created on first use, one per CPU)."""
    return _get_pool(_default_workers(workers))


def start_pool(workers: int | None = None) -> None:
    """Start the worker processes now (e.g. at sequencer start-up, before other threads)."""
    _get_pool(_default_workers(workers))


def _default_workers(workers: int | None) -> int:
    return workers if workers is not None else (os.cpu_count() or 1)


def shutdown_pool() -> None:
    """Stop the worker processes, if any (registered with :mod:`atexit`)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
        if pool is not None and _pool_pid == os.getpid():
            pool.shutdown(wait=True, cancel_futures=True)


def _discard_pool(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None


_BYTES_TYPES: Final = (bytes, bytearray, memoryview)


def _to_raw_items(
    items: Sequence[tuple[VerifyKey | bytes, bytes, bytes]],
) -> tuple[list[tuple[bytes, bytes, bytes]], list[int]]:
    """Raw-bytes triples for the workers, plus the indices already known to be malformed."""
    raw_items: list[tuple[bytes, bytes, bytes]] = []
    malformed: list[int] = []
    for i, item in enumerate(items):
        try:
            key, msg, sig = item
            key_raw = key.raw if isinstance(key, VerifyKey) else key
            # bytes(int) would make zero bytes: accept only real byte strings.
            if not all(isinstance(x, _BYTES_TYPES) for x in (key_raw, msg, sig)):
                raise TypeError("not bytes")
            raw_items.append((bytes(key_raw), bytes(msg), bytes(sig)))
        except Exception:
            malformed.append(i)
            raw_items.append((b"", b"", b""))  # fails in the worker too; keeps indices aligned
    return raw_items, malformed


def verify_batch(
    items: Sequence[tuple[VerifyKey | bytes, bytes, bytes]],
    workers: int | None = None,
) -> list[int]:
    """Verify many ``(key, msg, sig)`` triples; return the sorted indices that FAILED.

    An empty list means every signature verified.  ``key`` is a :class:`VerifyKey` or its 32 raw
    bytes.  A malformed item (wrong lengths, not bytes, invalid point) counts as failed.

    With ``workers`` > 1 and at least ``2 * MIN_CHUNK`` items, the batch is split into chunks of
    at least ``MIN_CHUNK`` and verified by a reused process pool of that many workers;
    ``workers=None`` means one per CPU.  Otherwise it is verified inline.
    """
    n = len(items)
    workers = _default_workers(workers)
    raw_items, malformed = _to_raw_items(items)
    if workers <= 1 or n < 2 * MIN_CHUNK:
        return _verify_chunk(raw_items, 0)
    chunk = max(MIN_CHUNK, -(-n // (workers * _CHUNKS_PER_WORKER)))
    failed: set[int] = set(malformed)
    pool = _get_pool(workers)
    try:
        futures: list[Future[list[int]]] = [
            pool.submit(_verify_chunk, raw_items[start : start + chunk], start)
            for start in range(0, n, chunk)
        ]
        for future in futures:
            failed.update(future.result())
    except (BrokenProcessPool, RuntimeError):
        # A worker died (killed, out of memory), or another thread replaced the pool with one of
        # a different size: verify here instead (same code, same verdicts).
        _discard_pool(pool)
        return _verify_chunk(raw_items, 0)
    return sorted(failed)


# --- the pinned edge-case record ----------------------------------------------------------------


def accepted_vectors(path: str | os.PathLike[str]) -> list[int]:
    """Numbers of the CCTV ``ed25519vectors.json`` vectors this implementation accepts.

    Each vector has ``number``, ``key`` and ``sig`` (hex), ``msg`` (a string, signed as UTF-8)
    and ``flags``.  Verification goes through :meth:`VerifyKey.verify`, exactly as for entries.
    """
    vectors = json.loads(Path(path).read_text(encoding="utf-8"))
    accepted: list[int] = []
    for vector in vectors:
        try:
            key = VerifyKey.from_bytes(bytes.fromhex(vector["key"]))
            key.verify(vector["msg"].encode("utf-8"), bytes.fromhex(vector["sig"]))
        except SignatureError:
            continue
        accepted.append(int(vector["number"]))
    return sorted(accepted)


def record_vectors(
    vectors_path: str | os.PathLike[str],
    out: str | os.PathLike[str] = ACCEPTED_VECTORS_FILE,
) -> dict[str, Any]:
    """Write the record of accepted vectors (``ed25519_accepted.json``) and return it."""
    vectors = json.loads(Path(vectors_path).read_text(encoding="utf-8"))
    accepted = accepted_vectors(vectors_path)
    record: dict[str, Any] = {
        "implementation": ED25519_IMPLEMENTATION,
        "accepted": accepted,
        "rejected_count": len(vectors) - len(accepted),
    }
    Path(out).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m truce.ledger.keys",
        description="Record which Ed25519 edge-case vectors the pinned implementation accepts.",
    )
    parser.add_argument(
        "--record-vectors",
        metavar="VECTORS_JSON",
        required=True,
        help="path to C2SP CCTV ed25519vectors.json",
    )
    parser.add_argument("--out", default=str(ACCEPTED_VECTORS_FILE), help="record to write")
    args = parser.parse_args(argv)
    record = record_vectors(args.record_vectors, args.out)
    print(
        f"{record['implementation']}: accepted {len(record['accepted'])}, "
        f"rejected {record['rejected_count']} -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
