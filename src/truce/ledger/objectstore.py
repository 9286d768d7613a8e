"""Evidence files in an S3-compatible object store (SeaweedFS, MinIO, Ceph RGW, AWS S3).

For a center that outgrows one disk: set ``TRUCE_EVIDENCE_S3`` to the bucket's URL, path-style
(``http://127.0.0.1:8333/truce-evidence``), and the complete files go there as objects named
``sha256/ab/cd/<sha256>`` (staging and thumbnails stay on the local disk). The S3 REST calls
used are the basic four: ``PUT`` an object (streamed from the staged file, with its
``Content-Length``), ``GET`` it (streamed), ``HEAD`` it, ``DELETE`` it; and ``PUT`` the bucket
once, if it does not exist.

Requests are not signed: this backend is for a gateway on the center's private network that
allows anonymous access (SeaweedFS's S3 gateway does when no identities are configured).
AWS Signature Version 4, for a gateway with credentials, is not implemented yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx

from truce.errors import ConfigError, NotFoundError, StorageError
from truce.ledger.evidence import CHUNK

__all__ = ["S3Backend"]


class S3Backend:
    def __init__(self, bucket_url: str, *, timeout: float = 60.0) -> None:
        url = httpx.URL(bucket_url)
        if url.scheme not in ("http", "https") or not url.host or url.path.strip("/") == "":
            raise ConfigError(
                f"TRUCE_EVIDENCE_S3 {bucket_url!r} is not a bucket URL",
                hint="Give it path-style: http://host:8333/bucket-name.",
            )
        self.bucket_url = str(url).rstrip("/")
        self.client = httpx.Client(timeout=timeout)
        self._bucket_checked = False

    def _url(self, sha256: str) -> str:
        return f"{self.bucket_url}/sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def _fail(self, what: str, exc: Exception | httpx.Response) -> StorageError:
        detail = (
            f"HTTP {exc.status_code}" if isinstance(exc, httpx.Response) else type(exc).__name__
        )
        return StorageError(
            f"the evidence object store at {self.bucket_url} refused to {what} ({detail})",
            hint="Check that the object store is running and the bucket is writable.",
        )

    def _ensure_bucket(self) -> None:
        if self._bucket_checked:
            return
        try:
            resp = self.client.head(self.bucket_url)
            if resp.status_code == 404:
                resp = self.client.put(self.bucket_url)
        except httpx.HTTPError as exc:
            raise self._fail("open the bucket", exc) from None
        if resp.status_code >= 300:
            raise self._fail("open the bucket", resp)
        self._bucket_checked = True

    def has(self, sha256: str) -> bool:
        try:
            resp = self.client.head(self._url(sha256))
        except httpx.HTTPError as exc:
            raise self._fail("look up a file", exc) from None
        if resp.status_code == 404:
            return False
        if resp.status_code >= 300:
            raise self._fail("look up a file", resp)
        return True

    def put(self, sha256: str, path: Path) -> None:
        self._ensure_bucket()
        size = path.stat().st_size

        def body() -> Iterator[bytes]:
            with open(path, "rb") as f:
                while chunk := f.read(CHUNK):
                    yield chunk

        try:
            resp = self.client.put(
                self._url(sha256),
                content=body(),
                headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"},
            )
        except httpx.HTTPError as exc:
            raise self._fail("store a file", exc) from None
        if resp.status_code >= 300:
            raise self._fail("store a file", resp)

    def chunks(self, sha256: str) -> Iterator[bytes]:
        request = self.client.build_request("GET", self._url(sha256))
        try:
            resp = self.client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise self._fail("read a file", exc) from None
        if resp.status_code == 404:
            resp.close()
            raise NotFoundError(f"no evidence with SHA-256 {sha256}")
        if resp.status_code >= 300:
            resp.close()
            raise self._fail("read a file", resp)
        return _stream(resp)

    def delete(self, sha256: str) -> None:
        try:
            resp = self.client.delete(self._url(sha256))
        except httpx.HTTPError as exc:
            raise self._fail("delete a file", exc) from None
        if resp.status_code >= 300 and resp.status_code != 404:
            raise self._fail("delete a file", resp)

    def close(self) -> None:
        self.client.close()

    def keys(self) -> list[str]:
        """Every object name in the bucket (ListObjectsV2, first 1,000: for tests and checks)."""
        import xml.etree.ElementTree as ET

        resp = self.client.get(self.bucket_url, params={"list-type": "2"})
        if resp.status_code == 404:
            return []
        if resp.status_code >= 300:
            raise self._fail("list the bucket", resp)
        root = ET.fromstring(resp.content)  # the configured object store's own answer
        return sorted(el.text or "" for el in root.iter() if el.tag.endswith("Key"))


def _stream(resp: httpx.Response) -> Iterator[bytes]:
    try:
        yield from resp.iter_bytes(CHUNK)
    finally:
        resp.close()
