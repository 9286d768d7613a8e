"""A witness that is not truce's own cosigns truce checkpoints over HTTP on 127.0.0.1, and
``truce ledger verify --policy`` accepts a tlog-policy requiring it (issue 20).

The witness is tests/go/tlogwitness: written from c2sp.org/tlog-witness and
c2sp.org/tlog-cosignature on Go's reference code (golang.org/x/mod/sumdb/note and tlog), sharing
nothing with truce's Python. A public implementation could not be used: FiloSottile's litetlog
(litewitness) declares ``go 1.23.0`` in go.mod while Debian's golang-go here is 1.19, and it needs
zombiezen.com/go/sqlite, modernc.org/sqlite, golang.org/x/crypto, golang.org/x/net and
golang.org/x/sync, which no Debian golang-*-dev package installed here provides (``go build`` with
GOPROXY=off: "module lookup disabled by GOPROXY=off"). Needs golang-go and
golang-golang-x-mod-dev (.ci/run installs them)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gobuild import build, needs_go
from truce.config import Settings
from truce.ledger.cosign import add_witness, cosigned_checkpoint
from truce.ledger.tlog_witness import SIZE_TYPE, request_body, submit
from truce.node import Node
from truce.report.sample import build_sample

pytestmark = needs_go
NAME = "witness.go.example"


@pytest.fixture(scope="module")
def binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build("tlogwitness", tmp_path_factory.mktemp("gowitness"))


@pytest.fixture
def log_home(tmp_path: Path) -> Path:
    with build_sample(Settings(home=tmp_path / "log")) as node:
        return node.settings.home


@pytest.fixture
def go_witness(binary: Path, log_home: Path) -> Iterator[tuple[str, str]]:
    """The Go witness, witnessing the sample log: (its verifier key, its submission URL)."""
    with Node.open(Settings(home=log_home)) as node:
        log_vkey = node.ledger.verifier.vkey
    proc = subprocess.Popen(
        [str(binary), "-name", NAME, "-log", log_vkey], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        vkey = proc.stdout.readline().removeprefix("vkey ").strip()
        url = proc.stdout.readline().removeprefix("listening ").strip()
        assert vkey.startswith(NAME + "+") and url.startswith("http://127.0.0.1:"), (vkey, url)
        yield vkey, url
    finally:
        proc.kill()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def _verify(home: Path, policy: Path) -> Result:
    """``truce ledger verify --policy`` (the real command, run in this process)."""
    from truce.cli import cli

    return CliRunner().invoke(
        cli, ["--home", str(home), "ledger", "verify", "--policy", str(policy)]
    )


def test_the_go_witness_cosigns_truce_checkpoints_and_a_policy_requires_it(
    log_home: Path, go_witness: tuple[str, str], tmp_path: Path
) -> None:
    vkey, url = go_witness
    policy = tmp_path / "policy.txt"
    with Node.open(Settings(home=log_home)) as node:
        ledger = node.ledger
        policy.write_text(
            f"log {ledger.verifier.vkey}\nwitness go {vkey} {url}\nquorum go\n", encoding="utf-8"
        )
        first = ledger.size
    # Before the witness has cosigned, the policy is not met.
    refused = _verify(log_home, policy)
    assert refused.exit_code != 0
    assert f"missing: {NAME}" in refused.output + str(refused.exception)
    with Node.open(Settings(home=log_home)) as node:
        ledger = node.ledger
        add_witness(ledger, vkey)
        # First submission: old 0, empty proof.
        assert submit(ledger, url).witnesses == (NAME,)
        assert f"\n— {NAME} " in cosigned_checkpoint(ledger)
        # The log grows: truce's client asks from old 0, gets 409 with the size, and sends a
        # consistency proof the Go witness checks with tlog.CheckTree.
        node.add_party("un", "United Nations observers")
        grown = submit(ledger, url)
        assert grown.size == ledger.size > first and grown.witnesses == (NAME,)
        assert f"\n— {NAME} " in cosigned_checkpoint(ledger)
    verified = _verify(log_home, policy)
    assert verified.exit_code == 0 and "quorum" in verified.output, verified.output
    assert f"size {grown.size}" in verified.output or str(grown.size) in verified.output


def test_the_go_witness_refuses_what_the_spec_says(
    log_home: Path, go_witness: tuple[str, str], tmp_path: Path
) -> None:
    """truce's requests are read by the other side as the spec means them: a stale old size is
    a 409 naming the size it holds, a proof that does not verify a 422, a foreign log a 404."""
    import httpx

    _, url = go_witness
    with Node.open(Settings(home=log_home)) as node:
        ledger = node.ledger
        note = ledger.checkpoint()
        first = ledger.size
        endpoint = url.rstrip("/") + "/add-checkpoint"
        assert httpx.post(endpoint, content=request_body(0, [], note)).status_code == 200
        stale = httpx.post(endpoint, content=request_body(0, [], note))
        assert stale.status_code == 409 and stale.text == f"{first}\n"
        assert stale.headers["content-type"].startswith(SIZE_TYPE)
        node.add_party("un", "United Nations observers")
        grown_note = ledger.checkpoint()
        good = ledger.consistency_proof(first, ledger.size)
        bad = httpx.post(endpoint, content=request_body(first, [bytes(32)] * len(good), grown_note))
        assert bad.status_code == 422, bad.text
        assert (
            httpx.post(endpoint, content=request_body(first, good, grown_note)).status_code == 200
        )
    with build_sample(Settings(home=tmp_path / "other")) as other:
        foreign = httpx.post(endpoint, content=request_body(0, [], other.ledger.checkpoint()))
    assert foreign.status_code in (403, 404), foreign.text  # same origin name: 403; else 404
