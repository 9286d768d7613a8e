"""The content-addressed evidence store beside the log.

Documents, images and videos are too large for entries (64 KiB at most); an entry cites their
SHA-256 and the bytes live here as ``sha256/ab/cdef...``. Writes are atomic and idempotent; a
read re-hashes, so a damaged or substituted file is detected, never served.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from truce.errors import NotFoundError, StorageError

__all__ = ["EvidenceStore"]


class EvidenceStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, sha256: str) -> Path:
        return self.directory / "sha256" / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        path = self.path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        return digest

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def get(self, sha256: str) -> bytes:
        path = self.path(sha256)
        if not path.exists():
            raise NotFoundError(f"no evidence with SHA-256 {sha256}")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StorageError(f"evidence {sha256} is damaged: its bytes hash differently")
        return data
