"""Evidence files in an S3-compatible object store (SeaweedFS, MinIO, Ceph RGW, AWS S3).

For a center that outgrows one disk: set ``TRUCE_EVIDENCE_S3`` to the bucket's URL, path-style
(``http://127.0.0.1:8333/truce-evidence``), and the complete files go there as objects named
``sha256/ab/cd/<sha256>`` (staging and thumbnails stay on the local disk). The S3 REST calls
used are the basic four: ``PUT`` an object (streamed from the staged file, with its
``Content-Length``), ``GET`` it (streamed), ``HEAD`` it, ``DELETE`` it; and ``PUT`` the bucket
once, if it does not exist.

With an access key and secret (``TRUCE_EVIDENCE_S3_KEY``, ``TRUCE_EVIDENCE_S3_SECRET``,
region ``TRUCE_EVIDENCE_S3_REGION``, default ``us-east-1``) every request is signed with AWS
Signature Version 4 (header form; the payload declared ``UNSIGNED-PAYLOAD``, as the file's own
SHA-256 is checked on every read anyway). Without them requests are anonymous: only for a
gateway on the center's private network that allows it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Generator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import httpx

from truce.errors import ConfigError, NotFoundError, StorageError
from truce.ledger.evidence import CHUNK

__all__ = ["S3Backend"]


class S3Backend:
    def __init__(
        self,
        bucket_url: str,
        *,
        key: str = "",
        secret: str = "",
        region: str = "us-east-1",
        timeout: float = 60.0,
    ) -> None:
        url = httpx.URL(bucket_url)
        if url.scheme not in ("http", "https") or not url.host or url.path.strip("/") == "":
            raise ConfigError(
                f"TRUCE_EVIDENCE_S3 {bucket_url!r} is not a bucket URL",
                hint="Give it path-style: http://host:8333/bucket-name.",
            )
        self.bucket_url = str(url).rstrip("/")
        if bool(key) != bool(secret):
            raise ConfigError(
                "give both TRUCE_EVIDENCE_S3_KEY and TRUCE_EVIDENCE_S3_SECRET, or neither"
            )
        auth = _SigV4(key, secret, region) if key else None
        self.client = httpx.Client(timeout=timeout, auth=auth)
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


class _SigV4(httpx.Auth):
    """AWS Signature Version 4 in the Authorization header (the S3 flavour: UNSIGNED-PAYLOAD)."""

    def __init__(self, key: str, secret: str, region: str) -> None:
        self.key, self.secret, self.region = key, secret, region

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        now = datetime.now(UTC)
        stamp, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        request.headers["x-amz-date"] = stamp
        request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
        host = request.url.netloc.decode("ascii")
        path = quote(request.url.path or "/", safe="/-_.~")
        pairs = sorted(
            (quote(k, safe="-_.~"), quote(v, safe="-_.~"))
            for k, v in request.url.params.multi_items()
        )
        query = "&".join(f"{k}={v}" for k, v in pairs)
        signed = "host;x-amz-content-sha256;x-amz-date"
        canonical = "\n".join(
            [
                request.method,
                path,
                query,
                f"host:{host}\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:{stamp}\n",
                signed,
                "UNSIGNED-PAYLOAD",
            ]
        )
        scope = f"{day}/{self.region}/s3/aws4_request"
        to_sign = "\n".join(
            ["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()]
        )
        k = f"AWS4{self.secret}".encode()
        for part in (day, self.region, "s3", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
        request.headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={self.key}/{scope}, SignedHeaders={signed}, "
            f"Signature={signature}"
        )
        yield request


def _stream(resp: httpx.Response) -> Iterator[bytes]:
    try:
        yield from resp.iter_bytes(CHUNK)
    finally:
        resp.close()
