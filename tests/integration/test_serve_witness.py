"""``truce serve`` is a C2SP tlog-witness when ``TRUCE_WITNESS_HOME`` names a witness home
(issue 20): another log submits its checkpoints to a real server process on 127.0.0.1, with no
credentials, and gets cosignatures its policy accepts; the answers the spec defines come back
over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from truce.config import Settings
from truce.ledger.cosign import add_witness, cosigned_checkpoint
from truce.ledger.policy import Policy
from truce.ledger.tlog_witness import SIZE_TYPE, Witness, request_body, submit
from truce.node import Node
from truce.report.sample import build_sample

NAME = "witness.node.example"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def log(tmp_path: Path) -> Iterator[Node]:
    """The log being witnessed: the sample, open in this process."""
    with build_sample(Settings(home=tmp_path / "log")) as node:
        yield node


@pytest.fixture
def served(tmp_path: Path, log: Node) -> Iterator[tuple[str, Witness]]:
    """A real ``truce serve`` of another data directory, witnessing ``log``: (base URL, home)."""
    witness = Witness.init(tmp_path / "witness", NAME)
    witness.add_log(log.ledger.verifier.vkey, log.ledger.origin)
    Node.init(Settings(home=tmp_path / "node", origin="icrc.example/truce")).close()
    port = _free_port()
    env = {
        **os.environ,
        "TRUCE_HOME": str(tmp_path / "node"),
        "TRUCE_PORT": str(port),
        "TRUCE_WITNESS_HOME": str(witness.home),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "truce.cli", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError("the server exited:\n" + "".join(lines))
            lines.append(line)
            if line.startswith("serving "):
                break
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/ledger/checkpoint", timeout=5)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, witness
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        if proc.stdout is not None:
            proc.stdout.close()


def test_a_running_server_cosigns_another_logs_checkpoints(
    served: tuple[str, Witness], log: Node, tmp_path: Path
) -> None:
    base, witness = served
    url = base + "/witness"
    ledger = log.ledger
    add_witness(ledger, witness.vkey)
    first = submit(ledger, url)
    assert (first.size, first.witnesses) == (ledger.size, (NAME,))
    assert witness.latest(ledger.origin) is not None
    log.add_party("un", "United Nations observers")  # the log grows: a consistency proof
    grown = submit(ledger, url)
    assert grown.size == ledger.size > first.size and grown.witnesses == (NAME,)
    policy = Policy.from_tlog_policy(
        f"log {ledger.verifier.vkey}\nwitness node {witness.vkey} {url}\nquorum node\n"
    )
    assert policy.check(cosigned_checkpoint(ledger)).signers == [NAME]
    # The spec's answers, over HTTP with no credentials.
    endpoint = url + "/add-checkpoint"
    note = ledger.checkpoint()
    stale = httpx.post(endpoint, content=request_body(0, [], note))
    assert (stale.status_code, stale.text) == (409, f"{grown.size}\n")
    assert stale.headers["content-type"].startswith(SIZE_TYPE)
    assert httpx.post(endpoint, content=b"garbage").status_code == 400
    assert httpx.post(endpoint, content=b"x" * (65 * 1024)).status_code == 413
    with build_sample(Settings(home=tmp_path / "other", origin="other.example/log")) as other:
        foreign = httpx.post(endpoint, content=request_body(0, [], other.ledger.checkpoint()))
    assert foreign.status_code == 404, foreign.text
    assert witness.latest(ledger.origin).size == grown.size  # type: ignore[union-attr]
