"""The CLI beside a running server, and the demo's safety (issue 22), each as a user runs them:
a real ``truce serve`` process and real ``truce`` command processes over one data directory.

- CLI writes while the server runs go through it (``ledger/server.json``, the operator route),
  are in the log once, verify, and are read back at once; the operator route refuses a request
  without the server's token and writes nothing; the file goes when the server stops.
- ``truce demo`` never replaces a directory without ``--force``; ``--reuse`` keeps a demo as
  it is (what ``make demo`` runs); the printed address follows ``TRUCE_PORT``/``--port``; a
  busy port is one error line with the fix, before anything is built or "serving on" printed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest


def truce(
    home: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "TRUCE_HOME": str(home), **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "truce.cli", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=300,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"truce {' '.join(args)} failed: {proc.stderr}")
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Serving:
    def __init__(self, home: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        full = {**os.environ, "TRUCE_HOME": str(home), "TRUCE_PORT": str(self.port)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "truce.cli", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**full, **(env or {})},
        )
        self.lines: list[str] = []
        deadline = time.monotonic() + 240
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("the server exited:\n" + "".join(self.lines))
            self.lines.append(line)
            if line.startswith("serving "):
                break
        self.base = f"http://127.0.0.1:{self.port}"
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.base}/api/v1/me", timeout=5)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("the server does not answer")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, Serving]]:
    home = tmp_path / "home"
    truce(home, "init")
    truce(home, "party", "add", "ru", "--name", "Russian Federation")
    server = Serving(home, "serve")
    try:
        yield home, server
    finally:
        server.stop()


def test_cli_writes_go_through_the_running_server(
    served: tuple[Path, Serving], tmp_path: Path, sample_report: dict[str, Any]
) -> None:
    home, server = served
    info = json.loads((home / "ledger" / "server.json").read_text())
    assert info["url"] == f"http://127.0.0.1:{server.port}"
    assert (home / "ledger" / "server.json").stat().st_mode & 0o077 == 0
    # A party and two reports, written by CLI processes while the server holds the ledger.
    assert "registered tr" in truce(home, "party", "add", "tr", "--name", "Türkiye").stdout
    path = tmp_path / "r.json"
    path.write_text(json.dumps(sample_report))
    assert truce(home, "report", "add", str(path), "--as", "ru").stdout.strip() == "filed R-2"
    assert truce(home, "report", "add", str(path), "--as", "tr").stdout.strip() == "filed R-3"
    # Read back at once, by the CLI and by the server (its tables, its log).
    listed = json.loads(truce(home, "report", "list", "--json").stdout)
    assert [r["id"] for r in listed] == ["R-2", "R-3"]
    checkpoint = httpx.get(f"{server.base}/api/v1/ledger/checkpoint").text
    assert checkpoint.splitlines()[1] == "4"
    # A refused CLI write is refused by the server, in the same one line, and writes nothing.
    bad = {
        **sample_report,
        "locations": [{"place": "Morek", "point": {"lat": "48.85", "lon": "2.35"}}],
    }
    path.write_text(json.dumps(bad))
    proc = truce(home, "report", "add", str(path), "--as", "ru", check=False)
    assert proc.returncode != 0 and "km from Murak (Hama)" in proc.stderr
    proc = truce(home, "party", "add", "tr", "--name", "again", check=False)
    assert proc.returncode == 5 and "already registered" in proc.stderr
    # The operator route takes only this server's token.
    # (none at all is no credentials: 401 before the body is read; a wrong one is 403)
    for headers, status in (({}, 401), ({"X-Truce-Operator": "not-the-token"}, 403)):
        resp = httpx.post(
            f"{server.base}/api/v1/operator/entries", json={"entries": ["AA=="]}, headers=headers
        )
        assert resp.status_code == status, resp.text
    server.stop()
    assert not (home / "ledger" / "server.json").exists()
    assert "ok: 4 entries from 2 authors" in truce(home, "ledger", "verify").stdout


def test_concurrent_cli_writes_through_the_server_are_all_filed_once(
    served: tuple[Path, Serving], tmp_path: Path, sample_report: dict[str, Any]
) -> None:
    home, server = served
    path = tmp_path / "r.json"
    path.write_text(json.dumps(sample_report))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "truce.cli", "report", "add", str(path), "--as", "ru"],
            env={**os.environ, "TRUCE_HOME": str(home)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    # Each command signs at the position its view of the log gives; one whose position a
    # sibling took meanwhile signs again at the next: all four are filed, once each.
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    filed = sorted(o.strip() for o, _ in outs)
    assert len(set(filed)) == 4 and all(f.startswith("filed R-") for f in filed)
    listed = json.loads(truce(home, "report", "list", "--json").stdout)
    assert sorted(f"filed {r['id']}" for r in listed) == filed
    server.stop()
    assert "ok: 5 entries" in truce(home, "ledger", "verify").stdout


def test_demo_never_replaces_a_directory_without_force(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    port = free_port()
    out = truce(home, "demo", env={"TRUCE_PORT": str(port)}).stdout
    assert f"sign in at http://127.0.0.1:{port}/" in out
    size = (home / "ledger" / "entries.log").stat().st_size
    proc = truce(home, "demo", check=False)
    assert proc.returncode == 3
    first = proc.stderr.splitlines()[0]
    assert (
        first == f"error: {home} already holds a demo; 'truce demo' replaces it only with --force"
    )
    assert "--force" in proc.stderr and "--home" in proc.stderr
    assert (home / "ledger" / "entries.log").stat().st_size == size
    kept = truce(home, "demo", "--reuse").stdout
    assert "reusing the demo" in kept and (home / "ledger" / "entries.log").stat().st_size == size
    assert "R-3 by ru" in truce(home, "demo", "--force", "--port", "18001").stdout
    # Other data is never replaced, --force or not.
    other = tmp_path / "other"
    truce(other, "init")
    truce(other, "party", "add", "ru", "--name", "Russian Federation")
    for args in ((), ("--force",)):
        proc = truce(other, "demo", *args, check=False)
        assert proc.returncode == 3 and "not a demo" in proc.stderr
    assert "ok: 1 entries" in truce(other, "ledger", "verify").stdout


def test_a_busy_port_is_one_error_before_anything_is_built(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        home = tmp_path / "demo"
        proc = truce(home, "demo", "--serve", "--port", str(port), check=False)
        assert proc.returncode == 3
        assert proc.stderr.splitlines()[0] == (
            f"error: port {port} on 127.0.0.1 is already in use by another process"
        )
        assert "--port" in proc.stderr
        assert "serving" not in proc.stdout and not home.exists()
        truce(tmp_path / "h", "init")
        proc = truce(tmp_path / "h", "serve", env={"TRUCE_PORT": str(port)}, check=False)
        assert proc.returncode == 3 and "already in use" in proc.stderr
        assert "serving" not in proc.stdout


def test_demo_serves_on_the_port_it_prints_and_a_second_make_demo_reuses_it(
    tmp_path: Path,
) -> None:
    home = tmp_path / "var"
    truce(home, "demo")
    size = (home / "ledger" / "entries.log").stat().st_size
    server = Serving(home, "demo", "--serve", "--reuse")  # what `make demo` runs
    try:
        printed = "".join(server.lines)
        assert "reusing the demo" in printed
        assert f"serving {home} on http://127.0.0.1:{server.port}/" in printed
        resp = httpx.post(
            f"{server.base}/api/v1/session",
            json={"username": "chair", "password": "demo-chair"},
        )
        assert resp.status_code in (200, 201), resp.text
    finally:
        server.stop()
    assert (home / "ledger" / "entries.log").stat().st_size == size
