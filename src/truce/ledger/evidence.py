"""The content-addressed evidence store beside the log.

Documents, images and videos are too large for entries (64 KiB at most); an entry cites their
SHA-256 and the bytes live here as ``sha256/ab/cd/<sha256>``. Writes are atomic and idempotent:
a file is written to ``tmp/`` while it is hashed (:meth:`EvidenceStore.stage`, in chunks, so
memory stays flat whatever the size) and renamed into place only once it is complete and
accepted (:meth:`Staged.commit`); a truncated or refused upload is discarded and stores nothing.
A read re-hashes, so a damaged or substituted file is detected, never served. Thumbnails, which
are derived from the file and can be made again, live under ``thumbs/ab/<sha256>.jpg``.

Files stored by an older version at ``sha256/ab/<rest>`` are still found. Where the complete
files live is a :class:`Backend`: this directory by default, or an S3-compatible object store
(:class:`truce.ledger.objectstore.S3Backend`, ``TRUCE_EVIDENCE_S3``); staging and thumbnails
stay on the local disk either way.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from truce.errors import NotFoundError, StorageError, TooLarge

__all__ = ["CHUNK", "Backend", "DirectoryBackend", "EvidenceStore", "Staged"]

#: Bytes read or written at a time.
CHUNK = 1 << 20
#: Bytes kept from the start of a file for sniffing its type.
HEAD = 4096


class Staged:
    """A file written to the store's ``tmp/`` and hashed, not yet in the store.

    :meth:`commit` moves it into place (or drops it if the store has it already);
    :meth:`discard` deletes it. One of the two must be called (``with`` discards on error).
    """

    def __init__(self, store: EvidenceStore, tmp: Path) -> None:
        self.store = store
        self.tmp = tmp
        self._hash = hashlib.sha256()
        self.size = 0
        self.head = b""
        self._file: BinaryIO | None = open(tmp, "xb")  # noqa: SIM115 (closed in finish/discard)
        self.sha256 = ""
        self.done = False

    def write(self, data: bytes) -> None:
        if self._file is None:
            raise StorageError("this staged file is already finished")
        if len(self.head) < HEAD:
            self.head += data[: HEAD - len(self.head)]
        self._hash.update(data)
        self._file.write(data)
        self.size += len(data)

    def finish(self) -> str:
        """Flush to disk; the SHA-256 of what was written."""
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            self.sha256 = self._hash.hexdigest()
        return self.sha256

    def commit(self) -> bool:
        """Move the file into the store; True if it was new (False: it was there already)."""
        sha = self.finish()
        self.done = True
        if self.store.has(sha):
            self.tmp.unlink(missing_ok=True)
            return False
        try:
            self.store.backend.put(sha, self.tmp)
        finally:
            self.tmp.unlink(missing_ok=True)
        return True

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self.tmp.unlink(missing_ok=True)
        self.done = True

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if not self.done:
            self.discard()


class Backend(Protocol):
    """Where complete files live, by SHA-256: a directory (the default) or an object store."""

    def has(self, sha256: str) -> bool: ...

    def put(self, sha256: str, path: Path) -> None:
        """Keep the complete file at ``path`` (which the caller deletes afterwards, if there)."""
        ...

    def chunks(self, sha256: str) -> Iterator[bytes]:
        """The file's bytes in chunks; :class:`NotFoundError` if it is not here."""
        ...

    def delete(self, sha256: str) -> None: ...

    def close(self) -> None: ...


class DirectoryBackend:
    """Files as ``sha256/ab/cd/<sha256>`` under a directory (older ``sha256/ab/<rest>`` too)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, sha256: str) -> Path:
        _check(sha256)
        return self.directory / "sha256" / sha256[:2] / sha256[2:4] / sha256

    def _existing(self, sha256: str) -> Path | None:
        old = self.directory / "sha256" / sha256[:2] / sha256[2:]
        for p in (self.path(sha256), old):
            if p.exists():
                return p
        return None

    def has(self, sha256: str) -> bool:
        return self._existing(sha256) is not None

    def put(self, sha256: str, path: Path) -> None:
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)

    def chunks(self, sha256: str) -> Iterator[bytes]:
        path = self._existing(sha256)
        if path is None:
            raise NotFoundError(f"no evidence with SHA-256 {sha256}")
        return _chunks(path)

    def delete(self, sha256: str) -> None:
        path = self._existing(sha256)
        if path is not None:
            path.unlink(missing_ok=True)

    def close(self) -> None:
        pass


class EvidenceStore:
    """Staging (``tmp/``) and thumbnails in ``directory``; the files in ``backend`` (by default
    :class:`DirectoryBackend` over the same directory)."""

    def __init__(self, directory: Path, backend: Backend | None = None) -> None:
        self.directory = directory
        self.backend: Backend = backend or DirectoryBackend(directory)

    def path(self, sha256: str) -> Path:
        """Where a directory backend keeps the file."""
        if not isinstance(self.backend, DirectoryBackend):
            raise StorageError("this evidence store keeps its files in an object store")
        return self.backend.path(sha256)

    def thumbnail_path(self, sha256: str) -> Path:
        _check(sha256)
        return self.directory / "thumbs" / sha256[:2] / f"{sha256}.jpg"

    def stage(self) -> Staged:
        """A new temporary file in ``tmp/`` to write into (see :class:`Staged`)."""
        tmp_dir = self.directory / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        return Staged(self, tmp_dir / f"{os.getpid()}-{secrets.token_hex(8)}.part")

    def stage_stream(self, stream: BinaryIO, limit: int | None = None) -> Staged:
        """Copy ``stream`` into a staged file in chunks (refused past ``limit`` bytes)."""
        staged = self.stage()
        try:
            while chunk := stream.read(CHUNK):
                staged.write(chunk)
                if limit is not None and staged.size > limit:
                    raise TooLarge(
                        f"the file is over the evidence size limit of {limit} bytes",
                        hint="Set TRUCE_EVIDENCE_MAX_BYTES to accept larger files.",
                    )
            staged.finish()
        except BaseException:
            staged.discard()
            raise
        return staged

    def put(self, data: bytes) -> str:
        staged = self.stage()
        with staged:
            staged.write(data)
            staged.commit()
        return staged.sha256

    def has(self, sha256: str) -> bool:
        _check(sha256)
        return self.backend.has(sha256)

    def close(self) -> None:
        self.backend.close()

    def delete(self, sha256: str) -> None:
        """Remove a file and its thumbnail (a file whose entry was refused)."""
        _check(sha256)
        self.backend.delete(sha256)
        self.thumbnail_path(sha256).unlink(missing_ok=True)

    def get(self, sha256: str) -> bytes:
        return b"".join(self.read(sha256))

    def read(self, sha256: str) -> Iterator[bytes]:
        """The file's bytes in chunks, checked against the hash before any is returned (so the
        file is read twice: once to check, once to send)."""
        _check(sha256)
        digest = hashlib.sha256()
        for chunk in self.backend.chunks(sha256):
            digest.update(chunk)
        if digest.hexdigest() != sha256:
            raise StorageError(f"evidence {sha256} is damaged: its bytes hash differently")
        return self.backend.chunks(sha256)


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def _check(sha256: str) -> None:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise NotFoundError(f"{sha256[:80]!r} is not a SHA-256 (64 lowercase hex digits)")
